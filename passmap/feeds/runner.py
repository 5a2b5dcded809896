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

import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pyarrow as pa

from passmap.feeds.batch import Limits, dead_letter, events_table, normalise_batch
from passmap.feeds.model import StatusEvent
from passmap.feeds.registry import Gateway, Router

log = logging.getLogger(__name__)


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
    """Gateways configured in the database, the built-in ones always among them."""
    from passmap.feeds.gateways import gateways

    return gateways(store)


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)


class FeedRunner:
    """Queue -> normalise -> one transaction per batch -> acknowledge.

    A source may hand ``submit`` an ``ack`` callable (MQTT QoS 1: send the PUBACK): it is called
    only after the batch holding the message is committed, so a crash or a stop before the
    commit leaves the message with the broker, which delivers it again."""

    def __init__(
        self,
        store,
        gateways: list[Gateway] | None = None,
        flush_interval_s: float = 0.5,
        max_queue: int = 200_000,
        stale_check_s: float = 5.0,
        default_stale_after_s: float = 900.0,
        on_commit: Callable[[pa.Table, float], None] | None = None,
        limits: Limits | None = None,
        flush_at: int = 20_000,
    ):
        self.store = store
        self.gateways = gateways if gateways is not None else load_gateways(store)
        self.router = Router(self.gateways)
        self.limits = limits or Limits()
        self.flush_interval_s = flush_interval_s
        self.flush_at = flush_at  # a queue this long wakes the writer before the interval
        self.max_queue = max_queue
        self.stale_check_s = stale_check_s
        self.default_stale_after_s = default_stale_after_s
        self.on_commit = on_commit
        self.stats = RunnerStats()
        self.mode = "off"  # what feeds it (mqtt, simulator, off), shown on the Live page
        self._queue: deque = deque()
        self._wake = threading.Event()
        self._accepting = True
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()  # one flush at a time (writer thread or a direct caller)
        self._last_stale = 0.0
        self._last_held = 0.0
        self.sources: list = []

    # -- producer side (any thread; never blocks) ---------------------------------------------
    def submit(
        self,
        topic: str,
        payload: bytes | str,
        received_ts: float | None = None,
        ack: Callable[[], object] | None = None,
    ) -> bool:
        """Queue one message; False when the runner is stopping or the queue is full (a
        dropped message is not acknowledged: a QoS 1 broker keeps it for the next session)."""
        queue = self._queue
        if len(queue) >= self.max_queue or not self._accepting:
            self.stats.dropped += self._accepting
            return False
        if isinstance(payload, str):
            payload = payload.encode("utf-8")
        queue.append((topic, payload, received_ts or time.time(), ack))
        self.stats.received += 1
        if len(queue) >= self.flush_at:
            self._wake.set()
        return True

    # -- writer side ---------------------------------------------------------------------------
    def start(self) -> FeedRunner:
        if self._thread is None:
            self._accepting = True
            self._stop.clear()
            self._thread = threading.Thread(
                target=self._run, name="passmap-feed-writer", daemon=True
            )
            self._thread.start()
        return self

    def stop(self, timeout_s: float = 10.0) -> None:
        """A clean stop loses nothing: refuse new messages, write and acknowledge what is
        queued, then close the sources (their acknowledgements go out before they disconnect)."""
        self._accepting = False
        for source in self.sources:
            getattr(source, "pause", lambda: None)()
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout_s)
            self._thread = None
        self.flush()
        for source in self.sources:
            source.stop()

    def reload_gateways(self) -> None:
        """Take up changed gateways (admin page, CLI) without a restart: new routing, and the
        MQTT subscription follows the new topic filters."""
        self.gateways = load_gateways(self.store)
        self.router = Router(self.gateways)
        patterns = [g.topic_pattern for g in self.gateways if g.enabled]
        for source in self.sources:
            getattr(source, "resubscribe", lambda _p: None)(patterns)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.flush_interval_s)
            self._wake.clear()
            try:
                self.flush()
                if time.monotonic() - self._last_held >= 1.0:
                    self._last_held = time.monotonic()
                    self.check_held_open()
                if time.monotonic() - self._last_stale >= self.stale_check_s:
                    self._last_stale = time.monotonic()
                    self.stats.stale_marked += len(
                        self.store.mark_stale(default_s=self.default_stale_after_s)
                    )
            except Exception:  # the writer must survive anything; the error is logged
                log.exception("feed writer: batch failed")

    def check_held_open(self, now: datetime | None = None) -> int:
        """Raise door_alarm held_open for doors open past their gateway's held_open_s (the
        event goes through the normal batch write, so the alarm rules apply). Returns count."""
        due = self.store.held_open_due(now)
        if not due:
            return 0
        events = [
            StatusEvent.make(
                device,
                "door_alarm",
                "held_open",
                opened + timedelta(seconds=limit_s),
                source,
                {"derived": f"open longer than {limit_s:g} s"},
            )
            for device, source, opened, limit_s in due
        ]
        with self._lock:
            self.store.write_status_batch(events_table(events, time.time()), [])
        return len(events)

    def flush(self) -> dict[str, int]:
        """Normalise and store everything queued now, then acknowledge it; returns counts."""
        with self._lock:
            queue = self._queue
            items = [queue.popleft() for _ in range(len(queue))]
            self.stats.queue_len = len(queue)
            if not items:
                return {"new_events": 0, "dead_letters": 0}
            started = time.perf_counter()
            table, dead = normalise_batch(self.router, items, self.limits)
            try:
                counts = self.store.write_status_batch(table, dead, self.limits.future_skew_s)
            except Exception as exc:  # the batch goes to dead letters instead
                log.exception("feed writer: database write failed")
                self.stats.write_errors += 1
                reason = f"database write failed: {exc}"
                counts = self.store.write_status_batch(
                    table.slice(0, 0), dead + [dead_letter(i[0], i[1], i[2], reason) for i in items]
                )
            commit_ts = time.time()
            for item in items:  # committed: now the broker may forget them
                if item[3] is not None:
                    item[3]()
            if self.on_commit is not None:
                self.on_commit(table, commit_ts)
            self.stats.new_events += counts["new_events"]
            self.stats.dead_letters += counts["dead_letters"]
            self.stats.batches += 1
            self.stats.last_batch_ms = (time.perf_counter() - started) * 1000
            self.stats.last_flush_utc = _utc(commit_ts).isoformat(timespec="seconds")
            return counts
