"""``import_path(store, path, options)``: detect the format, read, write in ONE transaction.

>>> detect_format(Path("plan.dxf")), detect_format(Path("venue.zip")), detect_format(Path("d.xlsx"))
('dxf', 'imdf', 'schedule')
"""

from __future__ import annotations

import json
from pathlib import Path

from passmap.importers.base import ImportContext, ImportFailed, ImportOptions, ImportReport

FORMATS = ("imdf", "geojson", "geojson-plain", "osm", "wrld", "dxf", "image", "schedule")


def _json_kind(path: Path) -> str:
    from passmap.importers.geojson_mapped import is_project_schema
    from passmap.importers.osm_indoor import is_osm_indoor
    from passmap.importers.wrld import is_wrld_main

    if path.stat().st_size > 200 * 1024 * 1024:
        return "geojson"  # the reader refuses it with the size message
    try:
        doc = json.loads(path.read_bytes())
    except (json.JSONDecodeError, UnicodeDecodeError):
        return "geojson"  # the reader reports the JSON error with the file name
    if not isinstance(doc, dict):
        return "geojson"
    if is_wrld_main(doc):
        return "wrld"
    if is_project_schema(doc):
        return "geojson"
    if is_osm_indoor(doc):
        return "osm"
    return "geojson-plain"


def detect_format(path: Path) -> str:
    suffix = path.suffix.lower()
    if path.is_dir():
        if (path / "main.json").exists():
            return "wrld"
        if any(path.rglob("level.geojson")) or any(path.rglob("manifest.json")):
            return "imdf"
        return "geojson"
    if suffix == ".zip":
        return "imdf"
    if suffix == ".dxf":
        return "dxf"
    if suffix in (".png", ".jpg", ".jpeg", ".pdf"):
        return "image"
    if suffix in (".csv", ".xlsx", ".xlsm", ".tsv"):
        return "schedule"
    if suffix in (".json", ".geojson") and path.exists():
        return _json_kind(path)
    raise ImportFailed(
        f"{path}: unknown file type {suffix or '(none)'!r}; use --format ({', '.join(FORMATS)})."
    )


def _files(path: Path) -> list[Path]:
    if path.is_dir():
        return sorted(p for p in path.glob("*.geojson"))
    return [path]


def read_into(ctx: ImportContext, paths: list[Path], fmt: str) -> None:
    from passmap.importers import dxf, geojson_mapped, image, imdf, osm_indoor, schedules, wrld

    first = paths[0]
    if fmt == "imdf":
        imdf.read_imdf(ctx, first)
    elif fmt == "wrld":
        wrld.read_wrld(ctx, first / "main.json" if first.is_dir() else first)
    elif fmt == "osm":
        osm_indoor.read_osm(ctx, [f for p in paths for f in _files(p)])
    elif fmt == "geojson":
        geojson_mapped.read_project(ctx, [f for p in paths for f in _files(p)])
    elif fmt == "geojson-plain":
        geojson_mapped.read_plain(ctx, [f for p in paths for f in _files(p)])
    elif fmt == "dxf":
        dxf.read_dxf(ctx, first)
    elif fmt == "image":
        image.read_image(ctx, first)
    elif fmt == "schedule":
        schedules.read_schedule(ctx, first)
    else:
        raise ImportFailed(f"{first}: unknown format {fmt!r} (one of {', '.join(FORMATS)}).")


def import_path(store, path, options: ImportOptions | None = None) -> ImportReport:
    """Import one file, folder or archive (or a list of files of one format).

    All or nothing: the rows are written in one transaction; on any error nothing is written
    and the exception's message names the file, the feature and the problem.
    """
    options = options or ImportOptions()
    paths = [Path(p) for p in (path if isinstance(path, (list, tuple)) else [path])]
    for p in paths:
        if not p.exists():
            raise ImportFailed(f"{p}: no such file or folder.")
    fmt = options.format or detect_format(paths[0])
    source = ", ".join(p.name for p in paths)
    ctx = ImportContext(options, source, store)
    read_into(ctx, paths, fmt)
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
    report = ImportReport(source, fmt, flat, ctx.warnings, options.dry_run, bundle)
    report.detail = counts
    return report
