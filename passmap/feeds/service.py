"""Live ingest as a service: started with the server (or ``passmap ingest``), not by a visit.

``build_runner`` is the ONE wiring of a feed runner and its source (MQTT when a broker is
configured, else the demo simulator unless ``PASSMAP_SIMULATE=0``, else nothing but stale
marking). ``start_service`` keeps one running runner per database file in a process registry
(outside Streamlit's caches: a client's "clear cache" can never drop or duplicate it);
``stop_service`` stops it cleanly: new messages are refused, the queue is written and
acknowledged, the broker connection closes. The app server calls both from its ASGI lifespan
(server.py), so a server that nobody visits ingests, and SIGTERM loses nothing.

>>> import tempfile, pathlib
>>> from passmap.config import load_settings
>>> s = load_settings({"PASSMAP_DB": str(pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"),
...                    "PASSMAP_SIMULATE": "0"})
>>> from passmap.store.shared import shared_store
>>> runner = start_service(s, shared_store(s.db_path))
>>> runner is start_service(s, None) is service_runner(s.db_path), runner.mode, runner.running
(True, 'off', True)
>>> stop_service(s.db_path); service_runner(s.db_path) is None
True
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from passmap.feeds.batch import Limits
from passmap.feeds.runner import FeedRunner

log = logging.getLogger(__name__)
_LOCK = threading.Lock()
_RUNNERS: dict[str, FeedRunner] = {}
APP_FLUSH_INTERVAL_S = 0.1  # status reaches the store within ~0.1 s; the maps refresh every 1 s


def build_runner(
    store,
    settings,
    mqtt_url: str | None = None,
    simulate: bool | None = None,
    flush_interval_s: float = APP_FLUSH_INTERVAL_S,
) -> FeedRunner:
    """A started runner on ``store`` with its source; ``runner.mode`` says which source."""
    from passmap.feeds.mqtt import MqttConfig, MqttSource
    from passmap.feeds.simulator import Simulator, SimulatorSource, demo_devices

    url = settings.mqtt_url if mqtt_url is None else mqtt_url  # "" = no broker, even if configured
    simulate = settings.simulate if simulate is None else simulate
    runner = FeedRunner(
        store, flush_interval_s=flush_interval_s, limits=Limits.from_settings(settings)
    )
    runner.start()
    if url:
        config = MqttConfig.from_settings(settings, url=url)
        MqttSource(runner, config).start()
        runner.mode = f"mqtt {config.host}:{config.port} as {config.client_id}"
    elif simulate:
        src = SimulatorSource(Simulator(demo_devices(store)), runner.submit).start()
        runner.sources.append(src)
        runner.mode = "simulator"
    return runner


def _key(path) -> str:
    return str(Path(path).resolve())


def start_service(settings, store) -> FeedRunner:
    """The running ingest of ``settings.db_path`` (``store``: the process's shared Store of that
    file, passmap.store.shared) in this process, started on first call."""
    key = _key(settings.db_path)
    with _LOCK:
        runner = _RUNNERS.get(key)
        if runner is None:
            runner = build_runner(store, settings)
            _RUNNERS[key] = runner
            log.info("live ingest started: %s -> %s", runner.mode, key)
        return runner


def service_runner(path) -> FeedRunner | None:
    """The running ingest of the database at ``path`` (None when this process runs none)."""
    return _RUNNERS.get(_key(path))


def stop_service(path=None, timeout_s: float = 20.0) -> None:
    """Stop one service (or all): refuse new messages, write and acknowledge the queue."""
    with _LOCK:
        keys = [_key(path)] if path is not None else list(_RUNNERS)
        for key in keys:
            runner = _RUNNERS.pop(key, None)
            if runner is not None:
                runner.stop(timeout_s)
                log.info("live ingest stopped: %s (%s)", key, runner.stats)


def ingest_health(path) -> dict:
    """What a monitor (or a test) may know about ingest without signing in: counts only."""
    runner = service_runner(path)
    if runner is None:
        return {"running": False}
    stats = runner.stats
    return {
        "running": runner.running,
        "mode": runner.mode.split(" ", 1)[0],
        "connected": all(s.connected.is_set() for s in runner.sources if hasattr(s, "connected")),
        "received": stats.received,
        "new_events": stats.new_events,
        "dead_letters": stats.dead_letters,
        "dropped": stats.dropped,
        "queue_len": stats.queue_len,
        "last_flush_utc": stats.last_flush_utc,
    }


def health_routes(settings) -> list:
    """``GET /healthz/ingest``: ingest_health as JSON (server.py mounts it)."""
    from starlette.responses import JSONResponse
    from starlette.routing import Route

    async def health(_request):
        return JSONResponse(ingest_health(settings.db_path))

    return [Route("/healthz/ingest", health, methods=["GET"])]
