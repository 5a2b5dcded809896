"""Rule kinds about placed controls: presence per zone or scope, procedures, tests, health."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pandas as pd

from passmap.compliance.rulekit import count_phrase, group_lists, outcome, rule, short_ids

_LEVEL_COLUMN = {"building": "building_id", "campus": "campus_id", "district": "district_id"}


def attrs_match(attrs, want: dict) -> bool:
    """``want`` values must equal the control's attrs; the value "*" means "present"."""
    if isinstance(attrs, str):  # the engine loads attrs as JSON text and parses on demand
        attrs = json.loads(attrs)
    a = attrs if isinstance(attrs, dict) else {}
    return all((a.get(k) not in (None, "")) if v == "*" else a.get(k) == v for k, v in want.items())


def select_controls(ctx, types, attrs: dict | None = None, online_only: bool = True):
    """Controls of the types (with the attrs; online ones in a live assessment), selected once
    per context for each distinct request (many practices ask for the same types). The frame
    is shared: callers must not modify it."""
    cache = ctx.__dict__.setdefault("_selected", {})
    key = (tuple(types), json.dumps(attrs, sort_keys=True), online_only)
    if key not in cache:
        cache[key] = _select_controls(ctx, types, attrs, online_only)
    return cache[key]


def _select_controls(ctx, types, attrs, online_only):
    c = ctx.controls
    chosen = c[c["type"].isin(types)]
    if attrs:
        # Attrs are JSON text: a row whose text does not name a wanted key cannot match
        # (for plain keys and non-null wanted values), so only the others are parsed.
        keys = [f'"{k}"' for k in attrs]
        quick = all(k.isidentifier() for k in attrs) and None not in attrs.values()
        chosen = chosen[
            [
                (not quick or not isinstance(a, str) or all(k in a for k in keys))
                and attrs_match(a, attrs)
                for a in chosen["attrs"]
            ]
        ]
    if online_only and ctx.live and ctx.offline_controls:
        chosen = chosen[~chosen["id"].isin(ctx.offline_controls)]
    return chosen


def ids_by_unit(ctx, chosen: pd.DataFrame, level: str) -> dict:
    """Control ids per scope unit id."""
    if chosen.empty:
        return {}
    if level == "zone":
        pairs = ctx.control_zone
        mask = np.zeros(len(ctx.controls), dtype=bool)
        mask[chosen.index.to_numpy()] = True  # controls keep their row positions
        pairs = pairs[mask[pairs["control_row"].to_numpy()]]
        return group_lists(pairs["zone_id"], pairs["control_id"])
    return group_lists(chosen[_LEVEL_COLUMN[level]], chosen["id"])


@rule("control_in_zone", control_types=(list, True), min_count=(int, False), attrs=(dict, False))
def control_in_zone(practice, ctx, units):
    """At least ``min_count`` controls of the types (with attrs) in each unit."""
    p = practice["check_params"]
    types, need = p["control_types"], p.get("min_count", 1)
    found = ids_by_unit(
        ctx, select_controls(ctx, types, p.get("attrs")), practice["scope"]["level"]
    )
    what = "/".join(types) + (
        " with " + ", ".join(f"{k}" for k in p["attrs"]) if p.get("attrs") else ""
    )
    ok, sat, blk, why = [], [], [], []
    for sid, name in zip(units["scope_id"], units["scope_name"]):
        ids = found.get(sid, [])
        ok.append(len(ids) >= need)
        sat.append(ids), blk.append([] if len(ids) >= need else [sid])
        why.append(
            f"{name}: {count_phrase(len(ids), what)} ({short_ids(ids)})."
            if len(ids) >= need
            else f"{name}: {len(ids)} of {need} {what} needed"
            + (f" (has {short_ids(ids)})." if ids else ".")
        )
    return outcome(units, ok, sat, blk, why)


def _per_control_check(practice, ctx, units, bad_mask_fn, problem: str, online_only=False):
    """Shared shape: controls of the types in each unit; the unit is in place when none is bad."""
    p = practice["check_params"]
    chosen = select_controls(ctx, p["control_types"], online_only=online_only)
    bad = chosen[bad_mask_fn(chosen)]
    level = practice["scope"]["level"]
    all_ids, bad_ids = ids_by_unit(ctx, chosen, level), ids_by_unit(ctx, bad, level)
    ok, sat, blk, why = [], [], [], []
    for sid, name in zip(units["scope_id"], units["scope_name"]):
        ids, b = all_ids.get(sid, []), bad_ids.get(sid, [])
        if not ids:
            ok.append(None), sat.append([]), blk.append([])
            why.append(f"{name}: no {'/'.join(p['control_types'])} placed; not applicable.")
            continue
        bset = set(b)
        ok.append(not b), blk.append(b), sat.append([i for i in ids if i not in bset])
        why.append(
            f"{name}: all {count_phrase(len(ids), 'device')} fine."
            if not b
            else f"{name}: {len(b)} of {count_phrase(len(ids), 'device')} {problem} "
            f"({short_ids(b)})."
        )
    return outcome(units, ok, sat, blk, why)


@rule("procedure_attached", control_types=(list, True))
def procedure_attached(practice, ctx, units):
    """Every technology control of the types has a written procedure attached."""
    return _per_control_check(
        practice,
        ctx,
        units,
        lambda c: c["procedure_doc"].isna() | (c["procedure_doc"] == ""),
        "have no written procedure",
    )


@rule("maintenance", control_types=(list, True), within_days=(int, True))
def maintenance(practice, ctx, units):
    """Devices of the types were tested within N days of the assessment date."""
    days = practice["check_params"]["within_days"]
    limit = pd.Timestamp(ctx.as_of - timedelta(days=days))

    def stale(c):
        tested = pd.to_datetime(c["last_tested_on"], errors="coerce")
        return tested.isna() | (tested < limit)

    return _per_control_check(practice, ctx, units, stale, f"not tested in {days} days")


@rule("live_health", live_only=True, control_types=(list, True))
def live_health(practice, ctx, units):
    """Devices of the types are online now (effective assessments only)."""
    return _per_control_check(
        practice, ctx, units, lambda c: c["id"].isin(ctx.offline_controls), "offline now"
    )
