"""The large layers of the maps (ui.deckmap), kept in this process and served to the browser by
reference: ``reference`` in a script run, the route ``ROUTES`` (no script run, a valid browser
session only: the same check as /media, ui.http_guard). Free of Streamlit, so server.py can
import it before Streamlit's runtime exists (declaring the map component that early would
register it nowhere the server looks)."""

from __future__ import annotations

import hashlib
import re
import secrets
import threading
from collections import OrderedDict

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import PlainTextResponse, Response
from starlette.routing import Route

INLINE_MAX = 4096  # characters: a smaller layer (live overlay, highlight) travels inline
LAYER_ROUTE = "/_passmap/layers"  # GET ?r=<ref>,<ref>... -> [layer, layer...] (routes)
KEPT_MAX = 300_000_000  # characters of layer JSON kept for the browsers (oldest use dropped)
REF = re.compile(r"@[0-9a-f]{32}")
_SECRET = secrets.token_bytes(32)
_KEPT: OrderedDict[str, str] = OrderedDict()  # ref -> layer JSON, most recently used last
_KEPT_LOCK = threading.Lock()
_kept_size = 0


def reference(layer: str) -> str:
    """``layer`` (a layer's JSON) itself if small, else its reference ``@<digest>``, the layer
    kept for the browsers that ask for it (ui/deckmap/__init__.py says why). Every run that
    draws a map calls this again: a layer on screen is among the most recently used."""
    global _kept_size
    if len(layer) <= INLINE_MAX:
        return layer
    ref = "@" + hashlib.blake2b(layer.encode(), key=_SECRET, digest_size=16).hexdigest()
    with _KEPT_LOCK:
        if ref in _KEPT:
            _KEPT.move_to_end(ref)
            return ref
        _KEPT[ref] = layer
        _kept_size += len(layer)
        while _kept_size > KEPT_MAX and len(_KEPT) > 1:
            _kept_size -= len(_KEPT.popitem(last=False)[1])
    return ref


def layer_of(ref: str) -> str | None:
    """The layer JSON a reference names, or None (never handed out, or dropped since)."""
    with _KEPT_LOCK:
        return _KEPT.get(ref)


MAX_REFS = 500  # a map has fewer layers than this


async def layers(request: Request) -> Response:
    """``GET LAYER_ROUTE?r=@a,@b`` -> the JSON array of those layers, in that order. 404 when one
    is no longer kept (the frontend then waits for the next run, which keeps it again)."""
    from ui.http_guard import staff_role

    refs = request.query_params.get("r", "").split(",")
    if not 0 < len(refs) <= MAX_REFS or not all(REF.fullmatch(r) for r in refs):
        return PlainTextResponse("Ask for layers by reference (r=@<digest>,...).", 400)
    if await run_in_threadpool(staff_role, dict(request.cookies)) is None:
        return PlainTextResponse("Sign in to see this map.", 403)
    texts = [layer_of(r) for r in refs]
    if any(t is None for t in texts):
        return PlainTextResponse("This map changed; it is being drawn again.", 404)
    return Response(
        "[" + ",".join(texts) + "]",
        media_type="application/json",
        # the reference names the content: the same reference is the same layer
        headers={"Cache-Control": "private, max-age=86400, immutable"},
    )


ROUTES = [Route(LAYER_ROUTE, layers, methods=["GET"])]
