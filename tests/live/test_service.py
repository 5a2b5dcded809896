"""Ingest is a service of the app server (server.py lifespan), tested with a real mosquitto and a
real `streamlit run server.py` process that no browser visits: QoS 1 messages are acknowledged
only after their batch is committed, SIGTERM drains the queue, and a restarted server picks up
what was published while it was down."""

from __future__ import annotations

import json
import signal
import threading
import uuid
from datetime import UTC, datetime

import pytest

from passmap.feeds.mqtt import MqttConfig, Publisher
from passmap.store import Store

from .live_helpers import ingest_health, wait_until

pytestmark = pytest.mark.broker


def _message(device: str) -> bytes:
    return json.dumps(
        {
            "device_id": device,
            "aspect": "position",
            "state": "open",
            "observed_utc": datetime.now(UTC).isoformat(),
        }
    ).encode()


def _stored(db, root: str) -> set[str]:
    with Store(db, read_only=True) as store:
        rows = store.device_ids_like(f"{root}-%")
    return set(rows)


def _stop(server, sig: int = signal.SIGTERM) -> int:
    server.proc.send_signal(sig)  # SIGTERM, as systemd or docker stop sends it
    return server.proc.wait(60)


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGKILL], ids=["sigterm", "sigkill"])
def test_a_stop_mid_stream_at_qos1_loses_nothing(broker, tmp_db, ingest_server, topic_root, sig):
    """SIGTERM drains the queue; even SIGKILL loses nothing, because a message is acknowledged
    to the broker only after its batch is committed (the broker delivers the rest again)."""
    client = f"app-{uuid.uuid4().hex}"
    server = ingest_server(tmp_db, client)
    pub = Publisher(MqttConfig.from_env({"PASSMAP_MQTT_URL": broker.url}))
    total, ahead, sent, stopped = 300, 25, [], threading.Event()

    def stored_beyond(i: int) -> bool:
        return stopped.is_set() or ingest_health(server).get("new_events", 0) > i - ahead

    def publish() -> None:  # QoS 1, across the stop and the restart
        # Paced by the server, not by a clock: while it runs, message i goes out once it has
        # stored all but the last `ahead` before it, so the stop falls mid-stream by construction
        # (at most `ahead` published and not yet stored); once it has stopped, the rest go out.
        for i in range(total):
            wait_until(lambda i=i: stored_beyond(i), 120, what=f"message {i - ahead} stored")
            sent.append(pub.publish(f"passmap/status/{topic_root}", _message(f"{topic_root}-{i}")))

    thread = threading.Thread(target=publish)
    thread.start()
    wait_until(lambda: ingest_health(server).get("new_events", 0) >= 100, 120, 0.05)
    _stop(server, sig)
    stopped.set()
    at_stop = _stored(tmp_db, topic_root)
    assert 100 <= len(at_stop) < total, "the stop should fall mid-stream"
    thread.join(60)
    assert len(sent) == total, f"the publisher stopped after {len(sent)} of {total} messages"
    for info in sent:
        info.wait_for_publish(30)  # the broker holds every message (QoS 1)
    pub.close()
    server = ingest_server(tmp_db, client)  # same client id: the broker kept the session
    wait_until(lambda: ingest_health(server).get("new_events", 0) >= total - len(at_stop), 120, 0.1)
    _stop(server)
    stored = _stored(tmp_db, topic_root)
    assert stored == {f"{topic_root}-{i}" for i in range(total)}, (
        f"{total - len(stored)} of {total} messages lost"
    )


def test_a_restarted_server_nobody_visits_stores_what_was_published_meanwhile(
    broker, tmp_db, ingest_server, topic_root
):
    client = f"app-{uuid.uuid4().hex}"
    server = ingest_server(tmp_db, client)  # subscribed: the broker now keeps its messages
    _stop(server)
    pub = Publisher(MqttConfig.from_env({"PASSMAP_MQTT_URL": broker.url}))
    for i in range(50):
        pub.publish(f"passmap/status/{topic_root}", _message(f"{topic_root}-{i}"))
    pub.close()
    assert _stored(tmp_db, topic_root) == set()  # nothing came in while the server was down
    server = ingest_server(tmp_db, client)  # no browser connects to this one
    wait_until(lambda: ingest_health(server).get("new_events", 0) >= 50, 120, 0.1)
    _stop(server)
    assert _stored(tmp_db, topic_root) == {f"{topic_root}-{i}" for i in range(50)}
