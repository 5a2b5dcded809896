"""Campus-local metres -> UTM 17N -> WGS84, and readable GeoJSON output.

>>> f = CampusFrame(-78.85, 35.72, rotation_deg=0)
>>> lon, lat = f.lonlat(0, 0)
>>> round(lon, 5), round(lat, 5)
(-78.85, 35.72)
>>> round(f.bearing_deg((0, 0), (10, 10)))
45
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import numpy as np
import shapely
from pyproj import Transformer

UTM_EPSG = 32617  # the demo district lies in UTM zone 17N (central North Carolina)
_TO_UTM = Transformer.from_crs(4326, UTM_EPSG, always_xy=True)
_TO_LL = Transformer.from_crs(UTM_EPSG, 4326, always_xy=True)


class CampusFrame:
    """A campus-local frame: origin at ``lon, lat``, rotated ``rotation_deg`` counter-clockwise."""

    def __init__(self, lon: float, lat: float, rotation_deg: float):
        self.e0, self.n0 = _TO_UTM.transform(lon, lat)
        a = math.radians(rotation_deg)
        self.cos, self.sin = math.cos(a), math.sin(a)

    def utm_xy(self, x, y):
        x, y = np.asarray(x, dtype=float), np.asarray(y, dtype=float)
        return (self.e0 + x * self.cos - y * self.sin, self.n0 + x * self.sin + y * self.cos)

    def lonlat(self, x, y):
        return _TO_LL.transform(*self.utm_xy(x, y))

    def to_utm(self, geom):
        return shapely.transform(geom, lambda c: np.column_stack(self.utm_xy(c[:, 0], c[:, 1])))

    def to_wgs84(self, geom):
        return shapely.transform(geom, lambda c: np.column_stack(self.lonlat(c[:, 0], c[:, 1])))

    def bearing_deg(self, frm, to) -> float:
        """Compass bearing (UTM grid north, clockwise) from local point ``frm`` to ``to``."""
        (e1, n1), (e2, n2) = self.utm_xy(*frm), self.utm_xy(*to)
        return round(math.degrees(math.atan2(float(e2 - e1), float(n2 - n1))) % 360.0, 1)


class LocalFrame(CampusFrame):
    """Keeps campus-local metres (templates that are placed later, e.g. the large district)."""

    def __init__(self):
        self.e0, self.n0, self.cos, self.sin = 0.0, 0.0, 1.0, 0.0

    def to_wgs84(self, geom):
        return geom


def utm_to_wgs84(geom):
    return shapely.transform(geom, lambda c: np.column_stack(_TO_LL.transform(c[:, 0], c[:, 1])))


def _round(obj, nd=7):
    if isinstance(obj, float):
        return round(obj, nd)
    if isinstance(obj, (list, tuple)):
        return [_round(v, nd) for v in obj]
    return obj


def feature(feature_type: str, geom, props: dict) -> dict:
    """A GeoJSON Feature of the project schema; None-valued properties are dropped."""
    clean = {k: v for k, v in props.items() if v is not None}
    g = None
    if geom is not None:
        m = shapely.geometry.mapping(geom)
        g = {"type": m["type"], "coordinates": _round(m["coordinates"])}
    return {"type": "Feature", "properties": {"feature_type": feature_type, **clean}, "geometry": g}


def write_collection(path: Path, features: list[dict]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    doc = {"type": "FeatureCollection", "features": features}
    text = _PAIR.sub(
        lambda m: f"[{m.group(1)}, {m.group(2)}]", json.dumps(doc, indent=1, ensure_ascii=False)
    )
    path.write_text(text + "\n", encoding="utf-8")


# One lon/lat pair per line keeps the files readable and their diffs small.
_PAIR = re.compile(r"\[\s*(-?[\d.]+),\s*(-?[\d.]+)\s*\]")
