"""Rule kinds about camera views: doors/points of interest seen, share of areas seen.

Visibility is exact line of sight in the metric frame (range, angle, walls = building-zone
boundaries minus door gaps): a point is covered when some camera's sight line to it crosses no
wall, which is the same as lying inside that camera's clipped view polygon.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import shapely

from passmap.compliance.explain import area as area_words
from passmap.compliance.explain import device_phrase, distance, door_phrase, plural
from passmap.compliance.explain import units as explain_units
from passmap.compliance.rulekit import (
    group_lists,
    judge_units,
    outcome,
    rule,
    short_ids,
)
from passmap.compliance.rules_controls import ids_per_unit, select_controls
from passmap.compliance.rules_openings import openings_by_unit

LATTICE = 6  # area coverage samples a 6 x 6 grid per zone (about +-5%)
# What one more outdoor camera typically adds to an area's coverage (a 90 deg view of ~30 m,
# less trees and poles): the shortfall of an area practice is priced per camera it needs.
CAMERA_AREA_M2 = 500.0
APPROACH_M = (1.0, 3.0)  # a door counts as seen if its midpoint or its approach is seen


def door_sight_points(doors) -> tuple[np.ndarray, np.ndarray]:
    """Midpoint of each door plus points 1 m and 3 m out along its normal on both sides:
    a camera watching the door or the approach to it sees who uses the door."""
    geoms = np.asarray(doors.geometry.values)
    mid = doors[["x_m", "y_m"]].to_numpy(float)
    start = shapely.get_coordinates(shapely.get_point(geoms, 0)) if len(geoms) else mid
    end = shapely.get_coordinates(shapely.get_point(geoms, -1)) if len(geoms) else mid
    is_line = shapely.get_type_id(geoms) == 1
    d = np.where(is_line[:, None], end - start, 0.0) if len(geoms) else mid * 0
    length = np.hypot(d[:, 0], d[:, 1])
    normal = np.column_stack([-d[:, 1], d[:, 0]]) / np.where(length > 0, length, 1)[:, None]
    pts, owner = [mid], [np.arange(len(mid))]
    for dist in APPROACH_M:
        for sign in (1, -1):
            pts.append(mid + sign * dist * normal)
            owner.append(np.arange(len(mid)))
    return np.vstack(pts), np.concatenate(owner)


@rule(
    "camera_coverage",
    reads=("door_layout", "walls", "cameras", "controls"),
    uses=("control_zone", "_camera_arrays"),
    door_classes=(list, False),
    control_types=(list, False),
)
def camera_coverage(practice, ctx, units):
    """Every target (door of the classes, or control of the types) is seen by a camera."""
    p = practice["check_params"]
    level = practice["scope"]["level"]
    if p.get("door_classes"):
        targets = ctx.openings[ctx.openings["door_class"].isin(p["door_classes"])]
        per_unit = openings_by_unit(ctx, targets, level, units["scope_id"])
        what = door_phrase(p["door_classes"])
    elif p.get("control_types"):
        targets = select_controls(ctx, p["control_types"], online_only=False)
        per_unit = ids_per_unit(ctx, targets.index.to_numpy(), level, units["scope_id"])
        what = device_phrase(p["control_types"])
    else:
        raise ValueError(
            f"practice {practice['id']}: camera_coverage needs door_classes or control_types"
        )
    if p.get("door_classes"):
        xy, owner = door_sight_points(targets)
    else:
        xy, owner = targets[["x_m", "y_m"]].to_numpy(float), np.arange(len(targets))
    ci, ti = ctx.seen(xy, targets["plane"].to_numpy()[owner])
    cam_ids = ctx.cameras["id"].to_numpy()
    pairs = pd.DataFrame({"t": targets["id"].to_numpy()[owner[ti]], "c": cam_ids[ci]})
    pairs = pairs.drop_duplicates().sort_values(["t", "c"])
    seen_by = group_lists(pairs["t"], pairs["c"])

    # The reasons the explanations name (the first three unseen targets of each unit),
    # worked out together: one tree query for all of them, not one per target.
    named = set()
    for ids in per_unit:
        named.update([i for i in ids or () if i not in seen_by][:3])
    reason = _unseen_reasons(ctx, targets, named)

    def judge(name, ids):
        unseen = [i for i in ids if i not in seen_by]
        cams = sorted({c for i in ids for c in seen_by.get(i, [])})
        reasons = "; ".join(f"{i} {reason[i]}" for i in unseen[:3])
        why = (
            f"{name}: all {plural(len(ids), what)} in view of {short_ids(cams)}."
            if not unseen
            else f"{name}: {len(unseen)} of {plural(len(ids), what)} not in any camera's view: "
            + reasons
            + (f"; +{len(unseen) - 3} more" if len(unseen) > 3 else "")
            + "."
        )
        return not unseen, cams, unseen, why

    return judge_units(units, per_unit, f"{what}s", judge)


NEAR_M = 50.0  # how far to look for the camera that "almost" sees a target


def _unseen_reasons(ctx, targets: pd.DataFrame, ids: set) -> dict:
    """{target id: ``why_unseen`` of its representative point} for the ``ids`` of ``targets``."""
    at = targets["id"].isin(ids).to_numpy()
    xy = targets[["x_m", "y_m"]].to_numpy(float)[at]
    return dict(zip(targets["id"].to_numpy()[at], why_unseen_many(ctx, xy, targets["plane"][at])))


def why_unseen(ctx, xy, plane) -> str:
    """Why no camera sees a point, in plain words: no camera near, out of range, outside the
    view angle, or behind a wall (for the nearest camera that is closest to seeing it)."""
    return why_unseen_many(ctx, np.asarray([xy], dtype=float), [plane])[0]


def why_unseen_many(ctx, xy: np.ndarray, planes) -> list[str]:
    """``why_unseen`` of many points (n x 2) at once: one query for the cameras near them."""
    a = ctx._camera_arrays
    if len(a["xy"]) == 0:
        return [f"(no camera within {distance(NEAR_M)})"] * len(xy)
    codes = ctx.plane_code(np.asarray(planes, dtype=object))
    if len(xy) == 0:
        return []
    if "_camera_points" not in ctx.__dict__:  # candidates by a tree, not every camera
        ctx.__dict__["_camera_points"] = shapely.STRtree(shapely.points(a["xy"]))
    pi, rows = ctx.__dict__["_camera_points"].query(
        shapely.points(xy), predicate="dwithin", distance=NEAR_M + 1.0
    )
    order = np.lexsort((rows, pi))  # per point, cameras in camera-row order
    pi, rows = pi[order], rows[order]
    bounds = np.searchsorted(pi, np.arange(len(xy) + 1))
    ids, system = ctx.cameras["id"].to_numpy(), explain_units()  # once, not per point
    return [
        _why_unseen_near(a, ids, system, xy[k], codes[k], rows[bounds[k] : bounds[k + 1]])
        for k in range(len(xy))
    ]


def _why_unseen_near(a: dict, ids: np.ndarray, system: str, xy, code, rows) -> str:
    """``why_unseen`` of one point given the rows of the cameras near it (ascending), the
    cameras' ids and the unit system of distances."""
    d = a["xy"][rows] - xy
    dist = np.hypot(d[:, 0], d[:, 1])
    keep = (dist <= NEAR_M) & (a["plane"][rows] == code)
    near, d, dist = rows[keep], d[keep], dist[keep]  # cameras near, in camera-row order
    if len(near) == 0:
        return f"(no camera within {distance(NEAR_M, system)})"
    toward = np.degrees(np.arctan2(-d[:, 0], -d[:, 1]))
    off = np.abs((toward - a["bearing"][near] + 180.0) % 360.0 - 180.0)
    in_range = dist <= a["range"][near]
    in_angle = (off <= a["fov"][near] / 2) | (a["fov"][near] >= 360)
    both = np.flatnonzero(in_range & in_angle)
    if len(both):
        k = both[np.argmin(dist[both])]
        return f"(behind a wall for {ids[near[k]]}, {distance(dist[k], system)} away)"
    ranged = np.flatnonzero(in_range)
    if len(ranged):
        k = ranged[np.argmin(off[ranged] - a["fov"][near][ranged] / 2)]
        turn = off[k] - a["fov"][near][k] / 2
        return f"(outside the view angle of {ids[near[k]]}: {turn:.0f}° beyond its field of view)"
    k = int(np.argmin(dist - a["range"][near]))
    return (
        f"(out of range: {ids[near[k]]} is {distance(dist[k], system)} away and reaches "
        f"{distance(a['range'][near[k]], system)})"
    )


def zone_samples(zones) -> tuple[np.ndarray, np.ndarray]:
    """A LATTICE x LATTICE grid over each zone's bounding box, kept where inside the zone
    (a zone too thin for any lattice point gets its representative point): (xy, zone row).
    Vectorised over all zones at once."""
    polys = np.asarray(zones.geometry.values)
    if len(polys) == 0:
        return np.empty((0, 2)), np.empty(0, dtype=int)
    b = shapely.bounds(polys)
    frac = (np.arange(LATTICE) + 0.5) / LATTICE
    fx, fy = np.meshgrid(frac, frac)
    x = b[:, [0]] + (b[:, [2]] - b[:, [0]]) * fx.ravel()
    y = b[:, [1]] + (b[:, [3]] - b[:, [1]]) * fy.ravel()
    owner = np.repeat(np.arange(len(polys)), LATTICE * LATTICE)
    x, y = x.ravel(), y.ravel()
    inside = shapely.contains_xy(polys[owner], x, y)
    has_sample = np.zeros(len(polys), dtype=bool)
    has_sample[owner[inside]] = True  # (np.setdiff1d hashes: ~0.1 s on the large district)
    empty = np.flatnonzero(~has_sample)
    rep = shapely.get_coordinates(shapely.point_on_surface(polys[empty])).reshape(-1, 2)
    xy = np.vstack([np.column_stack([x[inside], y[inside]]), rep])
    return xy, np.concatenate([owner[inside], empty])


@rule(
    "area_coverage",
    reads=("door_layout", "walls", "cameras"),
    uses=("_camera_arrays",),
    zone_kinds=(list, True),
    min_share=((int, float), True),
    camera_area_m2=((int, float), False),
)
def area_coverage(practice, ctx, units):
    """At least ``min_share`` of the area of zones of the kinds (per unit) is in camera view."""
    p = practice["check_params"]
    zones = ctx.zones[ctx.zones["kind"].isin(p["zone_kinds"])].reset_index(drop=True)
    xy, owner = zone_samples(zones)
    _, ti = ctx.seen(xy, zones["plane"].to_numpy()[owner]) if len(xy) else ([], np.empty(0, int))
    hit = np.zeros(len(xy), dtype=bool)
    hit[ti] = True
    n = len(zones)  # share of each zone's samples in view, then area-weighted per unit
    share = np.bincount(owner, weights=hit, minlength=n) / np.maximum(
        np.bincount(owner, minlength=n), 1
    )
    area = shapely.area(np.asarray(zones.geometry.values))
    ids = zones["id"].to_numpy()
    col = {
        "zone": "id",
        "building": "building_id",
        "campus": "campus_id",
        "district": "district_id",
    }[practice["scope"]["level"]]
    rows_of = group_lists(zones[col].to_numpy(), np.arange(n))
    need, what = float(p["min_share"]), " and ".join(k.replace("_", " ") for k in p["zone_kinds"])
    per_camera_m2 = float(p.get("camera_area_m2", CAMERA_AREA_M2))
    ok, sat, blk, why, items = [], [], [], [], []
    for sid, name in zip(units["scope_id"], units["scope_name"]):
        rows = rows_of.get(sid)
        if rows is None:
            ok.append(None), sat.append([]), blk.append([]), items.append(0)
            why.append(f"{name}: no {what} areas; not applicable.")
            continue
        g_share, g_area = share[rows], area[rows]
        got = float((g_share * g_area).sum() / max(g_area.sum(), 1e-9))
        ok.append(got >= need), sat.append(ids[rows][g_share >= need].tolist())
        blk.append([] if got >= need else ids[rows][g_share < need].tolist())
        short_m2 = max(need - got, 0.0) * float(g_area.sum())
        items.append(math.ceil(short_m2 / per_camera_m2) if got < need else 0)
        why.append(
            f"{name}: {got:.0%} of the {what} area is in camera view (needs {need:.0%})"
            + (
                f"; {area_words(short_m2)} more to cover, about {plural(items[-1], 'camera')}"
                if got < need
                else ""
            )
            + "."
        )
    out = outcome(units, ok, sat, blk, why)
    out["items"] = items
    return out
