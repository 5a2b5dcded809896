"""Webhook bridge: vendor webhooks in over HTTP (starlette/uvicorn), published into MQTT.

``POST /hook/<mqtt topic>`` with the raw vendor body and two headers:

- ``X-Passmap-Timestamp``: the sender's clock, Unix seconds;
- ``X-Passmap-Signature: sha256=<hex>``: HMAC-SHA256, with the shared secret, of
  ``"<timestamp>\\n<METHOD>\\n<topic>\\n"`` followed by the body (``sign()``).

The signature covers the method, the topic and the time, so a signed "camera disconnected" body
cannot be re-posted to other topics, and a request older (or newer) than ``REPLAY_WINDOW_S`` or
seen before within that window is refused (a resolved alarm cannot be replayed). Hex digits are
compared case-insensitively. The topic must be a plain topic (no ``+``/``#`` wildcards: 400) and
match a configured gateway pattern (404). A body over ``MAX_BODY_BYTES`` is refused with 413 from
its Content-Length, or as soon as the stream passes the limit (never read whole).
"""

from __future__ import annotations

import hashlib
import hmac
import threading
import time

from paho.mqtt.client import topic_matches_sub
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

MAX_BODY_BYTES = 256 * 1024
REPLAY_WINDOW_S = 300
SIGNATURE_HEADER = "x-passmap-signature"
TIMESTAMP_HEADER = "x-passmap-timestamp"


def sign(secret: str, body: bytes, topic: str, timestamp: int | str, method: str = "POST") -> str:
    """The signature header value a sender puts on ``body`` posted to ``topic`` at ``timestamp``.

    >>> sign("s3cret", b"{}", "frigate/events", 1772456645)[:7]
    'sha256='
    >>> sign("s3cret", b"{}", "frigate/events", 1) != sign("s3cret", b"{}", "frigate/other", 1)
    True
    """
    signed = f"{timestamp}\n{method.upper()}\n{topic}\n".encode() + body
    return "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()


def signature_ok(expected: str, header: str | None) -> bool:
    """Constant-time comparison; the hex digits may come in either case."""
    return bool(header) and hmac.compare_digest(expected.lower(), header.strip().lower())


class ReplayGuard:
    """Signatures seen within the window: the same signed request is accepted once."""

    def __init__(self, window_s: float = REPLAY_WINDOW_S):
        self.window_s = window_s
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def first_time(self, signature: str, now: float) -> bool:
        with self._lock:
            if len(self._seen) > 10_000:  # forget what has left the window
                self._seen = {s: t for s, t in self._seen.items() if now - t <= self.window_s}
            key = signature.strip().lower()
            if key in self._seen:
                return False
            self._seen[key] = now
            return True


class _TooLarge(Exception):
    pass


async def _read_limited(request: Request, limit: int) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _TooLarge
    chunks, size = [], 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            raise _TooLarge
        chunks.append(chunk)
    return b"".join(chunks)


def _error(status: int, message: str) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status)


def create_app(
    publish,
    secret: str,
    patterns: list[str],
    window_s: float = REPLAY_WINDOW_S,
    max_body_bytes: int = MAX_BODY_BYTES,
    clock=time.time,
) -> Starlette:
    """``publish(topic, body)`` returns a paho MQTTMessageInfo (or anything with
    wait_for_publish)."""
    if not secret:
        raise ValueError("The webhook bridge needs a shared secret (PASSMAP_WEBHOOK_SECRET).")
    guard = ReplayGuard(window_s)

    async def hook(request: Request) -> JSONResponse:
        topic = request.path_params["topic"]
        if not topic or "+" in topic or "#" in topic:
            return _error(400, f"topic {topic!r} must be a plain MQTT topic (no + or # wildcards)")
        try:
            body = await _read_limited(request, max_body_bytes)
        except _TooLarge:
            return _error(413, f"body larger than {max_body_bytes} bytes")
        stamp = request.headers.get(TIMESTAMP_HEADER, "").strip()
        header = request.headers.get(SIGNATURE_HEADER)
        if not stamp.isdigit() or not signature_ok(
            sign(secret, body, topic, stamp, request.method), header
        ):
            return _error(401, "bad or missing signature or timestamp")
        now = clock()
        if abs(now - int(stamp)) > window_s:
            return _error(401, f"timestamp outside the {window_s:g} s replay window")
        if not guard.first_time(header, now):
            return _error(409, "this signed request was already received (replay)")
        if not any(topic_matches_sub(p, topic) for p in patterns):
            return _error(404, f"no gateway subscribes to topic {topic}")
        info = publish(topic, body)
        await run_in_threadpool(info.wait_for_publish, 5)
        return JSONResponse({"published": topic, "bytes": len(body)}, status_code=202)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[Route("/hook/{topic:path}", hook, methods=["POST"]), Route("/health", health)]
    )
