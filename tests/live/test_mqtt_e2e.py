"""Publish through a real mosquitto -> normalised status in DuckDB, across broker and runner
restarts."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest

from passmap.feeds.mqtt import MqttConfig, MqttSource, Publisher
from passmap.feeds.registry import Gateway
from passmap.feeds.runner import FeedRunner
from passmap.store import Store

from .live_helpers import wait_until

pytestmark = pytest.mark.broker


def _msg(device: str, i: int) -> bytes:
    return json.dumps(
        {
            "device_id": device,
            "aspect": "position",
            "state": "open" if i % 2 else "closed",
            "observed_utc": f"2026-03-02T13:{i // 60 % 60:02d}:{i % 60:02d}Z",
            "attrs": {"seq": i},
        }
    ).encode()


def _listening(db, broker, root):
    """The store of ``db`` and a runner storing canonical status from <root>/status/# into it,
    fed by a subscribed MQTT source (client id <root>-sub, the same at every start: the broker
    keeps its session)."""
    store = Store(db)
    gw = Gateway("test", "canonical", f"{root}/status/#")
    store.save_gateway({"id": gw.id, "kind": gw.kind, "topic_pattern": gw.topic_pattern})
    runner = FeedRunner(store, [gw], flush_interval_s=0.1).start()
    src, cfg = _source(runner, broker, f"{root}-sub")
    return store, runner, src, cfg


def _publish_range(cfg, root, first: int, stop: int) -> None:
    """Messages first..stop-1, one device each (dev-<i>), over one publisher connection."""
    pub = Publisher(cfg)
    for i in range(first, stop):
        pub.publish(f"{root}/status/d", _msg(f"dev-{i}", i))
    pub.close()


def _source(runner, broker, client_id):
    cfg = MqttConfig.from_env({"PASSMAP_MQTT_URL": broker.url, "PASSMAP_MQTT_CLIENT_ID": client_id})
    src = MqttSource(runner, cfg).start()
    assert src.connected.wait(30)  # SUBACK received (a loaded machine may take seconds)
    return src, cfg


def test_publish_to_stored_status(broker, tmp_db, topic_root):
    store, runner, src, cfg = _listening(tmp_db, broker, topic_root)
    pub = Publisher(cfg)
    pub.publish(f"{topic_root}/status/door", _msg("ext-door-1", 1))
    pub.close()
    wait_until(lambda: store.count_status_events() == 1, 5)
    rows = store.device_status_rows()
    assert rows[["device_id", "aspect", "state"]].values.tolist() == [
        ["ext-door-1", "position", "open"]
    ]
    runner.stop()
    store.close()


def test_broker_restart_mid_stream_loses_nothing(broker, tmp_db, topic_root):
    store, runner, src, cfg = _listening(tmp_db, broker, topic_root)
    _publish_range(cfg, topic_root, 0, 200)
    broker.stop()
    broker.start()
    assert src.connected.wait(15), "the runner did not reconnect after the broker restart"
    _publish_range(cfg, topic_root, 200, 400)
    try:
        wait_until(lambda: store.count_status_events() == 400, 15)
    except AssertionError:
        raise AssertionError(
            f"stored {store.count_status_events()} of 400; stats {runner.stats}; "
            f"connects {src.connects}"
        ) from None
    assert src.connects >= 2
    runner.stop()
    store.close()


def test_runner_restart_persistent_session_loses_nothing(broker, tmp_db, topic_root):
    store, runner, src, cfg = _listening(tmp_db, broker, topic_root)
    _publish_range(cfg, topic_root, 0, 100)
    wait_until(lambda: store.count_status_events() == 100, 5)
    runner.stop()  # the app server goes away; the broker keeps the session
    store.close()
    _publish_range(cfg, topic_root, 100, 250)  # published while nobody is subscribed
    # the app server comes back with the same client id
    store, runner, src, _ = _listening(tmp_db, broker, topic_root)
    wait_until(lambda: store.count_status_events() == 250, 10)
    runner.stop()
    store.close()


def test_a_2099_event_is_dead_lettered_and_sia_fire_raises_an_alarm_through_mosquitto(
    broker, tmp_db, topic_root
):
    """Through a real broker: a door event dated 2099 goes to the dead letters with its reason
    and the door keeps following its real reports; SIA fire (FA) and Contact ID 110 raise fire
    alarms and the zones are not shown online."""
    store = Store(tmp_db)
    canonical = Gateway("test", "canonical", f"{topic_root}/status/#")
    sia = Gateway("sia-test", "sia", f"{topic_root}/sia/#")
    for gw in (canonical, sia):
        store.save_gateway({"id": gw.id, "kind": gw.kind, "topic_pattern": gw.topic_pattern})
    runner = FeedRunner(store, [canonical, sia], flush_interval_s=0.1).start()
    src, cfg = _source(runner, broker, f"{topic_root}-sub")
    pub = Publisher(cfg)
    now = datetime.now(UTC)

    def door(state: str, when: datetime) -> bytes:
        body = {"device_id": "ext-door-9", "aspect": "position", "state": state}
        return json.dumps(body | {"observed_utc": when.isoformat()}).encode()

    pub.publish(f"{topic_root}/status/door", door("open", datetime(2099, 1, 1, tzinfo=UTC)))
    pub.publish(f"{topic_root}/status/door", door("closed", now))
    # DC-09 stamps are UTC "_HH:MM:SS,MM-DD-YYYY": a minute ago (a fixed time of day would be
    # ahead of the receiver's clock, and dead-lettered, whenever the suite runs before it)
    sent = (now - timedelta(minutes=1)).strftime("_%H:%M:%S,%m-%d-%Y")
    pub.publish(f"{topic_root}/sia/r1", f'"SIA-DCS"0002L0#12345A[#12345A|NFA129]{sent}')
    pub.publish(f"{topic_root}/sia/r1", f'"ADM-CID"0003L0#4F39[#4F39|1110 01 003]{sent}')
    pub.close()
    wait_until(lambda: store.count_status_events() == 3 and len(store.list_dead_letters()), 60)
    (reason,) = store.list_dead_letters()["reason"].tolist()
    assert "ahead of the receiver's clock" in reason, reason
    pub = Publisher(cfg)
    pub.publish(f"{topic_root}/status/door", door("open", now + timedelta(seconds=1)))
    pub.close()
    wait_until(lambda: store.count_status_events() == 4, 60)
    rows = store.device_status_rows().set_index(["device_id", "aspect"])["state"]
    assert rows[("ext-door-9", "position")] == "open"  # not frozen by the 2099 event
    alarms = store.list_alarms()
    assert sorted(zip(alarms["device_id"], alarms["kind"], alarms["state"])) == [
        ("sia:12345A:129", "fire", "active"),
        ("sia:4F39:3", "fire", "active"),
    ]
    from passmap.feeds.status import live_summary

    states = dict(zip(live_summary(store)["device_id"], live_summary(store)["state"]))
    assert states["sia:12345A:129"] == "alarm" and states["sia:4F39:3"] == "alarm"
    runner.stop()  # stops the source too
    store.close()
