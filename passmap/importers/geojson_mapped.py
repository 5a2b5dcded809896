"""GeoJSON: the project's own schema (docs/GEOJSON.md, what ``export`` writes) and plain
GeoJSON polygons/points with a property mapping.

Plain files: polygons become zones and points become controls (lines become openings) on the
chosen building and level; ``column_map`` names the source property for each of our fields,
e.g. ``{"id": "ROOM_ID", "name": "ROOM_NAME", "kind": "USE", "type": "DEVICE"}``.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

from passmap.importers.base import ImportContext, read_bytes_limited
from passmap.importers.hierarchy import ensure_building, ensure_level
from passmap.importers.kinds import zone_kind
from passmap.importers.validate import LINEAL, POLYGONAL, check_geometry
from passmap.model import CONTROL_TYPES
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


def _check_levels(ctx: ImportContext) -> None:
    """Every level_id must be in the file set or the database: name the first unknown one."""
    known = {r["id"] for r in ctx.bundle["level"]}
    for table in ("zone", "opening", "control"):
        for row in ctx.bundle[table]:
            lid = row.get("level_id")
            if lid and lid not in known:
                if ctx.store is None or ctx.store.get("level", lid) is None:
                    raise ctx.fail(
                        f"{table} {row['id']}: unknown level {lid!r} (not in the "
                        "files nor in the database)."
                    )
                known.add(lid)


def _mapped(props: dict, column_map: dict, field: str, default=None):
    """A feature property under the user's column name for ``field`` (default: ``field``)."""
    return props.get(column_map.get(field, field), default)


def read_plain(ctx: ImportContext, paths: list[Path]) -> None:
    opts, cmap = ctx.options, ctx.options.column_map
    name = opts.building_name or opts.building_id or Path(paths[0]).stem
    bid, cid = ensure_building(ctx, name)
    lid = ensure_level(ctx, bid, opts.level_ordinal, opts.level_name, opts.level_id)
    for path in paths:
        for i, feat in enumerate(load_collection(ctx, path).get("features") or []):
            props = feat.get("properties") or {}
            get = functools.partial(_mapped, props, cmap)
            fid = str(get("id") or f"{Path(path).stem}-{i}")
            label = f"{Path(path).name} feature {fid}"
            if feat.get("geometry") is None:
                ctx.warn(f"{label}: has no geometry; skipped.")
                continue
            geom = check_geometry(ctx, feat["geometry"], label)
            base = {"id": fid, "campus_id": cid, "building_id": bid, "level_id": lid, "geom": geom}
            src = {"source": props}
            if geom.geom_type in POLYGONAL:
                ctx.add(
                    "zone",
                    {
                        **base,
                        "kind": zone_kind(get("kind") or get("name"), opts.zone_kind_map),
                        "name": get("name"),
                        "room_number": _str(get("room_number")),
                        "props": src,
                    },
                    label,
                )
            elif geom.geom_type in LINEAL:
                ctx.add(
                    "opening",
                    {
                        **base,
                        "door_class": get("door_class") or "interior",
                        "number": _str(get("number")),
                        "props": src,
                    },
                    label,
                )
            else:
                ctype = str(get("type") or "other").lower()
                if ctype not in CONTROL_TYPES:
                    ctx.warn(f"{label}: control type {ctype!r} unknown; stored as 'other'.")
                    ctype = "other"
                ctx.add(
                    "control", {**base, "type": ctype, "name": get("name"), "attrs": src}, label
                )


def _str(v):
    return None if v is None else str(v)
