"""Validation shared by every importer: geometry, lon/lat, archives.

Invalid geometry is repaired with ``shapely.make_valid`` when the repair keeps the shape (same
kind, area within 5 %), with a warning naming the feature; otherwise the import is refused.

>>> from shapely.geometry import Polygon
>>> from passmap.importers.base import ImportContext, ImportOptions
>>> ctx = ImportContext(ImportOptions(), "f.geojson")
>>> bow = Polygon([(0, 0), (0.001, 0.001), (0.001, 0), (0, 0.001)])   # self-intersecting
>>> check_geometry(ctx, bow, "zone r1", ("Polygon", "MultiPolygon")).geom_type
'MultiPolygon'
"""

from __future__ import annotations

import io
import zipfile
from pathlib import PurePosixPath

import numpy as np
import shapely
from shapely.errors import ShapelyError
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from passmap.importers.base import ImportContext, ImportFailed, ImportOptions

# What shapely raises for malformed GeoJSON: a missing key (KeyError), a non-dict or a null
# type (AttributeError), coordinates of the wrong shape or type (TypeError, ValueError,
# IndexError) and GEOS's own complaints (ShapelyError).
BAD_GEOJSON_ERRORS = (AttributeError, LookupError, TypeError, ValueError, ShapelyError)

POLYGONAL = ("Polygon", "MultiPolygon")
LINEAL = ("LineString", "MultiLineString")


def plausible_lonlat(geom: BaseGeometry) -> bool:
    minx, miny, maxx, maxy = geom.bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def to_shape(ctx: ImportContext, geom, label: str) -> BaseGeometry:
    if isinstance(geom, BaseGeometry):
        return geom
    try:
        return shape(geom)
    except BAD_GEOJSON_ERRORS as exc:
        raise ctx.fail(f"{label}: geometry is not valid GeoJSON ({exc}).") from None


def sound(geoms) -> np.ndarray:
    """For each item: a shapely geometry that is valid, not empty and in lon/lat range, checked
    for all at once (anything else, GeoJSON dicts included, goes through ``check_geometry``)."""
    arr = np.array(
        [g if isinstance(g, BaseGeometry) else None for g in geoms], dtype=object
    ).reshape(-1)
    if not len(arr):
        return np.zeros(0, dtype=bool)
    b = shapely.bounds(arr)
    with np.errstate(invalid="ignore"):
        lonlat = (b[:, 0] >= -180) & (b[:, 2] <= 180) & (b[:, 1] >= -90) & (b[:, 3] <= 90)
    return ~shapely.is_missing(arr) & ~shapely.is_empty(arr) & shapely.is_valid(arr) & lonlat


_TYPE_NAMES = (
    "Point",
    "LineString",
    "LinearRing",
    "Polygon",
    "MultiPoint",
    "MultiLineString",
    "MultiPolygon",
    "GeometryCollection",
)


def geom_types(geoms) -> list[str | None]:
    """``geom.geom_type`` of each shapely geometry (None for None), in one call.

    >>> from shapely.geometry import Point
    >>> geom_types([Point(0, 0), None, Point(0, 0).buffer(1)])
    ['Point', None, 'Polygon']
    """
    arr = np.array(list(geoms), dtype=object).reshape(-1)
    return [_TYPE_NAMES[i] if i >= 0 else None for i in shapely.get_type_id(arr).tolist()]


def check_geometry(
    ctx: ImportContext, geom, label: str, kinds: tuple[str, ...] | None = None, lonlat: bool = True
) -> BaseGeometry:
    """Return a valid geometry of one of ``kinds`` or raise naming the feature."""
    g = to_shape(ctx, geom, label)
    if g.is_empty:
        raise ctx.fail(f"{label}: geometry is empty.")
    if kinds and g.geom_type not in kinds:
        raise ctx.fail(f"{label}: expected {' or '.join(kinds)}, found {g.geom_type}.")
    if lonlat and not plausible_lonlat(g):
        b = ", ".join(f"{v:.1f}" for v in g.bounds)
        raise ctx.fail(
            f"{label}: coordinates are not lon/lat (bounds {b}); is the file in a "
            'projected CRS? Declare it (a GeoJSON "crs" member, a .prj beside a Shapefile) '
            "or export the file in WGS84 lon/lat."
        )
    if g.is_valid:
        return g
    return _repair(ctx, g, label)


def _repair(ctx: ImportContext, g: BaseGeometry, label: str) -> BaseGeometry:
    """Safe = the repair keeps the kind of shape (a polygon stays a polygon with an area)."""
    reason = shapely.is_valid_reason(g)
    fixed = shapely.make_valid(g)
    base = g.geom_type.replace("Multi", "")
    if fixed.geom_type == "GeometryCollection":
        parts = [p for p in fixed.geoms if p.geom_type.replace("Multi", "") == base]
        fixed = shapely.union_all(parts) if parts else fixed
    ok = fixed.geom_type.replace("Multi", "") == base and not fixed.is_empty
    if ok and base == "Polygon":
        ok = fixed.area > 0
    if not ok:
        raise ctx.fail(f"{label}: invalid geometry ({reason}) that cannot be repaired safely.")
    ctx.warn(f"{label}: invalid geometry ({reason}) repaired.")
    return fixed


# -- archives -------------------------------------------------------------------------------
def safe_zip_members(ctx: ImportContext, data: bytes, options: ImportOptions) -> dict[str, bytes]:
    """Read a zip's members into memory, refusing unsafe or absurd archives.

    Refuses absolute paths, ``..`` components, total expansion beyond ``max_bytes`` and
    expansion ratios beyond ``max_zip_ratio``; skips macOS ``__MACOSX``/``._`` files with a
    warning.
    """
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise ctx.fail("not a valid zip archive.") from None
    infos = zf.infolist()
    total = sum(i.file_size for i in infos)
    if total > options.max_bytes:
        raise ctx.fail(
            f"archive expands to {total / 1e6:.1f} MB, over the "
            f"{options.max_bytes / 1e6:.0f} MB limit."
        )
    ratio = total / max(len(data), 1)
    if total > 1_000_000 and ratio > options.max_zip_ratio:
        raise ctx.fail(
            f"archive expands {ratio:.0f}x (over {options.max_zip_ratio:.0f}x); "
            "refusing a possible zip bomb."
        )
    members: dict[str, bytes] = {}
    skipped = []
    budget = [options.max_bytes]  # bytes left for ALL members: a bomb by total, not one member
    for info in infos:
        name = info.filename
        parts = PurePosixPath(name.replace("\\", "/")).parts
        if name.startswith(("/", "\\")) or (len(name) > 1 and name[1] == ":") or ".." in parts:
            raise ctx.fail(f"archive member {name!r} has an absolute or '..' path; refusing it.")
        if info.is_dir():
            continue
        if parts[0] == "__MACOSX" or parts[-1].startswith("._") or parts[-1] == ".DS_Store":
            skipped.append(name)
            continue
        members[name] = _read_member(ctx, zf, info, options, budget)
    if skipped:
        ctx.warn(f"skipped {len(skipped)} macOS metadata file(s) in the archive (__MACOSX, ._*).")
    return members


def _read_member(ctx, zf: zipfile.ZipFile, info: zipfile.ZipInfo, options, budget) -> bytes:
    with zf.open(info) as fh:
        out = fh.read(budget[0] + 1)  # never trust the header's declared size
    budget[0] -= len(out)
    if budget[0] < 0:
        raise ctx.fail(
            f"archive expands beyond the {options.max_bytes / 1e6:.0f} MB import limit "
            f"(at member {info.filename!r}); refusing a possible zip bomb."
        )
    return out


def require(cond: bool, ctx: ImportContext, message: str) -> None:
    if not cond:
        raise ctx.fail(message)


__all__ = [
    "check_geometry",
    "plausible_lonlat",
    "safe_zip_members",
    "require",
    "ImportFailed",
    "POLYGONAL",
    "LINEAL",
]


def check_many(
    ctx: ImportContext, geojsons: list, labels: list[str], kinds: tuple[str, ...] | None = None
) -> list[BaseGeometry]:
    """``check_geometry`` for many GeoJSON geometries at once (vectorised shapely).

    Only the features that fail a vectorised test go through the one-by-one path, so the
    messages and repairs are the same.
    """
    import json

    import numpy as np

    if not geojsons:
        return []
    try:
        geoms = shapely.from_geojson([json.dumps(g) for g in geojsons], on_invalid="raise")
    except BAD_GEOJSON_ERRORS:  # a malformed one: let the one-by-one path name it
        return [check_geometry(ctx, g, lab, kinds) for g, lab in zip(geojsons, labels)]
    bounds = shapely.bounds(geoms)
    ok = (
        ~shapely.is_empty(geoms)
        & shapely.is_valid(geoms)
        & (bounds[:, 0] >= -180)
        & (bounds[:, 2] <= 180)
        & (bounds[:, 1] >= -90)
        & (bounds[:, 3] <= 90)
    )
    if kinds:
        ok &= np.isin(shapely.get_type_id(geoms), [_TYPE_IDS[k] for k in kinds])
    out = list(geoms)
    for i in np.flatnonzero(~ok):
        out[i] = check_geometry(ctx, geoms[i], labels[i], kinds)
    return out


_TYPE_IDS = {
    "Point": 0,
    "LineString": 1,
    "LinearRing": 2,
    "Polygon": 3,
    "MultiPoint": 4,
    "MultiLineString": 5,
    "MultiPolygon": 6,
    "GeometryCollection": 7,
}
