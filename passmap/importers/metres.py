"""Distances in metres for geometries in lon/lat (h17's rule: no tolerances in degrees).

Within a campus an equirectangular frame around the geometries' latitude is exact to better
than 0.1 %, so buffers and "within" tests are done there and the result turned back to lon/lat.

>>> from shapely.geometry import box
>>> g = buffer_m(box(-80.84, 35.22, -80.8399, 35.2201), 20.0, join_style="mitre")
>>> round((g.bounds[3] - 35.2201) * 110_574, 1)
20.0
>>> hull_of([box(0, 0, 1, 1), box(2, 0, 3, 1)]).equals(box(0, 0, 3, 1))
True
"""

from __future__ import annotations

import math

import numpy as np
import shapely

M_PER_DEG_LAT = 110_574.0
M_PER_DEG_LON_EQUATOR = 111_320.0


def metres_per_degree(lat: float) -> np.ndarray:
    """Metres per degree of longitude and of latitude at ``lat``."""
    return np.array([M_PER_DEG_LON_EQUATOR * max(math.cos(math.radians(lat)), 0.01), M_PER_DEG_LAT])


def to_local_m(geoms, lat: float):
    """Lon/lat geometries (one or an array) -> metres east/north of (0, 0) at ``lat``."""
    k = metres_per_degree(lat)
    return shapely.transform(geoms, lambda c: c * k)


def from_local_m(geoms, lat: float):
    k = metres_per_degree(lat)
    return shapely.transform(geoms, lambda c: c / k)


def buffer_m(geom, metres: float, **kwargs):
    """``geom.buffer`` by a distance in metres (keyword arguments as shapely's buffer)."""
    lat = shapely.centroid(geom).y
    return from_local_m(shapely.buffer(to_local_m(geom, lat), metres, **kwargs), lat)


def hull_of(geoms):
    """The convex hull of every vertex of ``geoms`` (= the hull of their union, without the
    union): one line through all vertices, so 10,000 rooms cost one GEOS call."""
    xy = shapely.get_coordinates(np.asarray(geoms, dtype=object).reshape(-1))
    if len(xy) == 0:
        return shapely.Polygon()
    if len(xy) == 1:
        return shapely.points(xy[0])
    return shapely.convex_hull(shapely.linestrings(xy))
