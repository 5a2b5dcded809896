"""The websocket filter of ui/http_guard.py on a real Starlette app served by uvicorn on
loopback, with a real websocket client: the ``clear_cache`` message (it empties every visitor's
caches and session) reaches the app only from a connection opened with an administrator's valid
session cookie."""

from __future__ import annotations

import threading

import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocketDisconnect
from streamlit.proto.BackMsg_pb2 import BackMsg
from websockets.sync.client import connect  # Streamlit's own websocket library

from passmap import auth
from tests.conftest import free_port
from tests.helpers import _store
from tests.live.live_helpers import wait_until
from ui.http_guard import HttpGuard


async def _echo_types(ws):
    """Stands where Streamlit's websocket endpoint is: answers each BackMsg with its type."""
    await ws.accept()
    while True:
        try:
            data = await ws.receive_bytes()
        except WebSocketDisconnect:
            return
        msg = BackMsg()
        msg.ParseFromString(data)
        await ws.send_text(msg.WhichOneof("type"))


@pytest.fixture
def guarded_url():
    """ws:// URL of a Starlette app behind HttpGuard, served by uvicorn on loopback."""
    app = Starlette(
        routes=[WebSocketRoute("/_stcore/stream", _echo_types)],
        middleware=[Middleware(HttpGuard)],
    )
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started, 20)
    yield f"ws://127.0.0.1:{port}/_stcore/stream"
    server.should_exit = True
    thread.join(10)


def _first_seen(url: str, cookie: str | None) -> str:
    clear, rerun = BackMsg(), BackMsg()
    clear.clear_cache = True
    rerun.rerun_script.query_string = ""
    headers = {"Cookie": cookie} if cookie else None
    with connect(url, additional_headers=headers, open_timeout=20) as ws:
        ws.send(clear.SerializeToString())
        ws.send(rerun.SerializeToString())
        return ws.recv(timeout=20)


def _cookie(role: str) -> str:
    store = _store()
    user = store.get_user(f"demo-{role}")
    return f"{auth.SESSION_COOKIE}={auth.start_browser_session(store, auth.session_for(user))}"


@pytest.mark.parametrize(
    ("who", "first"),
    [
        (None, "rerun_script"),
        ("forged", "rerun_script"),
        ("viewer", "rerun_script"),
        ("editor", "rerun_script"),
        ("admin", "clear_cache"),
    ],
)
def test_clear_cache_passes_only_for_an_administrator(
    tiny_db, monkeypatch, guarded_url, who, first
):
    monkeypatch.setenv("PASSMAP_DB", str(tiny_db))
    cookie = {None: None, "forged": f"{auth.SESSION_COOKIE}=not-a-token"}.get(who)
    if who not in (None, "forged"):
        cookie = _cookie(who)
    assert _first_seen(guarded_url, cookie) == first
