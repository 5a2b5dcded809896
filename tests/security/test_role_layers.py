"""Role layers and campus scope are applied to the DATA (ui/data.py), so what a role may not see
never reaches the browser: the board gets no camera, access-control or duress objects (nor camera
view wedges) on the maps, and a campus-scoped account sees only its campuses."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from passmap import auth
from tests.helpers import _store, login
from tests.security.apptest_tools import browser_payload, map_specs, reachable

REPO = Path(__file__).resolve().parents[2]
SENSITIVE_TYPES = {
    "camera",
    "access_reader",
    "intercom",
    "door_contact",
    "visitor_management",
    "duress_button",
    "wearable_duress_coverage",
}
SCOPED_PASSWORD = "a-long-enough-password"


@pytest.fixture
def demo_app(demo_db, monkeypatch):
    """Factory of signed-in AppTests of app.py on a private copy of the demo database."""
    monkeypatch.setenv("PASSMAP_DB", str(demo_db))
    monkeypatch.setenv("PASSMAP_SIMULATE", "0")

    def make(role: str = "admin", username: str | None = None) -> AppTest:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
        login(
            at,
            role,
            username=username,
            password=SCOPED_PASSWORD if username else None,
            db_path=demo_db,
        )
        return at

    return make


def _decks(at) -> list[dict]:
    assert not at.exception, [e.value for e in at.exception]
    return map_specs(at)


def _rows(decks, layer_id: str) -> list[dict]:
    return [
        r
        for d in decks
        for lyr in d["layers"]
        if lyr["id"] == layer_id or lyr["id"].startswith(f"{layer_id}-")  # fov-0, fov-1...
        for r in (lyr.get("data") or [])
    ]


def _types(decks) -> set[str]:
    return {
        r["type"]
        for d in decks
        for lyr in d["layers"]
        for r in (lyr.get("data") or [])
        if isinstance(r, dict) and "type" in r and lyr["id"].startswith(("control", "devices"))
    }


def _sensitive_ids(db_path) -> set[str]:
    controls = _store(db_path).list_controls()
    return set(controls.loc[controls["type"].isin(SENSITIVE_TYPES), "id"])


def _open(at, page: str) -> AppTest:
    at.run()
    at.switch_page(str(REPO / "pages" / f"{page}.py")).run()
    return at


@pytest.mark.parametrize("page", ["floor", "campus"])
def test_board_maps_ship_no_cameras_readers_duress_or_views_while_admin_maps_do(
    demo_app, demo_db, page
):
    admin = _decks(_open(demo_app("admin"), page))
    assert {"camera"} <= _types(admin) and _rows(admin, "fov"), "admin sees cameras and views"
    if page == "floor":
        assert _types(admin) & {"access_reader", "duress_button"}

    at = _open(demo_app("board"), page)
    board = _decks(at)
    assert _types(board), "the board still sees the other devices"
    assert not _types(board) & SENSITIVE_TYPES
    assert not _rows(board, "fov")
    payload = browser_payload(at)
    leaked = {i for i in _sensitive_ids(demo_db) if f'"{i}"' in payload}
    assert not leaked, f"sensitive ids reached the browser: {sorted(leaked)[:5]}"


def test_board_floor_search_does_not_find_a_camera(demo_app, demo_db):
    controls = _store(demo_db).list_controls()
    camera = controls[controls["type"] == "camera"].iloc[0]
    at = _open(demo_app("board"), "floor")
    at.text_input(key="floor_search").input(str(camera["id"])).run()
    assert not at.exception
    assert any("Nothing on this campus matches" in w.value for w in at.warning)
    assert f'"{camera["id"]}"' not in browser_payload(at)


def test_board_district_counts_only_devices_it_may_see(demo_app, demo_db):
    decks = _decks(_open(demo_app("board"), "district"))
    stats = _store(demo_db).stats()["campuses"]
    for row in _rows(decks, "campus-labels"):
        full = next(c for c in stats if c["name"] in row["text"])
        shown = sum(n for t, n in full["controls_by_type"].items() if t not in SENSITIVE_TYPES)
        assert f"{shown} controls" in row["text"]


@pytest.fixture
def scoped_viewer(demo_db):
    """A viewer limited to one campus, created through passmap.auth."""
    store = _store(demo_db)
    campuses = store.list_campuses()
    mine = campuses["id"].iloc[-1]
    auth.create_user(
        store, "scoped.viewer", SCOPED_PASSWORD, "viewer", actor="test", campus_scope=[mine]
    )
    others = dict(zip(campuses["id"], campuses["name"]))
    mine_name = others.pop(mine)
    return mine, mine_name, others


def test_a_campus_scoped_viewer_sees_only_its_campus_on_the_district_map(demo_app, scoped_viewer):
    mine, _, others = scoped_viewer
    at = demo_app(username="scoped.viewer")
    at.run()
    decks = _decks(at)
    assert {r["id"] for r in _rows(decks, "campuses")} == {mine}
    assert {r["campus_id"] for r in _rows(decks, "buildings")} <= {mine}
    payload = browser_payload(at)
    assert not [name for name in others.values() if name in payload]


def test_a_campus_scoped_account_is_not_offered_the_district_wide_board_report(
    demo_app, scoped_viewer
):
    """The board report is district-wide by design: a scoped account does not open it."""
    at = demo_app(username="scoped.viewer")
    at.run()
    assert "board" not in reachable(at) and "gaps" in reachable(at)
    board = demo_app("board")
    board.run()
    assert "board" in reachable(board)


@pytest.mark.parametrize("page", ["gaps"])
def test_a_campus_scoped_viewer_sees_only_its_campus_where_campuses_are_listed(
    demo_app, scoped_viewer, page
):
    mine, mine_name, others = scoped_viewer
    at = _open(demo_app(username="scoped.viewer"), page)
    assert not at.exception, [e.value for e in at.exception]
    payload = browser_payload(at)
    charts = " ".join(str(c.proto) for c in at.get("arrow_vega_lite_chart"))
    leaked = [name for name in others.values() if name in payload or name in charts]
    assert not leaked, leaked
