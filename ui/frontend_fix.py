"""One fix to the browser code of Streamlit 1.67 (pinned in pyproject.toml), served in place of
its bundle by server.py's middleware: a fragment's run never wipes the page.

The defect: when a run begins, the browser compares the run's page with the page it believes
it shows (``currentPageScriptHash`` in its React state) and, if they differ, keeps only the
elements of app.py and drops the page's. That is right for a full run of another page, but a
fragment's run never changes the page. After a navigation (a click on "Show on map", a level
button that moves to another page), the browser sets its new page in React state, which is
applied at the next render; a fragment's timer (the alarm banner every 2 s, the live map every
1 s, the tier poll every 0.5 s) whose run begins before that render finds the old page there.
The browser then drops the new page's elements, the fragment's next element is addressed into
a container that is gone ("Bad delta path index 3 (should be between [0, 1])"), the error stops
the app, and the page stays blank and disconnected. On a loaded machine the render comes late:
with two cores busy, 2 to 5 of 12 "Show on map" clicks ended so (CI failed on it once).

The fix, one expression in the bundle: a run with fragments keeps the page's elements.
``PATCHES`` holds it as (exact text in 1.67.0's bundle, replacement); if Streamlit is upgraded
and the text is gone, the server logs that the fix is not applied and tests/ui/test_frontend_fix
fails, so an upgrade cannot silently bring the blank page back.
"""

from __future__ import annotations

import logging
from functools import cache
from pathlib import Path

log = logging.getLogger(__name__)

BUNDLE = "static/js/index.DormvYxC.js"  # under streamlit/static; its name is its content hash
# handleNewSession(): r = app hash then, d = app hash now, i = the page in React state, s = the
# run's page, u = the run's fragment ids
PATCHES = [("r===d&&i===s?this.setState(", "r===d&&(i===s||u.length>0)?this.setState(")]


def bundle_path() -> Path:
    import streamlit

    return Path(streamlit.__file__).parent / "static" / BUNDLE


@cache
def patched_bundle() -> bytes | None:
    """The bundle with every patch applied, or None (logged) when one does not apply."""
    path = bundle_path()
    if not path.exists():
        log.error("Streamlit's bundle %s is missing: the fragment-run fix is not applied", path)
        return None
    text = path.read_text(encoding="utf-8")
    for old, new in PATCHES:
        if text.count(old) != 1:
            log.error(
                "Streamlit's bundle %s has changed (%r found %d times): the fragment-run fix is "
                "not applied; check ui/frontend_fix.py against this Streamlit version",
                path, old, text.count(old),
            )  # fmt: skip
            return None
        text = text.replace(old, new)
    return text.encode("utf-8")


class PatchedFrontend:
    """ASGI middleware: GET/HEAD of the bundle answers with ``patched_bundle()``, with the
    headers Streamlit gives it; everything else passes through."""

    def __init__(self, app):
        from streamlit import config

        self.app = app
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
        self.path = f"/{base}/{BUNDLE}" if base else f"/{BUNDLE}"

    async def __call__(self, scope, receive, send):
        body = patched_bundle() if scope["type"] == "http" else None
        if body is None or scope.get("path") != self.path or scope["method"] not in ("GET", "HEAD"):
            await self.app(scope, receive, send)
            return
        from streamlit.web.server.starlette.starlette_server_config import (
            STATIC_ASSET_CACHE_MAX_AGE_SECONDS,
        )

        cache = f"public, immutable, max-age={STATIC_ASSET_CACHE_MAX_AGE_SECONDS}"
        headers = [
            (b"content-type", b"text/javascript; charset=utf-8"),
            (b"content-length", str(len(body)).encode()),
            (b"cache-control", cache.encode()),
        ]
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send(
            {"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body}
        )
