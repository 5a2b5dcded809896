"""Read the project's own GeoJSON schema (docs/GEOJSON.md) into a site bundle.

Each Feature carries ``properties.feature_type`` (district, campus, building, level, zone,
opening, control); the other properties are the columns of that table. Files hold WGS84
lon/lat (RFC 7946).
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely
from shapely.geometry import shape

from passmap.store.sites import SITE_TABLES


class ImportError_(ValueError):
    """A file could not be imported; the message names the file, the feature and the problem."""


def _plausible_lonlat(geom) -> bool:
    minx, miny, maxx, maxy = geom.bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def read_feature_collection(path: Path) -> list[dict]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ImportError_(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}).") from None
    if doc.get("type") != "FeatureCollection":
        raise ImportError_(
            f"{path}: expected a GeoJSON FeatureCollection, found {doc.get('type')!r}."
        )
    return doc.get("features") or []


def features_to_bundle(
    path: Path, features: list[dict], bundle: dict | None = None, seen: dict | None = None
) -> dict[str, list[dict]]:
    """Validate features of one file and add them to ``bundle`` (ids must be unique overall)."""
    bundle = bundle if bundle is not None else {t: [] for t in SITE_TABLES}
    seen = seen if seen is not None else {}
    for i, feat in enumerate(features):
        props = dict(feat.get("properties") or {})
        ftype = props.pop("feature_type", None)
        fid = props.get("id") or feat.get("id")
        label = f"{path}: feature {fid or f'#{i}'}"
        if ftype not in SITE_TABLES:
            raise ImportError_(
                f"{label}: unknown feature_type {ftype!r} "
                f"(expected one of {', '.join(SITE_TABLES)})."
            )
        if not fid:
            raise ImportError_(f"{label}: {ftype} has no id.")
        if (ftype, fid) in seen:
            raise ImportError_(
                f"{label}: duplicate {ftype} id {fid!r} (also in {seen[(ftype, fid)]})."
            )
        seen[(ftype, fid)] = str(path)
        props["id"] = fid
        geom = feat.get("geometry")
        if geom is not None:
            try:
                g = shape(geom)
            except Exception as exc:  # shapely raises several types for bad input
                raise ImportError_(f"{label}: geometry is not valid GeoJSON ({exc}).") from None
            if not _plausible_lonlat(g):
                raise ImportError_(
                    f"{label}: coordinates are not lon/lat (bounds {g.bounds}); "
                    "is the file in a projected CRS?"
                )
            if not g.is_valid:
                raise ImportError_(f"{label}: invalid geometry ({shapely.is_valid_reason(g)}).")
            props["geom"] = g
        bundle[ftype].append(props)
    return bundle


def read_project_files(paths: list[Path]) -> dict[str, list[dict]]:
    """Read several files of the project schema into one bundle."""
    bundle: dict[str, list[dict]] = {t: [] for t in SITE_TABLES}
    seen: dict = {}
    for path in paths:
        features_to_bundle(path, read_feature_collection(path), bundle, seen)
    return bundle
