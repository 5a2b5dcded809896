"""What real drawings hold besides the plan: far-away stray entities, window and mullion blocks
on the door layer, self-intersecting room outlines, zero-length walls.

Each function works in drawing units on the records of ``dxf_read`` and says what it dropped or
repaired through ``ctx.warn`` (naming the entities), so nothing disappears silently.
"""

from __future__ import annotations

import re

import numpy as np
import shapely

from passmap.importers.base import ImportContext

WINDOW = re.compile(r"wind|window|fen[eê]tre|ventana|vitr|glaz", re.I)
MULLION = re.compile(r"mullion|mull\b|meneau|parteluz|curtain", re.I)
DOOR_WIDTH_M = (0.5, 4.0)  # single leaf to double door / small overhead door
THIN = 0.15  # short side / long side below this: a frame, window or mullion, not a door swing
FAR_FACTOR = 3.0  # entities further than 3 plan-widths from the plan's core are strays


def _names(handles: list[str], limit: int = 4) -> str:
    more = f" and {len(handles) - limit} more" if len(handles) > limit else ""
    return ", ".join(handles[:limit]) + more


def drop_far_entities(ctx: ImportContext, recs: list) -> list:
    """Drop entities lying far outside the drawing's core extent (blocks inserted 13 km away
    shrink the map to a dot). The core: entities whose centres are within the 5-95th
    percentiles; far: a bounding box more than ``FAR_FACTOR`` core sizes beyond it."""
    if len(recs) < 3:
        return recs
    bounds = shapely.bounds(np.array([r.geom for r in recs], dtype=object))
    if not np.isfinite(bounds).all():
        bad = [r.handle for r, b in zip(recs, bounds) if not np.isfinite(b).all()]
        ctx.warn(f"dropped {len(bad)} entit(ies) with unreadable coordinates ({_names(bad)}).")
        keep = np.isfinite(bounds).all(axis=1)
        recs, bounds = [r for r, k in zip(recs, keep) if k], bounds[keep]
    cx, cy = (bounds[:, 0] + bounds[:, 2]) / 2, (bounds[:, 1] + bounds[:, 3]) / 2
    lo_x, hi_x = np.percentile(cx, [5, 95])
    lo_y, hi_y = np.percentile(cy, [5, 95])
    core = (cx >= lo_x) & (cx <= hi_x) & (cy >= lo_y) & (cy <= hi_y)
    x0, y0 = bounds[core, 0].min(), bounds[core, 1].min()
    x1, y1 = bounds[core, 2].max(), bounds[core, 3].max()
    margin = FAR_FACTOR * max(x1 - x0, y1 - y0, 1e-9)
    far = (
        (bounds[:, 2] < x0 - margin)
        | (bounds[:, 0] > x1 + margin)
        | (bounds[:, 3] < y0 - margin)
        | (bounds[:, 1] > y1 + margin)
    )
    if not far.any():
        return recs
    handles = [f"{r.kind} {r.handle} on {r.layer!r}" for r, f in zip(recs, far) if f]
    ctx.warn(
        f"dropped {len(handles)} entit(ies) far outside the drawing ({_names(handles)}); "
        "they would shrink the plan to a dot."
    )
    return [r for r, f in zip(recs, far) if not f]


def door_block_problem(rec, sizes: dict, unit_m: float) -> str | None:
    """Why a block on a door layer is not a door (None when it is one): by name, then size."""
    name = rec.block or ""
    if WINDOW.search(name):
        return "window blocks"
    if MULLION.search(name):
        return "mullion blocks"
    sx, sy = sizes.get(name, (0.0, 0.0))
    sx, sy = sx * abs(rec.scale[0]) * unit_m, sy * abs(rec.scale[1]) * unit_m
    long, short = max(sx, sy), min(sx, sy)
    if long <= 0:
        return None  # an empty block: keep it as a door point, as before
    if not DOOR_WIDTH_M[0] <= long <= DOOR_WIDTH_M[1]:
        return "blocks not door-sized"
    if short / long < THIN:
        return "thin blocks (window or mullion frames)"
    return None


def repair_room(ctx: ImportContext, geom, label: str):
    """A valid polygon for a room outline; self-intersections repaired with a warning."""
    if geom.is_valid:
        return geom
    reason = shapely.is_valid_reason(geom)
    fixed = shapely.make_valid(geom)
    parts = [
        p for p in getattr(fixed, "geoms", [fixed]) if p.geom_type in ("Polygon", "MultiPolygon")
    ]
    fixed = shapely.union_all(parts) if parts else None
    if fixed is None or fixed.is_empty or fixed.area <= 0:
        ctx.warn(f"{label}: outline encloses no area ({reason}); skipped.")
        return None
    if fixed.geom_type == "MultiPolygon":
        biggest = max(fixed.geoms, key=lambda p: p.area)
        if biggest.area >= 0.9 * fixed.area:  # a sliver loop: keep the room itself
            fixed = biggest
    ctx.warn(f"{label}: self-intersecting outline ({reason}) repaired into a polygon.")
    return fixed


def drop_zero_length(ctx: ImportContext, items: list, what: str) -> list:
    """Walls (or door lines) of zero length are refused on re-import: drop them here."""
    keep = [it for it in items if it[1].length > 0]
    if len(keep) < len(items):
        handles = [it[0] for it in items if it[1].length <= 0]
        ctx.warn(f"dropped {len(handles)} zero-length {what} ({_names(handles)}).")
    return keep
