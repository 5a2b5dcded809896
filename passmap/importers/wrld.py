"""WRLD indoor map format (main.json + one GeoJSON per floor) -> one building.

room/bathroom/stairs/elevator/... polygons become zones, door polygons (thin rectangles) become
openings drawn as their centre line, wall polygons become walls, building_outline the footprint.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import shapely
from shapely.geometry import LineString

from passmap.importers.base import ImportContext, read_bytes_limited, slug
from passmap.importers.hierarchy import ensure_building, ensure_level
from passmap.importers.kinds import zone_kind
from passmap.importers.validate import POLYGONAL, check_geometry

SKIP = ("window", "no_geometry", "building_outline", "floor_opening")


def is_wrld_main(doc: dict) -> bool:
    return isinstance(doc.get("levels"), list) and any("filename" in lv for lv in doc["levels"])


def is_wrld_floor(doc: dict) -> bool:
    """One floor file of a WRLD map, picked out of its folder: every feature carries WRLD's
    ``type`` and ``roomnumber`` properties (walls, doors, windows, rooms, stairs...)."""
    feats = doc.get("features") or []
    return bool(feats) and all(
        isinstance(f, dict) and {"type", "roomnumber"} <= set(f.get("properties") or {})
        for f in feats[:50]
    )


def read_wrld_floors(ctx: ImportContext, paths: list[Path]) -> None:
    """WRLD floor files without their main.json: one level each (floor number from the file
    name, like plain files); walls, doors and rooms read as in the whole map."""
    from passmap.importers.plain import levels_for_files

    outline = None
    for path in paths:
        for feat in _json(ctx, path).get("features") or []:
            props = feat.get("properties") or {}
            if props.get("type") == "building_outline" and feat.get("geometry") and not outline:
                outline = check_geometry(ctx, feat["geometry"], f"{path.name} outline")
    stem = re.sub(r"[-_ ]*(?:floor|level|lvl|etage|planta|piso|niveau)\b.*$", "", paths[0].stem)
    bid, cid = ensure_building(ctx, stem or paths[0].stem, outline)
    for path, lid in zip(paths, levels_for_files(ctx, bid, [p.name for p in paths])):
        _level_features(ctx, path, cid, bid, lid)


def _json(ctx: ImportContext, path: Path) -> dict:
    try:
        return json.loads(read_bytes_limited(path, ctx.options))
    except json.JSONDecodeError as exc:
        raise ctx.fail(f"{path.name}: not valid JSON ({exc.msg} at line {exc.lineno}).") from None


def read_wrld(ctx: ImportContext, main_path: Path) -> None:
    main = _json(ctx, main_path)
    folder = main_path.parent
    outline = None
    outline_file = next(iter(sorted(folder.glob("*outline*.geojson"))), None)
    if outline_file:
        feats = _json(ctx, outline_file).get("features") or []
        if feats:
            outline = check_geometry(ctx, feats[0]["geometry"], f"{outline_file.name} outline")
    bid, cid = ensure_building(ctx, main.get("name") or main.get("id") or "building", outline)
    for lv in main["levels"]:
        path = folder / Path(str(lv["filename"])).name  # never follow a path out of the folder
        if not path.exists():
            raise ctx.fail(f"level {lv.get('id')!r}: file {lv['filename']!r} is missing.")
        ordinal = int(lv.get("z_order", 0))
        lid = ensure_level(
            ctx,
            bid,
            ordinal,
            lv.get("readable_name") or lv.get("name"),
            f"{bid}-{slug(lv.get('name', ordinal))}",
        )
        _level_features(ctx, path, cid, bid, lid)


def _level_features(ctx, path: Path, cid, bid, lid) -> None:
    for i, feat in enumerate(_json(ctx, path).get("features") or []):
        props = feat.get("properties") or {}
        ftype = str(props.get("type") or "").lower()
        label = f"{path.name} feature {props.get('id', i)}"
        if ftype in SKIP or feat.get("geometry") is None:
            continue
        geom = check_geometry(ctx, feat["geometry"], label)
        oid = f"{lid}-{ftype}-{props.get('id', i)}"
        if ftype == "wall":
            ctx.add(
                "wall",
                {"id": oid, "campus_id": cid, "building_id": bid, "level_id": lid, "geom": geom},
                label,
            )
        elif ftype == "door":
            ctx.add(
                "opening",
                {
                    "id": oid,
                    "campus_id": cid,
                    "building_id": bid,
                    "level_id": lid,
                    "door_class": "interior",
                    "geom": _centre_line(geom),
                    "props": {"wrld": props},
                },
                label,
            )
        elif geom.geom_type in POLYGONAL:
            ctx.add(
                "zone",
                {
                    "id": oid,
                    "campus_id": cid,
                    "building_id": bid,
                    "level_id": lid,
                    "kind": zone_kind(
                        props.get("name") if ftype == "room" else ftype, ctx.options.zone_kind_map
                    ),
                    "name": props.get("name"),
                    "room_number": props.get("roomnumber"),
                    "geom": geom,
                    "props": {"wrld": props},
                },
                label,
            )


def _centre_line(geom):
    """The long axis of a thin door rectangle, as a LineString."""
    rect = shapely.minimum_rotated_rectangle(geom)
    if rect.geom_type != "Polygon":
        return geom.centroid
    c = list(rect.exterior.coords)[:4]
    edges = [(c[i], c[(i + 1) % 4]) for i in range(4)]
    lengths = [LineString(e).length for e in edges]
    k = max(range(4), key=lambda i: lengths[i])
    a, b = edges[k]
    a2, b2 = edges[(k + 2) % 4]
    mid = lambda p, q: ((p[0] + q[0]) / 2, (p[1] + q[1]) / 2)  # noqa: E731
    return LineString([mid(a, b2), mid(b, a2)])
