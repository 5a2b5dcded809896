"""Two changes to the browser code of Streamlit 1.67 (pinned in pyproject.toml), served by
server.py's middleware: a fragment's run never wipes the page (a fix), and the app's page asks
for the widget code its pages use at once (a speed-up).

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
and the text is gone, the server logs that the fix is not applied and
tests/security/test_http_guard.py fails, so an upgrade cannot silently bring the blank page back.

The speed-up: Streamlit loads the code of each kind of element (a select box, a metric, a
custom component such as the map) only when the first such element arrives, after the script
has run; on a cold load (a new browser, an empty cache) that is a second round of requests and
compiling before the map's frame can even be created. ``PRELOAD`` lists the chunks the signed-in
pages use (measured: what a cold District, Campus and Floor plan requested beyond what
Streamlit's index.html already preloads); the index page is served with a ``modulepreload``
link for each, so the browser fetches and compiles them while it connects and the script runs.
Names that are not in the installed Streamlit are left out (logged once); nothing else changes.
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
# after this tag of index.html, the modulepreload links of PRELOAD
INDEX_MARKER = b'<script type="module" crossorigin src="./static/js/index.DormvYxC.js"></script>'
PRELOAD = """
    Autocomplete.egUn8L68 Button.CORxUu4r ButtonGroup.CZAouSUd Cancel.esm.B65EWHgo
    ComponentInstance.CalcFcAY CustomTheme.2MxQEPdB ErrorOutline.esm.DyT67HL2 Html.CzLZZ4bP
    IFrameUtil.PlC_b34Z Input.gDbGmgmu InputInstructions.aWDQxtQS Metric.MSVuxtnf
    Selectbox.7rsxE6LC TextField.DdIhIiQe TextInput.MPWivlu9 WidgetLabel.C381QnN0
    WidgetLabelHelpIcon.DIAPaBJl WidgetLabelHelpIconInline.COAzYW2l _baseMap.OhVc4KF-
    formatNumber.BzIzXinm inputUtils.CnlRnOxS loadVegaEmbed.B2YPPFq- numbro.BARYlD0b
    printWidthCap.XgZcRr64 purify.es.BXhPiKO5 requiredField.CNcKXcSP sortBy.BN5z75-Y
    sprintfjs.Bn3mg5kT styled-components.kM4tXvFQ urls.B0fCYwet useBasicWidgetState.8xeaSejc
    useCollator.n4rV5EDq useDebouncedCallback.By9MfI_m useField.CsWac_7E useFilter.CUWaaKZn
    useFormReset.Dsqx1XhY useFormValidation.D2i_isRP useLoadMoreSentinel.Cy5VvGgG
    useMenuTrigger.DhEQ922j useSyncComboBoxEnterTargetFocus.hm3aTVdR useTextField.bKQiMZTR
    useUpdateUiValue.Crj2LZcQ withCalculatedWidth.CCwwmAXk
""".split()
# paths Streamlit never answers with its index page (ours, its API, assets, components)
NOT_INDEX = ("/_stcore/", "/static/", "/component/", "/media/", "/app/", "/share/", "/_passmap/")


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


@cache
def preload_links() -> bytes:
    """The modulepreload links of the PRELOAD chunks the installed Streamlit has."""
    folder = bundle_path().parent
    have = [name for name in PRELOAD if (folder / f"{name}.js").exists()]
    if len(have) < len(PRELOAD):
        log.warning(
            "Streamlit's frontend lacks %d of the chunks ui/frontend_fix.py preloads; "
            "pages still work, a cold load is slower",
            len(PRELOAD) - len(have),
        )
    link = '\n    <link rel="modulepreload" crossorigin href="./static/js/{}.js">'
    return "".join(link.format(name) for name in have).encode()


def with_preloads(index: bytes) -> bytes:
    """Streamlit's index page with ``preload_links()`` after its bundle's tag (else as is)."""
    if index.count(INDEX_MARKER) != 1:
        return index
    return index.replace(INDEX_MARKER, INDEX_MARKER + preload_links())


class PatchedFrontend:
    """ASGI middleware: GET/HEAD of the bundle answers with ``patched_bundle()``, with the
    headers Streamlit gives it; a page navigation gets Streamlit's index page
    ``with_preloads``; everything else passes through."""

    def __init__(self, app):
        from streamlit import config

        self.app = app
        base = (config.get_option("server.baseUrlPath") or "").strip("/")
        self.path = f"/{base}/{BUNDLE}" if base else f"/{BUNDLE}"

    async def __call__(self, scope, receive, send):
        if _is_navigation(scope):
            await self._index(scope, receive, send)
            return
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

    async def _index(self, scope, receive, send):
        """Streamlit answers, asked without compression (a few KB, read once per visit); an
        HTML answer is sent ``with_preloads``, any other as it came."""
        scope = dict(scope, headers=[h for h in scope["headers"] if h[0] != b"accept-encoding"])
        start, chunks = None, []

        async def relay(message):
            nonlocal start
            if message["type"] == "http.response.start":
                ctype = dict(message.get("headers", [])).get(b"content-type", b"")
                if ctype.startswith(b"text/html"):
                    start = message
                    return
                start = False
            if start is False or message["type"] != "http.response.body":
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            body = with_preloads(b"".join(chunks))
            headers = [h for h in start["headers"] if h[0] != b"content-length"]
            headers.append((b"content-length", str(len(body)).encode()))
            await send({**start, "headers": headers})
            await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, relay)


def _is_navigation(scope) -> bool:
    """A browser asking for a page of the app (/, /district, /floor?...): Streamlit answers
    with its index page."""
    if scope["type"] != "http" or scope["method"] != "GET":
        return False
    path = scope.get("path", "")
    if path.startswith(NOT_INDEX) or "." in path.rsplit("/", 1)[-1]:
        return False
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return b"text/html" in accept
