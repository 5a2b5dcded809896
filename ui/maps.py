"""Small helpers around st.pydeck_chart: fixed keys, the click event, map toggles."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import streamlit as st

from layers.deck import MAP_STYLE_URL, TOOLTIP, fit_view, make_deck
from passmap.config import load_settings
from ui import assessment
from ui.auth import current_viewer

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


def _compact(value) -> str:
    return json.dumps(value, separators=(",", ":"))


def viewer_key() -> tuple:
    """What decides which objects a viewer may see (part of every cached spec's key)."""
    v = current_viewer()
    return (None,) if v is None else (v.role, v.campus_scope, v.layers, v.grant is not None)


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def _static_spec(key: tuple, style_url: str, _build) -> tuple[str, str]:
    layers, view = _build()
    spec = json.loads(make_deck(layers, view, map_style=style_url).to_json())
    layers_json = _compact(spec.pop("layers"))[1:-1]
    return _compact(spec)[:-1], layers_json


def static_spec(key: tuple, build) -> tuple[str, str]:
    """The deck JSON of the static layers, built once per ``key`` (which must name everything
    ``build() -> (layers, view)`` depends on; the viewer's visibility is added here). Returns
    (spec head without its closing brace, the layers' JSON without brackets) for ``show_spec``."""
    return _static_spec((*key, viewer_key()), map_style_url(), build)


def layers_json(layers) -> str:
    """Compact JSON of extra (live) layers, without brackets, to append to a static spec."""
    if not layers:
        return ""
    spec = json.loads(make_deck(layers, fit_view((0, 0, 1, 1))).to_json())  # view unused
    return _compact(spec["layers"])[1:-1]


class _PrebuiltDeck:
    """What st.pydeck_chart reads from a Deck: the JSON string and the tooltip."""

    layers: list = []
    mapbox_key = None
    deck_widget = None

    def __init__(self, spec_json: str, tooltip):
        self._json, self._tooltip = spec_json, tooltip

    def to_json(self) -> str:
        return self._json


def show_spec(static: tuple[str, str], extra_json: str, key: str, height: int = MAP_HEIGHT_PX):
    """Draw a static spec plus extra layers with a fixed key. The same inputs give the same
    string: Streamlit then sends only a reference to its cached message and the browser keeps
    its parsed deck (it memoises on the JSON), so unchanged reruns cost almost nothing."""
    head, static_layers = static
    body = ",".join(part for part in (static_layers, extra_json) if part)
    tooltip = TOOLTIP
    deck = _PrebuiltDeck(f'{head},"layers":[{body}]}}', tooltip)
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
