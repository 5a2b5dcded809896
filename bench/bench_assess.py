"""Benchmark the compliance engine on a large synthetic district.

    .venv/bin/python bench/bench_assess.py [--db /tmp/passmap-bench/large.duckdb] [--campuses 200]

Measures (wall and CPU seconds, best of --repeat runs):
- the full assessment (load from DuckDB + every practice over every scope + tiers + gaps);
- ``result.matrix`` for every campus (per-scope calls after one grouping);
- the re-assessment of one building after an edit (``result.update_building``), checked equal
  to a full run (the first call after a full run is reported apart: it indexes the rows per
  campus once);
- a naive baseline in the same run: per practice, per unit, shapely predicates without any
  spatial index (control in zone: every control of the type tested against the zone polygon;
  camera coverage: every camera's wedge tested for every door, then the sight line against
  every wall; area coverage: every sample point of the zone against every camera's wedge and
  walls). The naive cost is timed on a random sample of units per practice and extrapolated to
  all units (said so in the output). Non-spatial practices are left out of the naive total, so
  the ratio is conservative;
- the anchor: one DuckDB grid-keyed join of 200k control points x every zone's bounding box (the
  store's ``anchor_point_box_join``), best of --repeat. It measures the machine, so the ratio
  engine / anchor (full assessment wall / anchor wall) is the figure that travels between
  machines and loads (goal: at most 20);
- peak memory (ru_maxrss) of the process.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import time
from pathlib import Path

import numpy as np
import pandas as pd
import shapely

from passmap.catalog import load_starter
from passmap.compliance import assess
from passmap.compliance.context import Context, load_inputs
from passmap.compliance.rules_coverage import door_sight_points, zone_samples
from passmap.geometry import wedge_polygon
from passmap.store import Store

SPATIAL = ("control_in_zone", "camera_coverage", "area_coverage")


def timed(fn, repeat=1):
    best = None
    for _ in range(repeat):
        w0, c0 = time.perf_counter(), time.process_time()
        out = fn()
        w, c = time.perf_counter() - w0, time.process_time() - c0
        best = (w, c, out) if best is None or w < best[0] else best
    return best


def ensure_db(path: Path, campuses: int) -> None:
    if not path.exists():
        from passmap.demo.large import generate_large

        print(f"generating {campuses} campuses into {path} ...", flush=True)
        print(generate_large(path, campuses=campuses))
    with Store(path) as store:
        if store.list_practices("v7").empty:
            load_starter(store, "v7")


def edit_one_building(store, building_id: str) -> None:
    """Flip the inside-lock flag of the building's classroom doors (a realistic bulk edit)."""
    doors = store.list_openings(building_id=building_id)
    doors = doors[doors["door_class"] == "classroom"]
    rows = []
    for r in doors.to_dict("records"):
        r["geom"] = r.pop("geometry")
        r["lock_inside_operable"] = not bool(r["lock_inside_operable"])
        rows.append(r)
    store.write_sites({"opening": rows}, replace=True, label="bench-edit")


# -- naive baseline ---------------------------------------------------------------------------


def anchor_frames(result, n_points: int = 200_000) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Up to ``n_points`` control points and every zone's bounding box, in metres."""
    c = result.ctx.controls
    pts = pd.DataFrame({"x": c["x_m"].to_numpy(float), "y": c["y_m"].to_numpy(float)})
    boxes = result.ctx.zones.geometry.bounds.reset_index(drop=True)
    return pts.iloc[:n_points].reset_index(drop=True), boxes


def naive_control_in_zone(ctx, practice, units) -> None:
    types = practice["check_params"]["control_types"]
    c = ctx.controls[ctx.controls["type"].isin(types)]
    xs, ys = c["x_m"].to_numpy(), c["y_m"].to_numpy()
    zones = ctx.zones.set_index("id").geometry
    for zid in units:
        shapely.contains_xy(zones[zid], xs, ys).sum()


def _naive_seen(ctx, wedges, cams, walls, xy) -> bool:
    hit = shapely.contains_xy(wedges, xy[0], xy[1])
    for i in np.flatnonzero(hit):
        line = shapely.LineString([(cams[i, 0], cams[i, 1]), tuple(xy)])
        if not shapely.intersects(walls, line).any():
            return True
    return False


def naive_camera_coverage(ctx, wedges, cams, walls, practice, units) -> None:
    classes = practice["check_params"].get("door_classes")
    if classes:
        doors = ctx.openings[ctx.openings["door_class"].isin(classes)]
        by_unit = doors.groupby(
            doors["building_id"] if practice["scope"]["level"] == "building" else doors["campus_id"]
        )
        for unit in units:
            if unit not in by_unit.groups:
                continue
            g = by_unit.get_group(unit)
            xy, _ = door_sight_points(g)
            for p in xy:
                _naive_seen(ctx, wedges, cams, walls, p)


def naive_area_coverage(ctx, wedges, cams, walls, practice, units) -> None:
    kinds = practice["check_params"]["zone_kinds"]
    z = ctx.zones[ctx.zones["kind"].isin(kinds) & ctx.zones["campus_id"].isin(units)]
    xy, _ = zone_samples(z)
    for p in xy:
        _naive_seen(ctx, wedges, cams, walls, p)


def naive_estimate(store, sample: int, seed: int = 1) -> tuple[float, str]:
    ctx = Context(load_inputs(store))
    practices = store.list_practices("v7").to_dict("records")
    cams_df = ctx.cameras
    cams = cams_df[["x_m", "y_m"]].to_numpy()
    wedges = np.array(
        [
            wedge_polygon(x, y, b, f, r)
            for x, y, b, f, r in zip(
                cams[:, 0],
                cams[:, 1],
                cams_df["bearing_deg"],
                cams_df["fov_deg"],
                cams_df["range_m"],
            )
        ]
    )
    walls = ctx.walls[0]
    rng = random.Random(seed)
    total, notes = 0.0, []
    for p in practices:
        if p["check_kind"] not in SPATIAL:
            continue
        units = ctx.units(p["scope"])["scope_id"].tolist()
        if not units:
            continue
        picked = rng.sample(units, min(sample, len(units)))
        t0 = time.perf_counter()
        if p["check_kind"] == "control_in_zone" and p["scope"]["level"] == "zone":
            naive_control_in_zone(ctx, p, picked)
        elif p["check_kind"] == "camera_coverage":
            naive_camera_coverage(ctx, wedges, cams, walls, p, picked)
        elif p["check_kind"] == "area_coverage":
            naive_area_coverage(ctx, wedges, cams, walls, p, picked)
        else:
            continue
        per_unit = (time.perf_counter() - t0) / len(picked)
        total += per_unit * len(units)
        notes.append(f"{p['id']} {p['check_kind']}: {per_unit * 1000:.1f} ms/unit x {len(units)}")
    return total, "\n  ".join(notes)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", default="/tmp/passmap-bench/large.duckdb")
    ap.add_argument("--campuses", type=int, default=200)
    ap.add_argument("--repeat", type=int, default=2)
    ap.add_argument("--sample", type=int, default=20, help="units per practice for the naive run")
    args = ap.parse_args()
    path = Path(args.db)
    ensure_db(path, args.campuses)
    print(f"load average before: {os.getloadavg()}")
    with Store(path) as store:
        stats = store.stats()["totals"]
        print(
            f"district: {stats['campuses']} campuses, {stats['buildings']} buildings, "
            f"{stats['zones']} zones, {stats['openings']} openings, {stats['controls']} controls"
        )
        full_w, full_c, result = timed(lambda: assess(store), args.repeat)
        print(
            f"full assessment: {full_w:.2f} s wall, {full_c:.2f} s CPU, "
            f"{len(result.findings)} findings, {len(result.tiers)} scopes; peak memory so far "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"
        )
        pts, boxes = anchor_frames(result)
        join_w, join_c, pairs = timed(
            lambda: store.anchor_point_box_join(pts, boxes), max(args.repeat, 3)
        )
        print(
            f"anchor: DuckDB join of {len(pts)} points x {len(boxes)} zone boxes "
            f"({pairs} pairs): {join_w:.3f} s wall, {join_c:.3f} s CPU; "
            f"ratio engine / anchor (full, wall): {full_w / join_w:.1f} (goal <= 20)"
        )
        campus_ids = result.ctx.inputs.campuses["id"].tolist()
        mx_w, mx_c, _ = timed(lambda: [result.matrix(c) for c in campus_ids])
        print(
            f"matrix of every campus ({len(campus_ids)} calls, the first groups the findings): "
            f"{mx_w * 1000:.0f} ms wall, {mx_c * 1000:.0f} ms CPU"
        )
        building = result.ctx.inputs.buildings["id"].iloc[len(result.ctx.inputs.buildings) // 2]
        edit_one_building(store, building)
        first_w, first_c, _ = timed(lambda: result.update_building(store, building))
        print(
            f"first re-assessment after the full run (indexes rows per campus once): "
            f"{first_w * 1000:.0f} ms wall, {first_c * 1000:.0f} ms CPU"
        )
        runs = [
            timed(lambda: result.update_building(store, building))
            for _ in range(max(args.repeat, 7))
        ]
        inc_w, inc_c, quick = min(runs, key=lambda r: r[0])
        median_w = sorted(r[0] for r in runs)[len(runs) // 2]
        check = assess(store)
        same = quick.tiers == check.tiers
        print(
            f"re-assess one building ({building}) after an edit, best of {len(runs)}: "
            f"{inc_w * 1000:.0f} ms wall, {inc_c * 1000:.0f} ms CPU (median "
            f"{median_w * 1000:.0f} ms wall); equals a full run: {same}; practices "
            f"evaluated again in its campus: {sum(map(len, quick.rerun.values()))} of "
            f"{len(result.practices)} (the rest kept: nothing they read changed)"
        )
        naive_s, notes = naive_estimate(store, args.sample)
        print(
            f"naive baseline (spatial practices only, sampled {args.sample} units/practice, "
            f"extrapolated): {naive_s:.0f} s\n  {notes}"
        )
        print(f"ratio naive / engine (full, wall): {naive_s / full_w:.0f}x")
    print(f"peak memory: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"load average after: {os.getloadavg()}")


if __name__ == "__main__":
    main()
