"""A real mosquitto on a free loopback port (persistence on, so restart tests keep sessions), and
app servers whose ingest listens to it."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import uuid
from pathlib import Path

import pytest

from .live_helpers import free_port, subscribed, wait_until

MOSQUITTO = shutil.which("mosquitto") or "/usr/sbin/mosquitto"


class Broker:
    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.port = free_port()
        self.proc: subprocess.Popen | None = None
        conf = workdir / "mosquitto.conf"
        conf.write_text(
            f"listener {self.port} 127.0.0.1\nallow_anonymous true\npersistence true\n"
            f"persistence_location {workdir}/\nautosave_interval 1\n"
            "max_queued_messages 100000\nmax_inflight_messages 100\n"
            # as root mosquitto drops to user 'mosquitto', which cannot write the
            # pytest tmp dir: persistence then silently fails and sessions are lost
            + ("user root\n" if os.geteuid() == 0 else "")
        )
        self.conf = conf

    @property
    def url(self) -> str:
        return f"mqtt://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=(self.workdir / "mosquitto.log").open("ab"),
        )
        wait_until(self._listening, 10, what=f"mosquitto listening on {self.port}")

    def _listening(self) -> bool:
        if self.proc.poll() is not None:
            log = (self.workdir / "mosquitto.log").read_text(errors="replace")[-2000:]
            raise RuntimeError(f"mosquitto exited ({self.proc.returncode}):\n{log}")
        try:
            socket.create_connection(("127.0.0.1", self.port), 0.2).close()
            return True
        except OSError:
            return False

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()  # SIGTERM: mosquitto saves its persistence file
            self.proc.wait(10)
        self.proc = None


@pytest.fixture(scope="session")
def broker(tmp_path_factory):
    b = Broker(tmp_path_factory.mktemp("mosquitto"))
    b.start()
    yield b
    b.stop()


@pytest.fixture
def topic_root() -> str:
    """A unique topic prefix per test so tests on one broker never see each other's messages."""
    return f"t{uuid.uuid4().hex[:10]}"


@pytest.fixture
def ingest_server(broker, tmp_path):
    """Factory: ``ingest_server(db_path, client_id=None) -> AppServer``, `streamlit run
    server.py` on ``db_path`` with its ingest subscribed to the session's broker as MQTT client
    ``client_id`` (a new one unless given: give the same one to restart into the broker's kept
    session), once its ingest is connected. A long start timeout for a heavily loaded machine;
    every server is stopped after the test (one already stopped or killed is left as it is)."""
    from tests.conftest import start_streamlit

    servers = []

    def start(db_path, client_id: str | None = None):
        env = {
            "PASSMAP_MQTT_URL": broker.url,
            "PASSMAP_MQTT_CLIENT_ID": client_id or f"app-{uuid.uuid4().hex}",
        }
        servers.append(start_streamlit(db_path, tmp_path, timeout_s=150, **env))
        wait_until(lambda: subscribed(servers[-1]), 120, 0.2)
        return servers[-1]

    yield start
    for server in servers:
        server.stop()
