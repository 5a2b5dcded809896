"""One IMDF vocabulary for both writers and the importer: every control type round-trips; walls
leave and come back; every language of a name is kept; a venue re-imports over itself."""

from __future__ import annotations

import json
import zipfile

import pytest
from shapely.geometry import shape

from passmap.exporters import export
from passmap.imdf_vocab import AMENITY_CATEGORY, amenity_category, control_type
from passmap.importers import import_path
from passmap.model import CONTROL_TYPES
from passmap.reports.responder_export import responder_imdf
from tests.io.io_makers import imdf_features, line, pt


def _every_type(store):
    rows = [
        {
            "id": f"ctl-{t}",
            "campus_id": "c1",
            "building_id": "b1",
            "level_id": "b1-l0",
            "zone_id": "z101",
            "type": t,
            "name": t.replace("_", " "),
            "geom": shape(pt(1 + i * 0.3, 2)),
        }
        for i, t in enumerate(CONTROL_TYPES)
    ]
    wall = {"id": "w1", "campus_id": "c1", "building_id": "b1", "level_id": "b1-l0"}
    wall["geom"] = shape(line(0, 8, 20, 8))
    store.apply_import({"control": rows, "wall": [wall]}, "test", "every type")
    return store


def test_vocabulary_is_one_to_one_where_it_names_a_type():
    for ctype in CONTROL_TYPES:
        cat = amenity_category(ctype)
        assert control_type(cat) in (ctype, None), (ctype, cat)
    assert len(set(AMENITY_CATEGORY.values())) == len(AMENITY_CATEGORY)
    assert control_type("emergencyphone") == "duress_button"  # was: leaves as it, returns intercom


def test_imdf_export_round_trips_every_control_type_and_walls(site_store, store, tmp_path):
    _every_type(site_store)
    counts = export(site_store, "imdf", tmp_path / "v.zip")
    assert counts["detail"] >= 1  # the wall, as a PassMap detail
    import_path(store, tmp_path / "v.zip")
    got = store.list_controls().set_index("id")["type"].to_dict()
    assert {f"ctl-{t}": t for t in CONTROL_TYPES}.items() <= got.items()
    walls = dict(store.wall_rows()[0][0])
    assert walls["id"] == "w1" and walls["level_id"] == "b1-l0"


def test_imdf_categories_alone_bring_back_the_types_they_name(site_store, store, tmp_path):
    """A vendor tool that drops PassMap's extension still gets AED, trauma kit, duress."""
    _every_type(site_store)
    export(site_store, "imdf", tmp_path / "v.zip")
    stripped = tmp_path / "vendor.zip"
    with zipfile.ZipFile(tmp_path / "v.zip") as src, zipfile.ZipFile(stripped, "w") as dst:
        for name in src.namelist():
            if name == "pass_site.geojson":
                continue
            doc = json.loads(src.read(name))
            for f in doc.get("features") or []:
                f.get("properties", {}).pop("pass", None)
            dst.writestr(name, json.dumps(doc))
    import_path(store, stripped)
    types = set(store.list_controls()["type"])
    assert types == set(AMENITY_CATEGORY)  # aed, trauma_kit, duress_button: nothing else


def test_responder_imdf_round_trips_every_control_type(site_store, store, tmp_path):
    _every_type(site_store)
    responder_imdf(site_store, "c1", tmp_path / "r.zip")
    with zipfile.ZipFile(tmp_path / "r.zip") as zf:
        sent = json.loads(zf.read("amenity.geojson"))["features"]
    written = {f["properties"]["passmap:type"] for f in sent}
    assert {"duress_button", "aed", "camera"} <= written  # the responder layers' controls
    import_path(store, tmp_path / "r.zip")
    assert set(store.list_controls()["type"]) == written


def _features(path) -> dict[str, list[dict]]:
    with zipfile.ZipFile(path) as zf:
        return {
            n.removesuffix(".geojson"): json.loads(zf.read(n))["features"]
            for n in zf.namelist()
            if n.endswith(".geojson")
        }


def test_both_imdf_exports_give_an_entity_the_same_id(site_store, tmp_path):
    """A responder's system importing the full export and the responder export matches their
    features: one id per zone, door, device, level, building and campus."""
    _every_type(site_store)
    door = {"id": "d1", "campus_id": "c1", "building_id": "b1", "level_id": "b1-l0"}
    door |= {"zone_id": "z101", "door_class": "exterior-primary", "geom": shape(line(0, 3, 0, 4))}
    site_store.apply_import({"opening": [door]}, "test", "a door")
    export(site_store, "imdf", tmp_path / "full.zip")
    responder_imdf(site_store, "c1", tmp_path / "r.zip")
    full, sent = _features(tmp_path / "full.zip"), _features(tmp_path / "r.zip")
    zone_ids = {f["properties"]["pass"]["id"]: f["id"] for f in full["unit"]}
    assert zone_ids["z101"] in {f["id"] for f in sent["unit"]}
    assert [f["id"] for f in sent["opening"]] == [f["id"] for f in full["opening"]]
    full_ids = {f["id"] for feats in full.values() for f in feats if "id" in f}
    sent_ids = {f["id"] for name, feats in sent.items() if name != "passmap_grid" for f in feats}
    assert {"venue", "level", "unit", "opening", "amenity"} <= {n for n in sent if sent[n]}
    assert sent_ids <= full_ids
    full_levels = {f["id"] for f in full["level"]}
    assert {f["properties"]["level_id"] for f in sent["unit"] + sent["opening"]} <= full_levels


def _zip(path, files: dict):
    with zipfile.ZipFile(path, "w") as zf:
        for name, doc in files.items():
            zf.writestr(name, json.dumps(doc))
    return path


def test_every_language_of_a_name_is_kept_and_exported(store, tmp_path):
    files = imdf_features(2)
    unit = files["unit.geojson"]["features"][0]
    unit["properties"]["name"] = {"en": "Library", "ru": "Библиотека"}
    files["building.geojson"]["features"][0]["properties"]["name"] = None
    import_path(store, _zip(tmp_path / "v.zip", files))
    zone = store.list_zones().set_index("name").loc["Library"]
    assert zone["props"]["names"] == {"en": "Library", "ru": "Библиотека"}
    building = store.list_buildings().iloc[0]
    assert building["name"] == "Test High 1"  # an unnamed IMDF building: venue name, not UUID
    export(store, "imdf", tmp_path / "out.zip")
    with zipfile.ZipFile(tmp_path / "out.zip") as zf:
        units = json.loads(zf.read("unit.geojson"))["features"]
    names = [u["properties"]["name"] for u in units]
    assert {"en": "Library", "ru": "Библиотека"} in names


def test_reimporting_a_venue_already_in_the_database(store, tmp_path):
    path = _zip(tmp_path / "v.zip", imdf_features(3))
    import_path(store, path)
    again = import_path(store, path)
    assert again.detail["zone"] == {"created": 0, "updated": 3}
    assert again.detail["building"]["updated"] == 1


@pytest.mark.parametrize("fmt", ["geojson"])
def test_own_geojson_export_is_not_taken_for_imdf(site_store, store, tmp_path, fmt):
    _every_type(site_store)
    export(site_store, fmt, tmp_path / "out")
    report = import_path(store, tmp_path / "out")
    assert report.format == "geojson"
    assert len(store.list_controls()) == len(CONTROL_TYPES) and report.counts["wall"] == 1
