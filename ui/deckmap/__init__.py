"""PassMap's map component: deck.gl (vendored, frontend/vendor) drawing pydeck layer JSON.

Why not ``st.pydeck_chart`` (measured in bench/RESULTS.md, Maps): on a click, Streamlit's chart
re-colours every layer to dim the unselected objects and redraws all of them, waits out a
double-click before it reports the click, and draws a MapLibre basemap under deck.gl. Without a
GPU (software WebGL, as on these machines and many school laptops) each of those costs a redraw
of the whole plan; here a click is one pick and a highlight uniform. The frontend
(frontend/deckmap.js) also keeps each unchanged layer's data across reruns, keeps the user's
pan and zoom unless the page asks for another view, and supports per-layer zoom ranges.

The return value has the shape of ``st.pydeck_chart``'s event plus what the map knows:
``{"selection": {"indices": {layer_id: [i]}, "objects": {layer_id: [row]}}, "seq": n,
"scope": scope, "coordinate": [lon, lat]}`` where ``row`` holds the clicked object's scalar
fields (id, kind, name...), ``seq`` counts the map's clicks and ``scope`` is the ``scope`` the
map had when it was clicked. None before any click.

A click is never lost: the frontend sends it again until a render acknowledges its ``seq``
(``ack``: the highest seq a run of this session has seen for the map's key), so a click that
lands while the app is busy arrives. ``seq`` only grows, also across a new frame of the same
map (the page was left and opened again, Streamlit dropped the widget's value): the frontend
numbers its clicks on from ``ack``, so a new click never repeats the number of one the page
has already set aside (ui.maps.picked_here, ui.live's click detection compare numbers).

A layer of more than INLINE_MAX characters does not travel in the component's arguments: it is
kept in this process (ui.maplayers.reference) and the arguments carry ``@<digest>``, which the
frontend fetches once from LAYER_ROUTE (ui.maplayers.ROUTES: a signed-in browser only) and keeps
while the map shows it. Streamlit sends a component's arguments again on every run of its
script or fragment (the live map's fragment reruns every second, a click reruns the page): with
the layers inline each of those runs made the server serialise and the browser parse and copy
the whole plan (~1 MB on the busiest floor) to say nothing had changed. The digest is keyed
with a secret of the process, so it names only layers this server handed out; the route still
asks for a valid browser session.

Signals for browser tests (no fixed sleeps): inside the component's frame, ``#map`` carries
``data-drawn="true"`` once the current spec is on screen and ``data-spec`` = ``name``;
``data-pending-click`` while a click waits for its acknowledgement; ``data-labels`` and
``data-label-overlaps`` count the labels drawn in view and the pairs that overlap
(``window.pmLabelReport()`` returns the boxes).
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st
import streamlit.components.v1 as components

from ui.maplayers import LAYER_ROUTE, reference

FRONTEND = Path(__file__).resolve().parent / "frontend"
DECK_GL_VERSION = "9.1.14"
_component = components.declare_component("deckmap", path=str(FRONTEND))
CLICKS_SEEN = "_deckmap_clicks_seen"  # {map key: the highest click number a run has seen}


def clicks_seen(key: str) -> int:
    """The highest click number (``seq``) any run of this session has seen on the map ``key``,
    kept apart from the widget's value: Streamlit drops that value when the page is left and a
    page may forget it (ui.maps.forget_selection), but a click's number must never be reused."""
    seen = st.session_state.setdefault(CLICKS_SEEN, {})
    event = st.session_state.get(key)
    seq = event.get("seq") if isinstance(event, dict) else None
    if isinstance(seq, int) and seq > seen.get(key, 0):
        seen[key] = seq
    return seen.get(key, 0)


def deck_map(
    layers: list[str],
    view: dict,
    key: str,
    height: int = 640,
    tiles: dict | None = None,
    scope: str | None = None,
    overlay: dict | None = None,
    name: str = "",
    clicks: str = "objects",
):
    """Draw ``layers`` (one compact pydeck layer JSON string each, see ui.maps) at ``view``
    (deck.gl initialViewState); ``tiles`` = {"url", "attribution"} adds an XYZ basemap.
    ``scope`` names what the map shows (e.g. a level id: a click carries it back);
    ``overlay`` = {"answer": text, "scale": [[metres, label], ...], "north": bool,
    "grid": {"cols": [[letter, lon]], "rows": [[number, lat]]}} draws HTML over the canvas;
    ``name`` is published for tests; ``clicks="all"`` reports clicks on empty ground too (with
    their coordinate: the editor). Returns the event (module docstring)."""
    return _component(
        layers=[reference(layer) for layer in layers],
        layer_url=LAYER_ROUTE,  # served beside the app (server.py), like /share/
        view=view,
        tiles=tiles,
        height=height,
        scope=scope,
        overlay=overlay or {},
        name=name,
        clicks=clicks,
        ack=clicks_seen(key),
        key=key,
        default=None,
    )
