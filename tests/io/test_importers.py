"""Every importer on files the tests write in the shapes real systems produce."""

from __future__ import annotations

import json

import pytest

from passmap.importers import import_path
from passmap.importers.base import ImportOptions
from tests.io.io_makers import (
    DXF_GEOREF,
    LAT0,
    LON0,
    box,
    fc,
    feat,
    pt,
    write_camera_xlsx,
    write_door_csv,
    write_dxf,
    write_imdf_zip,
    write_osm,
    write_pdf,
    write_png,
)


def test_imdf_zip_maps_units_doors_amenities_with_warnings(store, tmp_path):
    report = import_path(store, write_imdf_zip(tmp_path / "venue.zip", n_units=4))
    assert report.format == "imdf"
    assert report.counts["zone"] == 4 and report.counts["opening"] == 4
    assert report.counts["control"] == 1  # defibrillator -> aed only
    text = " ".join(report.warnings)
    assert "__MACOSX" in text and "weird.vendor.thing" in text and "vendingmachine" in text
    zones = store.list_zones()
    assert set(zones["kind"]) >= {"corridor", "classroom", "other"}
    doors = store.list_openings().set_index("number")
    assert doors.loc["D0", "door_class"] == "exterior-primary"
    assert doors.loc["D0", "lock_function"] == "electrified"
    assert store.list_controls()["type"].tolist() == ["aed"]


def test_imdf_folder_and_zone_kind_override(store, tmp_path):
    import zipfile

    write_imdf_zip(tmp_path / "v.zip", n_units=2)
    zipfile.ZipFile(tmp_path / "v.zip").extractall(tmp_path / "folder")
    opts = ImportOptions(zone_kind_map={"weird.vendor.thing": "storage"})
    report = import_path(store, tmp_path / "folder", opts)
    assert report.format == "imdf"
    assert "storage" in set(store.list_zones()["kind"])


def test_osm_indoor_rooms_levels_doors_grounds(store, tmp_path):
    report = import_path(
        store,
        write_osm(tmp_path / "osm.geojson"),
        ImportOptions(building_id="fei", campus_id="fei-campus"),
    )
    assert report.format == "osm"
    levels = store.list_levels("fei")
    assert sorted(levels["ordinal"]) == [0, 1]
    zones = store.list_zones().set_index("id")
    assert (
        zones.loc["osm-way-1", "kind"] == "classroom"
        and zones.loc["osm-way-1", "room_number"] == "101"
    )
    assert zones.loc["osm-way-2", "kind"] == "library"  # indoor=Room, level as int
    assert (
        zones.loc["osm-way-7", "kind"] == "parking" and zones.loc["osm-way-7", "level_id"] is None
    )
    assert store.list_openings()["number"].tolist() == ["D1"]
    assert any("skipped 1" in w and "node/8" in w for w in report.warnings)
    walk = zones.loc["osm-way-6"]  # a footway is a campus walkway, never a door
    assert walk["kind"] == "walkway" and walk.geometry.geom_type == "Polygon"


def test_project_geojson_schema(store, tmp_path):
    path = tmp_path / "site.geojson"
    path.write_text(
        json.dumps(
            fc(
                [
                    feat({"feature_type": "district", "id": "d", "name": "D"}, None),
                    feat(
                        {"feature_type": "campus", "id": "c", "district_id": "d", "name": "C"},
                        box(0, 0, 50, 50),
                    ),
                    feat(
                        {"feature_type": "zone", "id": "lot", "campus_id": "c", "kind": "parking"},
                        box(0, 0, 5, 5),
                    ),
                    feat(
                        {
                            "feature_type": "control",
                            "id": "cam",
                            "campus_id": "c",
                            "type": "camera",
                            "bearing_deg": 45,
                            "fov_deg": 90,
                            "range_m": 20,
                        },
                        pt(1, 1),
                    ),
                ]
            )
        )
    )
    report = import_path(store, path)
    assert report.format == "geojson" and report.counts == {
        "district": 1,
        "campus": 1,
        "zone": 1,
        "control": 1,
    }
    assert store.get("control", "cam")["bearing_deg"] == 45


def test_plain_geojson_with_property_mapping(site_store, tmp_path):
    path = tmp_path / "rooms.geojson"
    path.write_text(
        json.dumps(
            fc(
                [
                    feat({"ROOM_ID": "r9", "USE": "Science Lab", "NUM": "109"}, box(30, 0, 5, 5)),
                    feat({"DEV": "camera", "ROOM_ID": "k1"}, pt(31, 1)),
                    feat({"DEV": "laser-shark", "ROOM_ID": "k2"}, pt(32, 1)),
                ]
            )
        )
    )
    opts = ImportOptions(
        building_id="b1",
        level_id="b1-l0",
        column_map={"id": "ROOM_ID", "kind": "USE", "room_number": "NUM", "type": "DEV"},
    )
    report = import_path(site_store, path, opts)
    assert report.format == "geojson-plain"
    assert site_store.get("zone", "r9")["kind"] == "science_lab"
    assert site_store.get("control", "k1")["type"] == "camera"
    assert site_store.get("control", "k2")["type"] == "other"
    assert any("laser-shark" in w for w in report.warnings)


def test_dxf_layers_labels_units_and_two_point_georef(store, tmp_path):
    opts = ImportOptions(
        building_id="office",
        georef=DXF_GEOREF,
        layers={
            "walls": ["A-WALL"],
            "doors": ["A-DOOR"],
            "rooms": ["A-ROOM"],
            "labels": ["A-TEXT"],
        },
    )
    report = import_path(store, write_dxf(tmp_path / "plan.dxf"), opts)
    assert (
        report.counts["zone"] == 2 and report.counts["opening"] == 2 and report.counts["wall"] == 2
    )
    zones = store.list_zones().sort_values("room_number")
    assert zones["room_number"].tolist() == ["101", "102"]
    assert zones["kind"].tolist() == ["classroom", "classroom"]
    # 6 m x 5 m rooms: check the georeferenced size in metres
    from passmap.geometry import to_metric

    areas = to_metric(zones).area.round(1).tolist()
    assert areas == [30.0, 30.0]
    door = to_metric(store.list_openings()).length.round(2).tolist()
    assert door == [0.9, 0.9]  # DOOR900 block, mm -> m
    assert not any("INSUNITS" in w for w in report.warnings)


def test_dxf_corners_and_unit_mismatch_warning(store, tmp_path):
    # Drawing says metres (6) but points imply mm: the person is warned.
    opts = ImportOptions(building_id="o2", georef=DXF_GEOREF, layers={"walls": ["A-WALL"]})
    report = import_path(store, write_dxf(tmp_path / "plan.dxf", units=6), opts)
    assert any("$INSUNITS" in w for w in report.warnings)
    opts = ImportOptions(
        building_id="o3",
        corners=[(LON0, LAT0), (LON0 + 0.0002, LAT0 + 0.0001)],
        layers={"walls": ["A-WALL"], "rooms": ["A-ROOM"]},
    )
    report = import_path(store, write_dxf(tmp_path / "p2.dxf"), opts)
    assert report.counts["zone"] == 2


def test_png_placed_by_corners_becomes_level_underlay(site_store, tmp_path):
    folder = tmp_path / "underlays"
    opts = ImportOptions(
        building_id="b1",
        level_id="b1-l0",
        underlay_dir=folder,
        corners=[(LON0, LAT0), (LON0 + 0.0003, LAT0 + 0.0001)],
    )
    report = import_path(site_store, write_png(tmp_path / "plan.png"), opts)
    assert report.detail == {"level": {"created": 0, "updated": 1}}
    underlay = site_store.get("level", "b1-l0")["props"]["underlay"]
    assert (folder / "b1-l0.png").exists() and underlay["width_px"] == 400
    (s, w), (n, e) = underlay["bounds"]
    assert w == pytest.approx(LON0) and n == pytest.approx(LAT0 + 0.0001)


def test_pdf_page_rendered_and_control_points(site_store, tmp_path):
    opts = ImportOptions(
        building_id="b1",
        level_id="b1-l1",
        level_ordinal=1,
        underlay_dir=tmp_path / "u",
        georef=[(0, 0, LON0, LAT0 + 0.0001), (400, 0, LON0 + 0.0003, LAT0 + 0.0001)],
    )
    import_path(site_store, write_pdf(tmp_path / "plan.pdf"), opts)
    level = site_store.get("level", "b1-l1")
    assert level["props"]["underlay"]["width_px"] > 100 and (tmp_path / "u" / "b1-l1.png").exists()


def test_door_schedule_creates_then_updates(site_store, tmp_path):
    opts = ImportOptions(building_id="b1")
    r1 = import_path(site_store, write_door_csv(tmp_path / "doors.csv"), opts)
    assert r1.detail["opening"] == {"created": 2, "updated": 0}
    doors = site_store.list_openings().set_index("number")
    assert (
        doors.loc["101A", "zone_id"] == "z101"
        and doors.loc["1", "door_class"] == "exterior-primary"
    )
    assert bool(doors.loc["1", "monitored"]) is True
    write_door_csv(
        tmp_path / "doors2.csv",
        [{"Door No": "101A", "Lock Function": "storeroom", "Room Number": ""}],
    )
    r2 = import_path(site_store, tmp_path / "doors2.csv", opts)
    assert r2.detail["opening"] == {"created": 0, "updated": 1}
    assert (
        site_store.list_openings().set_index("number").loc["101A", "lock_function"] == "storeroom"
    )


def test_camera_schedule_xlsx_creates_then_updates(site_store, tmp_path):
    opts = ImportOptions(building_id="b1")
    r1 = import_path(site_store, write_camera_xlsx(tmp_path / "cams.xlsx"), opts)
    assert r1.detail["control"] == {"created": 2, "updated": 0}
    cam = site_store.list_controls().set_index("external_id").loc["CAM-0101"]
    assert cam["zone_id"] == "z101" and cam["bearing_deg"] == 90 and cam["range_m"] == 15
    write_camera_xlsx(tmp_path / "cams2.xlsx", [["CAM-0101", "Hall cam", "", 120, 80, 15]])
    r2 = import_path(site_store, tmp_path / "cams2.xlsx", opts)
    assert r2.detail["control"] == {"created": 0, "updated": 1}
    cam = site_store.list_controls().set_index("external_id").loc["CAM-0101"]
    assert cam["bearing_deg"] == 120 and cam["version"] == 2


def test_dry_run_counts_but_writes_nothing(store, tmp_path):
    before = store.table_counts()
    report = import_path(store, write_imdf_zip(tmp_path / "v.zip"), ImportOptions(dry_run=True))
    assert report.dry_run and report.counts["zone"] == 3
    assert store.table_counts() == before


def test_reimport_updates_instead_of_duplicating(store, tmp_path):
    path = write_osm(tmp_path / "osm.geojson")
    import_path(store, path, ImportOptions(building_id="fei"))
    report = import_path(store, path, ImportOptions(building_id="fei"))
    assert report.detail["zone"] == {"created": 0, "updated": 6}  # 4 rooms, lot, walkway
    assert len(store.list_zones()) == 6


def test_dxf_readers_agree_gdal_and_ezdxf_fallback(tmp_path):
    from passmap.importers.dxf_read import read_ezdxf, read_gdal

    path = write_dxf(tmp_path / "plan.dxf")
    fast, slow = read_gdal(path), read_ezdxf(path)
    assert (fast.reader, slow.reader, fast.insunits, slow.insunits) == ("gdal", "ezdxf", 4, 4)
    key = lambda d: sorted((r.handle, r.layer, r.kind, r.text, r.block) for r in d.records)  # noqa: E731
    assert key(fast) == key(slow)
    geoms = {r.handle: r.geom for r in fast.records}
    for r in slow.records:
        assert r.geom.geom_type == geoms[r.handle].geom_type
        assert r.geom.hausdorff_distance(geoms[r.handle]) < 2.0  # mm (arcs flattened)
    assert fast.block_sizes["DOOR900"] == pytest.approx(slow.block_sizes["DOOR900"], abs=1.0)


def test_an_image_placed_by_two_corners_far_from_its_utm_meridian_is_not_called_rotated(
    site_store, tmp_path
):
    """Cedar Valley (-78.87) lies 2 degrees east of UTM 17's meridian, where the UTM grid turns
    1.2 degrees from north: a plan placed by its SW and NE corners is still upright on the map.
    Four corners of a turned plan are."""
    upright = ImportOptions(
        building_id="b1",
        level_id="b1-l0",
        underlay_dir=tmp_path / "u",
        corners=[(-78.8705, 35.7146), (-78.8677, 35.7158)],
    )
    report = import_path(site_store, write_png(tmp_path / "plan.png"), upright)
    assert not any("rotated" in w for w in report.warnings), report.warnings
    turned = ImportOptions(
        building_id="b1",
        level_id="b1-l0",
        underlay_dir=tmp_path / "u",
        corners=[
            (-78.8705, 35.7158),
            (-78.8677, 35.7162),
            (-78.8673, 35.7150),
            (-78.8701, 35.7146),
        ],
    )
    report = import_path(site_store, write_png(tmp_path / "plan.png"), turned)
    assert any("the image is rotated" in w for w in report.warnings), report.warnings
