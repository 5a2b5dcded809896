"""Exports (IMDF, GeoJSON per layer, CSV inventory, DuckDB copy) and import -> export -> import."""

from __future__ import annotations

import csv
import json
import re
import zipfile

import pytest
from shapely.geometry import shape

from passmap.exporters import export
from passmap.imdf_vocab import FEATURE_TYPES
from passmap.importers import import_path
from tests.io.io_makers import box, line, pt

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
TABLES = ("building", "level", "zone", "opening", "control")
CM_DEG = 0.01 / 111_000 * 1.5  # 1 cm in degrees, with margin for longitude


@pytest.fixture
def rich_store(site_store):
    """The base site plus doors with attributes and controls of every geometry kind."""
    site_store.apply_import(
        {
            "opening": [
                {
                    "id": "d1",
                    "campus_id": "c1",
                    "building_id": "b1",
                    "level_id": "b1-l0",
                    "zone_id": "z101",
                    "door_class": "exterior-primary",
                    "number": "1",
                    "lock_function": "electrified",
                    "lock_inside_operable": True,
                    "monitored": True,
                    "glazing_protection": "film",
                    "geom": shape(line(0, 3, 0, 4)),
                    "props": {"x": 1},
                },
                {
                    "id": "d2",
                    "campus_id": "c1",
                    "building_id": "b1",
                    "level_id": "b1-l0",
                    "zone_id": "z101",
                    "to_zone_id": "z102",
                    "door_class": "classroom",
                    "geom": shape(line(10, 3, 10, 4)),
                },
            ],
            "control": [
                {
                    "id": "cam1",
                    "campus_id": "c1",
                    "building_id": "b1",
                    "level_id": "b1-l0",
                    "zone_id": "z101",
                    "type": "camera",
                    "name": "Hall",
                    "bearing_deg": 90.5,
                    "fov_deg": 70,
                    "range_m": 14,
                    "external_id": "CAM-1",
                    "installed_on": "2024-05-01",
                    "attrs": {"mount": "interior", "tier": "2"},
                    "geom": shape(pt(2, 2)),
                },
                {
                    "id": "aed1",
                    "campus_id": "c1",
                    "building_id": "b1",
                    "level_id": "b1-l0",
                    "zone_id": "z102",
                    "type": "aed",
                    "geom": shape(pt(12, 2)),
                },
                {
                    "id": "cov1",
                    "campus_id": "c1",
                    "building_id": "b1",
                    "level_id": "b1-l0",
                    "type": "radio_coverage",
                    "geom": shape(box(1, 1, 3, 3)),
                },
                {
                    "id": "fence1",
                    "campus_id": "c1",
                    "type": "fence",
                    "geom": shape(line(-10, -10, 30, -10)),
                },
                {"id": "gate1", "campus_id": "c1", "type": "gate", "geom": shape(pt(-5, -10))},
            ],
            "wall": [
                {
                    "id": "w1",
                    "campus_id": "c1",
                    "building_id": "b1",
                    "level_id": "b1-l0",
                    "geom": shape(line(0, 8, 20, 8)),
                }
            ],
        },
        "test",
        "rich",
    )
    return site_store


def _rows(store, table):
    frame = getattr(store, f"list_{table}s" if table != "building" else "list_buildings")()
    return {r["id"]: r for r in frame.to_dict("records")}


def _same(a, b):
    from passmap.exporters.common import plain

    for table in TABLES:
        ra, rb = _rows(a, table), _rows(b, table)
        assert ra.keys() == rb.keys(), table
        for fid, row in ra.items():
            other = rb[fid]
            ga, gb = row.pop("geometry"), other.pop("geometry")
            if ga is None:
                assert gb is None
            else:
                assert ga.geom_type == gb.geom_type and ga.hausdorff_distance(gb) < CM_DEG, fid
            for k in row:
                if k == "version":
                    continue
                assert plain(row[k]) == plain(other[k]), (table, fid, k)


@pytest.mark.parametrize("fmt", ["imdf", "geojson"])
def test_round_trip_same_ids_and_geometry(rich_store, store, tmp_path, fmt):
    out = tmp_path / ("x.zip" if fmt == "imdf" else "layers")
    export(rich_store, fmt, out)
    import_path(store, out if fmt == "imdf" else sorted(out.glob("*.geojson")))
    _same(rich_store, store)
    if fmt == "geojson":
        assert [r[0]["id"] for r in store.wall_rows()] == ["w1"]
    # ... and once more: a second export of the copy is identical in content
    out2 = tmp_path / ("y.zip" if fmt == "imdf" else "layers2")
    export(store, fmt, out2)
    import_path(store, out2 if fmt == "imdf" else sorted(out2.glob("*.geojson")))
    _same(rich_store, store)


def test_imdf_structure_manifest_uuids_pass_extension(rich_store, tmp_path):
    counts = export(rich_store, "imdf", tmp_path / "v.zip")
    zf = zipfile.ZipFile(tmp_path / "v.zip")
    manifest = json.loads(zf.read("manifest.json"))
    assert manifest["version"] == "1.0.0" and manifest["language"] and manifest["created"]
    assert manifest["extensions"] == ["imdf:extension:passmap:pass#1.0.0"]
    ids = set()
    for name in FEATURE_TYPES[:-2]:  # detail and pass_site may be empty
        doc = json.loads(zf.read(f"{name}.geojson"))
        assert doc["type"] == "FeatureCollection"
        for f in doc["features"]:
            assert UUID.match(f["id"]) and f["feature_type"] == name
            ids.add(f["id"])
    assert counts["unit"] == 2 and counts["amenity"] == 2 and counts["fixture"] == 1
    assert counts["pass_site"] == 3  # lot, fence, gate: grounds have no level
    doors = {
        f["properties"]["pass"]["id"]: f for f in json.loads(zf.read("opening.geojson"))["features"]
    }
    assert doors["d1"]["properties"]["category"] == "pedestrian.principal"
    assert doors["d1"]["properties"]["pass"]["number"] == "1"
    assert doors["d1"]["properties"]["pass"]["door_class"] == "exterior-primary"
    cam = next(
        f
        for f in json.loads(zf.read("amenity.geojson"))["features"]
        if f["properties"]["pass"]["id"] == "cam1"
    )
    assert (
        cam["properties"]["pass"]["type"] == "camera" and cam["properties"]["pass"]["tier"] == "2"
    )
    units = {f["id"] for f in json.loads(zf.read("unit.geojson"))["features"]}
    assert cam["properties"]["unit_ids"][0] in units
    # stable ids: a second export gives the same uuids
    export(rich_store, "imdf", tmp_path / "w.zip")
    again = json.loads(zipfile.ZipFile(tmp_path / "w.zip").read("unit.geojson"))
    assert {f["id"] for f in again["features"]} == units


def test_csv_inventory_and_duckdb_copy(rich_store, tmp_path):
    assert export(rich_store, "csv", tmp_path / "inv.csv") == {"controls": 5}
    rows = list(csv.DictReader((tmp_path / "inv.csv").open()))
    cam = next(r for r in rows if r["id"] == "cam1")
    assert (
        cam["external_id"] == "CAM-1"
        and float(cam["bearing_deg"]) == 90.5
        and float(cam["lon"]) < -80
    )
    written = export(rich_store, "duckdb", tmp_path / "copy.duckdb")
    assert written["bytes"] > 0
    from passmap.store import Store

    with Store(tmp_path / "copy.duckdb", read_only=True) as copy:
        assert copy.stats()["totals"] == rich_store.stats()["totals"]
