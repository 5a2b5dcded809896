"""The Import and Edit pages in AppTest against a real database file."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from tests.helpers import deckmap_args
from tests.io.conftest import page_store
from tests.io.io_makers import write_osm

REPO = Path(__file__).resolve().parents[2]


def _page(name: str) -> AppTest:
    from tests.helpers import login_new

    at = AppTest.from_file(str(REPO / "pages" / name), default_timeout=60)
    return login_new(at, "editor")  # a page run on its own refuses anyone not signed in


def test_import_page_previews_then_commits(site_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PASSMAP_IMPORT_DIR", str(tmp_path))
    write_osm(tmp_path / "rooms.geojson")
    at = _page("import.py")
    at.run()
    at.radio(key="imp_source").set_value("File on the server").run()
    at.text_input(key="imp_path").set_value("rooms.geojson")
    at.text_input(key="imp_building").set_value("annex")
    at.text_input(key="imp_campus").set_value("c1").run()
    at.button(key="imp_preview").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert "Preview: rooms.geojson (osm)" in at.subheader[0].value
    assert any("skipped 1 feature" in w.value for w in at.warning)
    assert page_store(site_db).get("building", "annex") is None  # nothing written yet
    assert at.get("iframe") or at.get("component_instance")  # the preview map
    at.button(key="imp_commit").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert any("Imported rooms.geojson" in s.value for s in at.success)
    store = page_store(site_db)
    assert store.get("building", "annex")["campus_id"] == "c1"
    assert len(store.list_zones(building_id="annex")) == 4
    assert store.audit_entries(limit=1)[0]["action"] == "import"


def test_import_page_shows_the_error_and_writes_nothing(site_db, tmp_path, monkeypatch):
    monkeypatch.setenv("PASSMAP_IMPORT_DIR", str(tmp_path))
    bad = tmp_path / "bad.geojson"
    bad.write_text("{not json")
    at = _page("import.py")
    at.run()
    at.radio(key="imp_source").set_value("File on the server").run()
    at.text_input(key="imp_path").set_value(str(bad)).run()
    before = page_store(site_db).table_counts()
    at.button(key="imp_preview").click().run()
    assert any("bad.geojson" in e.value and "not valid JSON" in e.value for e in at.error)
    assert at.button(key="imp_commit").disabled
    assert page_store(site_db).table_counts() == before


def _edit_app(site_db) -> AppTest:
    at = _page("edit.py")
    at.session_state["pick_district"] = "d1"
    at.session_state["pick_campus"] = "c1"
    at.session_state["pick_building"] = "b1"
    at.session_state["pick_level"] = "b1-l0"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _map_script(at) -> str:
    comp = at.get("component_instance")[0]
    return str(comp.proto.json_args)


def _deck_layers(at) -> dict:
    """The Edit page's map (ui.deckmap) as drawn: {layer id: rows}."""
    import json

    args = json.loads(_map_script(at))
    assert args["name"] == "edit:b1-l0" and args["clicks"] == "all", args["name"]
    return {lyr["id"]: lyr.get("data") for lyr in map(json.loads, args["layers"])}


def test_edit_page_click_places_a_camera_with_wedge_preview(site_db):
    """Placing draws the floor plan's layers (rooms by tier, names, device symbols); a click on
    the plan (the map component's value: its seq, scope and coordinate) is the position, shown
    with the camera's view to be; the placed camera is then drawn among the devices."""
    from tests.io.io_makers import LAT0, LON0

    at = _edit_app(site_db)
    drawn = _deck_layers(at)
    assert {"zones", "walls", "doors"} <= set(drawn), sorted(drawn)
    labels = {r["text"] for i, rows in drawn.items() if i.startswith("marks@") for r in rows}
    assert "101" in labels, sorted(labels)  # room numbers (and names) as on the floor plan
    # A click on the plan, as the map component reports it.
    at.session_state["edit_deck_map"] = {
        "selection": {"indices": {}, "objects": {}},
        "seq": 1,
        "scope": "b1-l0",
        "coordinate": [LON0 + 0.00003, LAT0 + 0.00003],
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    drawn = _deck_layers(at)
    assert "edit-click" in drawn and "edit-wedge" in drawn  # position + view preview
    at.button(key="edit_place").click().run()
    assert not at.exception, [e.value for e in at.exception]
    cams = page_store(site_db).list_controls(level_id="b1-l0")
    assert len(cams) == 1 and cams.iloc[0]["type"] == "camera" and cams.iloc[0]["zone_id"] == "z101"
    assert cams.iloc[0]["bearing_deg"] == 90 and cams.iloc[0]["range_m"] == 15
    devices = [r["id"] for i, rows in _deck_layers(at).items() if i.startswith("devices@")
               for r in rows]  # fmt: skip
    assert devices == [cams.iloc[0]["id"]]  # drawn on the plan
    assert at.session_state["edit_selected"] == ("control", cams.iloc[0]["id"])
    assert "edit-selected" in _deck_layers(at)


def test_edit_page_refuses_a_stale_save_and_undoes(site_db):
    store = page_store(site_db)
    at = _edit_app(site_db)
    at.radio(key="edit_mode").set_value("Select and edit").run()
    at.selectbox(key="edit_obj").set_value("zone z101").run()
    assert "You opened version 1" in at.caption[-1].value or any(
        "version 1" in c.value for c in at.caption
    )
    # Someone else saves the same room meanwhile.
    store.update_feature("zone", "z101", {"name": "Renamed by Bob"}, 1, actor="bob")
    at.text_input(key="edit_zone_z101_name").set_value("Mine")
    at.button(key="FormSubmitter:edit_form_zone:z101-Save attributes").click().run()
    assert any("changed by someone else" in e.value for e in at.error)
    assert store.get("zone", "z101")["name"] == "Renamed by Bob"
    at.button(key="edit_reload").click().run()
    at.text_input(key="edit_zone_z101_name").set_value("Mine")
    at.button(key="FormSubmitter:edit_form_zone:z101-Save attributes").click().run()
    assert store.get("zone", "z101")["name"] == "Mine"
    assert store.audit_entries(limit=1)[0]["actor"] == "test-editor"
    at.button(key="edit_undo").click().run()
    assert any("Undid the update of zone z101" in s.value for s in at.success)
    assert store.get("zone", "z101")["name"] == "Renamed by Bob"


def _draw(at: AppTest, geometry: dict) -> None:
    """Hand the edit map a freshly drawn shape as streamlit-folium returns it (the value under
    the component's hash key), and rerun."""
    import json

    args = json.loads(_map_script(at))
    at.session_state[args["key"]] = {
        "last_clicked": None,
        "last_object_clicked_tooltip": None,
        "last_active_drawing": {"type": "Feature", "geometry": geometry},
    }
    at.run()


def test_edit_page_draws_a_zone_and_reshapes_it(site_db):
    from tests.io.io_makers import box

    at = _edit_app(site_db)
    at.radio(key="edit_mode").set_value("Draw zone or door").run()
    _draw(at, box(20, 0, 5, 8))
    at.selectbox(key="edit_zkind").set_value("storage")
    at.text_input(key="edit_znum").set_value("103").run()
    at.button(key="edit_save_drawn").click().run()
    assert not at.exception, [e.value for e in at.exception]
    store = page_store(site_db)
    new = store.list_zones(level_id="b1-l0").set_index("room_number").loc["103"]
    assert new["kind"] == "storage" and new["id"] == "b1-l0-zone-1"
    # Reshape room 101 with a newly drawn outline.
    at.session_state["edit_selected"] = ("zone", "z101")
    at.run()  # the selection restyles the map (new component key)
    _draw(at, box(0, 0, 12, 8))
    at.button(key="edit_reshape").click().run()
    assert any("Reshaped zone z101" in s.value for s in at.success)
    z = store.get("zone", "z101")
    assert (
        z["version"] == 2 and z["geometry"].area > 1.1 * store.get("zone", "z102")["geometry"].area
    )


def test_floor_plan_draws_and_fits_the_underlay_of_an_image_only_level(
    site_db, tmp_path, monkeypatch
):
    """A level imported from an image alone (no rooms, doors or devices) shows the image on the
    Floor plan, read from inside PASSMAP_UNDERLAY_DIR, and the view opens on it."""
    import json

    from passmap.importers import import_path
    from passmap.importers.base import ImportOptions
    from passmap.store import Store
    from tests.io.io_makers import write_png

    under = tmp_path / "underlays"
    monkeypatch.setenv("PASSMAP_UNDERLAY_DIR", str(under))
    west, south, east, north = -80.8400, 35.2200, -80.8394, 35.2203
    with Store(site_db) as store:
        import_path(
            store,
            write_png(tmp_path / "plan.png"),
            ImportOptions(
                campus_id="c1",
                building_id="annex",
                level_id="annex-l0",
                underlay_dir=under,
                corners=[(west, south), (east, north)],
            ),
        )
    at = _page("floor.py")
    at.session_state["pick_campus"] = "c1"
    at.session_state["pick_building"] = "annex"
    at.session_state["pick_level"] = "annex-l0"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    deck = next(e for e in at.get("component_instance") if "deckmap" in e.proto.component_name)
    args = deckmap_args(deck)
    layers = {lyr["id"]: lyr for lyr in map(json.loads, args["layers"])}
    assert layers["underlay"]["@@type"] == "BitmapLayer"
    assert layers["underlay"]["image"].startswith("data:image/png;base64,")
    assert layers["underlay"]["bounds"] == pytest.approx([west, south, east, north])
    view = args["view"]
    assert west < view["longitude"] < east and south < view["latitude"] < north
    assert view["zoom"] >= 17  # the image fills the map, not a whole-campus view


def test_a_plain_geojson_campus_shows_on_the_district_and_campus_maps(site_db, tmp_path):
    """Plain GeoJSON into a new campus: campus and building get outlines from their rooms, so
    the district and campus maps draw it and their map data holds no NaN (the browser refused
    'NaN is not valid JSON' and the campus was missing)."""
    import json

    from passmap.importers import import_path
    from passmap.store import Store
    from tests.io.io_makers import box, fc, feat

    doc = fc([feat({"id": "r1", "name": "101 Classroom"}, box(0, 0, 10, 8))])
    (tmp_path / "annex.geojson").write_text(json.dumps(doc))
    with Store(site_db) as store:
        import_path(store, tmp_path / "annex.geojson")
        campus = store.list_campuses().set_index("id").loc["annex-campus"]
    for stem in ("district", "campus"):
        at = _page(f"{stem}.py")
        at.session_state["pick_district"] = campus["district_id"]
        at.session_state["pick_campus"] = "annex-campus"
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        maps = [e for e in at.get("component_instance") if "deckmap" in e.proto.component_name]
        text = json.dumps(deckmap_args(maps[0]))  # the layers the browser fetches included
        assert "NaN" not in text and "annex" in text, stem
