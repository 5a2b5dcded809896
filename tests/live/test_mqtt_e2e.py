"""Publish through a real mosquitto -> normalised status in DuckDB, across broker and runner
restarts."""

from __future__ import annotations

import json

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


def _runner(store, root, client_id):
    gw = Gateway("test", "canonical", f"{root}/status/#")
    store.save_gateway({"id": gw.id, "kind": gw.kind, "topic_pattern": gw.topic_pattern})
    runner = FeedRunner(store, [gw], flush_interval_s=0.1).start()
    return runner, gw


def _source(runner, broker, client_id):
    cfg = MqttConfig.from_env({"PASSMAP_MQTT_URL": broker.url, "PASSMAP_MQTT_CLIENT_ID": client_id})
    src = MqttSource(runner, cfg).start()
    assert src.connected.wait(5)
    return src, cfg


def test_publish_to_stored_status(broker, tmp_db, topic_root):
    store = Store(tmp_db)
    runner, _ = _runner(store, topic_root, "c1")
    src, cfg = _source(runner, broker, f"{topic_root}-sub")
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
    store = Store(tmp_db)
    runner, _ = _runner(store, topic_root, "c2")
    src, cfg = _source(runner, broker, f"{topic_root}-sub")
    pub = Publisher(cfg)
    for i in range(200):
        pub.publish(f"{topic_root}/status/d", _msg(f"dev-{i}", i))
    pub.close()
    broker.stop()
    broker.start()
    assert src.connected.wait(15), "the runner did not reconnect after the broker restart"
    pub = Publisher(cfg)
    for i in range(200, 400):
        pub.publish(f"{topic_root}/status/d", _msg(f"dev-{i}", i))
    pub.close()
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
    store = Store(tmp_db)
    runner, _ = _runner(store, topic_root, "c3")
    src, cfg = _source(runner, broker, f"{topic_root}-sub")
    pub = Publisher(cfg)
    for i in range(100):
        pub.publish(f"{topic_root}/status/d", _msg(f"dev-{i}", i))
    pub.close()
    wait_until(lambda: store.count_status_events() == 100, 5)
    runner.stop()  # the app server goes away; the broker keeps the session
    store.close()
    pub = Publisher(cfg)
    for i in range(100, 250):  # published while nobody is subscribed
        pub.publish(f"{topic_root}/status/d", _msg(f"dev-{i}", i))
    pub.close()
    store = Store(tmp_db)  # the app server comes back with the same client id
    runner, _ = _runner(store, topic_root, "c3")
    src, _ = _source(runner, broker, f"{topic_root}-sub")
    wait_until(lambda: store.count_status_events() == 250, 10)
    runner.stop()
    store.close()
