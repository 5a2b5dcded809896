"""Tiers and the plan follow a write at the next run (issue 13): no time-to-live, no cache a
client holds. A write made elsewhere (another user's session, an import) through the shared
store is drawn on the open floor plan at its next run, the moved device where it now is and
the room's tier from the geometry (the office loses its fixed duress button)."""

from __future__ import annotations

from shapely.geometry import Point

from passmap.store.shared import shared_store
from tests.ui.conftest import deck_spec, layer, map_args, open_page, rows_of

OFFICE, OFFICE_DURESS, ENTRY_HALL = "ohes-main-l1-114", "ohes-ctl-0047", "ohes-main-l1-a-R05"
OHES_L1 = {"campus": "ohes", "building": "ohes-main", "level": "ohes-main-l1"}
CVHS_L1 = {"campus": "cvhs", "building": "cvhs-main", "level": "cvhs-main-l1"}


def _floor(at):
    spec = deck_spec(at)
    zones = {z["id"]: z for z in layer(spec, "zones")["data"]}
    icons = rows_of(spec, "devices")  # one layer per zoom step (layers.labels)
    return zones, {r["id"]: r for r in icons}


def test_a_write_elsewhere_is_drawn_at_the_next_run(maps_app, demo_db):
    at = open_page(maps_app, "floor", OHES_L1)
    zones, icons = _floor(at)
    before_tier, before_fill = zones[OFFICE]["tier"], zones[OFFICE]["fill"]
    assert before_tier and before_tier > 0
    assert OFFICE_DURESS in icons

    store = shared_store(str(demo_db))
    lobby = store.get("zone", ENTRY_HALL)["geometry"].representative_point()
    store.move_feature("control", OFFICE_DURESS, lobby, None, "someone-else")

    at.run()  # the next run of the open page (the page's poll triggers it within a second)
    assert not at.exception, [e.value for e in at.exception]
    zones, icons = _floor(at)
    assert zones[OFFICE]["tier"] == 0 and zones[OFFICE]["fill"] != before_fill
    moved = icons[OFFICE_DURESS]
    assert abs(moved["position"][0] - lobby.x) < 1e-5  # rounded for the browser; the move is ~20 m
    assert abs(moved["position"][1] - lobby.y) < 1e-5  # rounded for the browser; the move is ~20 m


def _fresh_args(at) -> dict:
    """The floor's map arguments rebuilt from nothing: every cached layer and ribbon dropped."""
    import streamlit as st

    from layers import deck

    st.cache_data.clear()
    with deck._RINGS_LOCK:
        deck._RINGS.clear()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return map_args(at)


def test_after_each_edit_the_floor_plan_equals_one_built_from_nothing(maps_app, demo_db):
    """The floor plan keeps each layer per content of what it reads (an edit rebuilds only the
    layers it changed): after a lock, a move, a rename and a new tier, every layer the browser
    gets is the one a cold build gives."""
    at = open_page(maps_app, "floor", CVHS_L1)
    store = shared_store(str(demo_db))
    room, door = "cvhs-main-l1-102", "cvhs-main-l1-d002"
    tier_before = {z["id"]: z["tier"] for z in layer(deck_spec(at), "zones")["data"]}[room]
    camera = next(
        c for c in store.list_controls(level_id="cvhs-main-l1").itertuples() if c.type == "camera"
    )
    edits = [
        lambda: store.update_feature("opening", door, {"lock_function": "electrified"}, None, "t"),
        lambda: store.move_feature(
            "control", camera.id, Point(camera.geometry.x + 2e-5, camera.geometry.y), None, "t"
        ),
        lambda: store.update_feature("zone", room, {"name": "Renamed 102"}, None, "t"),
    ]
    for edit in edits:
        edit()
        at.run()  # the open page's next run (its poll triggers it)
        assert not at.exception, [e.value for e in at.exception]
        assert map_args(at)["layers"] == _fresh_args(at)["layers"]
    zones = {z["id"]: z for z in layer(deck_spec(at), "zones")["data"]}
    assert zones[room]["tier"] > tier_before  # the lock closed its gap: the new tier is drawn
    assert zones[room]["name"] == "Renamed 102"
