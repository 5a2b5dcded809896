"""UniFi Protect: the normaliser on events and a sensor state recorded from real consoles
(../shared/data/events-unifi-protect), held-open derived after the gateway's time, ignored
values, and names/models offered for attaching."""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timedelta

import pytest

from passmap.feeds.registry import Gateway
from passmap.feeds.runner import FeedRunner
from passmap.feeds.unifi import normalise_unifi
from passmap.store import Store

from .live_helpers import SHARED_DATA

pytestmark = pytest.mark.realdata
DATA = SHARED_DATA / "events-unifi-protect"
NOW = datetime(2026, 3, 2, 13, 0)


def _events() -> list[dict]:
    return json.loads((DATA / "sample_events_subset.json").read_text(encoding="utf-8"))


def _frame(item: dict) -> bytes:
    return json.dumps({"type": "add", "item": item}).encode()


def test_recorded_events_become_canonical_statuses():
    got: Counter = Counter()
    by_type: dict[str, set] = {}
    for item in _events():
        events = normalise_unifi("unifi/nvr/event/x", _frame(item), NOW, {})
        by_type.setdefault(item["type"], set()).update((e.aspect, e.state) for e in events)
        got.update((e.aspect, e.state) for e in events)
    assert by_type["sensorOpened"] == {("position", "open")}
    assert by_type["sensorClosed"] == {("position", "closed"), ("door_alarm", "normal")}
    assert by_type["ring"] == {("event", "doorbell_ring")}
    assert by_type["disconnect"] == {("camera", "offline")}
    assert by_type["motion"] == {("event", "motion")}
    assert by_type["smartDetectZone"] <= {("event", "person"), ("event", "vehicle")}
    assert by_type["nfcCardScanned"] == {("event", "card_scanned")}
    assert by_type["access"] == set()  # someone signing in to the console: not device status
    opened = next(i for i in _events() if i["type"] == "sensorOpened")
    (event,) = normalise_unifi("t", _frame(opened), NOW, {})
    assert event.device_id == f"unifi:{opened['metadata']['sensorId']['text']}"
    assert event.observed_utc == datetime(2022, 1, 23, 20, 49, 9, 997000)  # start, epoch ms
    assert event.attrs["name"] == opened["metadata"]["sensorName"]["text"]
    assert event.attrs["model"] == "UFP-SENSE"


def test_recorded_sensor_state_open_battery_name_and_model():
    sensor = json.loads((DATA / "sample_sensor.json").read_text(encoding="utf-8"))
    events = normalise_unifi("unifi/nvr/sensor/x", _frame(sensor), NOW, {})
    states = {(e.aspect, e.state) for e in events}
    assert states == {("position", "open"), ("health", "online")}
    health = next(e for e in events if e.aspect == "health")
    assert health.attrs["battery"] == 80 and health.attrs["name"] == sensor["name"]
    assert health.attrs["model"] == sensor["marketName"]
    tampered = dict(sensor, tamperingDetectedAt=1643055798932, isOpened=False)
    states = {(e.aspect, e.state) for e in normalise_unifi("t", _frame(tampered), NOW, {})}
    assert ("health", "tamper") in states and ("position", "closed") in states
    offline = dict(sensor, state="DISCONNECTED", modelKey="camera", isOpened=None)
    states = {(e.aspect, e.state) for e in normalise_unifi("t", _frame(offline), NOW, {})}
    assert states == {("camera", "offline")}


@pytest.fixture
def store(tmp_db):
    s = Store(tmp_db)
    yield s
    s.close()


def _gateway(store, **options) -> Gateway:
    gw = Gateway("unifi", "unifi", "unifi/#", options)
    store.save_gateway({"id": gw.id, "kind": gw.kind, "topic_pattern": gw.topic_pattern,
                        "options": options})  # fmt: skip
    return gw


def test_a_door_left_open_raises_held_open_after_the_set_time_and_closing_clears_it(store):
    gw = _gateway(store, held_open_s=120)
    runner = FeedRunner(store, [gw])
    opened = next(i for i in _events() if i["type"] == "sensorOpened")
    closed = next(
        i
        for i in _events()
        if i["type"] == "sensorClosed"
        and i["metadata"]["sensorId"] == opened["metadata"]["sensorId"]
        and i["start"] > opened["start"]
    )
    runner.submit("unifi/nvr/event/1", _frame(opened))
    runner.flush()
    at = datetime(2022, 1, 23, 20, 49, 9, 997000)
    assert runner.check_held_open(now=at + timedelta(seconds=119)) == 0  # not yet
    assert store.list_alarms().empty
    assert runner.check_held_open(now=at + timedelta(seconds=121)) == 1
    alarms = store.list_alarms()
    device = f"unifi:{opened['metadata']['sensorId']['text']}"
    assert alarms[["device_id", "kind"]].values.tolist() == [[device, "door_held_open"]]
    assert runner.check_held_open(now=at + timedelta(seconds=300)) == 0  # raised once
    closed = dict(closed, start=opened["start"] + 200_000)  # the same sensor, closed 200 s on
    runner.submit("unifi/nvr/event/2", _frame(closed))
    runner.flush()
    assert store.list_alarms()["cleared_utc"].notna().all()  # the door closed


def test_ignored_values_are_dropped_not_dead_lettered_and_names_are_offered(store):
    gw = _gateway(store, ignore=["motion"])
    runner = FeedRunner(store, [gw])
    for i, item in enumerate(_events()):
        runner.submit(f"unifi/nvr/event/{i}", _frame(item))
    sensor = json.loads((DATA / "sample_sensor.json").read_text(encoding="utf-8"))
    runner.submit("unifi/nvr/sensor/s", _frame(sensor))
    counts = runner.flush()
    assert counts["dead_letters"] == 0, store.list_dead_letters()["reason"].tolist()
    stored = set(store.status_history_states())
    assert "motion" not in stored and "doorbell_ring" in stored
    unknown = store.list_unknown_devices().set_index("device_id")
    row = unknown.loc[f"unifi:{sensor['id']}"]
    assert row["name"] == sensor["name"] and row["model"] == sensor["marketName"]
