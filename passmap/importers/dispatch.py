"""``import_path(store, path, options)``: detect the format, read, write in ONE transaction.

Every failure reaches the person as ONE sentence naming the file, the feature and the problem:
readers raise ``ImportFailed``; anything else a library raises is turned into such a sentence
here, and server folders are taken out of every message (only file names are shown).

>>> detect_format(Path("plan.dxf")), detect_format(Path("venue.zip")), detect_format(Path("d.xlsx"))
('dxf', 'imdf', 'schedule')
>>> scrub("/srv/uploads/tmp123/plan.dxf: layer 'A' is empty")
"plan.dxf: layer 'A' is empty"
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from passmap.gcpause import gc_paused
from passmap.importers.base import ImportContext, ImportFailed, ImportOptions, ImportReport

# What each --format reads (``passmap import --help`` prints this table).
READS = {
    "imdf": "IMDF venue archive (.zip) or folder (Apple Indoor Mapping Data Format)",
    "geojson": "PassMap's own GeoJSON export (folder or .geojson)",
    "geojson-plain": "any GeoJSON of rooms and doors; a declared projected CRS is reprojected; "
    "several files = one level each",
    "osm": "OpenStreetMap .osm (XML), the API's JSON, .pbf, or indoor=* GeoJSON",
    "wrld": "WRLD3D indoor map (folder with main.json, or its floor files: one level each)",
    "dxf": "AutoCAD DXF drawing .dxf (any text encoding), placed by --georef or --corners",
    "image": "floor plan image .png/.jpg or a PDF page (the level's underlay), placed by "
    "--corners or --georef",
    "schedule": "door or camera schedule .csv/.tsv/.xlsx",
    "indoorgml": "OGC IndoorGML .gml (cells, doors, levels; pixel plans placed by --georef)",
    "gis": "Shapefile .shp, GeoPackage .gpkg or FlatGeobuf .fgb (any CRS, reprojected)",
}
FORMATS = tuple(READS)
OSM_SUFFIXES = (".osm", ".pbf")
GIS_SUFFIXES = (".shp", ".gpkg", ".fgb")
_DIRS = re.compile(r"(?<![\w.'\"])(?:[A-Za-z]:)?[/\\](?:[^\s/\\:'\"]+[/\\])+")


def scrub(message: str, paths: list[Path] = ()) -> str:
    """Drop folder paths from a message: a person sees file names, never server folders (the
    folders of the imported files, then any other absolute folder outside quotes)."""
    import tempfile

    from passmap.config import ROOT

    folders = {str(p.parent) for p in paths} | {str(p.resolve().parent) for p in paths}
    folders |= {tempfile.gettempdir(), str(ROOT)}
    for folder in sorted(folders, key=len, reverse=True):
        if folder not in ("", ".", "/"):
            message = message.replace(folder.rstrip("/") + "/", "")
    return _DIRS.sub("", message)


def _json_kind(path: Path) -> str:
    from passmap.importers.geojson_mapped import is_project_schema
    from passmap.importers.osm_data import is_osm_json
    from passmap.importers.osm_indoor import is_osm_indoor
    from passmap.importers.wrld import is_wrld_floor, is_wrld_main

    if path.stat().st_size > 200 * 1024 * 1024:
        return "geojson"  # the reader refuses it with the size message
    try:
        doc = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "geojson"  # the reader reports the JSON error with the file name
    if not isinstance(doc, dict):
        return "geojson"
    if is_wrld_main(doc) or is_wrld_floor(doc):
        return "wrld"
    if is_osm_json(doc):
        return "osm"
    if is_project_schema(doc):
        return "geojson"
    if is_osm_indoor(doc):
        return "osm"
    return "geojson-plain"


def _folder_kind(path: Path) -> str:
    from passmap.importers.geojson_mapped import is_project_export

    if (path / "main.json").exists():
        return "wrld"
    if is_project_export(path):  # PassMap's own export: district.geojson, campus.geojson, ...
        return "geojson"
    if any(path.rglob("level.geojson")) or any(path.rglob("manifest.json")):
        return "imdf"
    return "geojson"


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if path.is_dir():
        return _folder_kind(path)
    if suffix == ".zip":
        return "imdf"
    if suffix == ".dxf":
        return "dxf"
    if suffix in (".png", ".jpg", ".jpeg", ".pdf"):
        return "image"
    if suffix in (".csv", ".xlsx", ".xlsm", ".tsv"):
        return "schedule"
    if suffix in OSM_SUFFIXES:
        return "osm"
    if suffix == ".gml":
        return "indoorgml"
    if suffix in GIS_SUFFIXES:
        return "gis"
    if suffix in (".json", ".geojson") and path.exists():
        return _json_kind(path)
    raise ImportFailed(
        f"{path.name}: unknown file type {suffix or '(none)'!r}; use --format "
        f"({', '.join(FORMATS)})."
    )


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.glob("*.geojson"))
    return [path]


def read_into(ctx: ImportContext, paths: list[Path], fmt: str) -> None:
    from passmap.importers import (
        dxf,
        geojson_mapped,
        gis,
        image,
        imdf,
        indoorgml,
        osm_data,
        osm_indoor,
        schedules,
        wrld,
    )

    first = paths[0]
    files = [f for p in paths for f in _files(p)]
    if fmt == "wrld" and first.is_file() and first.name != "main.json":
        wrld.read_wrld_floors(ctx, files)  # floor files picked out of a WRLD folder
        return
    if fmt == "osm" and osm_data.is_osm_data(files):
        osm_data.read_osm_data(ctx, files)
        return
    # Each format's reader and what it reads: the first path or every file.
    readers = {
        "imdf": (imdf.read_imdf, first),
        "wrld": (wrld.read_wrld, first / "main.json" if first.is_dir() else first),
        "osm": (osm_indoor.read_osm, files),
        "geojson": (geojson_mapped.read_project, files),
        "geojson-plain": (geojson_mapped.read_plain, files),
        "gis": (gis.read_gis, files),
        "indoorgml": (indoorgml.read_indoorgml, first),
        "dxf": (dxf.read_dxf, first),
        "image": (image.read_image, first),
        "schedule": (schedules.read_schedule, first),
    }
    if fmt not in readers:
        raise ImportFailed(f"{first.name}: unknown format {fmt!r} (one of {', '.join(FORMATS)}).")
    read, source = readers[fmt]
    read(ctx, source)


def import_path(store, path, options: ImportOptions | None = None) -> ImportReport:
    """Import one file, folder or archive (or a list of files of one format).

    All or nothing: the rows are written in one transaction; on any error nothing is written
    and the exception's message (one sentence) names the file, the feature and the problem.
    """
    from passmap.store import StoreError

    options = options or ImportOptions()
    paths = [Path(p) for p in (path if isinstance(path, (list, tuple)) else [path])]
    source = ", ".join(p.name for p in paths)
    try:
        with gc_paused():  # passmap/gcpause.py: it allocates a few dicts per feature
            return _import(store, paths, options, source)
    except (ImportFailed, StoreError) as exc:
        raise type(exc)(scrub(str(exc), paths)) from None
    except MemoryError:
        raise ImportFailed(f"{source}: too large to import in this server's memory.") from None
    except Exception as exc:  # a library's surprise becomes one sentence (re-raised)
        raise ImportFailed(
            f"{source}: could not be imported ({type(exc).__name__} while reading it; the file "
            "may be damaged or in an unexpected shape); nothing was written."
        ) from exc


def _import(store, paths: list[Path], options: ImportOptions, source: str) -> ImportReport:
    from passmap.importers.hierarchy import fill_missing_geometry

    for p in paths:
        if not p.exists():
            raise ImportFailed(f"{p.name}: no such file or folder.")
    fmt = options.format or detect_format(paths[0])
    ctx = ImportContext(options, source, store)
    read_into(ctx, paths, fmt)
    fill_missing_geometry(ctx)
    bundle = {t: rows for t, rows in ctx.bundle.items() if rows}
    if not bundle:
        raise ImportFailed(f"{source}: nothing to import.")
    counts = store.apply_import(bundle, options.actor, f"{fmt}:{source}", options.dry_run)
    if not options.dry_run:
        for step in ctx.after_commit:
            step()
    flat = {t: c["created"] + c["updated"] for t, c in counts.items()}
    for t, c in counts.items():
        if c.get("geometry_kept"):
            ctx.warn(
                f"{c['geometry_kept']} existing {t}(s) drawn differently in the file kept "
                "their stored outline (it cannot change while rooms refer to it); delete "
                "and re-import the building to replace it."
            )
    report = ImportReport(
        source, fmt, flat, [scrub(w, paths) for w in ctx.warnings], options.dry_run
    )
    report.bundle = bundle
    report.detail = counts
    return report
