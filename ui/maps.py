"""Small helpers around the map component (ui.deckmap): cached specs, the click event, map
toggles."""

from __future__ import annotations

import hashlib
import pickle

import shapely
import streamlit as st

from layers.deck import layer_json, view_dict
from passmap.config import load_settings
from passmap.units import scale_bar_lengths
from ui import assessment
from ui.auth import current_viewer
from ui.deckmap import deck_map

MAP_HEIGHT_PX = 640


def tile_source() -> dict | None:
    """The configured XYZ basemap ({"url", "attribution"}), or None (no basemap: offline)."""
    settings = load_settings()
    if not settings.tile_url:
        return None
    return {"url": settings.tile_url, "attribution": settings.tile_attribution}


def viewer_key() -> tuple:
    """What decides which objects a viewer may see (part of every cached spec's key)."""
    v = current_viewer()
    return (None,) if v is None else (v.role, v.campus_scope, v.layers, v.grant is not None)


@st.cache_data(ttl=60, max_entries=32, show_spinner=False)
def _static_spec(key: str, _build) -> tuple[dict, tuple[str, ...]]:
    layers, view = _build()
    return view_dict(view), tuple(
        layer if isinstance(layer, str) else layer_json(layer)
        for layer in layers
        if layer is not None
    )


def frame_key(frame) -> str:
    """A digest of every row and column of ``frame`` (geometry as WKB): equal digests, equal
    frames. What a cached layer is keyed on (``cached_layers``)."""
    h = hashlib.blake2b(digest_size=16)
    h.update(repr((len(frame), list(frame.columns))).encode())
    for column in frame.columns:
        values = frame[column]
        if hasattr(values, "geom_type"):  # a GeoSeries
            values = shapely.to_wkb(values.values, hex=True).tolist()
        else:
            values = values.tolist()
        h.update(pickle.dumps(values, protocol=5))
    return h.hexdigest()


@st.cache_data(ttl=600, max_entries=256, show_spinner=False)
def _layers_json(name: str, key: str, extra: tuple, _frame, _build) -> tuple[str, ...]:
    return tuple(layer_json(layer) for layer in _build(_frame) if layer is not None)


def cached_layers(name: str, frame, build, extra: tuple = ()) -> list[str]:
    """The compact JSON of ``build(frame) -> [layers]``, kept per content of ``frame`` (and
    ``extra``, hashable: anything else ``build`` reads). Pass ``build`` exactly the columns
    it reads: an edit that changes none of them (a door's lock for the walls, a tier for the
    doors) reuses the layer's JSON instead of rebuilding it."""
    return list(_layers_json(name, frame_key(frame), extra, frame, build))


def cached_group(name: str, frames: tuple, build, extra: tuple = ()) -> list[str]:
    """``cached_layers`` for a builder of several frames: the compact JSON of
    ``build(*frames)``, kept per content of every frame (and ``extra``). The ``cache`` that
    layers.floor.floor_plan_layers takes."""
    key = "+".join(frame_key(frame) for frame in frames)
    return list(_layers_json(name, key, extra, frames, lambda fs: build(*fs)))


def static_spec(key: tuple, build) -> tuple[dict, tuple[str, ...]]:
    """The view and the compact JSON of each static layer, built once per ``key`` (which must
    name everything ``build() -> (layers, view)`` depends on; the viewer's visibility is added
    here). ``build`` may give a layer as pydeck Layer or as its JSON (``cached_layers``).
    Same inputs, same strings: the browser then keeps those layers as they are.

    The cache is keyed on a digest of ``repr(key)``: Streamlit's own hashing walks a key item
    by item, ~40 ms of every district run for its 1,041 (id, tier) pairs."""
    digest = hashlib.blake2b(repr((*key, viewer_key())).encode(), digest_size=16).hexdigest()
    return _static_spec(digest, build)


def layers_json(layers) -> list[str]:
    """Compact JSON of extra (live) layers, to draw over a static spec."""
    return [layer_json(layer) for layer in layers or [] if layer is not None]


def units() -> str:
    """The district's unit system for what people read ("us" or "metric", PASSMAP_UNITS)."""
    return load_settings().units


def overlay(answer: str | None = None, grid: dict | None = None, scale: bool = True) -> dict:
    """The map's HTML overlay: the search answer, a scale bar in the district's units, the
    north arrow, the grid rulers (layers.floor.grid_overlay)."""
    out: dict = {"north": True}
    if scale:
        out["scale"] = [list(x) for x in scale_bar_lengths(units())]
    if answer:
        out["answer"] = answer
    if grid:
        out["grid"] = grid
    return out


def show_spec(
    static: tuple[dict, tuple[str, ...]],
    extra: list[str],
    key: str,
    height: int = MAP_HEIGHT_PX,
    basemap: bool = True,
    **map_args,
):
    """Draw a static spec plus extra layers (ui.deckmap) with a fixed key; returns the
    selection event. Unchanged layers cost the browser nothing on a rerun. ``basemap``: the
    configured tiles under it (district and campus scale, not floor plans); ``map_args``: the
    component's scope, overlay, name, clicks (ui.deckmap.deck_map)."""
    view, static_layers = static
    return deck_map(
        [*static_layers, *extra],
        view,
        key=key,
        height=height,
        tiles=tile_source() if basemap else None,
        **map_args,
    )


def show_layers(layers, view, key: str, height: int = MAP_HEIGHT_PX, **map_args):
    """Draw pydeck ``layers`` at ``view`` (a pydeck ViewState) without caching (small maps)."""
    return deck_map(
        [layer_json(layer) for layer in layers if layer is not None],
        view_dict(view),
        key=key,
        height=height,
        tiles=tile_source(),
        **map_args,
    )


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


def picked_here(event, key: str, scope: str, on_map) -> tuple[str, dict] | None:
    """The clicked object if it was clicked on this map (``scope``, e.g. the level) and is
    still drawn (its id in ``on_map``); otherwise None, and that click is set aside for good
    (going back to its level does not bring its panel back: the map no longer shows it)."""
    hit = picked(event)
    if hit is None:
        return None
    void = f"_{key}_void_seq"
    seq = event.get("seq", 0) if isinstance(event, dict) else 0
    if seq and seq <= st.session_state.get(void, 0):
        return None
    if event.get("scope", scope) != scope or hit[1].get("id") not in on_map:
        st.session_state[void] = seq
        return None
    return hit


def forget_selection(key: str) -> None:
    """Drop a chart's selection so coming back to the page does not replay the click."""
    st.session_state.pop(key, None)


def shade_mode(key: str) -> bool:
    """Design vs effective (live) tier toggle; True means effective."""
    mode = st.segmented_control(
        "Tier shown",
        ["Design", "Effective (live)"],
        key=key,
        default="Design",
        help="Effective tiers count devices that are offline or in alarm as not in place.",
    )
    live = mode == "Effective (live)"
    assessment.show_notice(live)
    return live


def layer_toggles(options: list[str], key: str, default: list[str] | None = None) -> set[str]:
    """Which layers to draw (pills, all on by default)."""
    chosen = st.pills(
        "Layers",
        options,
        selection_mode="multi",
        key=key,
        default=options if default is None else default,
    )
    return set(chosen or [])


def type_toggles(
    all_types: list[str], here: dict[str, int], labels: dict[str, str], key: str
) -> set[str]:
    """Which device types to draw. The options are every type of the campus or district
    (``all_types``), so a choice survives a change of level or campus: a type with no device
    here stays chosen and reads "none here" (``here``: type -> count on this map)."""
    if key not in st.session_state:
        st.session_state[key] = list(all_types)
    else:  # keep the choice; new types (another campus) start shown
        known = st.session_state.get(f"_{key}_known", [])
        st.session_state[key] = [t for t in st.session_state[key] if t in all_types] + [
            t for t in all_types if t not in known and t not in st.session_state[key]
        ]
    st.session_state[f"_{key}_known"] = list(all_types)

    def name(t: str) -> str:
        n = here.get(t, 0)
        return f"{labels.get(t, t)} ({n})" if n else f"{labels.get(t, t)} (none here)"

    chosen = st.multiselect("Device types", all_types, key=key, format_func=name)
    return set(chosen)
