"""Webhook bridge: vendor webhooks in over HTTP (starlette/uvicorn), published into MQTT.

``POST /hook/<mqtt topic>`` with the raw vendor body and ``X-Passmap-Signature: sha256=<hex>``
(HMAC-SHA256 of the body with the shared secret; ``X-Hub-Signature-256`` is accepted too). The
topic must match a configured gateway pattern, so the message takes the normal MQTT path.
"""

from __future__ import annotations

import hashlib
import hmac

from paho.mqtt.client import topic_matches_sub
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

MAX_BODY_BYTES = 256 * 1024
SIGNATURE_HEADERS = ("x-passmap-signature", "x-hub-signature-256")


def sign(secret: str, body: bytes) -> str:
    """The header value a sender puts on ``body``.

    >>> sign("s3cret", b"{}")[:7]
    'sha256='
    """
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_ok(secret: str, body: bytes, header: str | None) -> bool:
    return bool(header) and hmac.compare_digest(sign(secret, body), header.strip())


def create_app(publish, secret: str, patterns: list[str]) -> Starlette:
    """``publish(topic, body)`` returns a paho MQTTMessageInfo (or anything with
    wait_for_publish)."""
    if not secret:
        raise ValueError("The webhook bridge needs a shared secret (PASSMAP_WEBHOOK_SECRET).")

    async def hook(request: Request) -> JSONResponse:
        topic = request.path_params["topic"]
        body = await request.body()
        if len(body) > MAX_BODY_BYTES:
            return JSONResponse({"error": "body too large"}, status_code=413)
        header = next(
            (request.headers.get(h) for h in SIGNATURE_HEADERS if request.headers.get(h)), None
        )
        if not signature_ok(secret, body, header):
            return JSONResponse({"error": "bad or missing signature"}, status_code=401)
        if not any(topic_matches_sub(p, topic) for p in patterns):
            return JSONResponse(
                {"error": f"no gateway subscribes to topic {topic}"}, status_code=404
            )
        info = publish(topic, body)
        await run_in_threadpool(info.wait_for_publish, 5)
        return JSONResponse({"published": topic, "bytes": len(body)}, status_code=202)

    async def health(_request: Request) -> JSONResponse:
        return JSONResponse({"ok": True})

    return Starlette(
        routes=[Route("/hook/{topic:path}", hook, methods=["POST"]), Route("/health", health)]
    )
