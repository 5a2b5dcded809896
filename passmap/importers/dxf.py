"""DXF floor plans via ezdxf: walls, doors, rooms and room labels from chosen layers.

Layers: ``options.layers = {"walls": [...], "doors": [...], "rooms": [...], "labels": [...]}``;
when a role is not given, layers whose names look like it (wall, door, room, text) are used,
with a warning. Rooms are closed polylines; a text inside a room names it (a short number-like
text is its room number). Units come from ``$INSUNITS``; the drawing is georeferenced by two or
more control points (drawing x/y -> lon/lat) or by corner coordinates of its extent.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString

from passmap.importers.base import ImportContext, slug
from passmap.importers.dxf_read import Drawing, Rec, read_drawing
from passmap.importers.georef import corners_to_points, fit_transform
from passmap.importers.hierarchy import ensure_building, ensure_level
from passmap.importers.kinds import zone_kind

UNITS_M = {1: 0.0254, 2: 0.3048, 4: 0.001, 5: 0.01, 6: 1.0, 14: 0.1}
GUESS = {
    "walls": r"wall|^a-wall|mur",
    "doors": r"door|puerta",
    "rooms": r"room|space|zone",
    "labels": r"text|txt|label|name",
}
WINDOW = re.compile(r"wind|window|fen[eê]tre|ventana", re.I)
ROOM_NUMBER = re.compile(r"^[A-Za-z]?\d{1,4}[A-Za-z]?$")


def open_drawing(ctx: ImportContext, path: Path) -> Drawing:
    size = Path(path).stat().st_size
    if size > ctx.options.max_bytes:
        raise ctx.fail(
            f"file is {size / 1e6:.1f} MB, over the {ctx.options.max_bytes / 1e6:.0f} "
            "MB import limit."
        )
    try:
        return read_drawing(Path(path))
    except ValueError as exc:
        raise ctx.fail(f"not a readable DXF drawing ({str(exc)[:300]}).") from None


def choose_layers(ctx: ImportContext, drawing: Drawing) -> dict[str, list[str]]:
    names = drawing.layers
    chosen = {}
    for role, pattern in GUESS.items():
        given = ctx.options.layers.get(role)
        if given:
            missing = [n for n in given if n not in names]
            if missing:
                raise ctx.fail(
                    f"layer(s) {', '.join(missing)} for {role} not in the drawing "
                    f"(layers: {', '.join(names)})."
                )
            chosen[role] = list(given)
        else:
            chosen[role] = [n for n in names if re.search(pattern, n, re.I)]
            if chosen[role]:
                ctx.warn(f"no {role} layer chosen; using {', '.join(chosen[role])}.")
    return chosen


def _door_line(rec: Rec, sizes: dict):
    """A door block reference -> the leaf as a line from the hinge along the block's long axis."""
    sx, sy = sizes.get(rec.block, (0.0, 0.0))
    along_y = sy > sx
    w = sy * abs(rec.scale[1]) if along_y else sx * abs(rec.scale[0])
    if w <= 0:
        return rec.geom
    a = np.radians(rec.angle_deg + (90 if along_y else 0))
    x, y = rec.geom.x, rec.geom.y
    return LineString([(x, y), (x + w * np.cos(a), y + w * np.sin(a))])


def collect(ctx: ImportContext, drawing: Drawing, layers: dict[str, list[str]]) -> dict[str, list]:
    """Records of the chosen layers by role, in drawing units (windows on door layers skipped)."""
    unit_m = UNITS_M.get(drawing.insunits, 0.001)
    role_of = {}
    for role in ("labels", "rooms", "doors", "walls"):
        for name in layers.get(role, []):
            role_of.setdefault(name, role)
    found: dict[str, list] = {"walls": [], "doors": [], "rooms": [], "labels": []}
    skipped: dict[str, int] = {}
    for rec in drawing.records:
        role = role_of.get(rec.layer)
        if role is None or rec.geom is None or rec.geom.is_empty:
            continue
        if role == "labels" and rec.kind == "text":
            found["labels"].append((rec.handle, rec.geom, (rec.text or "").strip()))
        elif role == "doors" and rec.kind == "insert":
            if WINDOW.search(rec.block or ""):
                skipped["window blocks"] = skipped.get("window blocks", 0) + 1
                continue
            found["doors"].append((rec.handle, _door_line(rec, drawing.block_sizes)))
        elif role == "doors" and rec.kind == "line":
            if not 0.5 <= rec.geom.length * unit_m <= 3.0:
                skipped["lines not door-sized"] = skipped.get("lines not door-sized", 0) + 1
                continue
            found["doors"].append((rec.handle, rec.geom))
        elif rec.kind in ("line", "polyline", "curve"):
            g = rec.geom
            if role == "rooms" and g.geom_type == "Polygon":
                found["rooms"].append((rec.handle, g))
            elif role in ("walls", "doors"):
                found[role].append((rec.handle, g.exterior if g.geom_type == "Polygon" else g))
    if skipped:
        ctx.warn(
            "on the door layers, skipped " + ", ".join(f"{n} {k}" for k, n in skipped.items()) + "."
        )
    return found


def georeference(ctx: ImportContext, drawing: Drawing, found):
    opts = ctx.options
    points = list(opts.georef)
    if not points and opts.corners:
        geoms = [g for items in found.values() for item in items for g in item[1:2]]
        points = corners_to_points(
            shapely.union_all(geoms).bounds if geoms else (0, 0, 1, 1), opts.corners
        )
    if not points:
        raise ctx.fail(
            "a DXF drawing is in drawing units; give two or more control points "
            '(--georef "x,y,lon,lat;...") or the corners (--corners).'
        )
    try:
        t = fit_transform(points)
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    unit = UNITS_M.get(drawing.insunits)
    if unit and abs(t.scale_m_per_unit / unit - 1) > 0.1:
        ctx.warn(
            f"control points give {t.scale_m_per_unit:.5f} m per drawing unit but $INSUNITS "
            f"says {unit}; check the points."
        )
    if t.rms_m > 0.5:
        ctx.warn(f"control points fit with an RMS error of {t.rms_m:.2f} m.")
    return t


def read_dxf(ctx: ImportContext, path: Path) -> None:
    drawing = open_drawing(ctx, path)
    found = collect(ctx, drawing, choose_layers(ctx, drawing))
    if not any(found[r] for r in ("walls", "doors", "rooms")):
        raise ctx.fail("no walls, doors or rooms found on the chosen layers.")
    t = georeference(ctx, drawing, found)
    geo = {
        role: t.apply(np.array([it[1] for it in items], dtype=object)) if items else []
        for role, items in found.items()
    }
    footprint = shapely.GeometryCollection(list(geo["walls"]) + list(geo["rooms"])).convex_hull
    bid, cid = ensure_building(ctx, Path(path).stem, footprint)
    lid = ensure_level(
        ctx, bid, ctx.options.level_ordinal, ctx.options.level_name, ctx.options.level_id
    )
    base = {"campus_id": cid, "building_id": bid, "level_id": lid}
    names = _label_rooms(found, geo)
    for (handle, _), g in zip(found["walls"], geo["walls"]):
        ctx.bundle["wall"].append({"id": f"{lid}-dxf-{handle}", "geom": g, **base})
    for (handle, _), g in zip(found["doors"], geo["doors"]):
        ctx.bundle["opening"].append(
            {"id": f"{lid}-dxf-{handle}", "door_class": "interior", "geom": g, **base}
        )
    for i, ((handle, _), g) in enumerate(zip(found["rooms"], geo["rooms"])):
        name, number = names.get(i, (None, None))
        g = g if g.is_valid else shapely.make_valid(g)
        ctx.bundle["zone"].append(
            {
                "id": f"{lid}-dxf-{handle}",
                "kind": zone_kind(name, ctx.options.zone_kind_map),
                "name": name,
                "room_number": number,
                "geom": g,
                **base,
            }
        )
    if found["rooms"] and not found["labels"]:
        ctx.warn("rooms have no text labels; they are named after nothing (kind 'other').")
    ctx.warn(
        f"read with {drawing.reader}; georeferenced with "
        f"{len(ctx.options.georef) or len(ctx.options.corners)} "
        f"point(s), RMS {t.rms_m:.2f} m; {len(found['walls'])} walls, "
        f"{len(found['doors'])} doors, {len(found['rooms'])} rooms."
    )


def _label_rooms(found, geo) -> dict[int, tuple[str | None, str | None]]:
    """Room index -> (name, room number) from the texts inside it (drawing coordinates)."""
    if not found["rooms"] or not found["labels"]:
        return {}
    tree = shapely.STRtree([g for _, g in found["rooms"]])
    out: dict[int, list[str]] = {}
    for _, pt, text in found["labels"]:
        for i in tree.query(pt, predicate="within"):
            out.setdefault(int(i), []).append(text)
    result = {}
    for i, texts in out.items():
        number = next((t for t in texts if ROOM_NUMBER.match(t)), None)
        name = next((t for t in texts if t != number), None)
        result[i] = (name or number, number)
    return result


__all__ = ["read_dxf", "slug"]
