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
    parking = site.set_index("id").loc["osm-way-1024801"]  # amenity=parking, level 0
    assert parking["kind"] == "parking" and "osm-way-1024801" not in set(zones.index)


def _fei_level1_rooms() -> list[tuple[dict, object]]:
    """The FEI export's level-1 indoor areas (tags, shapely polygon), read as GeoJSON."""
    import json

    import shapely

    doc = json.loads((DATA / "osm-indoor-uv-fei" / "planta_rooms_levels1-2.geojson").read_text())
    out = []
    for feature in doc["features"]:
        props, geom = feature["properties"], feature.get("geometry")
        if not geom or str(props.get("level")) != "1" or not props.get("indoor"):
            continue
        rings = geom["coordinates"] if geom["type"] == "Polygon" else []
        if rings and all(r[0] == r[-1] for r in rings):  # the export holds one unclosed ring
            shape = shapely.from_geojson(json.dumps(geom))
            if shape.is_valid:
                out.append((props, shape))
    return out


@pytest.mark.parametrize("suffix", [".gpkg", ".shp"])
def test_fei_rooms_from_a_gis_office_geopackage_or_shapefile_in_utm(store, tmp_path, suffix):
    """The real FEI rooms as a GIS office keeps them (UTM 14N, one layer, Spanish names): read
    through pyogrio, reprojected, names intact through the Shapefile's encoding, kinds found."""
    import geopandas as gpd

    rooms = _fei_level1_rooms()
    frame = gpd.GeoDataFrame(
        {"name": [p.get("name") for p, _ in rooms], "ref": [p.get("ref") for p, _ in rooms]},
        geometry=[g for _, g in rooms],
        crs="EPSG:4326",
    ).to_crs("EPSG:32614")
    path = tmp_path / f"fei-planta-baja{suffix}"
    frame.to_file(path)
    report = import_path(store, path, ImportOptions(building_id="fei"))
    assert report.format == "gis" and report.counts["zone"] == len(rooms) > 40
    assert any("reprojected from WGS 84 / UTM zone 14N" in w for w in report.warnings)
    zones = store.list_zones(building_id="fei")
    kinds = dict(zip(zones["name"].str.lower(), zones["kind"]))
    assert kinds["baños"] == "restroom" and kinds["biblioteca"] == "library"
    assert kinds["aula 102"] == "classroom" and "área de secretarias" in kinds
    minx, miny, maxx, maxy = zones.total_bounds
    assert -96.93 < minx < maxx < -96.92 and 19.54 < miny < maxy < 19.55  # Xalapa, not metres


@pytest.mark.parametrize("suffix", [".osm", ".osm.pbf"])
def test_fei_rooms_as_osm_xml_and_pbf(store, tmp_path, suffix):
    """The same real rooms as an OSM editor saves them (.osm XML, .pbf; written by pyosmium with
    the export's own ids and tags): read by GDAL's OSM driver into the same rooms."""
    import osmium
    from osmium.osm.mutable import Node, Way

    rooms = _fei_level1_rooms()
    path = tmp_path / f"fei{suffix}"
    writer = osmium.SimpleWriter(str(path))
    nid, ways = 1, []
    for i, (props, shape) in enumerate(rooms):
        ids = []
        for lon, lat in list(shape.exterior.coords)[:-1]:
            writer.add_node(Node(id=nid, location=(lon, lat), tags={}))
            ids.append(nid)
            nid += 1
        tags = {k: str(v) for k, v in props.items() if isinstance(v, str | int) and k != "id"}
        ways.append(Way(id=i + 1, nodes=ids + ids[:1], tags=tags))
    for way in ways:
        writer.add_way(way)
    writer.close()
    report = import_path(store, path, ImportOptions(building_id="fei"))
    assert report.format == "osm" and report.counts["zone"] == len(rooms)
    zones = store.list_zones(building_id="fei")
    kinds = dict(zip(zones["name"].str.lower(), zones["kind"]))
    assert kinds["baños"] == "restroom" and kinds["aula 102"] == "classroom"
    assert set(zones["room_number"].dropna()) >= {"102", "105"}


def test_westport_house_exported_as_imdf_comes_back_whole(store, tmp_path):
    """The real WRLD building written as an IMDF archive by PassMap and imported into another
    database: same levels, rooms and doors (the IMDF reader on a real building's shapes)."""
    from passmap.exporters import export
    from passmap.store import Store

    import_path(store, DATA / "wrld-westport-house", ImportOptions(building_id="westport"))
    export(store, "imdf", tmp_path / "westport.zip")
    with Store(tmp_path / "fresh.duckdb") as fresh:
        report = import_path(fresh, tmp_path / "westport.zip")
        assert report.format == "imdf"
        assert report.counts["level"] == 7
        assert report.counts["zone"] == len(store.list_zones(building_id="westport"))
        assert report.counts["opening"] == len(store.list_openings(building_id="westport"))
        kinds = set(fresh.list_zones()["kind"])
        assert {"stair", "elevator", "restroom"} <= kinds


def test_the_desks_traced_from_the_office_dxf_as_plain_geojson(store):
    """The data set's own GeoJSON (OGC CRS84, desks traced from the drawing): a plain GeoJSON
    import into a new campus, named, placed in Dundee, with campus and building outlines."""
    path = DATA / "dxf-wrld-office-floor" / "desks_geojson_trace.geojson"
    report = import_path(store, path, ImportOptions(building_id="office"))
    assert report.format == "geojson-plain" and report.counts["zone"] == 4
    zones = store.list_zones(building_id="office")
    assert sorted(zones["name"]) == ["MyDesk1", "MyDesk2", "MyDesk3", "MyDesk4"]
    building = store.get("building", "office")
    campus = store.get("campus", building["campus_id"])
    assert campus["geometry"].contains(building["geometry"])
    assert -2.980 < zones.total_bounds[0] < -2.978


def test_westport_house_exported_as_project_geojson_comes_back_whole(store, tmp_path):
    """The real WRLD building written as PassMap's own GeoJSON folder and imported into another
    database (the project's own reader, detected as such and not as IMDF)."""
    from passmap.exporters import export
    from passmap.store import Store

    import_path(store, DATA / "wrld-westport-house", ImportOptions(building_id="westport"))
    export(store, "geojson", tmp_path / "westport")
    with Store(tmp_path / "fresh.duckdb") as fresh:
        report = import_path(fresh, tmp_path / "westport")
        assert report.format == "geojson"
        assert fresh.table_counts() == store.table_counts()
        assert fresh.site_checksum() == store.site_checksum()


def test_westport_floor_files_picked_alone_read_like_the_whole_map(store, tmp_path):
    """A person picks three floor files out of the WRLD folder (no main.json): one level each
    from the file names, walls as walls, door rectangles as doors, windows skipped, stairs and
    lifts by kind (read as plain GeoJSON they all became rooms of kind 'other'). Each level
    matches the same floor read through main.json."""
    from passmap.store import Store

    names = ["westport-house-floor-gf", "westport-house-floor-1", "westport-house-floor-2"]
    files = [DATA / "wrld-westport-house" / f"{n}.geojson" for n in names]
    report = import_path(store, files, ImportOptions(building_id="picked"))
    assert report.format == "wrld"
    levels = store.list_levels("picked").set_index("ordinal")
    assert sorted(levels.index) == [0, 1, 2]
    with Store(tmp_path / "whole.duckdb") as whole:
        import_path(whole, DATA / "wrld-westport-house", ImportOptions(building_id="whole"))
        by_ordinal = whole.list_levels("whole").set_index("ordinal")
        for ordinal in (0, 1, 2):
            mine, theirs = levels.loc[ordinal, "id"], by_ordinal.loc[ordinal, "id"]
            for table in ("zones", "openings"):
                a = getattr(store, f"list_{table}")(level_id=mine)
                b = getattr(whole, f"list_{table}")(level_id=theirs)
                assert len(a) == len(b) > 0, (table, ordinal)
            assert sorted(store.list_zones(level_id=mine)["kind"]) == sorted(
                whole.list_zones(level_id=theirs)["kind"]
            )
            assert len(store.list_walls(mine)) == len(whole.list_walls(theirs)) > 0


def test_floor_files_imported_again_update_the_building_s_own_levels(store):
    """Westport read through main.json (level ids from WRLD's names), then two of its floor
    files alone into the same building: they land on the levels already at those floors, and
    every row is an update (it made two more levels at floors 1 and 2, the rooms twice)."""
    folder = DATA / "wrld-westport-house"
    import_path(store, folder, ImportOptions(building_id="wh"))
    files = [folder / f"westport-house-floor-{n}.geojson" for n in (1, 2)]
    again = import_path(store, files, ImportOptions(building_id="wh"))
    levels = store.list_levels("wh")
    assert len(levels) == 7 and levels["ordinal"].is_unique
    assert {t: c["created"] for t, c in again.detail.items()} == {
        "zone": 0,
        "opening": 0,
        "wall": 0,
    }
