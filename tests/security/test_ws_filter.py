"""The websocket filter of ui/http_guard.py on a real Starlette app with a real websocket: the
``clear_cache`` message (it empties every visitor's caches and session) reaches the app only
from a connection opened with an administrator's valid session cookie."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.routing import WebSocketRoute
from starlette.testclient import TestClient
from starlette.websockets import WebSocketDisconnect
from streamlit.proto.BackMsg_pb2 import BackMsg

from passmap import auth
from tests.helpers import _store
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


def _first_seen(cookie: str | None) -> str:
    app = Starlette(
        routes=[WebSocketRoute("/_stcore/stream", _echo_types)],
        middleware=[Middleware(HttpGuard)],
    )
    clear, rerun = BackMsg(), BackMsg()
    clear.clear_cache = True
    rerun.rerun_script.query_string = ""
    headers = {"cookie": cookie} if cookie else {}
    with (
        TestClient(app) as client,
        client.websocket_connect("/_stcore/stream", headers=headers) as ws,
    ):
        ws.send_bytes(clear.SerializeToString())
        ws.send_bytes(rerun.SerializeToString())
        return ws.receive_text()


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
def test_clear_cache_passes_only_for_an_administrator(tiny_db, monkeypatch, who, first):
    monkeypatch.setenv("PASSMAP_DB", str(tiny_db))
    cookie = {None: None, "forged": f"{auth.SESSION_COOKIE}=not-a-token"}.get(who)
    if who not in (None, "forged"):
        cookie = _cookie(who)
    assert _first_seen(cookie) == first
