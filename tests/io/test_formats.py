"""Formats a district brings: OSM (XML, API JSON, PBF), IndoorGML, Shapefile, GeoPackage,
FlatGeobuf, GeoJSON with a declared CRS, several floors in one command, campus grounds."""

from __future__ import annotations

import json

import pytest

from passmap.importers import import_path
from passmap.importers.base import ImportOptions
from tests.io.io_makers import LAT0, LON0, box, fc, feat, write_imdf_zip
from tests.io.plan_makers import (
    write_campus_geojson,
    write_gis,
    write_indoorgml,
    write_osm_json,
    write_osm_pbf,
    write_osm_xml,
    write_plan_dxf,
)

DXF_LAYERS = {"rooms": ["Pièces"], "labels": ["Texte_Pièces"], "doors": ["Portes"]}


def test_osm_xml_rooms_doors_and_campus_grounds(store, tmp_path):
    report = import_path(store, write_osm_xml(tmp_path / "school.osm"), ImportOptions())
    assert report.format == "osm"
    zones = store.list_zones().set_index("id")
    room = zones.loc["osm-way-100"]
    assert (room["kind"], room["name"], room["room_number"]) == ("classroom", "Aula", "101")
    assert zones.loc["osm-way-102", "kind"] == "parking"
    assert zones.loc["osm-way-103", "kind"] == "drive"  # a driveway line, buffered into a zone
    assert zones.loc["osm-way-104", "kind"] == "field"
    controls = store.list_controls().set_index("id")
    assert controls.loc["osm-way-101", "type"] == "fence"
    assert controls.loc["osm-node-13", "type"] == "gate"
    openings = store.list_openings()
    assert openings["id"].tolist() == ["osm-node-5"]  # the door; never the fence or the gate


def test_osm_api_json(store, tmp_path):
    report = import_path(store, write_osm_json(tmp_path / "map.json"), ImportOptions())
    assert report.format == "osm"
    zone = store.list_zones().set_index("id").loc["osm-way-10"]
    assert (zone["kind"], zone["room_number"]) == ("staff", "12")
    assert store.list_openings()["door_class"].tolist() == ["exterior-primary"]
    assert store.list_controls()["type"].tolist() == ["fence"]


def test_osm_pbf(store, tmp_path):
    report = import_path(store, write_osm_pbf(tmp_path / "school.osm.pbf", rooms=3), None)
    assert report.format == "osm"
    assert report.counts["zone"] == 3 and report.counts["opening"] == 3
    assert store.list_controls()["type"].tolist() == ["fence"]


@pytest.mark.parametrize("pixels", [True, False])
def test_indoorgml_cells_doors_levels(store, tmp_path, pixels):
    path = write_indoorgml(tmp_path / "school.gml", pixels=pixels)
    opts = ImportOptions(building_id="igml")
    if pixels:  # plan pixels (y down) placed by its corners, like an image
        opts.corners = [(LON0, LAT0), (LON0 + 0.0002, LAT0 + 0.0001)]
    report = import_path(store, path, opts)
    assert report.format == "indoorgml"
    levels = store.list_levels("igml")
    assert sorted(levels["ordinal"]) == [0, 1]
    zones = store.list_zones(building_id="igml").set_index("room_number")
    assert zones.loc["101", "name"] == "Salle de classe" and zones.loc["101", "kind"] == "classroom"
    assert zones.loc["102", "kind"] == "library" and zones.loc["102", "name"] == "Biblioteca"
    assert zones.loc["201", "kind"] == "music"
    assert len(store.list_openings(building_id="igml")) == 1
    minx, miny, maxx, maxy = zones.total_bounds
    assert LON0 - 1e-4 < minx < maxx < LON0 + 3e-3 and LAT0 - 1e-4 < miny < maxy < LAT0 + 2e-3


def test_indoorgml_3d_solids_levels_from_floor_height(store, tmp_path):
    path = write_indoorgml(tmp_path / "solid.gml", pixels=False, solid=True)
    import_path(store, path, ImportOptions(building_id="solid"))
    assert sorted(store.list_levels("solid")["ordinal"]) == [0, 1]


def test_indoorgml_in_pixels_needs_a_placement(store, tmp_path):
    from passmap.importers.base import ImportFailed

    with pytest.raises(ImportFailed, match="school.gml: coordinates are in drawing or pixel"):
        import_path(store, write_indoorgml(tmp_path / "school.gml"), ImportOptions())


@pytest.mark.parametrize("suffix", [".gpkg", ".shp", ".fgb"])
def test_gis_files_reprojected_from_state_plane(store, tmp_path, suffix):
    path = write_gis(tmp_path / f"floor-1{suffix}")
    report = import_path(
        store, path, ImportOptions(building_id="gis", column_map={"name": "ROOM_NAME"})
    )
    assert report.format == "gis"
    assert any("reprojected from NAD83 / North Carolina (ftUS)" in w for w in report.warnings)
    zones = store.list_zones(building_id="gis").set_index("room_number")
    assert zones.loc["101", "kind"] == "classroom" and zones.loc["101", "name"] == "Classroom"
    assert zones.total_bounds[0] == pytest.approx(LON0, abs=1e-5)
    if suffix != ".shp":  # a Shapefile holds one geometry type: rooms only
        assert store.list_controls()["type"].tolist() == ["fence"]
    assert store.list_openings().empty


def test_geojson_with_a_declared_projected_crs(store, tmp_path):
    from pyproj import Transformer

    t = Transformer.from_crs("EPSG:4326", "EPSG:32617", always_xy=True)
    ring = box(0, 0, 10, 8)["coordinates"][0]
    utm = [list(t.transform(x, y)) for x, y in ring]
    doc = fc([feat({"id": "r1", "name": "Gym"}, {"type": "Polygon", "coordinates": [utm]})])
    doc["crs"] = {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32617"}}
    path = tmp_path / "utm.geojson"
    path.write_text(json.dumps(doc))
    report = import_path(store, path, ImportOptions(building_id="utm"))
    assert any("reprojected from WGS 84 / UTM zone 17N" in w for w in report.warnings)
    zone = store.get("zone", "r1")
    assert zone["kind"] == "gym" and zone["geometry"].bounds[0] == pytest.approx(LON0, abs=1e-6)


def test_several_plain_files_one_level_each(store, tmp_path):
    paths = []
    for n in (1, 2, 3):
        doc = fc([feat({"id": f"r{n}", "name": f"{n}01 Classroom"}, box(0, 0, 10, 8))])
        paths.append(tmp_path / f"house-floor-{n}.geojson")
        paths[-1].write_text(json.dumps(doc))
    import_path(store, paths, ImportOptions(building_id="house"))
    levels = store.list_levels("house").set_index("id")
    assert sorted(levels["ordinal"]) == [1, 2, 3]
    assert store.get("zone", "r2")["level_id"] == "house-l2"


def test_plain_campus_features_never_become_doors(store, tmp_path):
    report = import_path(store, write_campus_geojson(tmp_path / "campus.geojson"), None)
    assert report.format == "geojson-plain"
    controls = store.list_controls().set_index("id")
    assert controls.loc["fence-1", "type"] == "fence" and controls.loc["gate-1", "type"] == "gate"
    zones = store.list_zones().set_index("id")
    assert zones.loc["path-1", "kind"] == "walkway" and zones.loc["lot-1", "kind"] == "parking"
    assert store.list_openings()["id"].tolist() == ["d1"]


def test_plain_geojson_into_a_new_campus_has_geometry_and_assesses(tmp_path, capsys):
    from passmap.cli import main
    from passmap.store import Store

    db = tmp_path / "new.duckdb"
    doc = fc([feat({"id": "r1", "name": "101 Classroom"}, box(0, 0, 10, 8))])
    (tmp_path / "rooms.geojson").write_text(json.dumps(doc))
    assert main(["import", str(tmp_path / "rooms.geojson"), "--db", str(db)]) == 0
    with Store(db) as store:
        campus = store.list_campuses()
        building = store.list_buildings()
        assert campus.geometry.notna().all() and building.geometry.notna().all()
        assert campus.geometry.iloc[0].contains(building.geometry.iloc[0])
    assert main(["checklist", "load-starter", "--db", str(db)]) == 0
    capsys.readouterr()
    assert main(["assess", "--db", str(db), "--format", "json"]) == 0
    assert "NaN" not in capsys.readouterr().out


KINDS_CASES = {  # format: (maker, options, a --kinds key found in a room name of the file)
    "indoorgml": (lambda p: write_indoorgml(p / "s.gml", pixels=False), {}, "salle de classe"),
    "dxf": (
        lambda p: write_plan_dxf(p / "p.dxf"),
        {"layers": DXF_LAYERS, "corners": [(LON0, LAT0), (LON0 + 0.0002, LAT0 + 0.0001)]},
        "salle de classe",
    ),
    "osm": (lambda p: write_osm_xml(p / "s.osm"), {}, "aula"),
    "gis": (lambda p: write_gis(p / "f.gpkg"), {"column_map": {"name": "ROOM_NAME"}}, "classroom"),
    "geojson-plain": (lambda p: write_campus_geojson(p / "c.geojson"), {}, "classroom"),
    "imdf": (lambda p: write_imdf_zip(p / "v.zip"), {}, "room 102"),
}


@pytest.mark.parametrize("fmt", sorted(KINDS_CASES))
def test_kinds_option_matches_room_names_in_every_format(store, tmp_path, fmt):
    """`--kinds "salle de classe=nurse"`: every room whose name holds those words (whole words,
    any case) gets that kind, whatever the format."""
    make, options, key = KINDS_CASES[fmt]
    report = import_path(
        store, make(tmp_path), ImportOptions(zone_kind_map={key: "nurse"}, **options)
    )
    assert report.format == fmt
    zones = store.list_zones()
    named = zones[zones["name"].fillna("").str.lower().str.contains(key)]
    assert len(named) >= 1, zones[["name", "kind"]]
    assert set(named["kind"]) == {"nurse"}
    assert "nurse" not in set(zones.drop(named.index)["kind"])  # other rooms keep their kind
