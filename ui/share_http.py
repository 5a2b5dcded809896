"""Share links over plain HTTP: Starlette routes mounted by server.py (st.App ``routes=``), so a
responder's visit runs no Streamlit script. The answers come from passmap.share_bundle's
ShareService (token check per request, bundle built once per link and data version, access
log committed before each answer); this module only speaks HTTP.

    GET /share/<token>                      the page (HTML + the map payload as JSON data)
    GET /share/<token>/live.json            posture and open alarms (at most 1 s old)
                                            (polled by the page every 3 s)
    GET /share/<token>/search?campus=&q=    the responder search (the core function)
    GET /share/<token>/download/<campus>.pdf | .geojson | .imdf.zip   (logged)
    GET /share-assets/<name>.<hash>.<ext>   the viewer's code and style, named by content hash:
                                            public, cached for a year, immutable (a phone that
                                            opened one link keeps them); the plain name answers
                                            too, revalidated (no-cache + ETag)

Old links ``/?share=<token>`` are redirected to ``/share/<token>`` by ``LegacyShareRedirect``
(no script run); a bad token then gets the same refusal as any other.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from urllib.parse import parse_qs, quote, urlsplit

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from passmap import share, throttle
from passmap.config import load_settings
from passmap.share_bundle import MISS, ShareService, gzip_bytes
from passmap.store.shared import shared_store

log = logging.getLogger(__name__)
HERE = Path(__file__).resolve().parent
PAGE_DIR = HERE / "share_page"
ASSET_FILES = {  # the share page draws with Canvas 2D (canvasmap.js): no WebGL, no deck.gl
    "canvasmap.js": PAGE_DIR / "canvasmap.js",
    "viewer.js": PAGE_DIR / "viewer.js",
    "viewer.css": PAGE_DIR / "viewer.css",
}
_MEDIA = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}
_ST_PREFIXES = ("/_stcore/", "/media/", "/component/", "/static/", "/share/", "/share-assets/")
NOT_READY = "The shared map could not be prepared just now; please try again in a moment."
NOT_LOGGED = (
    "The shared map is not shown because its use could not be logged; please try again in a moment."
)


@dataclass(frozen=True)
class Asset:
    body: bytes
    gz: bytes
    media_type: str
    etag: str
    hashed_name: str  # "viewer.<sha256 prefix>.js": the name the page uses


_lock = threading.RLock()
_assets: dict[str, Asset] = {}
_service: ShareService | None = None
IMMUTABLE = "public, max-age=31536000, immutable"
REVALIDATE = "public, no-cache"


def assets() -> dict[str, Asset]:
    """The public files by plain name, read and gzip-compressed once per process."""
    with _lock:
        if not _assets:
            for name, path in ASSET_FILES.items():
                body = path.read_bytes()
                digest = hashlib.sha256(body).hexdigest()[:16]
                hashed = f"{path.stem}.{digest}{path.suffix}"
                _assets[name] = Asset(body, gzip_bytes(body), _MEDIA[path.suffix], digest, hashed)
        return _assets


def asset_named(name: str) -> tuple[Asset, bool] | None:
    """(asset, immutable) for a plain or content-hashed name; None for any other name."""
    for plain, asset in assets().items():
        if name == asset.hashed_name:
            return asset, True
        if name == plain:
            return asset, False
    return None


def page_template() -> str:
    """index.html naming each asset by its content hash (so it can be cached forever)."""
    text = (PAGE_DIR / "index.html").read_text(encoding="utf-8")
    for name, asset in assets().items():
        text = text.replace("{{asset:" + name + "}}", f"/share-assets/{asset.hashed_name}")
    if "{{asset:" in text:
        raise ValueError("The share page names an asset that ui/share_http.py does not serve.")
    return text


def service() -> ShareService:
    """The process's ShareService on the shared store (created on first use)."""
    global _service
    with _lock:
        if _service is None:
            from ui.share_content import build_content

            store = shared_store(load_settings().db_path)
            _service = ShareService(store, build_content, page_template())
        return _service


def close() -> None:
    """Server shutdown: write the queued access-log rows, stop the builders."""
    global _service
    with _lock:
        held, _service = _service, None
    if held is not None:
        held.close()


# -- headers --------------------------------------------------------------------------------------
def _tile_origin() -> str:
    url = load_settings().tile_url
    if not url:
        return ""
    parts = urlsplit(url.replace("{", "").replace("}", ""))
    return f" {parts.scheme}://{parts.netloc}" if parts.scheme in ("http", "https") else ""


@functools.cache
def page_headers() -> Mapping[str, str]:
    """No inline script, nothing from elsewhere (except configured tiles), never framed, the
    token never sent as a referrer, never stored by a cache. Built once per process (the
    settings do not change while the server runs)."""
    tiles = _tile_origin()
    csp = (
        "default-src 'none'; script-src 'self'; style-src 'self'; "
        f"img-src 'self' data: blob:{tiles}; connect-src 'self'{tiles}; "
        "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"
    )
    return MappingProxyType(
        {
            "Content-Security-Policy": csp,
            "X-Frame-Options": "DENY",
            "X-Content-Type-Options": "nosniff",
            "Referrer-Policy": "no-referrer",
            "Cache-Control": "no-store",
            "Cross-Origin-Opener-Policy": "same-origin",
        }
    )


def _client(request: Request) -> str | None:
    """Who opened the link, for the access log: the peer, or behind a trusted reverse proxy the
    address it forwarded for (never the proxy's own address, the same for every visitor)."""
    peer = request.client.host if request.client else None
    forwarded = request.headers.get("x-forwarded-for")
    return throttle.request_client(peer, forwarded, _trusted_proxies())


@functools.cache
def _trusted_proxies() -> tuple:
    """PASSMAP_TRUSTED_PROXIES, read once per process: every opening asks (load_settings reads
    and parses the whole environment, ~55 us, on the event loop)."""
    return load_settings().trusted_proxies


def _encoded(request: Request, body: bytes, gz: bytes, media_type: str, headers: dict) -> Response:
    """The precompressed body when the client takes gzip (it always does in a browser)."""
    headers = dict(headers, Vary="Accept-Encoding")
    if "gzip" in request.headers.get("accept-encoding", "") and len(gz) < len(body):
        headers["Content-Encoding"] = "gzip"
        body = gz
    return Response(body, media_type=media_type, headers=headers)


def _sentence(message: str, status: int) -> Response:
    """A plain page with one sentence (refusals and failures): no map, nothing else."""
    body = (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>PassMap shared map</title></head>"
        f'<body><p role="alert">{message}</p></body></html>'
    )
    return Response(body, status, media_type="text/html; charset=utf-8", headers=page_headers())


def refusal() -> Response:
    return _sentence(share.REFUSAL, 403)


async def _settle(fut):
    if fut.done():  # the usual case under load: built once, served to everyone
        return fut.result()
    return await asyncio.wrap_future(fut)


# -- routes ---------------------------------------------------------------------------------------
async def share_page(request: Request) -> Response:
    svc, token, client = service(), request.path_params["token"], _client(request)
    opened = svc.open_now(token, client)  # a warm link: from memory, no worker thread
    if opened is MISS:
        opened = await run_in_threadpool(svc.open, token, client)
    if opened is None:
        return refusal()
    _grant, bundle_fut, log_fut = opened
    try:
        bundle = await _settle(bundle_fut)
    except Exception:
        log.exception("share bundle build failed")
        return _sentence(NOT_READY, 503)
    try:
        await _settle(log_fut)
    except Exception:  # no map without its log row; the visitor gets a sentence
        log.exception("share access not logged")
        return _sentence(NOT_LOGGED, 503)
    return _encoded(
        request, bundle.html, bundle.html_gz, "text/html; charset=utf-8", page_headers()
    )


async def share_live(request: Request) -> Response:
    svc, token = service(), request.path_params["token"]
    grant = svc.cached_grant(token)
    if grant is MISS:
        grant = await run_in_threadpool(svc.grant, token)
    if grant is None:
        return refusal()
    try:
        body = await _settle(svc.live(grant))
    except Exception:
        log.exception("share live snapshot failed")
        return _sentence(NOT_READY, 503)
    return Response(body, media_type="application/json", headers=page_headers())


async def share_search(request: Request) -> Response:
    svc = service()
    token = request.path_params["token"]
    campus, query = request.query_params.get("campus", ""), request.query_params.get("q", "")

    def check():
        grant = svc.grant(token)
        return None if grant is None else svc.search(grant, campus, query)

    fut = await run_in_threadpool(check)
    if fut is None:
        return refusal()
    body = await _settle(fut)
    return Response(body, media_type="application/json", headers=page_headers())


async def share_download(request: Request) -> Response:
    svc = service()
    token, name = request.path_params["token"], request.path_params["name"]
    suffix = next((s for s in ("imdf.zip", "geojson", "pdf") if name.endswith("." + s)), "")
    campus = name[: -len(suffix) - 1] if suffix else ""

    def check():
        grant = svc.grant(token)
        return None if grant is None else svc.download(grant, campus, suffix, _client(request))

    held = await run_in_threadpool(check)
    if held is None:
        return refusal()
    file_fut, log_fut = held
    try:
        file = await _settle(file_fut)
        await _settle(log_fut)
    except Exception:
        log.exception("share download failed")
        return _sentence(NOT_READY, 503)
    headers = dict(
        page_headers(), **{"Content-Disposition": f'attachment; filename="{quote(file.filename)}"'}
    )
    return Response(file.body, media_type=file.media_type, headers=headers)


async def share_asset(request: Request) -> Response:
    found = asset_named(request.path_params["name"])
    if found is None:
        return Response("Not found.", 404, media_type="text/plain")
    asset, immutable = found
    headers = {
        "ETag": f'"{asset.etag}"',
        "Cache-Control": IMMUTABLE if immutable else REVALIDATE,
        "X-Content-Type-Options": "nosniff",
        "Cross-Origin-Resource-Policy": "same-origin",
    }
    if request.headers.get("if-none-match") == headers["ETag"]:
        return Response(status_code=304, headers=headers)
    return _encoded(request, asset.body, asset.gz, asset.media_type, headers)


ROUTES = [
    Route("/share/{token}", share_page, methods=["GET"]),
    Route("/share/{token}/live.json", share_live, methods=["GET"]),
    Route("/share/{token}/search", share_search, methods=["GET"]),
    Route("/share/{token}/download/{name}", share_download, methods=["GET"]),
    Route("/share-assets/{name}", share_asset, methods=["GET"]),
]


class LegacyShareRedirect:
    """ASGI middleware: ``/?share=<token>`` (the links printed before) -> ``/share/<token>``,
    answered here without a script run. Only page addresses, never Streamlit's own endpoints."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if (
            scope["type"] == "http"
            and scope.get("method") in ("GET", "HEAD")
            and not scope["path"].startswith(_ST_PREFIXES)
        ):
            tokens = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("share")
            if tokens:
                target = "/share/" + quote(tokens[0], safe="")
                response = RedirectResponse(target, status_code=303, headers=page_headers())
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)
