"""Open exports: GeoJSON per layer (docs/GEOJSON.md schema), a CSV device inventory, and a copy
of the DuckDB file.

>>> sorted(INVENTORY_COLUMNS)[:3]
['bearing_deg', 'building_id', 'campus_id']
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

from passmap.csvsafe import safe_row
from passmap.exporters.common import SITE_ORDER, feature, table_rows

INVENTORY_COLUMNS = (
    "id",
    "type",
    "name",
    "external_id",
    "campus_id",
    "building_id",
    "level_id",
    "zone_id",
    "opening_id",
    "lon",
    "lat",
    "bearing_deg",
    "fov_deg",
    "range_m",
    "installed_on",
    "last_tested_on",
    "procedure_doc",
)


def export_geojson(store, out_dir: Path) -> dict[str, int]:
    """One FeatureCollection per layer: ``<out_dir>/<table>.geojson``; re-importable as is."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table in SITE_ORDER:
        feats = []
        for row in table_rows(store, table):
            geom = row.pop("geometry")
            row.pop("version", None)
            props = {"feature_type": table, **{k: v for k, v in row.items() if v is not None}}
            feats.append(feature(props, geom))
        doc = {"type": "FeatureCollection", "name": table, "features": feats}
        (out_dir / f"{table}.geojson").write_text(json.dumps(doc), encoding="utf-8")
        counts[table] = len(feats)
    walls = [
        feature({"feature_type": "wall", **{k: v for k, v in row.items() if v is not None}}, geom)
        for row, geom in store.wall_rows()
    ]
    if walls:  # CAD walls (migration 0005), re-read by PassMap's GeoJSON importer
        (out_dir / "wall.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "name": "wall", "features": walls}),
            encoding="utf-8",
        )
        counts["wall"] = len(walls)
    return counts


def export_inventory_csv(store, out_path: Path) -> int:
    """Every control with its position (a point on it) and ids, one row each."""
    rows = table_rows(store, "control")
    out_path = Path(out_path)
    out_path.parent.mkdir(parents=True, exist_ok=True)
    with out_path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.DictWriter(fh, fieldnames=INVENTORY_COLUMNS, extrasaction="ignore")
        w.writeheader()
        for r in rows:
            p = r["geometry"].representative_point() if r["geometry"] is not None else None
            w.writerow(
                safe_row(  # names that look like formulas stay text in a spreadsheet
                    {
                        **r,
                        "lon": None if p is None else round(p.x, 7),
                        "lat": None if p is None else round(p.y, 7),
                    }
                )
            )
    return len(rows)


def export_duckdb(store, out_path: Path) -> int:
    """A consistent copy of the database file (checkpoint, then copy); returns its bytes."""
    return store.copy_database(Path(out_path))
