"""PassMap's map component: deck.gl (vendored, frontend/vendor) drawing pydeck layer JSON.

Why not ``st.pydeck_chart`` (measured in bench/RESULTS.md, Maps): on a click, Streamlit's chart
re-colours every layer to dim the unselected objects and redraws all of them, waits out a
double-click before it reports the click, and draws a MapLibre basemap under deck.gl. Without a
GPU (software WebGL, as on these machines and many school laptops) each of those costs a redraw
of the whole plan; here a click is one pick and a highlight uniform. The frontend
(frontend/deckmap.js) also keeps each unchanged layer's data across reruns, keeps the user's
pan and zoom unless the page asks for another view, and supports per-layer zoom ranges.

The return value has the shape of ``st.pydeck_chart``'s event:
``{"selection": {"indices": {layer_id: [i]}, "objects": {layer_id: [row]}}}`` where ``row``
holds the clicked object's scalar fields (id, kind, name...). None before any click.
"""

from __future__ import annotations

from pathlib import Path

import streamlit.components.v1 as components

FRONTEND = Path(__file__).resolve().parent / "frontend"
DECK_GL_VERSION = "9.1.14"
_component = components.declare_component("deckmap", path=str(FRONTEND))


def deck_map(layers: list[str], view: dict, key: str, height: int = 640, tiles: dict | None = None):
    """Draw ``layers`` (one compact pydeck layer JSON string each, see ui.maps) at ``view``
    (deck.gl initialViewState); ``tiles`` = {"url", "attribution"} adds an XYZ basemap.
    Returns the selection event (module docstring)."""
    return _component(
        layers=list(layers), view=view, tiles=tiles, height=height, key=key, default=None
    )
