"""The UniFi Protect bridge's connection code (uiprotect's websocket client) against a local TLS
websocket server that replays the recorded console payloads, through a real mosquitto into
DuckDB (a console cannot be reached from here)."""

from __future__ import annotations

import asyncio
import json
import ssl
import subprocess
import threading

import pytest
from aiohttp import web

from passmap.feeds.mqtt import MqttConfig, MqttSource, Publisher
from passmap.feeds.registry import Gateway
from passmap.feeds.runner import FeedRunner
from passmap.feeds.unifi_bridge import UnifiBridge
from passmap.store import Store

from .live_helpers import SHARED_DATA, free_port, wait_until

pytestmark = [pytest.mark.realdata, pytest.mark.broker]
DATA = SHARED_DATA / "events-unifi-protect"
API_KEY = "test-api-key"


def _tls_context(tmp_path) -> ssl.SSLContext:
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
         "-subj", "/CN=127.0.0.1", "-keyout", str(key), "-out", str(cert)],
        check=True, capture_output=True,
    )  # fmt: skip
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert, key)
    return ctx


class Console:
    """A Protect console's integration websockets, replaying recorded frames once each."""

    def __init__(self, tmp_path):
        self.port = free_port()
        self.events = json.loads((DATA / "sample_events_subset.json").read_text("utf-8"))
        self.sensor = json.loads((DATA / "sample_sensor.json").read_text("utf-8"))
        self.refused = 0
        self.ready = threading.Event()
        self._ctx = _tls_context(tmp_path)
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._run, daemon=True)

    async def _ws(self, request, frames):
        if request.headers.get("X-API-KEY") != API_KEY:
            self.refused += 1
            return web.Response(status=401)
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        for frame in frames:
            await ws.send_str(json.dumps(frame))
        async for _ in ws:  # keep it open until the client leaves
            pass
        return ws

    def _run(self):
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        base = "/proxy/protect/integration/v1/subscribe/"
        events = [{"type": "add", "item": e} for e in self.events]
        devices = [{"type": "update", "item": self.sensor}]
        app.router.add_get(base + "events", lambda r: self._ws(r, events))
        app.router.add_get(base + "devices", lambda r: self._ws(r, devices))
        runner = web.AppRunner(app)
        self._loop.run_until_complete(runner.setup())
        site = web.TCPSite(runner, "127.0.0.1", self.port, ssl_context=self._ctx)
        self._loop.run_until_complete(site.start())
        self.ready.set()
        self._loop.run_forever()

    def start(self):
        self._thread.start()
        assert self.ready.wait(10)

    def stop(self):
        self._loop.call_soon_threadsafe(self._loop.stop)


def _bridge_thread(bridge) -> tuple[threading.Thread, callable]:
    loop = asyncio.new_event_loop()
    stop = asyncio.Event()

    def run():
        asyncio.set_event_loop(loop)
        loop.run_until_complete(bridge.run(stop))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread, lambda: loop.call_soon_threadsafe(stop.set)


def test_bridge_replays_a_console_into_canonical_status(broker, tmp_db, tmp_path, topic_root):
    console = Console(tmp_path)
    console.start()
    store = Store(tmp_db)
    gw = Gateway("unifi", "unifi", f"{topic_root}/#", {"held_open_s": 300})
    store.save_gateway({"id": gw.id, "kind": gw.kind, "topic_pattern": gw.topic_pattern,
                        "options": gw.options})  # fmt: skip
    runner = FeedRunner(store, [gw], flush_interval_s=0.1).start()
    cfg = MqttConfig.from_env(
        {"PASSMAP_MQTT_URL": broker.url, "PASSMAP_MQTT_CLIENT_ID": f"{topic_root}-sub"}
    )
    assert MqttSource(runner, cfg).start().connected.wait(10)
    pub = Publisher(cfg, client_id=f"{topic_root}-unifi")

    def publish(topic, body):  # the bridge's topics under this test's root
        return pub.publish(topic.replace("unifi/", f"{topic_root}/", 1), body)

    bridge = UnifiBridge("127.0.0.1", console.port, API_KEY, publish, "hs", verify_ssl=False)
    thread, stop = _bridge_thread(bridge)
    try:
        wait_until(lambda: bridge.frames >= len(console.events) + 1, 60)
        wait_until(lambda: runner.stats.received >= bridge.frames, 30)
        wait_until(lambda: runner.stats.queue_len == 0 and runner.flush() is not None, 10)
    finally:
        stop()
        thread.join(20)
        console.stop()
    pub.close()
    runner.stop()
    states = {(r.device_id, r.aspect, r.state) for r in store.device_status_rows().itertuples()}
    sensor = f"unifi:{console.sensor['id']}"
    assert (sensor, "position", "open") in states and (sensor, "health", "online") in states
    disconnected = {f"unifi:{e['camera']}" for e in console.events if e["type"] == "disconnect"}
    assert {d for d, a, s in states if (a, s) == ("camera", "offline")} >= disconnected
    assert "doorbell_ring" in store.status_history_states()
    assert store.dead_letter_count() == 0, store.list_dead_letters()["reason"].tolist()
    unknown = store.list_unknown_devices().set_index("device_id")
    assert unknown.loc[sensor, "name"] == console.sensor["name"]
    store.close()


def test_a_wrong_api_key_is_refused_by_the_console_and_nothing_is_published(tmp_path):
    console = Console(tmp_path)
    console.start()
    published = []
    bridge = UnifiBridge(
        "127.0.0.1", console.port, "wrong", lambda t, b: published.append(t), verify_ssl=False
    )
    thread, stop = _bridge_thread(bridge)
    try:
        wait_until(lambda: console.refused >= 2, 60)
    finally:
        stop()
        thread.join(20)
        console.stop()
    assert published == [] and bridge.frames == 0
