"""The alarm banner of the frame (ui/banner.py via app.py) and its core data
(passmap.feeds.alarms.alarm_board): every page, every campus the viewer may see, the district's
time zone, "Show on map"."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from passmap.feeds.alarms import alarm_board
from passmap.feeds.runner import FeedRunner
from tests.helpers import _store, login, wait_until

REPO = Path(__file__).resolve().parents[2]
# (AppTest runs a page whose url_path equals its stem, e.g. responder, without the frame)
PAGES = ["district", "campus", "floor", "gaps", "live", "board", "import", "edit"]


def _status(device: str, aspect: str, state: str) -> bytes:
    now = datetime.now(UTC).isoformat()
    body = {"device_id": device, "aspect": aspect, "state": state, "observed_utc": now}
    return json.dumps(body).encode()


def _duress_on_last_campus(store) -> dict:
    """A duress on the campus the sidebar does NOT pick first, and one unattached device."""
    campus = store.list_campuses().sort_values("name")["id"].iloc[-1]
    c = store.list_controls(campus)
    button = c[(c["type"] == "duress_button") & c["external_id"].notna()].iloc[0]
    runner = FeedRunner(store)
    runner.submit("passmap/status/x", _status(button["external_id"], "panic", "triggered"))
    runner.submit("passmap/status/y", _status("orphan-duress-9", "panic", "triggered"))
    assert runner.flush()["new_events"] == 2
    return button.to_dict()


@pytest.fixture
def app(demo_db, monkeypatch):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PASSMAP_DB", str(demo_db))
    monkeypatch.setenv("PASSMAP_SIMULATE", "0")
    monkeypatch.setenv("PASSMAP_TIMEZONE", "America/Chicago")

    def make(role: str = "admin"):
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
        login(at, role, db_path=demo_db)
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        return at

    return make


def _rerun_until(at, reached, what: str) -> None:
    """Run ``at`` again until ``reached()``: "Show on map" switches the page and the pickers
    over a few script runs (AppTest has no browser to rerun on its own)."""

    def reached_after_a_run():
        if reached():
            return True
        at.run()
        return reached()

    wait_until(reached_after_a_run, 30, 0, what=f"{what} open after Show on map")


def _banner_text(at) -> str:
    return "\n".join([m.value for m in at.markdown] + [e.value for e in at.error])


def test_a_duress_on_any_campus_shows_in_the_banner_of_every_page(app, demo_db):
    at = app("admin")
    assert "open alarm" not in _banner_text(at)  # quiet before
    store = _store(demo_db)
    button = _duress_on_last_campus(store)
    assert at.session_state["pick_campus"] != button["campus_id"]  # not the picked campus
    for name in PAGES:
        at.switch_page(str(REPO / "pages" / f"{name}.py")).run()
        assert not at.exception, (name, [e.value for e in at.exception])
        text = _banner_text(at)
        assert "2 open alarms" in text, (name, text)
        assert button["name"] in text and "Duress / panic" in text, name
        assert "LOCKDOWN" in text, name  # the duress put its campus in lockdown
        assert "CST" in text or "CDT" in text, name  # the district's zone, not UTC
    assert "device not attached to a placed control" in text  # the orphan, for an admin


def test_a_campus_scoped_account_sees_only_its_campuses_alarms(app, demo_db):
    store = _store(demo_db)
    button = _duress_on_last_campus(store)
    board_all = alarm_board(store, None)
    assert {a["device_id"] for a in board_all["alarms"]} == {
        button["external_id"],
        "orphan-duress-9",
    }
    other = [c for c in store.list_campuses()["id"] if c != button["campus_id"]][0]
    board_other = alarm_board(store, [other])
    assert board_other["alarms"] == []  # another campus: neither its alarm nor the orphan
    assert {p["campus_id"] for p in board_other["postures"]} == {other}
    mine = alarm_board(store, [button["campus_id"]], "America/Denver")
    (alarm,) = mine["alarms"]
    assert alarm["level_id"] == button["level_id"] and alarm["control_id"] == button["id"]
    assert alarm["raised"].endswith(("MST", "MDT")) and mine["postures"][0]["state"] == "lockdown"


def test_show_on_map_opens_the_alarms_floor_with_the_device_in_focus(app, demo_db):
    at = app("admin")
    store = _store(demo_db)
    button = _duress_on_last_campus(store)
    at.run()
    show = [b for b in at.button if b.label == "Show on map"]
    assert len(show) == 1  # the orphan has no map
    show[0].click().run()
    assert not at.exception, [e.value for e in at.exception]
    _rerun_until(at, lambda: at.session_state["pick_level"] == button["level_id"], "the floor")
    assert at.session_state["pick_campus"] == button["campus_id"]
    assert at.session_state["pick_level"] == button["level_id"]
    # the floor plan took the focus into its search: the device is ringed and its panel opens
    assert at.session_state["floor_search"] == button["external_id"]
    assert at.session_state["pick_building"] == button["building_id"]
    # the Floor plan rings the device (the highlight layer), zooms to it and opens its panel
    from tests.ui.conftest import deck_spec

    spec = deck_spec(at)
    assert "highlight" in [lyr["id"] for lyr in spec["layers"]]
    view = spec["initialViewState"]
    x, y = button["geometry"].x, button["geometry"].y
    west, south, east, north = view.get("fit_bounds") or view.get("fitBounds")
    assert west < x < east and south < y < north and east - west < 0.002, view  # zoomed to it
    panel = " ".join(m.value for m in at.markdown) + " ".join(s.value for s in at.subheader)
    assert button["name"] in panel


def test_show_on_map_of_a_grounds_device_opens_its_campus_map_with_the_device_in_focus(
    app, demo_db
):
    """A device outside every building (a field camera, a gate, a pole) has no floor: "Show on
    map" opens its campus map, ringed and zoomed to, its panel open; not a floor plan, and no
    ring or panel before the click."""
    from tests.security.apptest_tools import ran
    from tests.ui.conftest import deck_spec

    store = _store(demo_db)
    campus = store.list_campuses().sort_values("name")["id"].iloc[-2]  # not the first picked
    c = store.list_controls(campus)
    camera = c[c["level_id"].isna() & (c["type"] == "camera") & c["external_id"].notna()]
    camera = camera.iloc[-1].to_dict()  # e.g. "Camera - Multipurpose Field"
    at = app("admin")
    assert at.session_state["pick_campus"] != campus
    at.switch_page(str(REPO / "pages" / "campus.py")).run()
    assert "highlight" not in [lyr["id"] for lyr in deck_spec(at)["layers"]]  # no ring yet
    runner = FeedRunner(store)
    runner.submit("passmap/status/z", _status(camera["external_id"], "camera", "tamper"))
    assert runner.flush()["new_events"] == 1
    at.run()
    (show,) = [b for b in at.button if b.label == "Show on map"]
    show.click().run()
    assert not at.exception, [e.value for e in at.exception]
    _rerun_until(at, lambda: ran(at) == "campus", "the campus map")
    assert ran(at) == "campus" and at.session_state["pick_campus"] == campus  # not a floor
    assert at.session_state["campus_search"] == camera["external_id"]
    spec = deck_spec(at)
    assert "highlight" in [lyr["id"] for lyr in spec["layers"]]
    x, y = camera["geometry"].x, camera["geometry"].y
    west, south, east, north = spec["initialViewState"].get("fit_bounds") or spec[
        "initialViewState"
    ].get("fitBounds")
    assert west < x < east and south < y < north and east - west < 0.002  # zoomed to it
    panel = " ".join(m.value for m in at.markdown) + " ".join(s.value for s in at.subheader)
    assert camera["name"] in panel
