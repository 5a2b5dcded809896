"""Live ingest benchmark: real mosquitto -> paho -> FeedRunner -> DuckDB, at QoS 0 and QoS 1.

For each QoS: (1) the ceiling, a bare paho subscriber that only decodes the JSON; (2) the full
pipeline flat out (sustained msg/s from first message received to last row committed);
(3) message-to-commit latency p50/p99 at a paced 2,000 msg/s. The publisher runs in its own
process. Also: runner memory (RSS) and where the time goes (normalise vs DuckDB vs the rest).

    .venv/bin/python bench/bench_ingest.py [--messages 50000] [--paced-seconds 10]
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import platform
import resource
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import paho.mqtt.client as mqtt

import passmap.feeds.runner as runner_module
from passmap.feeds.mqtt import MqttConfig, MqttSource
from passmap.feeds.registry import Gateway
from passmap.feeds.runner import FeedRunner
from passmap.feeds.service import APP_FLUSH_INTERVAL_S
from passmap.store import Store

DEVICES = 2000
INFLIGHT = 1000  # mosquitto max_inflight_messages of the bench broker (QoS 1 acks after commit)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_broker(workdir: Path) -> tuple[subprocess.Popen, int]:
    port = free_port()
    conf = workdir / "mosquitto.conf"
    conf.write_text(
        f"listener {port} 127.0.0.1\nallow_anonymous true\npersistence false\n"
        f"max_queued_messages 1000000\nmax_inflight_messages {INFLIGHT}\n"
    )
    proc = subprocess.Popen(
        [shutil.which("mosquitto") or "/usr/sbin/mosquitto", "-c", str(conf)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.2).close()
            return proc, port
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("mosquitto did not start")


def publisher(port: int, topic: str, n: int, qos: int, rate: float, ready) -> None:
    """Separate process: n canonical messages (~150 B), observed_utc = send time."""
    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-pub-{os.getpid()}")
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    ready.wait()
    start = time.perf_counter()
    info = None
    for i in range(n):
        if rate:
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                time.sleep(delay)
        now = datetime.now(UTC).isoformat(timespec="microseconds")
        state = "open" if i % 2 else "closed"
        body = (
            f'{{"device_id":"bench-{i % DEVICES:04d}","aspect":"position",'
            f'"state":"{state}","observed_utc":"{now}"}}'
        )
        info = client.publish(topic, body, qos=qos)
        while info.rc == mqtt.MQTT_ERR_QUEUE_SIZE:
            time.sleep(0.001)
            info = client.publish(topic, body, qos=qos)
    if info is not None and qos:
        info.wait_for_publish(60)
    time.sleep(0.5)
    client.disconnect()
    client.loop_stop()


def run_publisher(port, topic, n, qos, rate):
    ready = mp.Event()
    proc = mp.Process(target=publisher, args=(port, topic, n, qos, rate, ready))
    proc.start()
    return proc, ready


def ceiling(port: int, qos: int, n: int) -> float:
    """A bare paho subscriber that only decodes the JSON; msg/s first to last message."""
    topic = f"bench/ceiling/{qos}/{time.time_ns()}"
    times: list[float] = []
    done = threading.Event()

    def on_message(_c, _u, msg):
        json.loads(msg.payload)
        times.append(time.perf_counter())
        if len(times) >= n:
            done.set()

    client = mqtt.Client(mqtt.CallbackAPIVersion.VERSION2, client_id=f"bench-ceiling-{qos}")
    client.on_message = on_message
    client.connect("127.0.0.1", port)
    client.subscribe(topic, qos)
    client.loop_start()
    time.sleep(0.3)
    proc, ready = run_publisher(port, topic, n, qos, 0)
    ready.set()
    done.wait(120)
    proc.join(60)
    client.disconnect()
    client.loop_stop()
    got = len(times)
    return (got - 1) / (times[-1] - times[0]) if got > 1 else 0.0, got


class Pipeline:
    """FeedRunner + MqttSource on a fresh DuckDB file, instrumented."""

    def __init__(self, port: int, qos: int, workdir: Path, tag: str):
        self.topic = f"bench/{tag}/{time.time_ns()}"
        self.store = Store(workdir / f"{tag}.duckdb")
        gw = Gateway("bench", "canonical", self.topic, stale_after_s=3600)
        self.store.save_gateway({"id": gw.id, "kind": gw.kind, "topic_pattern": gw.topic_pattern})
        self.committed = 0
        self.latencies: list[float] = []
        self.last_commit = 0.0
        self.timing = {"normalise_s": 0.0, "db_s": 0.0}
        self.runner = FeedRunner(
            self.store,
            [gw],
            on_commit=self._on_commit,
            stale_check_s=3600,
            flush_interval_s=APP_FLUSH_INTERVAL_S,  # what the app server runs
        )
        self._instrument()
        self.first_received: float | None = None
        self.last_received = 0.0
        cfg = MqttConfig(
            host="127.0.0.1",
            port=port,
            client_id=f"bench-{tag}",
            qos=qos,
            inflight_window=INFLIGHT,  # the broker below allows this many unacknowledged
        )
        self.runner.start()
        self.source = MqttSource(self.runner, cfg).start()
        self.source.connected.wait(5)

    def _instrument(self):
        norm, write = runner_module.normalise_batch, self.store.write_status_batch
        self._original_norm = norm

        def timed_norm(router, items, limits):
            if self.first_received is None and items:
                self.first_received = items[0][2]
            if items:
                self.last_received = items[-1][2]
            t = time.perf_counter()
            out = norm(router, items, limits)
            self.timing["normalise_s"] += time.perf_counter() - t
            return out

        def timed_write(table, dead, skew_s=300.0):
            t = time.perf_counter()
            out = write(table, dead, skew_s)
            self.timing["db_s"] += time.perf_counter() - t
            return out

        runner_module.normalise_batch = timed_norm
        self.store.write_status_batch = timed_write

    def _on_commit(self, table, commit_ts: float) -> None:
        self.committed += table.num_rows
        self.last_commit = commit_ts
        sent_us = table.column("observed_utc").cast("int64").to_pylist()
        self.latencies.extend(commit_ts - us / 1e6 for us in sent_us)

    def wait(self, n: int, timeout_s: float = 180) -> None:
        deadline = time.time() + timeout_s
        while self.committed < n and time.time() < deadline:
            time.sleep(0.05)

    def close(self):
        runner_module.normalise_batch = self._original_norm
        self.runner.stop()
        self.store.close()


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100)[int(q) - 1] if len(values) > 1 else float("nan")


def bench_qos(port: int, qos: int, n: int, paced_s: float, workdir: Path) -> dict:
    ceil_rate, ceil_got = ceiling(port, qos, n)
    cpu0 = os.times()
    pipe = Pipeline(port, qos, workdir, f"flat{qos}")
    proc, ready = run_publisher(port, pipe.topic, n, qos, 0)
    ready.set()
    pipe.wait(n)
    proc.join(60)
    cpu1 = os.times()
    wall = pipe.last_commit - pipe.first_received
    flat = {
        "committed": pipe.committed,
        "msg_per_s": round(pipe.committed / wall),
        "wall_s": round(wall, 2),
        "receive_msg_per_s": round(pipe.committed / (pipe.last_received - pipe.first_received)),
        "normalise_s": round(pipe.timing["normalise_s"], 2),
        "db_s": round(pipe.timing["db_s"], 2),
        "process_cpu_s": round((cpu1.user - cpu0.user) + (cpu1.system - cpu0.system), 2),
        "dropped": pipe.runner.stats.dropped,
        "batches": pipe.runner.stats.batches,
    }
    pipe.close()
    rate = 2000
    pipe = Pipeline(port, qos, workdir, f"paced{qos}")
    m = int(rate * paced_s)
    proc, ready = run_publisher(port, pipe.topic, m, qos, rate)
    ready.set()
    pipe.wait(m)
    proc.join(60)
    lat = pipe.latencies
    paced = {
        "committed": pipe.committed,
        "sent": m,
        "p50_s": round(pct(lat, 50), 3),
        "p99_s": round(pct(lat, 99), 3),
        "max_s": round(max(lat), 3),
    }
    pipe.close()
    return {
        "qos": qos,
        "ceiling_msg_per_s": round(ceil_rate),
        "ceiling_received": ceil_got,
        "pipeline": flat,
        "ratio_to_ceiling": round(flat["msg_per_s"] / ceil_rate, 2),
        "paced_2000": paced,
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--messages", type=int, default=50_000)
    ap.add_argument("--paced-seconds", type=float, default=10)
    ap.add_argument("--qos", type=int, nargs="+", default=[0, 1])
    args = ap.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    broker, port = start_broker(workdir)
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    try:
        results = [bench_qos(port, q, args.messages, args.paced_seconds, workdir) for q in args.qos]
    finally:
        broker.terminate()
        broker.wait(10)
        shutil.rmtree(workdir, ignore_errors=True)
    out = {
        "machine": f"{platform.node()} {platform.processor() or platform.machine()}, "
        f"{os.cpu_count()} cores, Python {platform.python_version()}",
        "messages": args.messages,
        "results": results,
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "rss_before_mb": round(rss0 / 1024),
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
