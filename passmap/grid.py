"""The alphanumeric responder grid of a campus: columns A, B, ... west to east, rows 1, 2, ...
north to south, from a stored origin (north-west corner of A1) and cell size in metres.

The grid is stored per campus the first time it is needed, so every printout, export and
screen of that campus uses the same labels.

>>> g = GridSpec("c", origin_lon=-84.0, origin_lat=40.0, cell_m=50, n_cols=30, n_rows=10)
>>> g.cell_of_lonlat(-84.0 + 0.0012, 40.0 - 0.0006)
'C2'
>>> column_letters(0), column_letters(25), column_letters(26)
('A', 'Z', 'AA')
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cached_property

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer

DEFAULT_CELL_M = 50.0
MARGIN_M = 15.0
WGS84 = "OGC:CRS84"


def column_letters(index: int) -> str:
    """0 -> A, 25 -> Z, 26 -> AA (spreadsheet style)."""
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(ord("A") + rem) + letters
    return letters


def centred_crs(lon: float, lat: float) -> CRS:
    """Azimuthal equidistant frame centred on (lon, lat): metres, true north up at the centre."""
    return CRS.from_proj4(
        f"+proj=aeqd +lat_0={lat} +lon_0={lon} +x_0=0 +y_0=0 +ellps=WGS84 +units=m +no_defs"
    )


@dataclass(frozen=True)
class GridSpec:
    campus_id: str
    origin_lon: float
    origin_lat: float
    cell_m: float
    n_cols: int
    n_rows: int

    @cached_property
    def crs(self) -> CRS:
        return centred_crs(self.origin_lon, self.origin_lat)

    @cached_property
    def _to_local(self) -> Transformer:
        return Transformer.from_crs(WGS84, self.crs, always_xy=True)

    def to_local_xy(self, lon, lat):
        """lon/lat -> metres east, north of the origin."""
        return self._to_local.transform(lon, lat)

    def label(self, col: int, row: int) -> str:
        return f"{column_letters(col)}{row + 1}"

    def cell_of_xy(self, x_m: float, y_m: float) -> str | None:
        """Label of the cell holding a local point; None outside the grid."""
        col, row = math.floor(x_m / self.cell_m), math.floor(-y_m / self.cell_m)
        if 0 <= col < self.n_cols and 0 <= row < self.n_rows:
            return self.label(col, row)
        return None

    def cell_of_lonlat(self, lon: float, lat: float) -> str | None:
        return self.cell_of_xy(*self.to_local_xy(lon, lat))

    def cell_of_geometry(self, geom) -> str | None:
        """The cell of a geometry's representative point (inside polygons, on lines)."""
        if geom is None or geom.is_empty:
            return None
        p = geom.representative_point() if geom.geom_type != "Point" else geom
        return self.cell_of_lonlat(p.x, p.y)

    def cells(self, frame: str = "wgs84") -> gpd.GeoDataFrame:
        """One polygon per cell with its label, column letter and row number."""
        rows = []
        for r in range(self.n_rows):
            for c in range(self.n_cols):
                x0, y1 = c * self.cell_m, -r * self.cell_m
                rows.append(
                    {
                        "label": self.label(c, r),
                        "column": column_letters(c),
                        "row": r + 1,
                        "geometry": shapely.box(x0, y1 - self.cell_m, x0 + self.cell_m, y1),
                    }
                )
        local = gpd.GeoDataFrame(rows, crs=self.crs)
        return local if frame == "local" else local.to_crs(WGS84)

    def as_dict(self) -> dict:
        return {
            "campus_id": self.campus_id,
            "origin_lon": self.origin_lon,
            "origin_lat": self.origin_lat,
            "cell_m": self.cell_m,
            "n_cols": self.n_cols,
            "n_rows": self.n_rows,
        }


def default_grid(
    campus_id: str,
    campus_geom,
    cell_m: float = DEFAULT_CELL_M,
    origin: tuple[float, float] | None = None,
) -> GridSpec:
    """A grid covering the campus parcel with a margin; origin defaults to its north-west corner."""
    if cell_m <= 0 or cell_m > 1000:
        raise ValueError(f"Grid cell size {cell_m} m must be between 0 and 1000 m.")
    centre = campus_geom.centroid
    frame = centred_crs(centre.x, centre.y)
    local = gpd.GeoSeries([campus_geom], crs=WGS84).to_crs(frame).iloc[0]
    minx, miny, maxx, maxy = local.bounds
    if origin is None:
        nw = gpd.GeoSeries([shapely.Point(minx - MARGIN_M, maxy + MARGIN_M)], crs=frame)
        nw = nw.to_crs(WGS84).iloc[0]
        origin = (round(nw.x, 7), round(nw.y, 7))
    probe = GridSpec(campus_id, origin[0], origin[1], cell_m, 1, 1)
    xs, ys = probe.to_local_xy(
        *np.asarray(
            campus_geom.exterior.coords
            if campus_geom.geom_type == "Polygon"
            else campus_geom.envelope.exterior.coords
        ).T
    )
    n_cols = max(1, math.ceil((max(xs) + MARGIN_M) / cell_m))
    n_rows = max(1, math.ceil((-min(ys) + MARGIN_M) / cell_m))
    return GridSpec(campus_id, origin[0], origin[1], float(cell_m), n_cols, n_rows)


def campus_grid(store, campus_id: str, actor: str = "system") -> GridSpec:
    """The stored grid of a campus, created (and stored) on first use."""
    saved = store.get_responder_grid(campus_id)
    if saved:
        return GridSpec(**saved)
    return configure_grid(store, campus_id, DEFAULT_CELL_M, None, actor)


def configure_grid(
    store, campus_id: str, cell_m: float, origin: tuple[float, float] | None, actor: str
) -> GridSpec:
    """Set (or change) a campus grid: cell size in metres and optional origin lon/lat."""
    campus = store.get("campus", campus_id)
    if campus is None:
        raise ValueError(f"Unknown campus id {campus_id!r}.")
    spec = default_grid(campus_id, campus["geometry"], cell_m, origin)
    store.save_responder_grid(spec.as_dict(), actor=actor)
    return spec
