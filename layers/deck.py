"""Shared pydeck plumbing: geometry to compact columns, the offline map style, view fitting.

Coordinates are WGS84 lon/lat rounded to 6 decimals (~0.1 m): pydeck serialises indented JSON,
so every digit is shipped to the browser (STACK.md).

>>> from shapely.geometry import box
>>> polygon_rings(box(0, 0, 1, 1))[0][:2]
[[1.0, 0.0], [1.0, 1.0]]
"""

from __future__ import annotations

import html
import json
import math
from typing import Iterable

import pydeck as pdk
from shapely.geometry.base import BaseGeometry

MAP_STYLE_URL = "/app/static/map-style.json"
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


# Streamlit HTML-escapes every value it puts into an "html" tooltip template, so tips are plain
# text (user names go in as they are, never as markup) and lines break on "\n" (pre-line).
TOOLTIP = {"html": "{tip}", "style": {"fontSize": "13px", "maxWidth": "320px",
                                      "whiteSpace": "pre-line"}}


def tip_text(*lines) -> str:
    """Tooltip text: the non-empty lines, one per line.

    >>> tip_text("Room 101", None, "Tier 2")
    'Room 101\nTier 2'
    """
    return "\n".join(str(x) for x in lines if x not in (None, "") and not (
        isinstance(x, float) and math.isnan(x)))


def escape(value) -> str:
    """Text safe for a tooltip's innerHTML ('' for missing values)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return html.escape(str(value))


def fit_view(bounds: tuple[float, float, float, float], width_px: int = 900,
             height_px: int = 640, padding: float = 1.15) -> pdk.ViewState:
    """A top-down view centred on lon/lat ``bounds`` that fits them in the viewport."""
    minx, miny, maxx, maxy = bounds
    lon, lat = (minx + maxx) / 2, (miny + maxy) / 2
    span_x = max((maxx - minx) * padding, 1e-6)
    span_y = max((maxy - miny) * padding, 1e-6) / max(math.cos(math.radians(lat)), 0.01)
    zoom_x = math.log2(width_px * 360 / (512 * span_x))   # deck.gl: world = 512 px at zoom 0
    zoom_y = math.log2(height_px * 360 / (512 * span_y))
    zoom = max(1.0, min(zoom_x, zoom_y, 21.5))
    return pdk.ViewState(longitude=round(lon, DIGITS), latitude=round(lat, DIGITS),
                         zoom=round(zoom, 2), pitch=0, bearing=0, max_zoom=MAX_ZOOM)


class CompactDeck(pdk.Deck):
    """pydeck indents its JSON (2-3x the bytes on the wire); Streamlit sends ``to_json()``."""

    def to_json(self) -> str:
        return json.dumps(json.loads(super().to_json()), separators=(",", ":"))


def make_deck(layers: list[pdk.Layer], view: pdk.ViewState, tooltip: bool = True,
              map_style: str = MAP_STYLE_URL) -> pdk.Deck:
    """A Deck that never fetches a basemap from the internet (map_provider=None, local style)."""
    tip = TOOLTIP if tooltip else False
    return CompactDeck(layers=[layer for layer in layers if layer is not None], initial_view_state=view,
                    map_provider=None, map_style=map_style, tooltip=tip)
