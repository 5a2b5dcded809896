"""The feed runner: the single writer of live status into DuckDB.

Sources (MQTT network thread, simulator, replay, tests) call ``submit(topic, payload)``, which
only appends to a bounded queue (never blocks; counts drops when full). One writer thread drains
the queue every ``flush_interval_s``, normalises, and stores the batch in one transaction
(Arrow insert + upsert, see STACK.md), and marks silent devices offline every ``stale_check_s``.

>>> import tempfile, pathlib
>>> from passmap.store import Store
>>> store = Store(pathlib.Path(tempfile.mkdtemp()) / "r.duckdb")
>>> runner = FeedRunner(store)
>>> runner.submit("zigbee2mqtt/door-7", b'{"contact": false}')
True
>>> runner.flush()["new_events"]
2
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime

import pyarrow as pa

from passmap.feeds.model import MalformedMessage, StatusEvent
from passmap.feeds.registry import DEFAULT_GATEWAYS, Gateway, Router, normalise_message

log = logging.getLogger(__name__)
_SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("device_id", pa.string()),
        ("aspect", pa.string()),
        ("state", pa.string()),
        ("observed_utc", pa.timestamp("us")),
        ("received_utc", pa.timestamp("us")),
        ("source", pa.string()),
        ("attrs", pa.string()),
    ]
)
PAYLOAD_KEEP_CHARS = 4000


@dataclass
class RunnerStats:
    received: int = 0
    dropped: int = 0
    new_events: int = 0
    dead_letters: int = 0
    batches: int = 0
    write_errors: int = 0
    stale_marked: int = 0
    last_flush_utc: str | None = None
    last_batch_ms: float = 0.0
    queue_len: int = 0


def load_gateways(store) -> list[Gateway]:
    """Gateways configured in the database; the defaults are saved on first use."""
    rows = store.list_gateways()
    if not rows:
        for g in DEFAULT_GATEWAYS:
            store.save_gateway(asdict(g))
        rows = store.list_gateways()
    return [Gateway(**r) for r in rows]


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)


class FeedRunner:
    def __init__(
        self,
        store,
        gateways: list[Gateway] | None = None,
        flush_interval_s: float = 0.5,
        max_queue: int = 200_000,
        stale_check_s: float = 5.0,
        default_stale_after_s: float = 900.0,
        on_commit: Callable[[pa.Table, float], None] | None = None,
    ):
        self.store = store
        self.gateways = gateways if gateways is not None else load_gateways(store)
        self.router = Router(self.gateways)
        self.flush_interval_s = flush_interval_s
        self.max_queue = max_queue
        self.stale_check_s = stale_check_s
        self.default_stale_after_s = default_stale_after_s
        self.on_commit = on_commit
        self.stats = RunnerStats()
        self._queue: deque = deque()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one flush at a time (writer thread or a direct caller)
        self._last_stale = 0.0
        self.sources: list = []

    # -- producer side (any thread; never blocks) ---------------------------------------------
    def submit(self, topic: str, payload: bytes | str, received_ts: float | None = None) -> bool:
        """Queue one message; False (and a drop counted) when the queue is full."""
        if len(self._queue) >= self.max_queue:
            self.stats.dropped += 1
            return False
        self._queue.append((topic, payload, received_ts or time.time()))
        self.stats.received += 1
        return True

    # -- writer side ---------------------------------------------------------------------------
    def start(self) -> FeedRunner:
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._run, name="passmap-feed-writer", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """Stop the sources, write what is queued, stop the writer."""
        for source in self.sources:
            source.stop()
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self.flush()

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.wait(self.flush_interval_s):
            try:
                self.flush()
                if time.monotonic() - self._last_stale >= self.stale_check_s:
                    self._last_stale = time.monotonic()
                    self.stats.stale_marked += len(
                        self.store.mark_stale(default_s=self.default_stale_after_s)
                    )
            except Exception:  # the writer must survive anything; the error is logged
                log.exception("feed writer: batch failed")

    def flush(self) -> dict[str, int]:
        """Normalise and store everything queued now; returns counts for this batch."""
        with self._lock:
            items = []
            queue = self._queue
            while queue:
                items.append(queue.popleft())
            self.stats.queue_len = len(queue)
            if not items:
                return {"new_events": 0, "dead_letters": 0}
            started = time.perf_counter()
            table, dead = self._normalise(items)
            try:
                counts = self.store.write_status_batch(table, dead)
            except Exception as exc:
                log.exception("feed writer: database write failed")
                self.stats.write_errors += 1
                counts = self.store.write_status_batch(
                    table.slice(0, 0),
                    dead + [_dead(t, p, r, f"database write failed: {exc}") for t, p, r in items],
                )
            commit_ts = time.time()
            if self.on_commit is not None:
                self.on_commit(table, commit_ts)
            self.stats.new_events += counts["new_events"]
            self.stats.dead_letters += counts["dead_letters"]
            self.stats.batches += 1
            self.stats.last_batch_ms = (time.perf_counter() - started) * 1000
            self.stats.last_flush_utc = _utc(commit_ts).isoformat(timespec="seconds")
            return counts

    def _normalise(self, items) -> tuple[pa.Table, list[dict]]:
        cols: dict[str, list] = {name: [] for name in _SCHEMA.names}
        dead: list[dict] = []
        for topic, payload, received_ts in items:
            gateway = self.router.route(topic)
            if gateway is None:
                dead.append(
                    _dead(topic, payload, received_ts, "no gateway subscribes to this topic")
                )
                continue
            try:
                events = normalise_message(gateway, topic, payload, _utc(received_ts))
            except MalformedMessage as exc:
                dead.append(_dead(topic, payload, received_ts, f"{gateway.id}: {exc}", gateway.id))
                continue
            except Exception as exc:
                # A normaliser bug must not stop the feed: any error dead-letters this one
                # message (with its reason, shown on the Live page) and logs its traceback.
                log.exception("normaliser %s failed on a message on %s", gateway.id, topic)
                dead.append(
                    _dead(
                        topic,
                        payload,
                        received_ts,
                        f"{gateway.id}: normaliser error {type(exc).__name__}: {exc}",
                        gateway.id,
                    )
                )
                continue
            _append(cols, events, received_ts)
        received = pa.array([int(t * 1e6) for t in cols["received_utc"]], pa.int64()).cast(
            pa.timestamp("us")
        )
        cols["received_utc"] = received
        return pa.table(cols, schema=_SCHEMA), dead


def _append(cols: dict[str, list], events: list[StatusEvent], received_ts: float) -> None:
    for e in events:
        cols["event_id"].append(e.event_id)
        cols["device_id"].append(e.device_id)
        cols["aspect"].append(e.aspect)
        cols["state"].append(e.state)
        cols["observed_utc"].append(e.observed_utc)
        cols["received_utc"].append(received_ts)
        cols["source"].append(e.source)
        cols["attrs"].append(json.dumps(e.attrs, default=str) if e.attrs else None)


def _dead(topic: str, payload, received_ts: float, reason: str, source: str | None = None) -> dict:
    text = (
        payload.decode("utf-8", "replace")
        if isinstance(payload, (bytes, bytearray))
        else str(payload)
    )
    return {
        "id": uuid.uuid4().hex,
        "received_utc": _utc(received_ts),
        "source": source,
        "topic": topic,
        "payload": text[:PAYLOAD_KEEP_CHARS],
        "reason": reason,
    }
