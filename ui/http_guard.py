"""What every HTTP request and websocket passes through before Streamlit (server.py middleware),
and the two small routes that set and clear PassMap's cookies server-side (HttpOnly).

- Security headers on every response: a Content-Security-Policy that keeps every request on this
  server (plus the configured tile server), no framing by other sites, no MIME sniffing, no
  Referer (share tokens live in URLs).
- Closed: Streamlit's metrics and agent API, which the app does not use.
- Uploads (``/_stcore/upload_file``) only from a browser holding a valid session cookie of an
  account that may import (editors, administrators); everyone else gets 403 before one byte is
  read into memory.
- Files Streamlit serves under ``/media`` (downloads: responder PDF, GeoJSON, board report...)
  only to a browser holding a valid session cookie: after sign-out the same URL answers 403.
  Share links download from their own routes (ui/share_http.py), checked per request.
- The websocket message ``clear_cache`` (it empties every visitor's caches) is dropped unless
  the connection was opened with an administrator's valid session cookie.

Cookies are checked against the store by the SHA-256 of their token (passmap.auth / share);
nothing here writes to the database.
"""

from __future__ import annotations

import json
from http.cookies import CookieError, SimpleCookie
from urllib.parse import urlsplit

from google.protobuf.message import DecodeError
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

from passmap import access, auth, throttle, tickets
from passmap.config import load_settings
from passmap.store.shared import shared_store

CLOSED_PREFIXES = ("/_stcore/metrics", "/_stcore/agent", "/_stcore/script-health-check")
UPLOAD_PREFIX = "/_stcore/upload_file"
MEDIA_PREFIX = "/media/"
# Documents Streamlit frames inside the app (components, our vendored static files).
FRAMED_PREFIXES = ("/component/", "/app/static/", "/media/")
COOKIE_ROUTE = "/session/cookie"
# The map component's vendored deck.gl (ui/deckmap/frontend/vendor): its file names carry the
# version, so a browser keeps them for good. Streamlit serves component files as "public"
# without max-age or validator: every map frame (each page a map is on) fetched and the server
# gzipped 1.6 MB again, and the browser's code cache never saw the script twice.
IMMUTABLE_PREFIXES = ("/component/ui.deckmap.deckmap/vendor/",)
IMMUTABLE = b"public, max-age=31536000, immutable"


def _origin(url: str | None) -> str:
    if not url:
        return ""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def content_security_policy(framed: bool, tile_url: str | None = None) -> str:
    """The CSP of a response: everything from this server ('self'), plus the tile server when
    one is configured. Streamlit's frontend needs inline styles, an inline bootstrap script and
    eval (charts), so script-src cannot be stricter; what the policy buys is that no request
    leaves for another origin and no other site can frame the app.

    >>> "frame-ancestors 'none'" in content_security_policy(False)
    True
    >>> "https://tiles.example.org" in content_security_policy(True, "https://tiles.example.org/{z}")
    True
    """
    tiles = _origin(tile_url)
    extra = f" {tiles}" if tiles else ""
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
            "style-src 'self' 'unsafe-inline'",
            f"img-src 'self' data: blob:{extra}",
            "font-src 'self' data:",
            f"connect-src 'self'{extra}",
            "worker-src 'self' blob:",
            "frame-src 'self' blob: data:",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'self'" if framed else "frame-ancestors 'none'",
        ]
    )


def security_headers(path: str, tile_url: str | None = None) -> list[tuple[bytes, bytes]]:
    framed = path.startswith(FRAMED_PREFIXES)
    return [
        (b"content-security-policy", content_security_policy(framed, tile_url).encode()),
        (b"x-frame-options", b"SAMEORIGIN" if framed else b"DENY"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
        (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), payment=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


def _cookies(scope) -> dict[str, str]:
    jar = SimpleCookie()
    for name, value in scope.get("headers") or []:
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except CookieError:  # a malformed cookie header is no cookie
                continue
    return {k: m.value for k, m in jar.items()}


def _store():
    return shared_store(load_settings().db_path)


def staff_role(cookies: dict[str, str]) -> str | None:
    """The role of the valid browser session in ``cookies``, else None (read-only check)."""
    token = cookies.get(auth.SESSION_COOKIE)
    session = auth.peek_browser_session(_store(), token) if token else None
    return session.role if session else None


def _may_fetch_media(cookies: dict[str, str]) -> bool:
    return staff_role(cookies) is not None


def _may_upload(cookies: dict[str, str]) -> bool:
    role = staff_role(cookies)
    return role is not None and access.allowed(role, "edit")


class HttpGuard:
    """ASGI middleware (module docstring). Wraps Streamlit's own middleware and routes."""

    def __init__(self, app):
        self.app = app
        self.tile_url = load_settings().tile_url

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http":
            await self._http(scope, receive, send)
        elif scope["type"] == "websocket":
            await self.app(scope, self._filtered(scope, receive), send)
        else:
            await self.app(scope, receive, send)

    async def _http(self, scope, receive, send):
        path = scope.get("path") or "/"
        headers = security_headers(path, self.tile_url)
        immutable = path.startswith(IMMUTABLE_PREFIXES)

        async def send_with_headers(message):
            if message["type"] == "http.response.start":  # a route's own (stricter) ones stay
                given = message.get("headers", [])
                if immutable and message.get("status") == 200:
                    given = [(k, v) for k, v in given if k.lower() != b"cache-control"]
                    given.append((b"cache-control", IMMUTABLE))
                present = {k.lower() for k, _ in given}
                added = [(k, v) for k, v in headers if k not in present]
                message = dict(message, headers=[*given, *added])
            await send(message)

        refusal = await self._refusal(scope, path)
        if refusal is not None:
            await refusal(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)

    async def _refusal(self, scope, path: str) -> Response | None:
        if path.startswith(CLOSED_PREFIXES):
            return PlainTextResponse("Not found", status_code=404)
        if path.startswith(UPLOAD_PREFIX):
            if not await run_in_threadpool(_may_upload, _cookies(scope)):
                return PlainTextResponse("Sign in as an editor to upload.", status_code=403)
        elif path.startswith(MEDIA_PREFIX):
            if not await run_in_threadpool(_may_fetch_media, _cookies(scope)):
                return PlainTextResponse("Sign in to download this file.", status_code=403)
        return None

    def _filtered(self, scope, receive):
        """``receive`` without the clear_cache messages of a connection that may not send them."""
        from streamlit.proto.BackMsg_pb2 import BackMsg

        decided: dict[str, bool] = {}

        async def may_clear() -> bool:
            if "ok" not in decided:
                role = await run_in_threadpool(staff_role, _cookies(scope))
                decided["ok"] = role == "admin"
            return decided["ok"]

        async def receive_filtered():
            while True:
                message = await receive()
                data = message.get("bytes") if message["type"] == "websocket.receive" else None
                if data:
                    msg = BackMsg()
                    try:
                        msg.ParseFromString(data)
                    except DecodeError:  # not a BackMsg: Streamlit refuses it itself
                        return message
                    if msg.WhichOneof("type") == "clear_cache" and not await may_clear():
                        continue  # dropped: only an administrator may empty the caches
                return message

        return receive_filtered


# -- cookies set by the server (HttpOnly): the script hands the browser a one-time ticket -----


async def set_cookie(request: Request) -> Response:
    """POST a one-time ticket (passmap.tickets.issue_cookie_ticket); the answer sets or clears the
    cookie it stands for: HttpOnly, SameSite=Strict, Secure over HTTPS, Path=/."""
    origin = request.headers.get("origin")
    host = request.headers.get("host", "")
    if origin and urlsplit(origin).netloc != host:
        return PlainTextResponse("Cross-site request refused.", status_code=403)
    body = (await request.body())[:200].decode("ascii", "replace").strip()
    ticket = tickets.redeem_cookie_ticket(body)
    if ticket is None:
        return PlainTextResponse("Unknown or used ticket.", status_code=403)
    response = Response(status_code=204)
    secure = request.url.scheme == "https" or _forwarded_https(request)
    if ticket.value:
        response.set_cookie(
            ticket.name, ticket.value, path="/", httponly=True, samesite="strict", secure=secure
        )
    else:
        response.delete_cookie(ticket.name, path="/", httponly=True, samesite="strict")
    response.headers["cache-control"] = "no-store"
    return response


def _forwarded_https(request: Request) -> bool:
    """Behind a trusted reverse proxy (PASSMAP_TRUSTED_PROXIES) its X-Forwarded-Proto counts."""
    settings = load_settings()
    peer = request.client.host if request.client else ""
    if not throttle.is_trusted(peer, settings.trusted_proxies):
        return False
    return request.headers.get("x-forwarded-proto", "").split(",")[0].strip() == "https"


ROUTES = [Route(COOKIE_ROUTE, set_cookie, methods=["POST"])]


def cookie_script(ticket: str) -> str:
    """The JavaScript a zero-height component runs to redeem ``ticket`` (ui.auth)."""
    return (
        "<script>window.parent.fetch("
        + json.dumps(COOKIE_ROUTE)
        + ", {method: 'POST', body: "
        + json.dumps(ticket)
        + ", credentials: 'same-origin'});</script>"
    )


def startup_notices(store) -> None:
    """What the server's console must say at start (server.py lifespan): the one-time setup
    token while no account exists (passmap.auth.setup_token)."""
    import sys

    token = auth.setup_token(store)
    if token:
        print(
            "PassMap: no account exists yet. Open the app and create the first administrator "
            f"with this one-time setup token: {token}\n"
            "(or run `passmap user add NAME --role admin` on this server). The token works "
            "until an account exists or the server stops.",
            file=sys.stderr,
            flush=True,
        )


def believe_no_uvicorn_proxy_headers() -> None:
    """Keep uvicorn (under Streamlit) from rewriting a request's peer with its X-Forwarded-For:
    its default believes that header from loopback, so any local process could name its own
    address in the share access log and the sign-in throttle. PASSMAP_TRUSTED_PROXIES alone
    decides whose headers count (passmap/throttle.py). The one place this is decided, for
    ``passmap serve`` and a bare ``streamlit run server.py`` alike: setting FORWARDED_ALLOW_IPS
    here would come too late (uvicorn reads it before it imports server.py), but uvicorn wraps
    the app in its proxy-header middleware only after that import (uvicorn.config.Config.load)."""
    import uvicorn.config

    uvicorn.config.ProxyHeadersMiddleware = _as_is


def _as_is(app, trusted_hosts=None):
    return app
