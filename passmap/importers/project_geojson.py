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

from passmap.importers.base import ImportFailed
from passmap.importers.validate import BAD_GEOJSON_ERRORS, plausible_lonlat
from passmap.store.sites import SITE_TABLES


def read_feature_collection(path: Path) -> list[dict]:
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ImportFailed(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}).") from None
    if doc.get("type") != "FeatureCollection":
        raise ImportFailed(
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
            raise ImportFailed(
                f"{label}: unknown feature_type {ftype!r} "
                f"(expected one of {', '.join(SITE_TABLES)})."
            )
        if not fid:
            raise ImportFailed(f"{label}: {ftype} has no id.")
        if (ftype, fid) in seen:
            raise ImportFailed(
                f"{label}: duplicate {ftype} id {fid!r} (also in {seen[(ftype, fid)]})."
            )
        seen[(ftype, fid)] = str(path)
        props["id"] = fid
        geom = feat.get("geometry")
        if geom is not None:
            try:
                g = shape(geom)
            except BAD_GEOJSON_ERRORS as exc:
                raise ImportFailed(f"{label}: geometry is not valid GeoJSON ({exc}).") from None
            if not plausible_lonlat(g):
                raise ImportFailed(
                    f"{label}: coordinates are not lon/lat (bounds {g.bounds}); "
                    "is the file in a projected CRS?"
                )
            if not g.is_valid:
                raise ImportFailed(f"{label}: invalid geometry ({shapely.is_valid_reason(g)}).")
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
