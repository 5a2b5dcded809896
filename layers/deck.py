"""Shared pydeck plumbing: geometry to compact columns, the offline map style, view fitting.

Layers are pydeck ``Layer`` objects serialised to compact JSON (``layer_json``) and drawn by
the map component (ui/deckmap). Coordinates are WGS84 lon/lat rounded to 6 decimals (~0.1 m):
every digit is shipped to the browser.

>>> from shapely.geometry import box
>>> polygon_rings(box(0, 0, 1, 1))[0][:2]
[[1.0, 0.0], [1.0, 1.0]]
"""

from __future__ import annotations

import json
import math
import threading
from collections import OrderedDict
from collections.abc import Iterable

import pydeck as pdk
from pydeck.bindings.json_tools import default_serialize
from shapely import affinity
from shapely.geometry.base import BaseGeometry

from passmap.values import is_missing

DIGITS = 6
MAX_ZOOM = 23


def _xy(coords: Iterable) -> list[list[float]]:
    return [[round(c[0], DIGITS), round(c[1], DIGITS)] for c in coords]


def polygon_rings(geom: BaseGeometry) -> list[list[list[float]]]:
    """Outer ring then holes of a Polygon (first part of a MultiPolygon), for PolygonLayer."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "MultiPolygon":
        geom = max(geom.geoms, key=lambda g: g.area)
    if geom.geom_type != "Polygon":
        return []
    return [_xy(geom.exterior.coords)] + [_xy(r.coords) for r in geom.interiors]


def polygon_parts(geom: BaseGeometry) -> list[BaseGeometry]:
    """The polygons of a Polygon or MultiPolygon (others: none)."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "Polygon":
        return [geom]
    if geom.geom_type in ("MultiPolygon", "GeometryCollection"):
        return [g for g in geom.geoms if g.geom_type == "Polygon"]
    return []


def line_paths(geom: BaseGeometry) -> list[list[list[float]]]:
    """Paths of a (Multi)LineString or the boundary rings of a (Multi)Polygon, for PathLayer."""
    if geom is None or geom.is_empty:
        return []
    if geom.geom_type == "LineString":
        return [_xy(geom.coords)]
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return line_paths(geom.boundary)
    if hasattr(geom, "geoms"):
        return [p for g in geom.geoms for p in line_paths(g)]
    return []


def point_xy(geom: BaseGeometry) -> list[float]:
    """A representative point: the point itself, a line's midpoint, a polygon's inner point."""
    if geom.geom_type == "Point":
        return [round(geom.x, DIGITS), round(geom.y, DIGITS)]
    if geom.geom_type in ("LineString", "MultiLineString"):
        p = geom.interpolate(0.5, normalized=True)
    else:
        p = geom.representative_point()
    return [round(p.x, DIGITS), round(p.y, DIGITS)]


M_PER_DEG_LAT = 111_320.0


def ribbon_parts(geom: BaseGeometry, width_m: float, caps: str = "flat") -> list[BaseGeometry]:
    """Polygons covering a line, or a polygon's outline, ``width_m`` metres wide (a point gives
    a square or disc of that size with ``caps`` "square" / "round").

    Maps draw strokes as polygons: in software WebGL every layer type costs its own shader
    compile (~0.3-0.4 s for deck.gl's PathLayer, measured in bench/RESULTS.md, Maps), and the
    fill program is shared by every polygon layer. Widths are in metres, so walls and doors
    keep their real proportions as the user zooms.

    >>> from shapely.geometry import LineString
    >>> part, = ribbon_parts(LineString([(-78.9, 35.6), (-78.899, 35.6)]), 2.0)
    >>> round((part.bounds[3] - part.bounds[1]) * M_PER_DEG_LAT, 3)
    2.0
    """
    if geom is None or geom.is_empty or width_m <= 0:
        return []
    lines = geom.boundary if geom.geom_type in ("Polygon", "MultiPolygon") else geom
    k = max(math.cos(math.radians((geom.bounds[1] + geom.bounds[3]) / 2)), 0.01)
    local = affinity.scale(lines, xfact=k, yfact=1.0, origin=(0, 0))  # ~equal-distance frame
    cap = caps if geom.geom_type not in ("Point", "MultiPoint") or caps != "flat" else "square"
    shape = local.buffer(
        width_m / 2 / M_PER_DEG_LAT, cap_style=cap, join_style="mitre", mitre_limit=2.0
    )
    return polygon_parts(affinity.scale(shape, xfact=1 / k, yfact=1.0, origin=(0, 0)))


_RINGS: OrderedDict = OrderedDict()
_RINGS_LOCK = threading.Lock()
RINGS_KEPT = 10_000  # ribbons remembered (~5 KB each; a busy floor has ~600 walls and doors)


def ribbon_rings(geom: BaseGeometry, width_m: float, caps: str = "flat") -> list:
    """``polygon_rings`` of each of ``ribbon_parts(geom, width_m, caps)``, remembered per
    geometry (its WKB), width and caps: a floor redrawn after an edit (a new tier, a lock)
    does not buffer its unchanged walls and doors again. The lists returned are shared: read
    them, never change them.

    >>> from shapely.geometry import LineString
    >>> line = LineString([(-78.9, 35.6), (-78.899, 35.6)])
    >>> ribbon_rings(line, 2.0) == [polygon_rings(p) for p in ribbon_parts(line, 2.0)]
    True
    """
    if geom is None or geom.is_empty:
        return []
    key = (geom.wkb, width_m, caps)
    with _RINGS_LOCK:
        rings = _RINGS.get(key)
        if rings is not None:
            _RINGS.move_to_end(key)
            return rings
    rings = [polygon_rings(part) for part in ribbon_parts(geom, width_m, caps)]
    with _RINGS_LOCK:
        _RINGS[key] = rings
        while len(_RINGS) > RINGS_KEPT:
            _RINGS.popitem(last=False)
    return rings


def fill_layer(
    rows: list[dict], layer_id: str, colour="fill", pickable: bool = True, **style
) -> pdk.Layer:
    """Filled polygons (rows with "polygon" rings) drawn without a stroke unless ``style`` asks
    for one (the maps' strokes are ribbons: ribbon_parts). ``colour`` is a row field or a
    constant RGBA; ``style``: more PolygonLayer properties (e.g. highlight_color)."""
    props = {"stroked": False, "filled": True, "pickable": pickable, "auto_highlight": pickable}
    return pdk.Layer(
        "PolygonLayer",
        rows,
        id=layer_id,
        get_polygon="polygon",
        get_fill_color=colour,
        **{**props, **style},
    )


def ribbon_layer(
    rows: list[dict], layer_id: str, colour="colour", pickable: bool = False
) -> pdk.Layer:
    """The strokes of maps (rows with "polygon" rings made with ribbon_parts), not picked
    unless asked. ``colour`` is a row field or a constant RGBA."""
    return fill_layer(rows, layer_id, colour, pickable)


def text_rows_layer(rows: list[dict], layer_id: str, size, colour, text="text", **style):
    """Text at each row's "position": ``text``, ``size`` (pixels) and ``colour`` are row fields
    or constants; ``style``: more TextLayer properties (font, halo, anchor...)."""
    return pdk.Layer(
        "TextLayer",
        rows,
        id=layer_id,
        get_position="position",
        get_text=text,
        get_size=size,
        get_color=colour,
        **style,
    )


# Tooltips are plain text: the map frontend (ui/deckmap) sets them as text, never as markup, so
# user names go in as they are; lines break on "\n" (white-space: pre-line).
def tip_text(*lines) -> str:
    """Tooltip text: the non-empty lines, one per line.

    >>> tip_text("Room 101", None, "Tier 2")
    'Room 101\\nTier 2'
    """
    return "\n".join(str(x) for x in lines if not is_missing(x) and x != "")


def fit_zoom(bounds, width_px: float, height_px: float, padding: float = 1.15) -> tuple:
    """(lon, lat, zoom) of a top-down view centred on lon/lat ``bounds`` that fits them in a
    ``width_px`` x ``height_px`` viewport. The map frontend (ui/deckmap/frontend/deckmap.js,
    ``fitView``) computes the same with the canvas's real size.

    >>> fit_zoom((-78.91, 35.66, -78.89, 35.67), 900, 640)
    (-78.9, 35.665, 14.75)
    """
    minx, miny, maxx, maxy = bounds
    lon, lat = (minx + maxx) / 2, (miny + maxy) / 2
    span_x = max((maxx - minx) * padding, 1e-6)
    span_y = max((maxy - miny) * padding, 1e-6) / max(math.cos(math.radians(lat)), 0.01)
    zoom_x = math.log2(width_px * 360 / (512 * span_x))  # deck.gl: world = 512 px at zoom 0
    zoom_y = math.log2(height_px * 360 / (512 * span_y))
    zoom = max(1.0, min(zoom_x, zoom_y, 21.5))
    return round(lon, DIGITS), round(lat, DIGITS), round(zoom, 2)


def fit_view(
    bounds: tuple[float, float, float, float],
    width_px: int = 900,
    height_px: int = 640,
    padding: float = 1.15,
) -> pdk.ViewState:
    """A top-down view that fits lon/lat ``bounds``: sized for ``width_px`` x ``height_px``
    here, and refitted to the real canvas by the map frontend (``fitBounds``)."""
    lon, lat, zoom = fit_zoom(bounds, width_px, height_px, padding)
    return pdk.ViewState(
        longitude=lon,
        latitude=lat,
        zoom=zoom,
        pitch=0,
        bearing=0,
        max_zoom=MAX_ZOOM,
        fit_bounds=[round(b, DIGITS) for b in bounds],
        fit_padding=padding,
    )


def world_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """Web Mercator pixel coordinates at ``zoom`` as deck.gl's MapView computes them (a
    512 px world at zoom 0; y grows southwards).

    >>> world_px(0.0, 0.0, 0)
    (256.0, 256.0)
    """
    scale = 512 * 2**zoom
    s = math.sin(math.radians(max(min(lat, 85.05), -85.05)))
    return (lon + 180) / 360 * scale, (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale


def metres_per_pixel(latitude: float, zoom: float) -> float:
    """Ground metres per screen pixel at ``latitude`` and ``zoom`` (deck.gl: 512 px world at
    zoom 0).

    >>> round(metres_per_pixel(0.0, 0))
    78272
    """
    return 2 * math.pi * 6_378_137 * math.cos(math.radians(latitude)) / (512 * 2**zoom)


def layer_json(layer: pdk.Layer) -> str:
    """Compact JSON of one layer, exactly as pydeck serialises it inside a Deck (camelCase keys,
    "@@type", "@@=" accessors) but without its indentation, which forces Python's slow JSON
    encoder (~8x slower on a floor plan)."""
    return json.dumps(layer, default=default_serialize, separators=(",", ":"), sort_keys=True)


def view_dict(view: pdk.ViewState) -> dict:
    """A ViewState as deck.gl's initialViewState (camelCase keys)."""
    return json.loads(json.dumps(view, default=default_serialize))
