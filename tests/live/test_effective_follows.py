"""A status batch tells the effective assessment what changed (store/versions.py's change log,
written in the batch's own transaction), so the tiers a page polls follow at its next look,
re-assessing only the campus of the device (passmap/compliance/service.py)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from passmap.compliance.service import service_for
from passmap.feeds.runner import FeedRunner
from passmap.store import Store


def test_a_status_batch_moves_the_effective_assessment_of_its_campus_only(demo_db):
    store = Store(demo_db)
    campus = store.list_campuses()["id"].iloc[0]
    c = store.list_controls(campus)
    camera = c[(c["type"] == "camera") & c["external_id"].notna()].iloc[0]
    effective = service_for(store, live=True)
    before = effective.current()
    design_version = store.data_version()
    runner = FeedRunner(store)
    body = {"device_id": camera["external_id"], "aspect": "health", "state": "offline",
            "observed_utc": datetime.now(UTC).isoformat()}  # fmt: skip
    runner.submit("passmap/status/x", json.dumps(body).encode())
    assert runner.flush()["new_events"] == 1
    assert store.live_version() > before.version  # the batch's commit moved the live version
    assert store.data_version() == design_version  # the design assessment is not disturbed
    (change,) = store.data_changes_since(before.version)
    assert change["kind"] == "status" and list(change["campus_ids"]) == [campus]
    full_runs = effective.updates["full"]
    after = effective.current()
    assert after.version == store.live_version()  # the next look is up to date
    assert effective.updates["full"] == full_runs  # only the camera's campus was re-assessed
    assert effective.updates["campus"] >= 1
    store.close()


def test_attaching_a_device_moves_the_data_version_of_its_campus(demo_db):
    """A feed device attached to a control (Live page) changes what the maps' tooltips and
    the effective tier read: pages follow it at their next look, not after a cache expires."""
    store = Store(demo_db)
    campus = store.list_campuses()["id"].iloc[0]
    c = store.list_controls(campus)
    spare = c[c["external_id"].isna()].iloc[0]
    before = store.data_version()
    store.attach_device("new-feed-device", spare["id"], "admin")
    assert store.data_version() > before
    (change,) = store.data_changes_since(before)
    assert change["kind"] == "site" and list(change["campus_ids"]) == [campus]
    assert store.get("control", spare["id"])["external_id"] == "new-feed-device"
    store.close()


def test_a_duress_button_going_offline_reshades_its_room_on_the_open_floor_plan(
    demo_db, monkeypatch
):
    """The Floor plan shaded by effective tiers: the main office's only duress button reports
    offline, and the page's next run (its 1 s poll) draws the office at tier 0 in another
    colour (the live assessment of a campus with offline controls used to raise KeyError 'id'
    when a practice asked for attributes of a control type the campus lacks)."""
    from streamlit.testing.v1 import AppTest

    from passmap.store.shared import shared_store
    from tests.helpers import login
    from tests.ui.conftest import REPO, deck_spec, layer, page

    monkeypatch.setenv("PASSMAP_DB", str(demo_db))
    monkeypatch.setenv("PASSMAP_SIMULATE", "0")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    login(at, "admin", db_path=demo_db)
    at.run()
    at.session_state["pick_pending"] = {"campus": "ohes", "building": "ohes-main",
                                        "level": "ohes-main-l1"}  # fmt: skip
    at.switch_page(page("floor")).run()
    at.segmented_control(key="floor_shade").set_value("Effective (live)").run()
    assert not at.exception, [e.value for e in at.exception]

    def office() -> dict:
        zones = {z["id"]: z for z in layer(deck_spec(at), "zones")["data"]}
        return zones["ohes-main-l1-114"]

    before = office()
    assert before["tier"] == 4
    runner = FeedRunner(shared_store(str(demo_db)))
    body = {"device_id": "cv-oh-dur-001", "aspect": "health", "state": "offline",
            "observed_utc": datetime.now(UTC).isoformat()}  # fmt: skip
    runner.submit("passmap/status/x", json.dumps(body).encode())
    assert runner.flush()["new_events"] == 1
    at.run()  # what the page's poll (assessment.watch, every second) triggers
    assert not at.exception, [e.value for e in at.exception]
    after = office()
    assert after["tier"] == 0 and after["fill"] != before["fill"]
