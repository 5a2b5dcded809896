"""OpenStreetMap Simple Indoor Tagging (GeoJSON from overpass / osmtogeojson) -> one building.

indoor=room|corridor|area polygons become zones on their ``level``; door=* points or lines
become openings; outdoor amenity/leisure polygons (parking, pitch) become grounds zones.
Real-world quirks (``indoor=Room``, numeric and string levels, a stray LineString) are tolerated
with warnings; an unreadable level is refused naming the feature.
"""

from __future__ import annotations

import json
from pathlib import Path

import shapely

from passmap.importers.base import ImportContext, read_bytes_limited, slug
from passmap.importers.campus_features import as_zone_geometry, classify
from passmap.importers.hierarchy import ensure_building, ensure_campus, ensure_level
from passmap.importers.kinds import zone_kind
from passmap.importers.labels import ROOM_NUMBER, split_label
from passmap.importers.metres import buffer_m, hull_of
from passmap.importers.validate import POLYGONAL, check_geometry, geom_types, sound

ZONE_INDOOR = ("room", "corridor", "area", "stair")


def is_osm_indoor(doc: dict) -> bool:
    feats = doc.get("features") or []
    return any(
        "indoor" in (f.get("properties") or {}) or "@id" in (f.get("properties") or {})
        for f in feats[:200]
    )


def load(ctx: ImportContext, paths: list[Path]) -> list[tuple[str, int, dict]]:
    out = []
    for path in paths:
        try:
            doc = json.loads(read_bytes_limited(path, ctx.options))
        except json.JSONDecodeError as exc:
            raise ctx.fail(
                f"{Path(path).name}: not valid JSON ({exc.msg} at line {exc.lineno})."
            ) from None
        for i, feat in enumerate(doc.get("features") or []):
            out.append((Path(path).name, i, feat))
    return out


def parse_level(ctx: ImportContext, raw, label: str) -> int | None:
    if raw is None or str(raw).strip() == "":
        return None
    text = str(raw).strip()
    first = text.replace(",", ";").split(";")[0]
    try:
        value = float(first)
    except ValueError:
        raise ctx.fail(
            f"{label}: unknown level {raw!r} (expected a number such as 0, 1, -1)."
        ) from None
    if ";" in text:
        ctx.warn(f"{label}: spans levels {text!r}; placed on level {first}.")
    return int(value)


def read_osm(ctx: ImportContext, paths: list[Path]) -> None:
    read_features(ctx, load(ctx, paths), Path(paths[0]).stem)


def read_features(ctx: ImportContext, feats: list[tuple[str, int, dict]], stem: str) -> None:
    """OSM features (GeoJSON-shaped, tags as properties) -> rooms, doors, grounds."""
    rows, skipped = [], []
    ok = sound([feat.get("geometry") for _, _, feat in feats])
    parsed: dict[str, int | None] = {}  # a plain level text ("0", "1"), parsed once
    for (fname, i, feat), ready in zip(feats, ok):
        props = feat.get("properties") or {}
        fid = str(props.get("@id") or feat.get("id") or f"{fname}#{i}")
        label = f"{fname} feature {fid}"
        indoor = str(props.get("indoor") or "").strip().lower()
        if feat.get("geometry") is None:
            skipped.append(fid)
            continue
        geom = feat["geometry"] if ready else check_geometry(ctx, feat["geometry"], label)
        level = None
        if indoor or props.get("door"):
            raw = props.get("level")
            if type(raw) is str and raw in parsed:
                level = parsed[raw]
            else:
                level = parse_level(ctx, raw, label)
                if type(raw) is str and not (";" in raw or "," in raw):  # no warning to repeat
                    parsed[raw] = level
        rows.append((fid, label, indoor, props, geom, level))
    types = geom_types(r[4] for r in rows)
    zones = [r for r, t in zip(rows, types) if r[2] in ZONE_INDOOR and t in POLYGONAL]
    name = ctx.options.building_name or _building_name(rows) or stem
    if zones:
        footprint = hull_of([r[4] for r in zones])  # = the hull of their union
        bid, cid = ensure_building(ctx, name, footprint)
        near = buffer_m(footprint, 1.0)
        shapely.prepare(near)
        rows = [_inside(ctx, r, near) for r in rows]
        types = geom_types(r[4] for r in rows)
    elif any(classify(r[3], t) for r, t in zip(rows, types)):  # grounds only: fences, parking
        bid, cid = None, ensure_campus(ctx, name, shapely.union_all([r[4] for r in rows]))
    else:
        raise ctx.fail(
            "no indoor rooms (indoor=room/corridor/area) nor campus grounds (parking, fences, "
            "gates, fields, paths) found in the OpenStreetMap data."
        )
    levels: dict[int, str] = {}
    for (fid, label, indoor, props, geom, level), gtype in zip(rows, types):
        oid = "osm-" + slug(fid)
        if indoor in ZONE_INDOOR and gtype in POLYGONAL:
            lid = _level(ctx, levels, bid, level, label)
            ctx.add("zone", _zone(ctx, oid, cid, bid, lid, indoor, props, geom), label)
            continue
        what = classify(props, gtype)
        if what and what[0] == "opening" and gtype in ("Point", "LineString"):
            lid = _level(ctx, levels, bid, level, label)
            ctx.add("opening", _opening(oid, cid, bid, lid, props, geom), label)
        elif what and what[0] == "zone":
            kind = ctx.options.zone_kind_map.get(str(props.get("amenity") or ""), what[1])
            row = {"id": oid, "campus_id": cid, "kind": kind, "name": props.get("name")}
            row |= {"geom": as_zone_geometry(geom, kind), "props": {"osm": _tags(props)}}
            ctx.add("zone", row, label)
        elif what and what[0] == "control":
            row = {"id": oid, "campus_id": cid, "type": what[1], "name": props.get("name")}
            ctx.add("control", row | {"geom": geom, "attrs": {"osm": _tags(props)}}, label)
        elif gtype in POLYGONAL and (props.get("amenity") or props.get("leisure")):
            kind = zone_kind(
                props.get("amenity") or props.get("leisure"),
                ctx.options.zone_kind_map,
                default="field",
            )
            row = {"id": oid, "campus_id": cid, "kind": kind, "name": props.get("name")}
            ctx.add("zone", row | {"geom": geom, "props": {"osm": _tags(props)}}, label)
        else:
            skipped.append(fid)
    if skipped:
        ctx.warn(
            f"skipped {len(skipped)} feature(s) that are not indoor rooms, doors or grounds "
            f"(e.g. {', '.join(skipped[:3])})."
        )


# Tagged without indoor=* but mapped on a level inside the building (toilets as amenity=toilets,
# stairs as highway=steps): rooms of the building, not campus grounds.
INSIDE_KIND = {"steps": "stair", "footway": "corridor", "corridor": "corridor"}


def _inside(ctx: ImportContext, row: tuple, near) -> tuple:
    """``near``: the building's footprint grown by 1 m (prepared)."""
    fid, label, indoor, props, geom, level = row
    if indoor or props.get("door") or props.get("level") in (None, ""):
        return row
    if not near.contains(geom.representative_point()):
        return row
    kind = INSIDE_KIND.get(str(props.get("highway") or "").lower())
    if geom.geom_type in POLYGONAL and not props.get("building") and not kind:
        if not (props.get("amenity") or props.get("room")) or props.get("natural"):
            return row  # a wood or a lawn drawn on the level stays outside
        if classify(props, geom.geom_type):
            return row  # a parking lot or a pitch (amenity=parking) is grounds, not a room
        kind = "room"
    elif kind is None or geom.geom_type not in ("LineString", "MultiLineString"):
        return row
    else:
        geom = as_zone_geometry(geom, "walkway")  # a line drawn along the stair or corridor
    props = props | {"indoor": kind}
    return fid, label, kind, props, geom, parse_level(ctx, props.get("level"), label)


def _building_name(rows) -> str | None:
    for _, _, indoor, props, _, _ in rows:
        if props.get("building") and props.get("name") and not indoor:
            return str(props["name"])
    return None


def _level(ctx, levels: dict, bid: str, level: int | None, label: str) -> str:
    if level is None:
        ctx.warn(f"{label}: has no level tag; placed on level 0.")
        level = 0
    if level not in levels:
        lid = ctx.options.level_id if ctx.options.level_id and not levels else None
        levels[level] = ensure_level(ctx, bid, level, f"Level {level}", lid)
    return levels[level]


def _tags(props: dict) -> dict:
    return {
        k: v for k, v in props.items() if v is not None and not str(k).startswith("Descripcion")
    }


def _zone(ctx, oid, cid, bid, lid, indoor, props, geom) -> dict:
    number, name = split_label([props.get("name")]) if props.get("name") else (None, None)
    text = props.get("room") or props.get("amenity") or name
    kind = indoor if indoor in ("corridor", "stair") else zone_kind(text, ctx.options.zone_kind_map)
    ref = str(props.get("ref") or "").strip()
    ref = ref if ROOM_NUMBER.match(ref) else number  # a ref such as "corrau" is no room number
    return {
        "id": oid,
        "campus_id": cid,
        "building_id": bid,
        "level_id": lid,
        "kind": kind,
        "name": name,
        "room_number": str(ref) if ref else None,
        "geom": geom,
        "props": {"osm": _tags(props)},
    }


def _opening(oid, cid, bid, lid, props, geom) -> dict:
    entrance = str(props.get("entrance") or "")
    door_class = (
        "exterior-primary"
        if entrance == "main"
        else "exterior-secondary"
        if entrance
        else "interior"
    )
    return {
        "id": oid,
        "campus_id": cid,
        "building_id": bid,
        "level_id": lid,
        "door_class": door_class,
        "number": props.get("ref"),
        "geom": geom,
        "props": {"osm": _tags(props)},
    }
