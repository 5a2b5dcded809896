"""Aerial (or street) basemap under the printed responder map, from the configured XYZ tile
source (PASSMAP_TILE_URL). Nothing is fetched when no source is configured.

>>> tile_range((-84.001, 39.999, -83.999, 40.001), 17)
(34952, 34952, 49620, 49621)
"""

from __future__ import annotations

import io
import math
import urllib.request

import numpy as np

TILE_PX = 256
MAX_TILES = 64
TIMEOUT_S = 5.0


def _tile_xy(lon: float, lat: float, zoom: int) -> tuple[float, float]:
    n = 2**zoom
    lat_r = math.radians(lat)
    return (lon + 180) / 360 * n, (1 - math.asinh(math.tan(lat_r)) / math.pi) / 2 * n


def _tile_lonlat(x: float, y: float, zoom: int) -> tuple[float, float]:
    n = 2**zoom
    return x / n * 360 - 180, math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * y / n))))


def tile_range(bounds, zoom: int) -> tuple[int, int, int, int]:
    """(x_min, x_max, y_min, y_max) of the tiles covering lon/lat ``bounds``."""
    west, south, east, north = bounds
    x0, y0 = _tile_xy(west, north, zoom)
    x1, y1 = _tile_xy(east, south, zoom)
    return int(x0), int(x1), int(y0), int(y1)


def pick_zoom(bounds, width_px: int = 1600, max_zoom: int = 19) -> int:
    span = max(bounds[2] - bounds[0], 1e-6)
    return max(1, min(max_zoom, int(math.log2(width_px * 360 / (TILE_PX * span)))))


def _fetch(url: str):
    from PIL import Image

    with urllib.request.urlopen(url, timeout=TIMEOUT_S) as resp:
        return np.asarray(Image.open(io.BytesIO(resp.read())).convert("RGB"))


def fetch_mosaic(tile_url: str, bounds, zoom: int | None = None):
    """(RGB array, (west, south, east, north)) of the tiles over ``bounds``, or None on failure."""
    zoom = zoom or pick_zoom(bounds)
    x0, x1, y0, y1 = tile_range(bounds, zoom)
    while (x1 - x0 + 1) * (y1 - y0 + 1) > MAX_TILES and zoom > 1:
        zoom -= 1
        x0, x1, y0, y1 = tile_range(bounds, zoom)
    try:
        rows = [
            np.hstack([_fetch(tile_url.format(z=zoom, x=x, y=y)) for x in range(x0, x1 + 1)])
            for y in range(y0, y1 + 1)
        ]
    except (OSError, ValueError):
        return None
    west, north = _tile_lonlat(x0, y0, zoom)
    east, south = _tile_lonlat(x1 + 1, y1 + 1, zoom)
    return np.vstack(rows), (west, south, east, north)


def draw_basemap(ax, tile_url: str | None, grid, extent) -> bool:
    """Draw the tiles under the map of ``extent`` (local metres of ``grid``); True if drawn."""
    if not tile_url:
        return False
    import geopandas as gpd
    import shapely

    local = gpd.GeoSeries([shapely.box(extent[0], extent[2], extent[1], extent[3])], crs=grid.crs)
    mosaic = fetch_mosaic(tile_url, tuple(local.to_crs("OGC:CRS84").total_bounds))
    if mosaic is None:
        return False
    image, (west, south, east, north) = mosaic
    x_w, y_s = grid.to_local_xy(west, south)
    x_e, y_n = grid.to_local_xy(east, north)
    # A campus spans ~1 km: Mercator and the local frame differ by far less than a pixel there.
    ax.imshow(image, extent=(x_w, x_e, y_s, y_n), zorder=0, interpolation="bilinear", alpha=0.9)
    return True
