"""Small helpers around st.pydeck_chart: fixed keys, the click event, map toggles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import streamlit as st

from layers.deck import MAP_STYLE_URL
from passmap.config import load_settings
from ui import assessment

MAP_HEIGHT_PX = 640
GENERATED = Path(__file__).resolve().parent.parent / "static" / "generated"


@st.cache_resource(show_spinner=False, max_entries=4)
def _tile_style(tile_url: str, attribution: str) -> str:
    """Write a map style with the configured XYZ tiles under the background (served statically
    like the default style: pydeck only takes a style URL) and return its URL."""
    style = {"version": 8, "name": "PassMap with configured tiles",
             "sources": {"tiles": {"type": "raster", "tiles": [tile_url], "tileSize": 256,
                                   "attribution": attribution, "maxzoom": 19}},
             "layers": [{"id": "background", "type": "background",
                         "paint": {"background-color": "#f2f1ec"}},
                        {"id": "tiles", "type": "raster", "source": "tiles"}]}
    digest = hashlib.sha256(json.dumps(style, sort_keys=True).encode()).hexdigest()[:12]
    GENERATED.mkdir(parents=True, exist_ok=True)
    (GENERATED / f"map-style-{digest}.json").write_text(json.dumps(style), encoding="utf-8")
    return f"/app/static/generated/map-style-{digest}.json"


def map_style_url() -> str:
    """The offline background style, or one with PASSMAP_TILE_URL's tiles when configured."""
    settings = load_settings()
    if not settings.tile_url:
        return MAP_STYLE_URL
    return _tile_style(settings.tile_url, settings.tile_attribution)


def show_deck(deck, key: str, height: int = MAP_HEIGHT_PX):
    """Render with a fixed key (keeps the user's view across reruns) and click-to-rerun."""
    deck.map_style = map_style_url()
    return st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key=key,
                           height=height, width="stretch")


def picked(event) -> tuple[str, dict] | None:
    """(layer id, data row) of the clicked object, or None."""
    try:
        objects = event["selection"]["objects"]
    except (KeyError, TypeError):
        return None
    for layer_id, rows in (objects or {}).items():
        if rows:
            return layer_id, rows[0]
    return None


def forget_selection(key: str) -> None:
    """Drop a chart's selection so coming back to the page does not replay the click."""
    st.session_state.pop(key, None)


def shade_mode(key: str) -> bool:
    """Design vs effective (live) tier toggle; True means effective."""
    mode = st.segmented_control("Tier shown", ["Design", "Effective (live)"], key=key,
                                default="Design",
                                help="Effective tiers count devices that are offline or in alarm "
                                     "as not in place.")
    live = mode == "Effective (live)"
    assessment.show_notice(live)
    return live


def layer_toggles(options: list[str], key: str, default: list[str] | None = None) -> set[str]:
    """Which layers to draw (pills, all on by default)."""
    chosen = st.pills("Layers", options, selection_mode="multi", key=key,
                      default=options if default is None else default)
    return set(chosen or [])


def type_toggles(types: list[str], labels: dict[str, str], key: str) -> set[str]:
    """Which control types to draw (all present types on by default)."""
    chosen = st.multiselect("Control types", types, default=types, key=key,
                            format_func=lambda t: labels.get(t, t))
    return set(chosen)
