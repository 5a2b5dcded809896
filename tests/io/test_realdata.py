"""The real third-party files in ../shared/data, imported the way a new user would."""

from __future__ import annotations

from pathlib import Path

import pytest

from passmap.importers import import_path
from passmap.importers.base import ImportFailed, ImportOptions
from passmap.importers.georef import parse_points

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
pytestmark = pytest.mark.realdata


def test_osm_indoor_fei_two_levels(store):
    folder = DATA / "osm-indoor-uv-fei"
    report = import_path(
        store,
        folder / "planta_rooms_levels1-2.geojson",
        ImportOptions(building_id="fei", campus_id="uv"),
    )
    assert report.format == "osm"
    levels = store.list_levels("fei")
    assert set(levels["ordinal"]) >= {1, 2}
    zones = store.list_zones(building_id="fei")
    assert (
        len(zones) >= 110 and "corridor" in set(zones["kind"]) and "library" in set(zones["kind"])
    )
    assert zones.total_bounds[0] == pytest.approx(-96.927, abs=0.01)
    assert any("skipped" in w for w in report.warnings)  # the stray LineString etc.


def test_osm_overlapping_exports_are_refused_as_duplicates(store):
    folder = DATA / "osm-indoor-uv-fei"
    before = store.table_counts()
    with pytest.raises(ImportFailed, match="duplicate zone id 'osm-way-"):
        import_path(
            store,
            [folder / "planta_rooms_levels1-2.geojson", folder / "planta_baja_level1_ways.geojson"],
        )
    assert store.table_counts() == before


def test_wrld_westport_house_seven_floors(store):
    report = import_path(store, DATA / "wrld-westport-house", ImportOptions(building_id="westport"))
    assert report.format == "wrld"
    assert len(store.list_levels("westport")) == 7
    assert (
        report.counts["opening"] > 100
        and report.counts["wall"] > 100
        and report.counts["zone"] > 50
    )
    zones = store.list_zones(building_id="westport")
    assert {"stair", "elevator", "restroom"} <= set(zones["kind"])


def test_dxf_office_floor_with_qgis_control_points(store):
    folder = DATA / "dxf-wrld-office-floor"
    points = parse_points((folder / "georeference.points").read_text())
    opts = ImportOptions(
        building_id="office",
        georef=points,
        layers={"walls": ["wall"], "doors": ["doors"], "labels": ["txt"]},
    )
    report = import_path(store, folder / "cad.dxf", opts)
    assert report.counts["wall"] > 100 and 30 < report.counts["opening"] < 60
    assert any("51 window blocks" in w for w in report.warnings)
    assert any("RMS 0.18 m" in w for w in report.warnings)
    minx, miny, maxx, maxy = store.list_openings(building_id="office").total_bounds
    assert -2.981 < minx < maxx < -2.977 and 56.461 < miny < maxy < 56.463  # Dundee
    from passmap.geometry import to_metric

    widths = to_metric(store.list_openings(building_id="office")).length
    assert 0.6 < widths.median() < 1.2  # door leaves, mm -> m


def test_png_render_as_underlay(site_store, tmp_path):
    opts = ImportOptions(
        building_id="b1",
        level_id="b1-l0",
        underlay_dir=tmp_path,
        corners=[(-2.9792483, 56.4618060), (-2.9787554, 56.4622558)],
    )
    import_path(site_store, DATA / "dxf-wrld-office-floor" / "cad_image.png", opts)
    underlay = site_store.get("level", "b1-l0")["props"]["underlay"]
    assert (underlay["width_px"], underlay["height_px"]) == (1368, 687)
    assert (tmp_path / "b1-l0.png").stat().st_size == (
        DATA / "dxf-wrld-office-floor" / "cad_image.png"
    ).stat().st_size


def test_osm_fei_spanish_rooms_get_kinds_numbers_and_names(store):
    folder = DATA / "osm-indoor-uv-fei"
    import_path(store, folder / "planta_rooms_levels1-2.geojson", ImportOptions(building_id="fei"))
    zones = store.list_zones(building_id="fei")
    by_name = {
        str(n).lower(): (k, r)
        for n, k, r in zip(zones["name"], zones["kind"], zones["room_number"])
    }
    assert by_name["aula 102"] == ("classroom", "102")
    assert by_name["biblioteca"][0] == "library" and by_name["auditorio"][0] == "auditorium"
    assert by_name["baños"][0] == "restroom" and by_name["enfermería"][0] == "nurse"
    assert by_name["escaleras principales"][0] == "stair" and by_name["oficina"] == ("staff", None)
    numbers = set(zones["room_number"].dropna())
    assert "corrau" not in numbers and "biblioteca-n1" not in numbers  # refs that are not numbers


def test_dxf_office_floor_read_by_both_readers_alike_and_doors_only(store):
    from passmap.importers.dxf_read import read_ezdxf, read_gdal

    path = DATA / "dxf-wrld-office-floor" / "cad.dxf"
    gdal, ez = read_gdal(path), read_ezdxf(path)
    assert {"wall", "doors", "Furniture", "windows line"} <= set(gdal.layers) <= set(ez.layers)
    points = parse_points((path.parent / "georeference.points").read_text())
    opts = ImportOptions(
        building_id="office", georef=points, layers={"walls": ["wall"], "doors": ["doors"]}
    )
    report = import_path(store, path, opts)
    skipped = next(w for w in report.warnings if "on the door layers, skipped" in w)
    assert "51 window blocks" in skipped and "thin blocks (window or mullion frames)" in skipped
    building = store.get("building", "office")
    campus = store.get("campus", building["campus_id"])
    assert building["geometry"] is not None and campus["geometry"].contains(building["geometry"])


def test_osm_fei_toilets_and_steps_on_a_level_are_rooms_of_the_building(store):
    """amenity=toilets and highway=steps carry a level but no indoor=*: inside the building,
    on their level, not campus grounds."""
    folder = DATA / "osm-indoor-uv-fei"
    import_path(store, folder / "planta_rooms_levels1-2.geojson", ImportOptions(building_id="fei"))
    zones = store.list_zones(building_id="fei").set_index("id")
    assert zones.loc["osm-way-1002786277", ["kind", "name"]].tolist() == ["restroom", "baños"]
    assert zones.loc["osm-way-1008962837", "kind"] == "stair"
    assert (
        zones.loc["osm-way-1002786277", "level_id"] == zones.loc["osm-way-1008962837", "level_id"]
    )
    campus = store.get("building", "fei")["campus_id"]
    site = store.list_zones(campus_id=campus, site_only=True)
    assert set(site["kind"]) <= {"field", "parking", "walkway", "drive"}  # grounds only
    assert "osm-way-1002786302" not in set(zones.index)  # the wood is no room
