"""The Live status page (pages/live.py) through app.py and the login gate: alarms raised by real
feed messages (canonical MQTT JSON through the FeedRunner and its normalisers), the posture
banner, acknowledge / resolve by the signed-in user, device health, attaching an unknown device,
and what a viewer may not do (passmap.access)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from passmap.feeds.runner import FeedRunner
from tests.helpers import _store, login, submit_status

REPO = Path(__file__).resolve().parents[2]
LIVE_PAGE = str(REPO / "pages" / "live.py")


@pytest.fixture
def live_app(demo_db, monkeypatch):
    """Factory: an AppTest of app.py signed in as demo-<role>, switched to the Live page."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PASSMAP_DB", str(demo_db))
    monkeypatch.setenv("PASSMAP_SIMULATE", "0")  # no simulator: only our messages

    def make(role: str = "admin"):
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        login(at, role, db_path=demo_db)
        at.run()
        at.switch_page(LIVE_PAGE).run()
        _ok(at)
        return at

    return make


def _ok(at) -> None:
    assert not at.exception, [e.value for e in at.exception]


def _controls(store, campus: str) -> dict:
    """A door contact, a duress button and two cameras of the campus the page shows."""
    c = store.list_controls(campus)
    c = c[c["external_id"].notna()]
    pick = {
        "door": c[c["type"] == "door_contact"].iloc[0],
        "duress": c[c["type"] == "duress_button"].iloc[0],
        "camera": c[c["type"] == "camera"].iloc[0],
        "camera2": c[c["type"] == "camera"].iloc[1],
    }
    return {k: v.to_dict() for k, v in pick.items()}


def _feed(at, demo_db, messages) -> tuple[object, dict]:
    """Write ``messages`` ((role, aspect, state[, age_s]) or (device_id, ...)) through a
    FeedRunner on the app's own store; returns (store, controls)."""
    store = _store(demo_db)
    campus = at.session_state["pick_campus"]
    assert campus, "the sidebar picked no campus"
    controls = _controls(store, campus)
    assert store.device_status_rows().empty  # the demo ships no status: all below is ours
    runner = FeedRunner(store)
    for who, *rest in messages:
        device = controls[who]["external_id"] if who in controls else who
        submit_status(runner, device, *rest)
    assert runner.flush()["new_events"] == len(messages)
    return store, controls


def _text(at) -> str:
    return "\n".join(
        [m.value for m in at.markdown]
        + [c.value for c in at.caption]
        + [e.value for e in at.error]
        + [w.value for w in at.warning]
        + [s.value for s in at.success]
    )


def _buttons(at, label: str) -> list:
    return [b for b in at.button if b.label == label]


def _alarm_button(at, label: str, alarm_id: str):
    prefix = {"Acknowledge": "ack", "Resolve": "res"}[label]
    return at.button(key=f"{prefix}-{alarm_id}")


def test_door_forced_and_duress_raise_alarms_and_the_lockdown_banner(live_app, demo_db):
    at = live_app()
    assert "Alarms (0 open, all your campuses)" in [h.value for h in at.subheader]
    store, c = _feed(
        at, demo_db, [("door", "door_alarm", "forced_open"), ("duress", "panic", "triggered")]
    )
    at.run()
    _ok(at)
    alarms = store.list_alarms(at.session_state["pick_campus"])
    assert sorted(alarms["kind"]) == ["door_forced", "duress"]
    assert "Alarms (2 open, all your campuses)" in [h.value for h in at.subheader]
    text = _text(at)
    assert f"**Door forced open** — {c['door']['name']}" in text, text[:800]
    assert f"**Duress / panic** — {c['duress']['name']}" in text, text[:800]
    posture = store.get_posture(at.session_state["pick_campus"])
    assert posture["state"] == "lockdown" and c["duress"]["external_id"] in posture["reason"]
    banner = [e.value for e in at.error if "Campus posture" in e.value]
    assert banner and "**LOCKDOWN**" in banner[0] and c["duress"]["external_id"] in banner[0]
    assert len(_buttons(at, "Acknowledge")) == 2 and len(_buttons(at, "Resolve")) == 2


def test_acknowledge_records_who_and_when_and_resolve_closes_the_alarm(live_app, demo_db):
    at = live_app("editor")
    store, c = _feed(at, demo_db, [("door", "door_alarm", "forced_open")])
    at.run()
    campus = at.session_state["pick_campus"]
    alarm_id = store.list_alarms(campus)["id"].iloc[0]
    before = datetime.now(UTC).replace(tzinfo=None)
    _alarm_button(at, "Acknowledge", alarm_id).click().run()
    _ok(at)
    alarm = store.list_alarms(campus).set_index("id").loc[alarm_id]
    assert alarm["state"] == "acknowledged" and alarm["acknowledged_by"] == "demo-editor"
    acked = alarm["acknowledged_utc"].to_pydatetime()
    assert before - timedelta(seconds=5) <= acked <= datetime.now(UTC).replace(tzinfo=None)
    at.run()
    assert "acknowledged by demo-editor" in _text(at)
    assert not _buttons(at, "Acknowledge")  # once acknowledged, only Resolve remains
    _alarm_button(at, "Resolve", alarm_id).click().run()
    _ok(at)
    assert store.list_alarms(campus).empty
    done = store.list_alarms(campus, include_resolved=True).set_index("id").loc[alarm_id]
    assert done["state"] == "resolved" and done["resolved_by"] == "demo-editor"
    at.run()
    assert "Alarms (0 open, all your campuses)" in [
        h.value for h in at.subheader
    ] and "No open alarms." in _text(at)


def test_a_stale_button_on_an_alarm_resolved_elsewhere_warns_instead_of_crashing(live_app, demo_db):
    at = live_app()
    store, _c = _feed(at, demo_db, [("door", "door_alarm", "forced_open")])
    at.run()
    alarm_id = store.list_alarms(at.session_state["pick_campus"])["id"].iloc[0]
    store.resolve_alarm(alarm_id, "demo-editor")  # another operator, another session
    _alarm_button(at, "Acknowledge", alarm_id).click().run()
    _ok(at)
    assert any("cannot become acknowledged" in w.value for w in at.warning)
    assert (
        store.list_alarms(include_resolved=True).set_index("id").loc[alarm_id, "acknowledged_by"]
        is None
    )


def test_offline_and_stale_devices_show_in_device_health(live_app, demo_db):
    at = live_app()
    assert "No device has reported yet." in _text(at)
    _store_, c = _feed(
        at,
        demo_db,
        [
            ("camera", "health", "offline"),
            ("camera2", "health", "online", 3600.0),  # silent for 1 h
            ("door", "position", "closed"),
        ],
    )
    at.run()
    _ok(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Devices"] == "3" and metrics["Offline"] == "1" and metrics["Stale"] == "1"
    at.toggle(key="live_only_bad").set_value(True).run()
    _ok(at)
    health = next(d.value for d in at.dataframe if "device_id" in d.value.columns)
    rows = health.set_index("device_id")
    assert set(rows.index) == {c["camera"]["external_id"], c["camera2"]["external_id"]}
    assert rows.loc[c["camera"]["external_id"], "state"] == "offline"
    assert bool(rows.loc[c["camera2"]["external_id"], "stale"]) is True


def test_unknown_device_is_listed_and_attached_to_a_control(live_app, demo_db):
    at = live_app()
    assert "Every reporting device is attached to a placed control." in _text(at)
    store, c = _feed(at, demo_db, [("ext-unknown-77", "position", "open")])
    at.run()
    _ok(at)
    unknown = next(d.value for d in at.dataframe if "states" in d.value.columns)
    assert list(unknown["device_id"]) == ["ext-unknown-77"]
    spare = store.list_controls(at.session_state["pick_campus"])
    target = spare[spare["external_id"].isna()]["id"].iloc[0]
    at.selectbox(key="attach_device").set_value("ext-unknown-77")
    at.selectbox(key="attach_control").set_value(target)
    at.button(key="attach_go").click().run()
    _ok(at)
    assert store.get("control", target)["external_id"] == "ext-unknown-77"
    assert store.list_unknown_devices().empty
    assert "Every reporting device is attached to a placed control." in _text(at)
    assert "ext-unknown-77" in set(
        store.device_status_rows(at.session_state["pick_campus"])["device_id"]
    )


def test_a_viewer_sees_alarms_but_cannot_acknowledge_resolve_or_attach(live_app, demo_db):
    from passmap.access import allowed

    assert not allowed("viewer", "edit")  # the policy: a viewer is read-only
    at = live_app("viewer")
    store, c = _feed(
        at, demo_db, [("door", "door_alarm", "forced_open"), ("ext-unknown-88", "position", "open")]
    )
    at.run()
    _ok(at)
    assert f"**Door forced open** — {c['door']['name']}" in _text(at)
    assert not _buttons(at, "Acknowledge") and not _buttons(at, "Resolve")
    assert not _buttons(at, "Attach") and not _buttons(at, "Set posture")
    assert "ext-unknown-88" in set(
        next(d.value for d in at.dataframe if "states" in d.value.columns)["device_id"]
    )
    assert store.list_alarms(at.session_state["pick_campus"])["state"].tolist() == ["active"]


def test_alarms_of_every_campus_dead_letters_and_local_times_on_the_live_page(
    live_app, demo_db, monkeypatch
):
    """An alarm on a campus the sidebar did not pick is listed too (the issue saw 10 of 12), dead
    letters show their reason, times are in the district's zone."""
    monkeypatch.setenv("PASSMAP_TIMEZONE", "America/Los_Angeles")
    at = live_app("admin")
    store = _store(demo_db)
    other = [c for c in store.list_campuses()["id"] if c != at.session_state["pick_campus"]][0]
    far = _controls(store, other)["duress"]
    runner = FeedRunner(store)
    submit_status(runner, far["external_id"], "panic", "triggered")
    runner.submit("passmap/status/x", b'{"device_id": "d", "aspect": "smell"}')
    submit_status(runner, "not-placed-7", "position", "open")  # an unknown device
    near = _controls(store, at.session_state["pick_campus"])["door"]  # in device health
    submit_status(runner, near["external_id"], "position", "closed")
    runner.flush()
    at.run()
    _ok(at)
    assert "Alarms (1 open, all your campuses)" in [h.value for h in at.subheader]
    text = _text(at)
    assert far["name"] in text and ("PST" in text or "PDT" in text)
    assert "Dead letters (1)" in [h.value for h in at.subheader]
    (dead,) = [d.value for d in at.dataframe if "reason" in d.value.columns]
    reasons = dead["reason"].tolist()
    assert any("lacks state, observed_utc" in r for r in reasons), reasons
    # device health and unknown devices: last reports in the district's zone, no UTC column
    seen = "last seen (America/Los_Angeles)"
    frames = [d.value for d in at.dataframe if seen in d.value.columns]
    assert len(frames) == 2, [list(d.value.columns) for d in at.dataframe]
    for frame in frames:
        assert "last_seen_utc" not in frame.columns
        assert frame[seen].str.contains(" PST| PDT").all(), frame[seen].tolist()
