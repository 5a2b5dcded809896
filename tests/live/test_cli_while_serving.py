"""The CLI reads what the running service wrote (issue 15, Build: "the CLI and app read what it
wrote"). While `streamlit run server.py` holds the DuckDB file (one writer, no other process may
open it), `passmap status` asks that server over loopback with the token it keeps beside the
database (0600); the route refuses anyone without it. A real mosquitto, a real server that no
browser visits, the real `passmap` command; one server for the whole module."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from datetime import UTC, datetime

import pytest

from passmap.cli.served import ROUTE, link_path
from passmap.feeds.mqtt import MqttConfig, Publisher

from .live_helpers import ingest_health, wait_until

pytestmark = pytest.mark.broker
PASSMAP = [sys.executable, "-m", "passmap.cli"]


def _passmap(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PASSMAP, *args], capture_output=True, text=True, timeout=timeout, env=dict(os.environ)
    )


def _post(url: str, body: dict, **headers: str) -> tuple[int, dict | str]:
    request = urllib.request.Request(
        url + ROUTE, data=json.dumps(body).encode(), headers=headers, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=120) as resp:
            return resp.status, json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode()


def test_read_commands_ask_the_running_server_and_say_why_when_nothing_answers(
    broker, tmp_db, ingest_server, topic_root
):
    server = ingest_server(tmp_db)
    try:
        pub = Publisher(MqttConfig.from_env({"PASSMAP_MQTT_URL": broker.url}))
        message = {
            "device_id": f"{topic_root}-door",
            "aspect": "position",
            "state": "open",
            "observed_utc": datetime.now(UTC).isoformat(),
        }
        pub.publish(f"passmap/status/{topic_root}", json.dumps(message).encode())
        pub.close()
        wait_until(lambda: ingest_health(server).get("new_events", 0) >= 1, 120, 0.1)

        # the server keeps its address and token beside the database, for its owner only
        link = link_path(tmp_db)
        assert link.stat().st_mode & 0o777 == 0o600
        token = json.loads(link.read_text())["token"]

        # `passmap status` while the server holds the file: what the service just wrote
        out = _passmap("status", "--db", str(tmp_db), "--format", "json")
        assert out.returncode == 0, out.stderr
        devices = {d["device_id"]: d for d in json.loads(out.stdout)["devices"]}
        assert devices[f"{topic_root}-door"]["state"] == "open"

        # the route: no token, a wrong one, or a proxied request are refused; a write command
        # is refused even with the token; a read command with it answers
        status = ["status", "--format", "json"]
        assert _post(server.url, {"argv": status})[0] == 403
        assert _post(server.url, {"argv": status}, Authorization="Bearer nope")[0] == 403
        bearer = f"Bearer {token}"
        proxied = {"Authorization": bearer, "X-Forwarded-For": "203.0.113.9"}
        assert _post(server.url, {"argv": status}, **proxied)[0] == 403
        code, answer = _post(
            server.url, {"argv": ["user", "disable", "demo-admin"]}, Authorization=bearer
        )
        assert code == 200 and answer["code"] == 2
        assert "only read commands run through the server" in answer["stderr"]
        code, answer = _post(server.url, {"argv": status}, Authorization=bearer)
        assert code == 200 and answer["code"] == 0 and f"{topic_root}-door" in answer["stdout"]
    finally:
        server.proc.send_signal(signal.SIGKILL)  # a crash: the file beside the database stays
        server.proc.wait(60)

    assert link_path(tmp_db).exists()
    # stale file, file free: the command reads the database itself
    out = _passmap("status", "--db", str(tmp_db), "--format", "json")
    assert out.returncode == 0, out.stderr
    assert f"{topic_root}-door" in out.stdout

    # stale file and another process holding the database: one sentence naming both
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from passmap.store import Store; s = Store(sys.argv[1]); "
            "print('held', flush=True); sys.stdin.read()",
            str(tmp_db),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        first = holder.stdout.readline().strip()
        if first != "held":  # it could not open the database: say why
            holder.wait(60)
            pytest.fail(f"the holding process could not open {tmp_db}: {holder.stderr.read()}")
        out = _passmap("status", "--db", str(tmp_db))
    finally:
        holder.stdin.close()
        holder.wait(60)
    assert out.returncode == 1 and out.stdout == ""
    sentence = out.stderr.strip()
    assert sentence.startswith(f"passmap status: cannot read {tmp_db}: another process holds")
    assert "did not answer" in sentence and "\n" not in sentence
