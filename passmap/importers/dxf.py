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
from passmap.importers.dxf_clean import (
    door_block_problem,
    drop_far_entities,
    drop_zero_length,
    repair_room,
)
from passmap.importers.dxf_read import Drawing, Rec, read_drawing
from passmap.importers.georef import fit_placement
from passmap.importers.hierarchy import ensure_building, ensure_level
from passmap.importers.kinds import zone_kind
from passmap.importers.labels import split_label

MAX_PLAN_KM = 20.0  # larger than any campus: a placement beyond it is a wrong point
UNITS_M = {1: 0.0254, 2: 0.3048, 4: 0.001, 5: 0.01, 6: 1.0, 14: 0.1}
GUESS = {
    "walls": r"wall|^a-wall|mur",
    "doors": r"door|puerta",
    "rooms": r"room|space|zone",
    "labels": r"text|txt|label|name",
}


def open_drawing(ctx: ImportContext, path: Path) -> Drawing:
    size = Path(path).stat().st_size
    if size > ctx.options.max_bytes:
        raise ctx.fail(
            f"file is {size / 1e6:.1f} MB, over the {ctx.options.max_bytes / 1e6:.0f} "
            "MB import limit."
        )
    try:
        return read_drawing(Path(path))
    except ValueError as exc:  # the message names the error type only: never file contents
        raise ctx.fail(
            f"not a readable DXF drawing ({str(exc).split(':')[0]}); is it a DXF export "
            "(not a DWG)?"
        ) from None


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
    """Records of the chosen layers by role, in drawing units: far strays dropped, windows and
    mullions on door layers skipped, rooms repaired, zero-length walls dropped (each warned)."""
    unit_m = UNITS_M.get(drawing.insunits, 0.001)
    role_of = {}
    for role in ("labels", "rooms", "doors", "walls"):
        for name in layers.get(role, []):
            role_of.setdefault(name, role)
    recs = [
        r
        for r in drawing.records
        if r.layer in role_of and r.geom is not None and not r.geom.is_empty
    ]
    recs = drop_far_entities(ctx, recs)
    found: dict[str, list] = {"walls": [], "doors": [], "rooms": [], "labels": []}
    skipped: dict[str, int] = {}
    for rec in recs:
        role = role_of[rec.layer]
        if role == "labels" and rec.kind == "text":
            found["labels"].append((rec.handle, rec.geom, (rec.text or "").strip()))
        elif role == "doors" and rec.kind == "insert":
            problem = door_block_problem(rec, drawing.block_sizes, unit_m)
            if problem:
                skipped[problem] = skipped.get(problem, 0) + 1
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
                g = repair_room(ctx, g, f"room {rec.handle} on {rec.layer!r}")
                if g is not None:
                    found["rooms"].append((rec.handle, g))
            elif role in ("walls", "doors"):
                found[role].append((rec.handle, g.exterior if g.geom_type == "Polygon" else g))
    if skipped:
        ctx.warn(
            "on the door layers, skipped " + ", ".join(f"{n} {k}" for k, n in skipped.items()) + "."
        )
    found["walls"] = drop_zero_length(ctx, found["walls"], "walls")
    found["doors"] = drop_zero_length(ctx, found["doors"], "door lines")
    return found


def _extent(found) -> tuple[float, float, float, float]:
    """The drawing extent of what was found (bounds, not a union: invalid input cannot crash)."""
    geoms = [item[1] for items in found.values() for item in items]
    if not geoms:
        return (0.0, 0.0, 1.0, 1.0)
    b = shapely.bounds(np.array(geoms, dtype=object))
    return (b[:, 0].min(), b[:, 1].min(), b[:, 2].max(), b[:, 3].max())


def georeference(ctx: ImportContext, drawing: Drawing, found):
    extent = _extent(found)
    minx, miny, maxx, maxy = extent
    if not ctx.options.georef and ctx.options.corners and max(maxx - minx, maxy - miny) <= 0:
        raise ctx.fail("the drawing has no extent (all entities at one point); nothing to place.")
    t = fit_placement(
        ctx,
        extent,
        "a DXF drawing is in drawing units; place it by two or more control points "
        '(--georef "x,y,lon,lat;...") or its corners (--corners).',
    )
    across_km = max(maxx - minx, maxy - miny) * t.scale_m_per_unit / 1000
    if across_km > MAX_PLAN_KM:
        raise ctx.fail(
            f"the control points make the plan {across_km:,.0f} km across (a campus is at most "
            f"a few km); check the points or corners."
        )
    unit = UNITS_M.get(drawing.insunits)
    if unit and abs(t.scale_m_per_unit / unit - 1) > 0.1:
        ctx.warn(
            f"control points give {t.scale_m_per_unit:.5f} m per drawing unit but $INSUNITS "
            f"says {unit}; check the points."
        )
    if t.rms_m > 0.5:
        ctx.warn(f"control points fit with an RMS error of {t.rms_m:.2f} m.")
    return t


def _place(ctx: ImportContext, t, found) -> dict[str, list]:
    """Every role's geometries in lon/lat; refuse (one sentence) a placement off the Earth."""
    geo = {}
    for role, items in found.items():
        if not items:
            geo[role] = []
            continue
        g = t.apply(np.array([it[1] for it in items], dtype=object))
        b = shapely.bounds(g)
        bad = ~(
            np.isfinite(b).all(axis=1)
            & (b[:, 0] >= -180)
            & (b[:, 2] <= 180)
            & (b[:, 1] >= -90)
            & (b[:, 3] <= 90)
        )
        if bad.any():
            i = int(np.flatnonzero(bad)[0])
            raise ctx.fail(
                f"{role[:-1]} {items[i][0]}: the control points place it at "
                f"{b[i, 0]:.1f}, {b[i, 1]:.1f}, which is not a longitude/latitude; check the "
                "points or corners."
            )
        geo[role] = list(g)
    return geo


def read_dxf(ctx: ImportContext, path: Path) -> None:
    drawing = open_drawing(ctx, path)
    found = collect(ctx, drawing, choose_layers(ctx, drawing))
    if not any(found[r] for r in ("walls", "doors", "rooms")):
        raise ctx.fail("no walls, doors or rooms found on the chosen layers.")
    t = georeference(ctx, drawing, found)
    geo = _place(ctx, t, found)
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
    valid = shapely.is_valid(np.array(geo["rooms"], dtype=object)) if geo["rooms"] else []
    for i, ((handle, _), g) in enumerate(zip(found["rooms"], geo["rooms"])):
        number, name = names.get(i, (None, None))
        g = g if valid[i] else repair_room(ctx, g, f"room {handle}")
        if g is None:
            continue
        ctx.bundle["zone"].append(
            {
                "id": f"{lid}-dxf-{handle}",
                "kind": zone_kind(name or number, ctx.options.zone_kind_map),
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
    """Room index -> (room number, name) from the texts inside it (drawing coordinates)."""
    if not found["rooms"] or not found["labels"]:
        return {}
    tree = shapely.STRtree([g for _, g in found["rooms"]])
    out: dict[int, list[str]] = {}
    for _, pt, text in found["labels"]:
        for i in tree.query(pt, predicate="within"):
            out.setdefault(int(i), []).append(text)
    return {i: split_label(texts) for i, texts in out.items()}


__all__ = ["read_dxf", "slug"]
