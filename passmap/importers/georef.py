"""Georeference drawings and images: drawing/pixel x,y -> lon/lat.

Control points are fitted in a local metric CRS (UTM, ``passmap.geometry.local_crs``): two
points give a similarity (scale, rotation, shift), three or more an affine fit; the RMS residual
in metres is reported. Corners are turned into control points against the drawing's extent.

>>> t = fit_transform([(0, 0, -2.0, 56.0), (100, 0, -1.99838, 56.0)])
>>> lon, lat = t.apply_xy(50, 0); round(lon, 5), round(lat, 5)
(-1.99919, 56.0)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import shapely
from pyproj import Transformer

from passmap.geometry import local_crs


@dataclass
class GeoTransform:
    matrix: np.ndarray  # 2x3: [x_m, y_m] = M @ [x, y, 1]
    to_lonlat: Transformer
    rms_m: float
    scale_m_per_unit: float

    def apply_xy(self, x: float, y: float) -> tuple[float, float]:
        mx, my = self.matrix @ np.array([x, y, 1.0])
        return self.to_lonlat.transform(mx, my)

    def apply(self, geom):
        """Transform a shapely geometry in drawing units to lon/lat."""
        m = self.matrix

        def fn(coords):
            xy = coords @ m[:, :2].T + m[:, 2]
            lon, lat = self.to_lonlat.transform(xy[:, 0], xy[:, 1])
            return np.column_stack([lon, lat])

        return shapely.transform(geom, fn)


def parse_points(text: str) -> list[tuple[float, float, float, float]]:
    """``"x,y,lon,lat;x,y,lon,lat"`` or a QGIS ``.points`` file body (mapX,mapY,lon,lat,enable).

    >>> parse_points("0,0,-2,56; 10,0,-1.9,56")
    [(0.0, 0.0, -2.0, 56.0), (10.0, 0.0, -1.9, 56.0)]
    """
    out = []
    for chunk in text.replace("\n", ";").split(";"):
        parts = [p.strip() for p in chunk.split(",") if p.strip()]
        if len(parts) < 4:
            continue
        try:
            vals = [float(p) for p in parts[:5]]
        except ValueError:
            continue  # a header line
        if len(vals) == 5 and vals[4] == 0:
            continue  # disabled QGIS point
        out.append(tuple(vals[:4]))
    return out


def fit_transform(points: list[tuple[float, float, float, float]]) -> GeoTransform:
    """Fit drawing x,y -> lon/lat from control points (x, y, lon, lat); >= 2 needed."""
    if len(points) < 2:
        raise ValueError("georeferencing needs at least two control points (x,y,lon,lat).")
    pts = np.array(points, dtype=float)
    if not np.isfinite(pts).all():
        raise ValueError("a control point has a coordinate that is not a number.")
    for n, (_, _, lon, lat) in enumerate(pts, 1):
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ValueError(
                f"control point {n}: {lon:g},{lat:g} is not a longitude,latitude "
                "(longitude -180..180, latitude -90..90)."
            )
    crs = local_crs(pts[:, 2].mean(), pts[:, 3].mean())
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    ex, ny = fwd.transform(pts[:, 2], pts[:, 3])
    src, dst = pts[:, :2], np.column_stack([ex, ny])
    if np.ptp(src[:, 0]) + np.ptp(src[:, 1]) == 0:
        raise ValueError("the control points all have the same drawing x,y.")
    m = _similarity(src, dst) if len(pts) == 2 else _affine(src, dst)
    pred = src @ m[:, :2].T + m[:, 2]
    rms = float(np.sqrt(((pred - dst) ** 2).sum(axis=1).mean()))
    scale = float(np.sqrt(abs(np.linalg.det(m[:, :2]))))
    if not np.isfinite(m).all() or scale <= 1e-12:
        raise ValueError(
            "the control points put different plan points at the same place on the map; "
            "give points that are apart on both."
        )
    return GeoTransform(m, back, rms, scale)


def _similarity(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    # complex numbers: dst = a * src + b
    s = src[:, 0] + 1j * src[:, 1]
    d = dst[:, 0] + 1j * dst[:, 1]
    a = (d[1] - d[0]) / (s[1] - s[0])
    b = d[0] - a * s[0]
    return np.array([[a.real, -a.imag, b.real], [a.imag, a.real, b.imag]])


def _affine(src: np.ndarray, dst: np.ndarray) -> np.ndarray:
    a = np.column_stack([src, np.ones(len(src))])
    sol, *_ = np.linalg.lstsq(a, dst, rcond=None)
    if np.linalg.matrix_rank(a) < 3:
        raise ValueError("the control points are on one line; give points spread over the plan.")
    return sol.T


def corners_to_points(
    bounds: tuple[float, float, float, float],
    corners: list[tuple[float, float]],
    y_down: bool = False,
):
    """Map the extent's corners to lon/lat corners.

    Two corners are (south-west, north-east) of an unrotated plan; four are top-left, top-right,
    bottom-right, bottom-left as seen on the plan. ``y_down`` for pixel coordinates.
    """
    minx, miny, maxx, maxy = bounds
    top, bottom = (miny, maxy) if y_down else (maxy, miny)
    if len(corners) == 2:
        (w, s), (e, n) = corners
        return [(minx, bottom, w, s), (maxx, top, e, n), (minx, top, w, n)]
    if len(corners) == 4:
        plan = [(minx, top), (maxx, top), (maxx, bottom), (minx, bottom)]
        return [(x, y, lon, lat) for (x, y), (lon, lat) in zip(plan, corners)]
    raise ValueError(
        "give 2 corners (south-west; north-east) or 4 (top-left, top-right, "
        "bottom-right, bottom-left) as lon,lat pairs."
    )


def fit_placement(ctx, extent, missing: str, y_down: bool = False) -> GeoTransform:
    """An import's drawing -> lon/lat fit: its control points (``--georef``), else its corners
    (``--corners``) against ``extent``; fails the import (``ctx.fail``) with the reason when a
    point or corner is bad, or with ``missing`` (how to place it) when neither was given."""
    points = list(ctx.options.georef)
    try:
        if not points and ctx.options.corners:
            points = corners_to_points(extent, ctx.options.corners, y_down=y_down)
        fitted = fit_transform(points) if points else None
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    if fitted is None:
        raise ctx.fail(missing)
    return fitted


def parse_corners(text: str) -> list[tuple[float, float]]:
    """``"lon,lat;lon,lat"`` -> [(lon, lat), ...]."""
    out = []
    for chunk in text.split(";"):
        if chunk.strip():
            parts = chunk.split(",")
            if len(parts) < 2:
                raise ValueError(f"corner {chunk.strip()!r}: expected lon,lat.")
            lon, lat = (float(v) for v in parts[:2])
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise ValueError(
                    f"corner {lon:g},{lat:g} is not a longitude,latitude "
                    "(longitude -180..180, latitude -90..90)."
                )
            out.append((lon, lat))
    return out
