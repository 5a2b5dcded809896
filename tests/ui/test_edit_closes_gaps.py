"""The Edit page sets what the rules read (issue 13): a person closes gaps of the demo from the
app alone (AppTest of app.py on a copy of the demo, through the page's own forms), and the
floor plan and the assessment show it at the next run.

- a door's lock function and inside-lock flag (opening attributes): Room 137's tier rises;
- a written procedure for a device type on the campus (procedure per type);
- last-tested dates of the campus's duress, intrusion and fire panels (maintenance);
- a PA speaker placed by a click in a classroom that had none (a device in a room).
"""

from __future__ import annotations

from datetime import date

from passmap.compliance.service import service_for
from passmap.store.shared import shared_store
from tests.ui.conftest import deck_spec, layer, page

ROOM, DOOR = "ohes-main-l1-137", "ohes-main-l1-d037"
SILENT_ROOM = "ohes-main-l1-101"  # Kindergarten: no PA speaker
UNTESTED = ("ohes-ctl-0047", "ohes-ctl-0049", "ohes-ctl-0092")
PICK = {"campus": "ohes", "building": "ohes-main", "level": "ohes-main-l1"}


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]


def _status(demo_db, practice: str, scope: str) -> str:
    f = service_for(shared_store(str(demo_db))).current().findings
    return f[(f["practice_id"] == practice) & (f["scope_id"] == scope)]["status"].iloc[0]


def _room_tier(at) -> int:
    at.session_state["pick_pending"] = dict(PICK)
    at.switch_page(page("floor")).run()
    _ok(at)
    return next(z for z in layer(deck_spec(at), "zones")["data"] if z["id"] == ROOM)["tier"]


def _select(at, table: str, fid: str):
    at.radio(key="edit_mode").set_value("Select and edit").run()
    at.selectbox(key="edit_obj").set_value(f"{table} {fid}").run()
    _ok(at)


def _save(at):
    next(b for b in at.button if b.label == "Save attributes").click().run()
    _ok(at)
    assert any("Saved" in s.value for s in at.success), [e.value for e in at.error]


def test_the_edit_page_closes_gaps_and_the_tiers_follow(maps_app, demo_db):
    at = maps_app()
    at.run()
    before = _room_tier(at)
    assert _status(demo_db, "CI-PP-02", "ohes") == "needed"
    assert _status(demo_db, "DI-DA-01", "ohes") == "needed"
    assert _status(demo_db, "CI-CO-01", SILENT_ROOM) == "needed"

    at.session_state["pick_pending"] = dict(PICK)
    at.switch_page(page("edit")).run()
    _ok(at)

    # Opening attributes: the classroom door locks from inside with a classroom-security lock.
    _select(at, "opening", DOOR)
    at.selectbox(key=f"edit_opening_{DOOR}_lock_function").set_value("classroom-security")
    at.selectbox(key=f"edit_opening_{DOOR}_lock_inside_operable").set_value("yes")
    _save(at)

    # Last-tested dates of the three untested devices.
    for device in UNTESTED:
        _select(at, "control", device)
        at.date_input(key=f"edit_control_{device}_last_tested_on").set_value(date.today())
        _save(at)
    assert _status(demo_db, "DI-DA-01", "ohes") == "in_place"

    # One written procedure serves every duress button of the campus.
    at.radio(key="edit_mode").set_value("Procedures").run()
    at.selectbox(key="edit_proc_type").set_value("duress_button")
    at.radio(key="edit_proc_scope").set_value("ohes")
    at.text_input(key="edit_proc_doc").input("binder/duress-response.pdf")
    next(b for b in at.button if b.label == "Save procedure").click().run()
    _ok(at)
    assert _status(demo_db, "CI-PP-02", "ohes") == "in_place"

    # A PA speaker placed where the plan was clicked (the map's click, as ui/edit_map keeps it).
    store = shared_store(str(demo_db))
    spot = store.get("zone", SILENT_ROOM)["geometry"].representative_point()
    at.radio(key="edit_mode").set_value("Place control").run()
    at.selectbox(key="edit_type").set_value("pa_speaker").run()
    at.session_state["edit_click"] = (spot.y, spot.x)
    at.run()
    at.button(key="edit_place").click().run()
    _ok(at)
    assert _status(demo_db, "CI-CO-01", SILENT_ROOM) == "in_place"

    door = store.get("opening", DOOR)
    assert door["lock_function"] == "classroom-security" and bool(door["lock_inside_operable"])
    assert {e["actor"] for e in store.audit_entries(limit=5)} == {"demo-admin"}

    after = _room_tier(at)
    assert after > before, (before, after)
