"""The Import page as a district IT person meets it: server paths only inside the configured
folder, messages in the page's words, a plan placed by clicking on the drawing and the map."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.io.conftest import page_store
from tests.io.io_makers import DXF_GEOREF, write_dxf

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def page_db(site_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PASSMAP_UPLOAD_DIR", str(tmp_path / "uploads"))
    return site_db


def _page() -> AppTest:
    from tests.helpers import login_new

    at = AppTest.from_file(str(REPO / "pages" / "import.py"), default_timeout=60)
    login_new(at, "editor")  # a page run on its own refuses anyone not signed in
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_server_paths_are_hidden_unless_an_import_folder_is_configured(page_db, monkeypatch):
    monkeypatch.delenv("PASSMAP_IMPORT_DIR", raising=False)
    at = _page()
    assert at.radio(key="imp_source").options == ["Upload"]
    assert "imp_path" not in [t.key for t in at.text_input]  # no path field at all
    assert "imp_campus" in [t.key for t in at.text_input]


@pytest.mark.parametrize("typed", ["../secret.geojson", "/etc/passwd", "link.geojson"])
def test_paths_outside_the_import_folder_are_refused(page_db, tmp_path, monkeypatch, typed):
    folder = tmp_path / "imports"
    folder.mkdir()
    (tmp_path / "secret.geojson").write_text('{"type": "FeatureCollection", "features": []}')
    os.symlink(tmp_path / "secret.geojson", folder / "link.geojson")  # a symlink pointing out
    monkeypatch.setenv("PASSMAP_IMPORT_DIR", str(folder))
    at = _page()
    at.radio(key="imp_source").set_value("File on the server").run()
    at.text_input(key="imp_path").set_value(typed).run()
    assert not at.exception
    errors = [e.value for e in at.error]
    assert errors and "not found in the server's import folder" in errors[0]
    assert str(tmp_path) not in errors[0] and "/etc" not in errors[0]
    assert at.button(key="imp_preview").disabled


def _click(at, index: int, lat: float, lng: float) -> None:
    """What streamlit-folium returns for a click on the ``index``-th map of the page."""
    args = json.loads(at.get("component_instance")[index].proto.json_args)
    at.session_state[args["key"]] = {"last_clicked": {"lat": lat, "lng": lng}}


def test_a_drawing_is_placed_by_clicking_then_imported(page_db, tmp_path, monkeypatch):
    from passmap.importers.base import ImportOptions
    from passmap.importers.placement import plan_of
    from ui.placing import to_view

    monkeypatch.setenv("PASSMAP_IMPORT_DIR", str(tmp_path))
    write_dxf(tmp_path / "plan.dxf")
    at = _page()
    at.radio(key="imp_source").set_value("File on the server").run()
    at.text_input(key="imp_path").set_value("plan.dxf")
    at.text_input(key="imp_building").set_value("annex")
    at.text_input(key="imp_campus").set_value("c1")
    at.text_input(key="imp_layers").set_value(
        "walls=A-WALL;doors=A-DOOR;rooms=A-ROOM;labels=A-TEXT"
    )
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert any(s.value == "Place the plan" for s in at.subheader)
    # the message a web user gets without a placement names no CLI flag
    at.button(key="imp_preview").click().run()
    assert at.error and "--" not in at.error[0].value and "two maps" in at.error[0].value
    opts = ImportOptions(layers={"walls": ["A-WALL"], "doors": ["A-DOOR"], "rooms": ["A-ROOM"]})
    plan = plan_of(tmp_path / "plan.dxf", opts)
    for x, y, lon, lat in DXF_GEOREF + [(0, 5000, -80.84, 35.22 + 5 / 111_000)]:
        _click(at, 0, *to_view(plan, x, y))  # the drawing
        at.run()
        _click(at, 1, lat, lon)  # the same point on the campus map
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    table = at.dataframe[0].value
    assert len(table) == 3 and table["residual (m)"].max() < 0.5
    assert any("Fit: RMS" in m.value for m in at.markdown)
    at.button(key="imp_preview").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    at.button(key="imp_commit").click().run()
    assert any("Imported plan.dxf" in s.value for s in at.success)
    zones = page_store(page_db).list_zones(building_id="annex")
    assert len(zones) == 2
    minx, miny, maxx, maxy = zones.total_bounds
    assert -80.8401 < minx < maxx < -80.8398 and 35.2199 < miny < maxy < 35.2201


def test_an_image_is_placed_by_clicking_and_becomes_the_level_underlay(
    page_db, tmp_path, monkeypatch
):
    """A PNG plan (pixels, y down) placed by three clicked pairs: the level's underlay lands on
    the clicked corners."""
    import math

    from passmap.importers.base import ImportOptions
    from passmap.importers.placement import plan_of
    from tests.io.io_makers import LAT0, LON0, write_png
    from ui.placing import to_view

    monkeypatch.setenv("PASSMAP_IMPORT_DIR", str(tmp_path))
    monkeypatch.setenv("PASSMAP_UNDERLAY_DIR", str(tmp_path / "underlays"))
    write_png(tmp_path / "plan.png")  # 400 x 200 px
    at = _page()
    at.radio(key="imp_source").set_value("File on the server").run()
    at.text_input(key="imp_path").set_value("plan.png")
    at.text_input(key="imp_building").set_value("annex")
    at.text_input(key="imp_level").set_value("annex-l0")
    at.text_input(key="imp_campus").set_value("c1").run()
    assert not at.exception, [e.value for e in at.exception]
    plan = plan_of(tmp_path / "plan.png", ImportOptions())
    m_per_px, kx = 0.05, 111_320 * math.cos(math.radians(LAT0))  # 400 px = 20 m

    def lonlat(x, y):  # pixel -> where it belongs: top-left corner at LON0/LAT0, north up
        return LON0 + x * m_per_px / kx, LAT0 - y * m_per_px / 110_574

    for x, y in ((0, 0), (400, 0), (400, 200)):
        _click(at, 0, *to_view(plan, x, y))
        at.run()
        lon, lat = lonlat(x, y)
        _click(at, 1, lat, lon)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
    assert at.dataframe[0].value["residual (m)"].max() < 0.05
    at.button(key="imp_preview").click().run()
    assert not at.error, [e.value for e in at.error]
    at.button(key="imp_commit").click().run()
    assert any("Imported plan.png" in s.value for s in at.success)
    level = page_store(page_db).get("level", "annex-l0")
    (south, west), (north, east) = level["props"]["underlay"]["bounds"]
    assert (west, north) == pytest.approx(lonlat(0, 0), abs=1e-7)
    assert (east, south) == pytest.approx(lonlat(400, 200), abs=1e-7)


@pytest.mark.parametrize("case", ["image-not-an-image", "indoorgml-bad-numbers", "garbage-dxf"])
def test_a_broken_plan_to_place_is_one_sentence_without_server_folders(
    page_db, tmp_path, monkeypatch, case
):
    """The placing section reads the plan before any import: a broken file there is the same
    one sentence naming the file (an image's message carried the server folder, an IndoorGML
    cell's bad number showed with no file at all)."""
    from tests.io.test_hostile import CASES

    monkeypatch.setenv("PASSMAP_IMPORT_DIR", str(tmp_path))
    path = CASES[case][0](tmp_path)
    at = _page()
    at.radio(key="imp_source").set_value("File on the server").run()
    at.text_input(key="imp_path").set_value(path.name).run()
    assert not at.exception, [e.value for e in at.exception]
    errors = [e.value for e in at.error]
    assert len(errors) == 1 and errors[0].startswith(path.name), errors
    assert str(tmp_path) not in errors[0] and "\n" not in errors[0]


def test_every_flag_an_importer_names_is_a_field_of_the_page():
    """Importer sentences name CLI flags; the page shows each as one of its own fields."""
    import re

    from ui.importing import FIELDS, for_web

    text = "".join(p.read_text() for p in (REPO / "passmap" / "importers").glob("*.py"))
    flags = set(re.findall(r"--([a-z][a-z-]+)", text)) - {"help"}
    assert flags and flags <= set(FIELDS), flags - set(FIELDS)
    assert for_web("give --building with its id") == "give the Building id field with its id"


def test_the_plan_view_zooms_out_to_the_whole_drawing(tmp_path):
    """The drawing's view is in plain units scaled to 1000: Leaflet fits it only with a negative
    zoom, which folium drops (it gives min_zoom to a tile layer; an offline map has none), so
    the person saw less than half of the drawing and could not reach its far corners."""
    from passmap.importers.base import ImportOptions
    from passmap.importers.placement import plan_of
    from ui.placing import _plan_map

    plan = plan_of(write_dxf(tmp_path / "plan.dxf"), ImportOptions(layers={"rooms": ["A-ROOM"]}))
    html = _plan_map(plan, []).get_root().render()
    assert '"minZoom": -3' in html and "fitBounds" in html
    assert "L.control.scale" not in html  # plan units are not metres


def test_picked_points_do_not_catch_the_next_click(tmp_path):
    """The numbered points are drawn non-interactive: a Leaflet marker keeps a click made on it
    (the next point a few pixels away, seen in Chromium) and the pick was silently lost."""
    from shapely.geometry import box

    from ui.placing import _site_map

    campus = {"geometry": box(-80.841, 35.219, -80.839, 35.221)}
    html = _site_map(campus, None, [(-80.84, 35.22), (-80.8399, 35.22)], None)
    html = html.get_root().render()
    assert html.count("L.marker(") == 2 and html.count("L.circleMarker(") == 2
    assert html.count('"interactive": false') == 2  # the labels
    assert html.count('"bubblingMouseEvents": true') >= 2  # the circles pass clicks on


def _pickers(db, shows: str, first: str = "") -> AppTest:
    """The sidebar pickers alone, signed in as the demo admin, writing the picked ``shows``
    (after running the ``first`` lines); run once, without an exception."""
    from tests.helpers import login

    at = AppTest.from_string(
        "import streamlit as st\n"
        "from ui.pickers import sidebar_pickers\n"
        f"{first}"
        f"st.write('picked:', sidebar_pickers().{shows})\n",
        default_timeout=60,
    )
    login(at, "admin", db_path=db)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_building_picker_defaults_to_a_building_with_levels(page_db):
    from shapely.geometry import shape

    from passmap.auth import create_demo_accounts
    from tests.io.io_makers import box

    shed = {"id": "a-shed", "campus_id": "c1", "name": "Shed", "geom": shape(box(30, 0, 5, 5))}
    store = page_store(page_db)
    store.apply_import({"building": [shed]}, "test", "shed")
    create_demo_accounts(store)
    at = _pickers(page_db, "building", first="st.session_state['pick_campus'] = 'c1'\n")
    assert at.sidebar.selectbox(key="pick_building").options[0] == "Shed"  # listed first
    assert at.sidebar.selectbox(key="pick_building").value == "b1"  # but b1 has the levels


def test_pickers_after_an_import_created_a_second_district(page_db, tmp_path):
    """An import into a new campus adds the 'imported' district: the sidebar then shows a
    district picker, and choosing the imported campus works (it raised
    StreamlitWidgetAlreadyInstantiatedError on every page)."""
    import json

    from passmap.auth import create_demo_accounts
    from passmap.importers import import_path
    from tests.io.io_makers import box, fc, feat

    doc = fc([feat({"id": "r1", "name": "101 Classroom"}, box(0, 0, 10, 8))])
    (tmp_path / "annex.geojson").write_text(json.dumps(doc))
    store = page_store(page_db)
    import_path(store, tmp_path / "annex.geojson")
    create_demo_accounts(store)
    at = _pickers(page_db, "campus")
    districts = at.sidebar.selectbox(key="pick_district")
    assert len(districts.options) == 2
    districts.set_value("imported").run()
    assert not at.exception, [e.value for e in at.exception]
    at.sidebar.selectbox(key="pick_campus").set_value("annex-campus").run()
    assert not at.exception, [e.value for e in at.exception]
    assert "picked: annex-campus" in at.markdown[0].value
