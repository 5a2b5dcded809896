"""The map search in the app: the core search (passmap.search) over what the viewer may see of
one campus, a search box, and where a hit puts the map (view, highlight, answer)."""

from __future__ import annotations

import math

import streamlit as st
from shapely.geometry import Point, box

from layers.deck import fit_view, layer_json, view_dict
from layers.floor import highlight_layer
from passmap.grid import GridSpec, campus_grid
from passmap.model import CONTROL_TYPES
from passmap.palette import control_style
from passmap.search import search, search_index
from ui import data
from ui.maps import viewer_key

PLACEHOLDER = "Room 114, nurse, door 7, CAM-7, G7"
HIT_SPAN_M = 30.0  # a hit is shown with about this much around it


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def campus_grid_spec(path: str, campus_id: str) -> GridSpec:
    """The campus responder grid (created and stored on first use: passmap.grid)."""
    return campus_grid(data.get_store(), campus_id)


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _grid_cells(grid: tuple, _spec: GridSpec):
    return _spec.cells()


def level_grid_cells(path: str, campus_id: str, zones):
    """The cells of the campus grid that cross ``zones`` (a level's rooms), the cells kept per
    grid: building them (labels, reprojection) cost a floor plan's run ~40 ms."""
    spec = campus_grid_spec(path, campus_id)
    cells = _grid_cells(tuple(spec.as_dict().items()), spec)
    return cells[cells.intersects(zones.union_all())] if len(zones) else cells.iloc[0:0]


@st.cache_data(ttl=60, max_entries=16, show_spinner=False)
def _index(path: str, campus_id: str, scope: tuple) -> list[dict]:
    levels = data.levels(path)
    return search_index(
        zones=data.zones(path, campus_id),
        openings=data.openings(path, campus_id),
        controls=data.controls(path, campus_id),
        buildings=data.buildings(path, campus_id),
        grid=campus_grid_spec(path, campus_id),
        level_names=dict(zip(levels["id"], levels["name"])),
        type_labels={t: control_style(t).label for t in CONTROL_TYPES},
    )


def campus_index(campus_id: str) -> list[dict]:
    """Search entries of one campus as the signed-in viewer may see it (cached per viewer)."""
    return _index(data.db_path(), campus_id, viewer_key())


def find(query: str, index: list[dict], limit: int = 10) -> list[dict]:
    """passmap.search.search: the entries answering ``query``, best first."""
    return search(index, query, limit)


def search_box(key: str, label: str = "Find a room, door, device or grid cell", **kw) -> str:
    return st.text_input(label, key=key, placeholder=PLACEHOLDER, **kw)


def hit_view(hit: dict, width_px: int = 900, height_px: int = 640):
    """A view fitting the hit with some room around it (a room, a door, a device, a cell)."""
    minx, miny, maxx, maxy = hit["bbox"]
    lon, lat = hit["point"]
    half_lat = HIT_SPAN_M / 2 / 111_320
    half_lon = half_lat / max(0.01, math.cos(math.radians(lat)))
    bounds = (
        min(minx, lon - half_lon),
        min(miny, lat - half_lat),
        max(maxx, lon + half_lon),
        max(maxy, lat + half_lat),
    )
    return fit_view(bounds, width_px, height_px, padding=1.3)


def answer_text(hits: list[dict]) -> str | None:
    """The answer drawn on the map: the best hit's sentence (and how many more matched)."""
    if not hits:
        return None
    more = len(hits) - 1
    return hits[0]["sentence"] + (f" ({more} more below the search box)" if more else "")


def others_caption(hits: list[dict]) -> None:
    """The other matches, under the search box."""
    if len(hits) > 1:
        st.caption("Also: " + "; ".join(h["sentence"].rstrip(".") for h in hits[1:5]) + ".")


def focused(
    spec: tuple[dict, tuple[str, ...]], hit: dict | None, *frames
) -> tuple[dict, tuple[str, ...]]:
    """``spec`` moved to ``hit`` with a ring around it (the static layers stay as they are, so
    the browser keeps them); the ring follows the object's shape when one of ``frames`` (with
    "id" and geometry) holds it. Unchanged without a hit."""
    if hit is None:
        return spec
    ring = None
    for frame in frames:
        match = frame.geometry[frame["id"] == hit["id"]] if len(frame) else []
        if len(match) and hit["kind"] in ("room", "area", "building"):
            ring = match.iloc[0]
            break
    if ring is None:
        ring = box(*hit["bbox"]) if hit["kind"] in ("room", "area", "cell", "building") else None
    ring = ring if ring is not None else Point(*hit["point"])
    return view_dict(hit_view(hit)), (*spec[1], layer_json(highlight_layer(ring)))


KIND_TABLES = {"room": "zone", "area": "zone", "door": "opening", "device": "control"}
