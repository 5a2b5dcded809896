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


def test_sia_fire_alarm_raises_an_alarm_and_the_device_is_not_online(store):
    runner = FeedRunner(store, GW)
    runner.submit("sia/r1", b'CE110032"SIA-DCS"9876L0#12345A[#12345A|NFA129]_14:12:04,03-02-2026')
    runner.submit("sia/r1", b'"ADM-CID"0001L0#4F39[#4F39|1130 01 007]_14:12:05,03-02-2026')
    assert runner.flush() == {"new_events": 2, "dead_letters": 0}
    alarms = store.list_alarms()
    assert sorted(zip(alarms["device_id"], alarms["kind"])) == [
        ("sia:12345A:129", "fire"),
        ("sia:4F39:7", "burglary"),
    ]
    from passmap.feeds.status import live_summary

    states = dict(zip(live_summary(store)["device_id"], live_summary(store)["state"]))
    assert states == {"sia:12345A:129": "alarm", "sia:4F39:7": "alarm"}
    runner.submit("sia/r1", b'"SIA-DCS"0002L0#12345A[#12345A|NFH129]_14:20:00,03-02-2026')
    runner.flush()
    fire = store.list_alarms().set_index("device_id").loc["sia:12345A:129"]
    assert fire["cleared_utc"] == datetime(2026, 3, 2, 14, 20)  # restored; open until resolved


def test_a_future_timestamp_is_dead_lettered_and_the_device_keeps_updating(store):
    runner = FeedRunner(store, GW)
    now = utc_now()
    runner.submit("c/x", canon("ext-door-1", "position", "open", "2099-01-01T00:00:00Z"))
    runner.submit("c/x", canon("ext-door-1", "door_alarm", "held_open", "2099-01-01T00:00:00Z"))
    soon = (now + timedelta(seconds=60)).isoformat() + "Z"  # within the 300 s allowed skew
    runner.submit("c/x", canon("ext-door-1", "position", "closed", soon))
    assert runner.flush() == {"new_events": 1, "dead_letters": 2}
    reasons = store.list_dead_letters()["reason"].tolist()
    assert all("ahead of the receiver's clock (limit 300 s)" in r for r in reasons), reasons
    assert store.list_alarms().empty  # the future held-open raised nothing
    later = (now + timedelta(seconds=120)).isoformat() + "Z"
    runner.submit("c/x", canon("ext-door-1", "position", "open", later))
    runner.flush()
    rows = store.device_status_rows()
    assert rows[["aspect", "state"]].values.tolist() == [["position", "open"]]


def test_a_device_frozen_by_an_old_future_row_heals_on_its_next_report(store):
    """A database written before the skew check may hold a 2099 state: the next real report
    replaces it (a state observed beyond the skew of its own receipt never wins)."""
    from passmap.feeds.batch import Limits

    lax = FeedRunner(store, GW, limits=Limits(future_skew_s=1e12))
    lax.submit("c/x", canon("ext-door-1", "position", "open", "2099-01-01T00:00:00Z"))
    lax.flush()
    runner = FeedRunner(store, GW)
    runner.submit("c/x", canon("ext-door-1", "position", "closed", utc_now().isoformat() + "Z"))
    runner.flush()
    assert store.device_status_rows()["state"].tolist() == ["closed"]


def test_payload_and_id_limits_dead_letter_with_the_reason(store):
    from passmap.feeds.batch import Limits

    runner = FeedRunner(store, GW, limits=Limits(max_payload_bytes=1000, max_id_chars=64))
    big = canon("ext-door-1", "position", "open", "2026-03-02T10:00:00Z", blob="x" * 5000)
    runner.submit("c/x", big)
    runner.submit("c/x", canon("d" * 100_000, "position", "open", "2026-03-02T10:00:00Z"))
    runner.submit("zigbee2mqtt/" + "z" * 200, b'{"contact": true}')
    assert runner.flush() == {"new_events": 0, "dead_letters": 3}
    dead = store.list_dead_letters()
    reasons = sorted(dead["reason"])
    assert "payload is 5,100 bytes (limit 1,000)" in reasons[2] or any(
        "bytes (limit 1,000)" in r for r in reasons
    )
    assert sum("characters long (limit 64)" in r for r in reasons) == 1
    assert dead["payload"].str.len().max() <= 4000  # a dead letter keeps only the start
    big_ok = canon("ext-door-1", "position", "open", "2026-03-02T10:00:00Z", blob="x" * 900)
    lax = FeedRunner(store, GW, limits=Limits(max_payload_bytes=10_000))
    lax.submit("c/x", big_ok)
    assert lax.flush()["new_events"] == 1  # under the limit: stored
