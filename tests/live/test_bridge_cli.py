"""Webhook bridge (real uvicorn + mosquitto) and the live CLI commands."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request

import pytest
import uvicorn

from passmap.feeds.bridge import create_app, sign
from passmap.feeds.mqtt import MqttConfig, MqttSource, Publisher
from passmap.feeds.registry import Gateway
from passmap.feeds.runner import FeedRunner
from passmap.store import Store

from .live_helpers import REPO, add_small_site, free_port, wait_until

SECRET = "test-shared-secret"


def _post(url: str, body: bytes, signature: str | None, stamp: int | None = None) -> int:
    req = urllib.request.Request(url, body, method="POST")
    if signature:
        req.add_header("X-Passmap-Signature", signature)
    req.add_header("X-Passmap-Timestamp", str(int(time.time()) if stamp is None else stamp))
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            return resp.status
    except urllib.error.HTTPError as exc:
        return exc.code


def _serve(app) -> tuple[uvicorn.Server, threading.Thread]:
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 10)
    return server, thread


@pytest.mark.broker
def test_webhook_bridge_checks_signatures_and_publishes(broker, tmp_db, topic_root):
    store = Store(tmp_db)
    gw = Gateway("hooks", "frigate", f"{topic_root}/frigate/#")
    store.save_gateway({"id": gw.id, "kind": gw.kind, "topic_pattern": gw.topic_pattern})
    runner = FeedRunner(store, [gw], flush_interval_s=0.1).start()
    cfg = MqttConfig.from_env(
        {"PASSMAP_MQTT_URL": broker.url, "PASSMAP_MQTT_CLIENT_ID": f"{topic_root}-sub"}
    )
    src = MqttSource(runner, cfg).start()
    assert src.connected.wait(5)
    pub = Publisher(cfg, client_id=f"{topic_root}-bridge")
    server, thread = _serve(create_app(pub.publish, SECRET, [gw.topic_pattern]))
    root = f"http://127.0.0.1:{server.config.port}/hook/"
    topic = f"{topic_root}/frigate/events"
    body = json.dumps(
        {
            "type": "new",
            "before": {},
            "after": {"camera": "cam_front", "label": "person", "frame_time": 1772456645.0},
        }
    ).encode()
    now = int(time.time())
    assert _post(root + topic, body, None) == 401
    assert _post(root + topic, body, sign("wrong-secret", body, topic, now)) == 401
    assert _post(root + topic, body + b" ", sign(SECRET, body, topic, now)) == 401  # body changed
    other = f"{topic_root}/frigate/other"
    assert (
        _post(root + other, body, sign(SECRET, body, topic, now)) == 401
    )  # signed for another topic
    assert _post(root + topic, body, sign(SECRET, body, topic, now - 1), now) == 401  # time changed
    old = now - 3600
    assert _post(root + topic, body, sign(SECRET, body, topic, old), old) == 401  # outside window
    assert _post(root + "x/topic", body, sign(SECRET, body, "x/topic", now), now) == 404
    for wild in (f"{topic_root}/frigate/%23", f"{topic_root}/%2B/events"):
        assert _post(root + wild, body, sign(SECRET, body, wild, now), now) == 400
    upper = "sha256=" + sign(SECRET, body, topic, now).split("=", 1)[1].upper()
    assert _post(root + topic, body, upper, now) == 202  # hex case does not matter
    assert _post(root + topic, body, upper, now) == 409  # the same signed request again: replay
    wait_until(lambda: store.count_status_events() == 1, 5)
    assert store.device_status_rows()[["device_id", "state"]].values.tolist() == [
        ["cam_front", "person"]
    ]
    server.should_exit = True
    thread.join(5)
    pub.close()
    runner.stop()
    store.close()


class _Sent:
    def wait_for_publish(self, _timeout_s):
        return True


def test_webhook_bridge_refuses_a_huge_body_before_reading_it():
    """A 300 MB Content-Length is refused at once (the client sends only 1 KB of it and would
    wait forever if the bridge read the body), and a chunked body is cut off at the limit."""
    published = []

    def publish(topic, body):
        published.append((topic, body))
        return _Sent()

    server, thread = _serve(create_app(publish, SECRET, ["#"], max_body_bytes=64_000))
    port = server.config.port

    def raw(headers: str, body: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
            sock.sendall(headers.encode() + body)
            return sock.recv(200)

    declared = raw(
        "POST /hook/a/b HTTP/1.1\r\nHost: x\r\nContent-Length: 300000000\r\n\r\n", b"x" * 1024
    )
    assert declared.startswith(b"HTTP/1.1 413"), declared
    chunk = b"x" * 16_000
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8))
    streamed = raw(
        "POST /hook/a/b HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", chunked
    )
    assert streamed.startswith(b"HTTP/1.1 413"), streamed
    assert published == []
    now, body = int(time.time()), b"x" * 60_000  # under the limit: accepted
    assert (
        _post(f"http://127.0.0.1:{port}/hook/a/b", body, sign(SECRET, body, "a/b", now), now) == 202
    )
    assert published == [("a/b", body)]
    server.should_exit = True
    thread.join(5)


def _passmap(*args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "passmap.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=dict(os.environ, **(env or {})),
        timeout=60,
    )


def test_replay_then_status_json_and_table(tmp_db, tmp_path):
    with Store(tmp_db) as store:
        add_small_site(store)
    rec = tmp_path / "rec.ndjson"
    rec.write_text(
        "\n".join(
            json.dumps(r)
            for r in [
                {
                    "topic": "passmap/status/a",
                    "payload": {
                        "device_id": "ext-door-1",
                        "aspect": "door_alarm",
                        "state": "held_open",
                        "observed_utc": "2026-03-02T13:00:00Z",
                    },
                },
                {
                    "topic": "zigbee2mqtt/unknown_contact",
                    "payload": {"contact": True, "battery": 15},
                },
                {"topic": "passmap/status/a", "payload": "{broken"},
            ]
        )
        + "\n"
    )
    out = _passmap("replay", str(rec), "--db", str(tmp_db), env={"PASSMAP_MQTT_URL": ""})
    assert out.returncode == 0, out.stderr
    assert "1 dead letters" in out.stdout
    js = _passmap("status", "--db", str(tmp_db), "--format", "json")
    data = json.loads(js.stdout)
    assert data["dead_letters"] == 1
    by_id = {d["device_id"]: d for d in data["devices"]}
    assert (
        by_id["ext-door-1"]["control_id"] == "ctl-door"
        and by_id["ext-door-1"]["state"] == "held_open"
    )
    assert (
        by_id["unknown_contact"]["control_id"] is None
        and by_id["unknown_contact"]["state"] == "degraded"
    )
    assert {"last_seen_utc", "stale"} <= set(by_id["ext-door-1"])
    campus = json.loads(
        _passmap("status", "--db", str(tmp_db), "--campus", "campus-t", "--format", "json").stdout
    )
    assert [d["device_id"] for d in campus["devices"]] == ["ext-door-1"]
    table = _passmap("status", "--db", str(tmp_db), env={"PASSMAP_TIMEZONE": "America/Denver"})
    assert "held_open" in table.stdout and "dead letters: 1" in table.stdout
    assert "last seen (America/Denver)" in table.stdout  # the table: the district's zone
    door = next(line for line in table.stdout.splitlines() if line.startswith("ext-door-1"))
    assert " MST " in door or " MDT " in door, door
