"""Shapefile, GeoPackage and FlatGeobuf through pyogrio (GDAL), reprojected to WGS84.

Each file is one level (every layer of a GeoPackage together); the features then go through
the plain-feature mapping (``plain.py``): rooms, door lines, controls, campus grounds.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import numpy as np

from passmap.importers.base import ImportContext
from passmap.importers.plain import read_plain_files, to_wgs84


def _frames(ctx: ImportContext, path: Path) -> list:
    import pyogrio

    size = path.stat().st_size
    if size > ctx.options.max_bytes:
        raise ctx.fail(
            f"{path.name}: file is {size / 1e6:.1f} MB, over the "
            f"{ctx.options.max_bytes / 1e6:.0f} MB import limit."
        )
    try:
        layers = [str(row[0]) for row in pyogrio.list_layers(path)]
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            return [pyogrio.read_dataframe(path, layer=name) for name in layers]
    except (pyogrio.errors.DataSourceError, pyogrio.errors.DataLayerError):
        raise ctx.fail(f"{path.name}: not a readable {_kind(path)} file.") from None


def _kind(path: Path) -> str:
    return {".shp": "Shapefile", ".gpkg": "GeoPackage", ".fgb": "FlatGeobuf"}.get(
        path.suffix.lower(), "GIS"
    )


def _features(ctx: ImportContext, path: Path) -> list[dict]:
    feats = []
    for frame in _frames(ctx, path):
        if "geometry" not in frame:
            continue
        if frame.crs is None and len(frame):
            ctx.warn(f"{path.name}: no coordinate system declared; read as WGS84 lon/lat.")
        crs = frame.crs.to_string() if frame.crs is not None else None
        geoms = to_wgs84(ctx, crs, np.asarray(frame.geometry.array), path.name)
        cols = [c for c in frame.columns if c != "geometry"]
        values = zip(*(_column(frame[c]) for c in cols)) if cols else ([] for _ in geoms)
        for row, g in zip(values, geoms):
            feats.append({"properties": dict(zip(cols, row)), "geometry": g})
    return feats


def _column(series) -> list:
    """A column's values with every missing one (NaN, NA, NaT) as None, tested at once."""
    values = series.tolist()
    missing = series.isna().to_numpy()
    if missing.any():
        for i in missing.nonzero()[0]:
            values[i] = None
    return values


def read_gis(ctx: ImportContext, paths: list[Path]) -> None:
    read_plain_files(ctx, [(p.name, _features(ctx, p)) for p in paths])
