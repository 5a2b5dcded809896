"""Import benchmark: a 50,000-entity DXF, an IMDF venue with 10,000 units, an OSM PBF and a
GeoPackage of 10,000 rooms each.

PassMap's import (read + validate + georeference + one-transaction write into a new, open DuckDB
file, as the app and the CLI import into their open database) is timed side by side with reading
the same file with geopandas/pyogrio alone (GDAL's drivers: no validation, no georeferencing, no
database). ``ratio_with_new_file`` also counts creating, migrating and closing the database file
(~1 s of DuckDB and its spatial extension: the figure reported before 2026-12-03). Median of
``--repeat`` runs after one warm-up import of each file.

``cpu_ratio``: the same two, in CPU seconds of the process (DuckDB's threads included): far
less sensitive than wall time to other work on the machine. ``passmap_write_alone_s``: the
same rows written again by ``Store.apply_import`` into another
new open database (the DuckDB share of the import: one transaction, foreign keys checked).

    .venv/bin/python bench/bench_import.py [--repeat 3] [--out bench/out] [--cases pbf,gpkg]
"""

from __future__ import annotations

import argparse
import json
import platform
import statistics
import sys
import time
import uuid
import zipfile
from pathlib import Path

import numpy as np

LON0, LAT0 = -80.84, 35.22
DEG_M = 1 / 111_000


def make_dxf(path: Path, rooms: int = 5000) -> int:
    """10 entities a room: outline, 7 wall lines, a door block, a label -> 50,000 for 5,000."""
    import ezdxf

    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = 4
    for name in ("A-WALL", "A-DOOR", "A-ROOM", "A-TEXT"):
        doc.layers.add(name)
    blk = doc.blocks.new("DOOR900")
    blk.add_line((0, 0), (900, 0))
    blk.add_arc((0, 0), 900, 0, 90)
    msp = doc.modelspace()
    cols = 100
    for i in range(rooms):
        x, y = (i % cols) * 8000, (i // cols) * 7000
        msp.add_lwpolyline(
            [(x, y), (x + 8000, y), (x + 8000, y + 7000), (x, y + 7000)],
            close=True,
            dxfattribs={"layer": "A-ROOM"},
        )
        for k in range(7):
            msp.add_line((x + k * 1000, y), (x + k * 1000 + 900, y), dxfattribs={"layer": "A-WALL"})
        msp.add_blockref("DOOR900", (x + 7000, y), dxfattribs={"layer": "A-DOOR"})
        msp.add_text(str(100 + i), dxfattribs={"layer": "A-TEXT", "insert": (x + 4000, y + 3500)})
    doc.saveas(path)
    return len(msp)


def _box(x0, y0, w, h):
    k = DEG_M / 0.817
    x, y, X, Y = LON0 + x0 * k, LAT0 + y0 * DEG_M, LON0 + (x0 + w) * k, LAT0 + (y0 + h) * DEG_M
    return {"type": "Polygon", "coordinates": [[[x, y], [X, y], [X, Y], [x, Y], [x, y]]]}


def _fc(feats):
    return json.dumps({"type": "FeatureCollection", "features": feats})


def make_imdf(path: Path, units: int = 10_000, levels: int = 10) -> int:
    venue, bld = str(uuid.uuid4()), str(uuid.uuid4())
    level_ids = [str(uuid.uuid4()) for _ in range(levels)]
    per = units // levels
    cols = 40
    unit_feats, doors = [], []
    for i in range(units):
        lvl, j = level_ids[i // per], i % per
        x, y = (j % cols) * 9, (j // cols) * 8
        unit_feats.append(
            {
                "type": "Feature",
                "id": str(uuid.uuid4()),
                "feature_type": "unit",
                "geometry": _box(x, y, 9, 8),
                "properties": {
                    "category": "classroom" if j % 4 else "walkway",
                    "name": {"en": f"Room {j}"},
                    "alt_name": {"en": str(j)},
                    "level_id": lvl,
                },
            }
        )
        a = _box(x + 9, y + 3, 0, 1)["coordinates"][0]
        doors.append(
            {
                "type": "Feature",
                "id": str(uuid.uuid4()),
                "feature_type": "opening",
                "geometry": {"type": "LineString", "coordinates": [a[0], a[2]]},
                "properties": {"category": "pedestrian", "level_id": lvl, "door": {"type": "door"}},
            }
        )
    outline = _box(0, 0, cols * 9, (per // cols + 1) * 8)
    files = {
        "manifest.json": json.dumps(
            {"version": "1.0.0", "created": "2024-01-01T00:00:00", "language": "en"}
        ),
        "venue.geojson": _fc(
            [
                {
                    "type": "Feature",
                    "id": venue,
                    "feature_type": "venue",
                    "geometry": outline,
                    "properties": {"category": "education", "name": {"en": "Bench HS"}},
                }
            ]
        ),
        "building.geojson": _fc(
            [
                {
                    "type": "Feature",
                    "id": bld,
                    "feature_type": "building",
                    "geometry": None,
                    "properties": {"name": {"en": "Main"}},
                }
            ]
        ),
        "footprint.geojson": _fc(
            [
                {
                    "type": "Feature",
                    "id": str(uuid.uuid4()),
                    "feature_type": "footprint",
                    "geometry": outline,
                    "properties": {"category": "ground", "building_ids": [bld]},
                }
            ]
        ),
        "level.geojson": _fc(
            [
                {
                    "type": "Feature",
                    "id": lid,
                    "feature_type": "level",
                    "geometry": outline,
                    "properties": {"ordinal": n, "name": {"en": f"L{n}"}, "building_ids": [bld]},
                }
                for n, lid in enumerate(level_ids)
            ]
        ),
        "unit.geojson": _fc(unit_feats),
        "opening.geojson": _fc(doors),
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in files.items():
            zf.writestr(name, text)
    return units


def make_pbf(path: Path, rooms: int = 10_000) -> int:
    """10,000 indoor rooms (ways) with a door node each, written by pyosmium."""
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from tests.io.plan_makers import write_osm_pbf

    write_osm_pbf(path, rooms=rooms)
    return rooms


def make_gpkg(path: Path, rooms: int = 10_000) -> int:
    """10,000 room polygons in NC State Plane (feet), as a GIS office exports them."""
    import geopandas as gpd
    import shapely

    cols = 100
    x = LON0 + (np.arange(rooms) % cols) * 9 * DEG_M / 0.817
    y = LAT0 + (np.arange(rooms) // cols) * 8 * DEG_M
    geoms = shapely.box(x, y, x + 9 * DEG_M / 0.817, y + 8 * DEG_M)
    frame = gpd.GeoDataFrame(
        {"ROOM_NO": [str(100 + i) for i in range(rooms)], "NAME": ["Classroom"] * rooms},
        geometry=geoms,
        crs="EPSG:4326",
    ).to_crs("EPSG:2264")
    path.unlink(missing_ok=True)
    frame.to_file(path, driver="GPKG")
    return rooms


def pyogrio_osm(path: Path) -> int:
    import pyogrio

    return sum(len(pyogrio.read_dataframe(path, layer=n)) for n in ("points", "multipolygons"))


def pyogrio_gpkg(path: Path) -> int:
    import pyogrio

    return len(pyogrio.read_dataframe(path))


def _timed(fn, repeat: int) -> tuple[float, float, object]:
    """Median wall seconds, median CPU seconds of this process (every thread), the result."""
    times, cpu, result = [], [], None
    for _ in range(repeat):
        t0, c0 = time.perf_counter(), time.process_time()
        result = fn()
        times.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    return statistics.median(times), statistics.median(cpu), result


def passmap_import(path: Path, out: Path, options, repeat: int) -> tuple:
    """Median seconds of (the import into an open database, as the app and CLI run it; the
    same plus creating, migrating and closing a new DuckDB file: the figure before 2026-12-03;
    the database write alone: the same rows written again by ``Store.apply_import`` into
    another new open database, one transaction) and the counts. Every run writes into a new
    file."""
    from passmap.importers import import_path
    from passmap.store import Store

    alone, whole, write, cpu, counts = [], [], [], [], {}
    for _ in range(repeat):
        db, db2 = (out / f"bench-{uuid.uuid4().hex[:8]}.duckdb" for _ in range(2))
        t0 = time.perf_counter()
        store = Store(db)
        t1, c1 = time.perf_counter(), time.process_time()
        report = import_path(store, path, options)
        t2, c2 = time.perf_counter(), time.process_time()
        store.close()
        t3 = time.perf_counter()
        counts = report.counts
        with Store(db2) as other:
            t4 = time.perf_counter()
            other.apply_import(report.bundle, "bench", "bench")
            write.append(time.perf_counter() - t4)
        alone.append(t2 - t1)
        cpu.append(c2 - c1)
        whole.append(t3 - t0)
        for file in (db, db2):
            file.unlink(missing_ok=True)
            Path(str(file) + ".wal").unlink(missing_ok=True)
    medians = (statistics.median(x) for x in (alone, whole, write, cpu))
    return (*medians, counts)


def pyogrio_dxf(path: Path) -> int:
    import pyogrio

    return len(pyogrio.read_dataframe(path))


def pyogrio_imdf(path: Path) -> int:
    import pyogrio

    n = 0
    for name in ("venue", "footprint", "level", "unit", "opening"):
        n += len(pyogrio.read_dataframe(f"/vsizip/{path}/{name}.geojson"))
    return n


def machine() -> str:
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in open("/proc/cpuinfo")
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {sys.version.split()[0]}, {platform.system()}"


def main(argv=None) -> int:
    from passmap.importers.base import ImportOptions

    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default="bench/out")
    ap.add_argument(
        "--cases",
        default="dxf,imdf,pbf,gpkg",
        help="comma-separated subset of dxf,imdf,pbf,gpkg (default: all four)",
    )
    args = ap.parse_args(argv)
    cases = set(args.cases.split(","))
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    dxf, imdf = out / "bench-50k.dxf", out / "bench-10k-units.zip"
    pbf, gpkg = out / "bench-10k-rooms.osm.pbf", out / "bench-10k-rooms.gpkg"
    entities = make_dxf(dxf) if "dxf" in cases else 0
    units = make_imdf(imdf) if "imdf" in cases else 0
    osm_rooms = make_pbf(pbf) if "pbf" in cases else 0
    gpkg_rooms = make_gpkg(gpkg) if "gpkg" in cases else 0
    dxf_opts = ImportOptions(
        building_id="bench",
        georef=[(0, 0, LON0, LAT0), (800_000, 0, LON0 + 0.0088, LAT0)],
        layers={
            "walls": ["A-WALL"],
            "doors": ["A-DOOR"],
            "rooms": ["A-ROOM"],
            "labels": ["A-TEXT"],
        },
    )
    rows = []

    def size(path: Path) -> str:
        return f"{path.stat().st_size / 1e6:.1f} MB" if path.exists() else "-"

    for case, label, path, opts, theirs in (
        ("dxf", f"DXF, {entities:,} entities ({size(dxf)})", dxf, dxf_opts, pyogrio_dxf),
        (
            "imdf",
            f"IMDF zip, {units:,} units + {units:,} openings, 10 levels ({size(imdf)})",
            imdf,
            ImportOptions(),
            pyogrio_imdf,
        ),
        (
            "pbf",
            f"OSM PBF, {osm_rooms:,} indoor rooms + {osm_rooms:,} doors ({size(pbf)})",
            pbf,
            ImportOptions(building_id="osm"),
            pyogrio_osm,
        ),
        (
            "gpkg",
            f"GeoPackage, {gpkg_rooms:,} rooms in State Plane feet ({size(gpkg)})",
            gpkg,
            ImportOptions(building_id="gpkg"),
            pyogrio_gpkg,
        ),
    ):
        if case not in cases:
            continue
        passmap_import(path, out, opts, 1)  # warm: the first import loads the importer modules
        t_alone, t_whole, t_write, c_alone, counts = passmap_import(path, out, opts, args.repeat)
        t_theirs, c_theirs, n = _timed(lambda p=path, f=theirs: f(p), args.repeat)
        rows.append(
            {
                "input": label,
                "passmap_import_s": round(t_alone, 2),
                "passmap_with_new_file_s": round(t_whole, 2),
                "pyogrio_s": round(t_theirs, 2),
                "ratio": round(t_alone / t_theirs, 1),
                "ratio_with_new_file": round(t_whole / t_theirs, 1),
                "passmap_write_alone_s": round(t_write, 2),
                "write_alone_ratio": round(t_write / t_theirs, 1),
                "passmap_import_cpu_s": round(c_alone, 3),
                "pyogrio_cpu_s": round(c_theirs, 3),
                "cpu_ratio": round(c_alone / c_theirs, 1),
                "passmap_rows": counts,
                "pyogrio_features": n,
            }
        )
    print(json.dumps({"machine": machine(), "repeat": args.repeat, "results": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
