"""GeoJSON: the project's own schema (docs/GEOJSON.md, what ``export`` writes) and plain
GeoJSON polygons/points with a property mapping.

Plain files: polygons become zones and points become controls (lines become openings) on the
chosen building and level; ``column_map`` names the source property for each of our fields,
e.g. ``{"id": "ROOM_ID", "name": "ROOM_NAME", "kind": "USE", "type": "DEVICE"}``.
"""

from __future__ import annotations

import json
from pathlib import Path

from passmap.importers.base import ImportContext, read_bytes_limited
from passmap.importers.plain import geojson_crs, read_plain_files, to_wgs84
from passmap.importers.validate import check_geometry
from passmap.store.sites import SITE_TABLES


def load_collection(ctx: ImportContext, path: Path) -> dict:
    try:
        doc = json.loads(read_bytes_limited(path, ctx.options))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ctx.fail(f"{Path(path).name}: not valid JSON ({exc}).") from None
    if not isinstance(doc, dict) or doc.get("type") != "FeatureCollection":
        kind = doc.get("type") if isinstance(doc, dict) else type(doc).__name__
        raise ctx.fail(f"{Path(path).name}: expected a GeoJSON FeatureCollection, found {kind!r}.")
    return doc


def is_project_schema(doc: dict) -> bool:
    feats = doc.get("features") or []
    return bool(feats) and all("feature_type" in (f.get("properties") or {}) for f in feats[:50])


def read_project(ctx: ImportContext, paths: list[Path]) -> None:
    for path in paths:
        doc = load_collection(ctx, path)
        read_project_features(ctx, Path(path).name, doc.get("features") or [])
    _check_levels(ctx)


def read_project_features(ctx: ImportContext, fname: str, features: list[dict]) -> None:
    """Add features of the project schema (``properties.feature_type``) to the bundle."""
    for i, feat in enumerate(features):
        props = dict(feat.get("properties") or {})
        ftype = props.pop("feature_type", None)
        fid = props.get("id") or feat.get("id")
        label = f"{fname} feature {fid or f'#{i}'}"
        if ftype not in SITE_TABLES + ("wall",):
            raise ctx.fail(
                f"{label}: unknown feature_type {ftype!r} "
                f"(expected one of {', '.join(SITE_TABLES + ('wall',))})."
            )
        if not fid:
            raise ctx.fail(f"{label}: {ftype} has no id.")
        props["id"] = str(fid)
        props.pop("version", None)
        if feat.get("geometry") is not None:
            props["geom"] = check_geometry(ctx, feat["geometry"], label)
        elif ftype in ("zone", "opening", "control", "wall"):
            raise ctx.fail(f"{label}: a {ftype} needs a geometry.")
        ctx.add(ftype, props, label)


PARENTS = (("district_id", "district"), ("campus_id", "campus"), ("building_id", "building"))
PARENTS += (("level_id", "level"),)


def _check_levels(ctx: ImportContext) -> None:
    """Every parent a row names (level, building, campus, district) must be in the file set or
    the database: name the first unknown one (the database's foreign-key refusal names none)."""
    known = {(t, r["id"]) for _, t in PARENTS for r in ctx.bundle[t]}
    for table in ("campus", "building", "level", "zone", "opening", "control", "wall"):
        for row in ctx.bundle[table]:
            for field, parent in PARENTS:
                pid = row.get(field)
                if not pid or (parent, pid) in known:
                    continue
                if ctx.store is None or ctx.store.get(parent, pid) is None:
                    raise ctx.fail(
                        f"{table} {row['id']}: unknown {parent} {pid!r} (not in the "
                        "files nor in the database)."
                    )
                known.add((parent, pid))


def read_plain(ctx: ImportContext, paths: list[Path]) -> None:
    files = []
    for path in paths:
        doc = load_collection(ctx, path)
        feats = [f for f in doc.get("features") or [] if isinstance(f, dict)]
        crs = geojson_crs(doc)
        if crs:
            geoms = [_shape(ctx, f, Path(path).name) for f in feats]
            for f, g in zip(feats, to_wgs84(ctx, crs, geoms, Path(path).name)):
                f["geometry"] = g
        files.append((Path(path).name, feats))
    read_plain_files(ctx, files)


def _shape(ctx: ImportContext, feat: dict, fname: str):
    from passmap.importers.validate import to_shape

    if feat.get("geometry") is None:
        return None
    return to_shape(ctx, feat["geometry"], f"{fname} feature {feat.get('id', '?')}")


def is_project_export(folder: Path) -> bool:
    """A folder written by ``passmap export --format geojson`` (project schema, per table)."""
    for name in ("level.geojson", "campus.geojson", "district.geojson"):
        path = folder / name
        if path.is_file() and path.stat().st_size < 50_000_000:
            try:
                doc = json.loads(path.read_bytes())
            except (json.JSONDecodeError, UnicodeDecodeError):
                return False
            return isinstance(doc, dict) and is_project_schema(doc)
    return False
