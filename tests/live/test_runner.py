"""The runner's robustness: dead letters, duplicates, out-of-order, stale devices, alarms,
posture."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest

from passmap.feeds.registry import Gateway
from passmap.feeds.runner import FeedRunner
from passmap.store import Store, StoreError, utc_now

from .live_helpers import add_small_site

GW = [
    Gateway("canon", "canonical", "c/#", stale_after_s=60),
    Gateway("zb", "zigbee2mqtt", "zigbee2mqtt/#"),
    Gateway("sia", "sia", "sia/#"),
    Gateway("axis", "axis", "axis/+/event/#"),
    Gateway("onvif", "onvif", "onvif/#"),
    Gateway("frigate", "frigate", "frigate/#"),
    Gateway(
        "gen",
        "generic",
        "gen/#",
        {"device": "id", "state": "v", "aspect": "lock", "states": {"1": "locked"}},
    ),
]


@pytest.fixture
def store(tmp_db):
    s = Store(tmp_db)
    for g in GW:
        s.save_gateway(
            {
                "id": g.id,
                "kind": g.kind,
                "topic_pattern": g.topic_pattern,
                "options": g.options,
                "stale_after_s": g.stale_after_s,
            }
        )
    add_small_site(s)
    yield s
    s.close()


def canon(device, aspect, state, when, **attrs) -> bytes:
    return json.dumps(
        {
            "device_id": device,
            "aspect": aspect,
            "state": state,
            "observed_utc": when,
            "attrs": attrs,
        }
    ).encode()


MALFORMED = [
    ("c/x", b"{not json", "not JSON"),
    ("c/x", b"\xff\xfe\x00garbage", "not UTF-8"),
    ("c/x", b'{"device_id": "d", "aspect": "position", "state": "open"}', "lacks observed_utc"),
    (
        "c/x",
        b'{"device_id": "d", "aspect": "smell", "state": "bad", '
        b'"observed_utc": "2026-03-02T10:00:00Z"}',
        "unknown aspect",
    ),
    (
        "c/x",
        b'{"device_id": "d", "aspect": "position", "state": "ajar", '
        b'"observed_utc": "2026-03-02T10:00:00Z"}',
        "not a position state",
    ),
    (
        "c/x",
        b'{"device_id": "d", "aspect": "position", "state": "open", "observed_utc": "yesterday"}',
        "not ISO-8601",
    ),
    ("c/x", b"[]", "empty list"),
    ("c/x", b'"just a string"', "must be a JSON object"),
    ("zigbee2mqtt/door9", b'{"contact": "maybe"}', "not true/false"),
    ("zigbee2mqtt/door9", b'{"contact": true, "battery": "full"}', "not a number"),
    (
        "sia/r1",
        b'60AB0078"*SIA-DCS"5994L0#AAA[5AB718E008C616BF16F6468033A11326B0F7546CAB',
        "encrypted",
    ),
    ("sia/r1", b"hello panel", "no DC-09 frame"),
    ("axis/ACCC8E000001/event/x", b'{"timestamp": 1, "message": {}}', "lacks 'topic'"),
    ("onvif/cam", b"<tt:MetadataStream><unclosed>", "not well-formed XML"),
    ("frigate/events", b'{"type": "bogus", "after": {}}', "type new|update|end"),
    ("gen/x", b'{"id": "L1", "v": "7"}', "no mapping"),
    ("nobody/listens", b"{}", "no gateway subscribes"),
]


def test_malformed_messages_are_dead_lettered_with_a_reason(store):
    runner = FeedRunner(store, GW)
    for topic, payload, _reason in MALFORMED:
        runner.submit(topic, payload)
    counts = runner.flush()
    assert counts == {"new_events": 0, "dead_letters": len(MALFORMED)}
    dead = store.list_dead_letters(100).sort_values("topic")
    reasons = list(dead["reason"])
    for _topic, _payload, fragment in MALFORMED:
        assert any(fragment in r for r in reasons), f"no dead letter says {fragment!r}: {reasons}"
    assert store.dead_letter_count() == len(MALFORMED) >= 10
    runner.submit("c/x", canon("ext-door-1", "position", "open", "2026-03-02T10:00:00Z"))
    assert runner.flush()["new_events"] == 1  # the runner carries on after bad input


def test_duplicates_are_idempotent_and_older_never_overwrites_newer(store):
    runner = FeedRunner(store, GW)
    newer = canon("ext-door-1", "position", "closed", "2026-03-02T10:00:05Z")
    older = canon("ext-door-1", "position", "open", "2026-03-02T10:00:01Z")
    for payload in (newer, newer, older):
        runner.submit("c/x", payload)
    assert runner.flush()["new_events"] == 2  # the duplicate in the batch is ignored
    runner.submit("c/x", newer)  # and in a later batch
    runner.submit("c/x", older)
    assert runner.flush()["new_events"] == 0
    rows = store.device_status_rows()
    assert rows[["device_id", "state"]].values.tolist() == [["ext-door-1", "closed"]]
    runner.submit("c/x", canon("ext-door-1", "position", "open", "2026-03-02T09:59:00Z"))
    runner.flush()  # out of order, in its own batch
    assert store.device_status_rows()["state"].tolist() == ["closed"]
    assert store.count_status_events() == 3  # history keeps every distinct event


def test_stale_device_goes_offline_and_back(store):
    runner = FeedRunner(store, GW)
    runner.submit("c/x", canon("ext-cam-1", "camera", "recording", "2026-03-02T10:00:00Z"))
    runner.flush()
    seen = store.device_last_seen()
    last = seen.loc[seen.device_id == "ext-cam-1", "last_seen_utc"].iloc[0]
    assert store.mark_stale(now=last + timedelta(seconds=30)) == []  # within 60 s
    assert store.mark_stale(now=last + timedelta(seconds=61)) == ["ext-cam-1"]
    assert store.mark_stale(now=last + timedelta(seconds=90)) == []  # marked once
    states = dict(zip(store.device_status_rows()["aspect"], store.device_status_rows()["state"]))
    assert states == {"camera": "recording", "health": "offline"}
    store.set_device_interval("ext-cam-1", 5)  # per-device interval wins
    runner.submit("c/x", canon("ext-cam-1", "camera", "recording", "2026-03-02T10:10:00Z"))
    runner.flush()
    states = dict(zip(store.device_status_rows()["aspect"], store.device_status_rows()["state"]))
    assert states["health"] == "online"  # reporting again
    seen = store.device_last_seen()
    assert seen.loc[seen.device_id == "ext-cam-1", "interval_s"].iloc[0] == 5


def test_alarms_raise_acknowledge_resolve_and_duress_sets_lockdown(store):
    runner = FeedRunner(store, GW)
    runner.submit("c/x", canon("ext-door-1", "door_alarm", "forced_open", "2026-03-02T10:00:00Z"))
    runner.submit("c/x", canon("ext-door-1", "door_alarm", "forced_open", "2026-03-02T10:00:03Z"))
    runner.submit("sia/r1", b'A1B20044"SIA-DCS"0007L0#5120[#5120|Nri1/PA012]_10:00:07,03-02-2026')
    runner.submit("c/x", canon("ext-duress-1", "panic", "triggered", "2026-03-02T10:00:09Z"))
    runner.flush()
    alarms = store.list_alarms()
    assert sorted(zip(alarms["device_id"], alarms["kind"])) == [
        ("ext-door-1", "door_forced"),
        ("ext-duress-1", "duress"),
        ("sia:5120:12", "duress"),
    ]
    assert store.get_posture("campus-t")["state"] == "lockdown"
    door = alarms[alarms.device_id == "ext-door-1"].iloc[0]
    assert door["control_id"] == "ctl-door" and door["state"] == "active"
    store.acknowledge_alarm(door["id"], "principal.lee")
    with pytest.raises(StoreError, match="cannot become acknowledged"):
        store.acknowledge_alarm(door["id"], "principal.lee")
    runner.submit("c/x", canon("ext-door-1", "door_alarm", "normal", "2026-03-02T10:02:00Z"))
    runner.flush()
    row = store.list_alarms().set_index("id").loc[door["id"]]
    assert row["acknowledged_by"] == "principal.lee" and row["cleared_utc"] == datetime(
        2026, 3, 2, 10, 2
    )
    store.resolve_alarm(door["id"], "principal.lee", "door repaired")
    assert door["id"] not in set(store.list_alarms()["id"])
    assert (
        store.list_alarms(include_resolved=True).set_index("id").loc[door["id"], "state"]
        == "resolved"
    )
    store.set_posture("campus-t", "normal", "principal.lee", "all clear")
    later = (utc_now() + timedelta(seconds=1)).isoformat() + "Z"  # after the manual setting
    runner.submit("c/x", canon("campus-t", "posture", "shelter", later))
    runner.flush()
    assert store.get_posture("campus-t")["state"] == "shelter"


def test_unknown_devices_listed_and_attached(store):
    runner = FeedRunner(store, GW)
    runner.submit("zigbee2mqtt/gym_door", b'{"contact": true, "battery": 88}')
    runner.flush()
    assert store.list_unknown_devices()["device_id"].tolist() == ["gym_door"]
    store.attach_device("gym_door", "ctl-spare", "admin")
    assert store.list_unknown_devices().empty
    assert store.device_status_rows()["control_id"].unique().tolist() == ["ctl-spare"]


def test_full_queue_drops_and_counts(store):
    runner = FeedRunner(store, GW, max_queue=5)
    accepted = [
        runner.submit("c/x", canon(f"d{i}", "position", "open", "2026-03-02T10:00:00Z"))
        for i in range(8)
    ]
    assert accepted.count(False) == 3 and runner.stats.dropped == 3
    assert runner.flush()["new_events"] == 5
