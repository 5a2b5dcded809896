"""Ids that come back from the browser are checked against what the viewer may see.

The map component, a tooltip or any component value can be forged by the browser: a board
member posting ``{id: "cam-1", kind: "control"}``, a viewer limited to one campus posting a
duress button of another, a campus-scoped editor reshaping another campus's room. Each case is
forged here for each role, into the detail panel (ui.detail.render_detail, which every map page
uses) and into the Edit page's selection; the audit log of a scoped editor holds only theirs.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from passmap import access, auth
from tests.helpers import _store, login
from tests.security.apptest_tools import browser_payload, page_path

PASSWORD = "a long enough passphrase"
NEUTRAL = "Nothing to show for that selection; it may have been removed."


def _forged_detail():
    import streamlit as st

    from ui import data
    from ui.detail import render_detail

    render_detail(data.get_store(), st.session_state["forge_kind"], st.session_state["forge_id"])


def _scoped(store, name: str, role: str, campuses: list[str]) -> str:
    if store.get_user(name) is None:
        auth.create_user(store, name, PASSWORD, role, actor="test", campus_scope=campuses)
    return name


def _detail(role: str, kind: str, object_id: str, username: str | None = None) -> AppTest:
    at = AppTest.from_function(_forged_detail, default_timeout=60)
    login(at, role, username=username, password=PASSWORD if username else None)
    at.session_state["forge_kind"] = kind
    at.session_state["forge_id"] = object_id
    return at.run()


# (role, scope, kind, id, may see): cam-1, rdr-1 and duress-1 are on campus c1, aed-2 on c2.
CASES = [
    ("board", None, "control", "cam-1", False),  # cameras are not on the board's layers
    ("board", None, "control", "rdr-1", False),
    ("board", None, "control", "duress-1", False),
    ("board", None, "control", "aed-1", True),
    ("viewer", None, "control", "cam-1", True),
    ("viewer", ["c2"], "control", "duress-1", False),  # another campus's duress button
    ("viewer", ["c2"], "zone", "b1-l0-r1", False),
    ("viewer", ["c2"], "control", "aed-2", True),
    ("editor", ["c2"], "zone", "b1-l0-r1", False),
    ("admin", None, "control", "duress-1", True),
    ("admin", None, "zone", "no-such-room", False),
]


@pytest.mark.parametrize(("role", "scope", "kind", "object_id", "sees"), CASES)
def test_a_forged_pick_shows_only_what_the_role_may_see(
    app, tiny_db, role, scope, kind, object_id, sees
):
    store = _store(tiny_db)
    name = _scoped(store, f"scoped-{role}", role, scope) if scope else None
    at = _detail(role, kind, object_id, username=name)
    assert not at.exception
    shown = browser_payload(at)
    row = store.get(kind, object_id)
    if sees:
        assert NEUTRAL not in shown and row["name"].split()[0] in shown
    else:
        assert [w.value for w in at.warning] == [NEUTRAL]  # the same answer as a missing id
        if row is not None:
            assert str(row["name"]) not in shown and object_id not in shown
    user = store.get_user(name or f"demo-{role}")
    scope_now = user["campus_scope"]
    assert access.object_visible(kind, row, role, (), scope_now) is sees


def test_a_partner_sees_only_shared_layers_and_campuses():
    row_cam = {"campus_id": "c1", "type": "camera"}
    row_room = {"campus_id": "c1", "kind": "classroom", "building_id": "b1"}
    row_door = {"campus_id": "c1", "door_class": "exterior-primary"}
    assert not access.object_visible("control", row_cam, "partner", ["doors"], ["c1"])
    assert access.object_visible("control", row_cam, "partner", ["cameras"], ["c1"])
    assert not access.object_visible("zone", row_room, "partner", ["doors"], ["c1"])
    assert access.object_visible("opening", row_door, "partner", ["doors"], ["c1"])
    assert not access.object_visible("opening", row_door, "partner", ["doors"], ["c2"])
    assert not access.object_visible("control", {"type": "aed"}, "admin")  # no campus: no


def test_a_forged_map_value_on_the_floor_page_opens_nothing_hidden(app, tiny_db):
    """The browser's component value itself (session state under the map's key) is forged."""
    at = app()
    login(at, "board")
    at.run()
    at.switch_page(page_path("floor")).run()
    assert not at.exception
    at.session_state["floor_map"] = {
        "selection": {"objects": {"controls": [{"id": "cam-1", "kind": "control"}]}}
    }
    at.run()
    shown = browser_payload(at)
    assert "Camera" not in shown.replace("Camera views", "") and "cam-1" not in shown


def test_a_scoped_editor_cannot_select_another_campus_s_room_nor_read_its_audit(app, tiny_db):
    store = _store(tiny_db)
    store.move_feature(
        "zone", "b1-l0-r1", store.get("zone", "b1-l0-r1")["geometry"], 1, "demo-editor"
    )
    name = _scoped(store, "scoped-editor-c2", "editor", ["c2"])
    at = app()
    login(at, "editor", username=name, password=PASSWORD)
    at.run()
    at.switch_page(page_path("edit")).run()
    assert not at.exception
    at.radio(key="edit_mode").set_value("Draw zone or door")
    square = [[-83.9965, 40.0001], [-83.9964, 40.0001], [-83.9964, 40.0002], [-83.9965, 40.0001]]
    at.session_state["edit_drawn"] = {"type": "Polygon", "coordinates": [square]}
    at.session_state["edit_selected"] = ("zone", "b1-l0-r1")  # a forged tooltip of campus c1
    at.run()
    assert not at.exception
    assert any(b.label == "Save new zone" for b in at.button)  # the drawing is there...
    assert not any("b1-l0-r1" in b.label for b in at.button)  # ...but no "Reshape ... b1-l0-r1"
    assert "b1-l0-r1" not in browser_payload(at)  # nor in the recent changes
    everyone = [e["entity_id"] for e in store.audit_entries(limit=50)]
    assert "b1-l0-r1" in everyone
    assert "b1-l0-r1" not in [e["entity_id"] for e in store.audit_entries(50, None, ["c2"])]
