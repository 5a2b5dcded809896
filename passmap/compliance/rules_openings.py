"""Rule kinds about openings: door attributes, first-responder numbering, the secure entry."""

from __future__ import annotations

import re
from collections import Counter

import numpy as np
import pandas as pd
import shapely

from passmap.compliance.explain import (
    device_phrase,
    distance,
    door_phrase,
    plural,
    type_word,
)
from passmap.compliance.explain import units as explain_units
from passmap.compliance.rulekit import (
    count_phrase,
    judge_units,
    lists_by_unit,
    outcome,
    rule,
    short_ids,
)
from passmap.compliance.rules_controls import ids_by_unit, select_controls
from passmap.values import is_missing

_SCALAR = (bool, str, int, float)
_LEVEL_COLUMN = {"building": "building_id", "campus": "campus_id", "district": "district_id"}


def openings_by_unit(ctx, chosen: pd.DataFrame, level: str, unit_ids) -> list:
    """Opening ids per unit, in the order of ``unit_ids`` (None for none: ``lists_by_unit``);
    a door belongs to both zones it connects."""
    if chosen.empty:
        return [None] * len(unit_ids)
    return _ids_by_unit(lambda c: chosen[c].to_numpy(dtype=object), level, unit_ids)


def _ids_by_unit(column, level: str, unit_ids) -> list:
    """``openings_by_unit`` over columns read by ``column(name) -> array``."""
    ids = column("id")
    if level == "zone":  # its zone's rows, then its other zone's
        return lists_by_unit(
            unit_ids,
            np.concatenate([column("zone_id"), column("to_zone_id")]),
            np.concatenate([ids, ids]),
        )
    return lists_by_unit(unit_ids, column(_LEVEL_COLUMN[level]), ids)


def opening_table(ctx) -> pd.DataFrame:
    """The openings without their geometry (the attribute rules read ids, classes and
    attributes; selecting rows of a GeoDataFrame costs more than the rule's own work in a
    one-campus update). The columns are shared: callers must not modify the frame."""
    if "_opening_table" not in ctx.__dict__:
        o = ctx.openings
        ctx.__dict__["_opening_table"] = pd.DataFrame(
            {k: o[k] for k in o.columns if k != o.geometry.name}, copy=False
        )
    return ctx.__dict__["_opening_table"]


def door_rows(ctx, classes, portable_exterior: bool = False) -> np.ndarray:
    """Row positions in ``opening_table`` of the doors of the classes, in table order; with
    ``portable_exterior`` then the exterior doors of portable classroom buildings not among
    them (a portable's outside door is its classroom door, so lock practices treat it as one).
    Positions, not a frame: a practice reads two or three columns of them."""
    table = opening_table(ctx)
    wanted = table["door_class"].isin(classes).to_numpy()
    rows = np.flatnonzero(wanted)
    if not portable_exterior:
        return rows
    if "_portable_exterior" not in ctx.__dict__:  # the same doors for every practice
        ctx.__dict__["_portable_exterior"] = np.flatnonzero(
            (
                table["building_id"].isin(ctx.portable_buildings)
                & table["door_class"].astype(str).str.startswith("exterior")
            ).to_numpy()
        )
    extra = ctx.__dict__["_portable_exterior"]
    return np.concatenate([rows, extra[~wanted[extra]]])


def door_ok(ctx, rows: np.ndarray, p: dict) -> np.ndarray:
    """Per door at ``rows`` (of ``opening_table``): does it meet the attribute test (or have
    a serving control)?"""
    table = opening_table(ctx)
    tests = []
    if p["attribute"] not in table:
        tests.append(np.zeros(len(rows), dtype=bool))
    else:
        col = table[p["attribute"]].take(rows)
        if p.get("present"):
            tests.append((col.notna() & (col.astype(str).str.strip() != "")).to_numpy())
        if "equals" in p:
            tests.append(col.eq(p["equals"]).fillna(False).astype(bool).to_numpy())
        if "any_of" in p:
            tests.append(col.isin(p["any_of"]).to_numpy())
        if "none_of" in p:
            tests.append(~col.isin(p["none_of"]).to_numpy())
    ok = np.logical_and.reduce(tests) if tests else np.ones(len(rows), dtype=bool)
    if p.get("or_control_types"):
        served = served_openings(ctx, p["or_control_types"])
        ids = table["id"].to_numpy(dtype=object)[rows]
        ok |= np.fromiter((i in served for i in ids), dtype=bool, count=len(ids))
    return ok


def served_openings(ctx, types) -> set:
    """Ids of the openings a control of the types is linked to (once per context and types)."""
    cache = ctx.__dict__.setdefault("_served", {})
    key = tuple(types)
    if key not in cache:
        cache[key] = set(select_controls(ctx, types)["opening_id"].dropna())
    return cache[key]


# What a door needs to pass, in plain words, per attribute the catalog tests.
_NEEDS = {
    "lock_function": "a suitable lock function recorded",
    "lock_inside_operable": "a lock a teacher can set from inside without opening the door",
    "monitored": "door-position monitoring: a door contact or reader linked, or marked monitored",
    "glazing_protection": "security film or ballistic glazing on its vision panel (or none)",
    "access_reader": "an access reader linked to it",
}


def _door_words(ctx, attr: str, rows: np.ndarray) -> list[str]:
    """The attribute's value in words for the doors at ``rows`` (of ``opening_table``)."""
    table = opening_table(ctx)
    if attr not in table:
        return ["not recorded"] * len(rows)
    col = table[attr].take(rows)
    return [
        "not recorded" if m else str(v).lower()
        for v, m in zip(col.tolist(), col.isna().to_numpy().tolist())
    ]


@rule(
    "opening_attribute",
    reads=("openings", "controls"),
    door_classes=(list, True),
    attribute=(str, True),
    present=(bool, False),
    equals=(_SCALAR, False),
    any_of=(list, False),
    none_of=(list, False),
    or_control_types=(list, False),
    live_breaks=(bool, False),
    portable_exterior=(bool, False),
)
def opening_attribute(practice, ctx, units):
    """Every opening of the classes in the unit passes the attribute test (with
    ``portable_exterior`` a portable classroom's outside doors count as classroom doors)."""
    p = practice["check_params"]
    table = opening_table(ctx)
    rows = door_rows(ctx, p["door_classes"], p.get("portable_exterior", False))
    ids = table["id"].to_numpy(dtype=object)[rows]
    ok = door_ok(ctx, rows, p)
    held = np.zeros(len(rows), dtype=bool)  # passes the test, but held or forced open now
    if ctx.live and p.get("live_breaks"):
        breached = ctx.breached_openings
        held = ok & np.fromiter((i in breached for i in ids), dtype=bool, count=len(ids))
        ok &= ~held
    failing = ~ok
    bad_ids = set(ids[failing])
    per_unit = _ids_by_unit(
        lambda c: table[c].to_numpy(dtype=object)[rows],
        practice["scope"]["level"],
        units["scope_id"].to_numpy(),
    )
    what = door_phrase(p["door_classes"])
    attr = p["attribute"]
    needs = _NEEDS.get(attr, f"'{attr}' as the practice says")
    # what each failing door has, in words (all at once: a door is named in both its zones)
    facts = {
        i: f"{i} (held or forced open now)" if h else f"{i} ({attr.replace('_', ' ')}: {v})"
        for i, h, v in zip(ids[failing], held[failing], _door_words(ctx, attr, rows[failing]))
    }
    fact = facts.__getitem__

    def judge(name, ids):
        bad = [i for i in ids if i in bad_ids]
        if not bad:  # the unit's own fresh list of ids is its evidence
            return True, ids, bad, f"{name}: all {plural(len(ids), what)} pass."
        why = (
            f"{name}: {len(bad)} of {plural(len(ids), what)} fail: "
            + ", ".join(fact(i) for i in bad[:4])
            + (f" +{len(bad) - 4} more" if len(bad) > 4 else "")
            + f"; each needs {needs}."
        )
        return False, [i for i in ids if i not in bad_ids], bad, why

    return judge_units(units, per_unit, f"{what}s", judge)


@rule(
    "door_numbering",
    reads=("door_layout",),
    door_classes=(list, True),
    pattern=(str, False),
    primary_number=(str, False),
)
def door_numbering(practice, ctx, units):
    """Door numbers are present, unique within the unit, match the scheme, and the primary
    entrance carries the configured first number."""
    p = practice["check_params"]
    doors = ctx.openings[ctx.openings["door_class"].isin(p["door_classes"])]
    per_unit = openings_by_unit(ctx, doors, practice["scope"]["level"], units["scope_id"])
    pattern = re.compile(p["pattern"]) if p.get("pattern") else None
    numbers = dict(zip(doors["id"], doors["number"]))
    classes = dict(zip(doors["id"], doors["door_class"]))
    ok, sat, blk, why = [], [], [], []
    for name, ids in zip(units["scope_name"], per_unit):
        if not ids:
            ok.append(None), sat.append([]), blk.append([])
            why.append(f"{name}: no exterior doors; not applicable.")
            continue
        problems = _numbering_problems(ids, numbers, classes, pattern, p.get("primary_number"))
        bad = sorted({i for ids_ in problems.values() for i in ids_})
        ok.append(not bad), blk.append(bad), sat.append([i for i in ids if i not in bad])
        why.append(
            f"{name}: {count_phrase(len(ids), 'door')} numbered uniquely."
            if not bad
            else f"{name}: "
            + "; ".join(f"{k} ({short_ids(v)})" for k, v in problems.items() if v)
            + "."
        )
    return outcome(units, ok, sat, blk, why)


def _numbering_problems(ids, numbers, classes, pattern, primary_number) -> dict:
    def num(i):
        v = numbers.get(i)
        return None if is_missing(v) or not str(v).strip() else str(v).strip()

    nums = {i: num(i) for i in ids}
    counts = Counter(n for n in nums.values() if n)
    dup = {n for n, c in counts.items() if c > 1}
    primaries = [i for i in ids if classes.get(i) == "exterior-primary"]
    wrong_primary = []
    if primary_number and primaries and not any(nums[i] == primary_number for i in primaries):
        wrong_primary = primaries
    return {
        "missing number": [i for i, n in nums.items() if n is None],
        "duplicate number": [i for i, n in nums.items() if n in dup],
        "number off the scheme": [
            i for i, n in nums.items() if n and pattern and not pattern.fullmatch(n)
        ],
        f"primary entrance not numbered {primary_number}": wrong_primary,
    }


@rule(
    "secure_entry",
    reads=("door_layout", "controls"),
    uses=("control_zone",),
    requires=(list, True),
    within_m=((int, float), False),
)
def secure_entry(practice, ctx, units):
    """A primary entrance of the unit opens into a vestibule (if required) and has the
    required companion controls (on the door, in the vestibule, or within ``within_m``)."""
    p = practice["check_params"]
    within = float(p.get("within_m", 25))
    doors = ctx.openings[ctx.openings["door_class"] == "exterior-primary"]
    per_unit = openings_by_unit(ctx, doors, practice["scope"]["level"], units["scope_id"])
    vestibules = set(ctx.zones.loc[ctx.zones["kind"] == "vestibule", "id"])
    vest_of = {
        d: sorted({z, t} & vestibules)
        for d, z, t in zip(doors["id"], doors["zone_id"], doors["to_zone_id"])
    }
    found = {
        n: _companions(ctx, doors, n, within, vest_of) for n in p["requires"] if n != "vestibule"
    }
    ok, sat, blk, why = [], [], [], []
    for sid, name, ids in zip(units["scope_id"], units["scope_name"], per_unit):
        if not ids:
            ok.append(False), sat.append([]), blk.append([sid])
            why.append(f"{name}: no primary entrance (exterior-primary door) recorded.")
            continue
        have, missing = min(
            (_entry_check(d, p["requires"], vest_of, found) for d in ids), key=lambda r: len(r[1])
        )
        ok.append(not missing), sat.append(have if not missing else [])
        blk.append([] if not missing else [ids[0]])
        why.append(
            f"{name}: primary entrance has {_needs_words(p['requires'])} ({short_ids(have)})."
            if not missing
            else f"{name}: primary entrance lacks {', '.join(missing)}."
        )
    return outcome(units, ok, sat, blk, why)


def _companions(ctx, doors, need: str, within_m: float, vest_of: dict) -> dict:
    """Door id -> one control of type ``need`` serving it (by opening_id, in its vestibule, or
    within ``within_m`` on the same campus). Vectorised with an STRtree."""
    c = select_controls(ctx, [need])
    out: dict = {}
    door_set = set(doors["id"])
    for oid, cid in zip(c["opening_id"], c["id"]):
        if oid in door_set:
            out.setdefault(oid, cid)
    in_zone = ids_by_unit(ctx, c, "zone")
    for d, vest in vest_of.items():
        for z in vest:
            if in_zone.get(z):
                out.setdefault(d, in_zone[z][0])
    if len(c) and len(doors):
        tree = shapely.STRtree(shapely.points(c[["x_m", "y_m"]].to_numpy(float)))
        di, ci = tree.query(
            shapely.points(doors[["x_m", "y_m"]].to_numpy(float)),
            predicate="dwithin",
            distance=within_m,
        )
        same = doors["campus_id"].to_numpy()[di] == c["campus_id"].to_numpy()[ci]
        for d, cid in zip(doors["id"].to_numpy()[di[same]], c["id"].to_numpy()[ci[same]]):
            out.setdefault(d, cid)
    return out


def _needs_words(requires) -> str:
    return ", ".join("a secure vestibule" if n == "vestibule" else type_word(n) for n in requires)


def _entry_check(door_id, requires, vest_of, found):
    have, missing = [door_id], []
    for need in requires:
        if need == "vestibule":
            (
                have.extend(vest_of[door_id])
                if vest_of[door_id]
                else missing.append("a secure vestibule")
            )
        elif door_id in found[need]:
            have.append(found[need][door_id])
        else:
            missing.append(type_word(need))
    return have, missing


@rule(
    "door_companion",
    reads=("door_layout", "controls"),
    uses=("control_zone",),
    door_classes=(list, True),
    control_types=(list, True),
    within_m=((int, float), False),
    outdoor=(bool, False),
)
def door_companion(practice, ctx, units):
    """Every door of the classes has a device of the types for it: linked to the door, or
    within ``within_m`` of its middle on the same floor or grounds (with ``outdoor``: a
    device outside the rooms, such as a light or a sign at the door)."""
    from passmap.compliance.rules_controls import indoor_rows

    p = practice["check_params"]
    within = float(p.get("within_m", 6.0))
    doors = ctx.openings[ctx.openings["door_class"].isin(p["door_classes"])]
    devices = select_controls(ctx, p["control_types"])
    if p.get("outdoor"):
        devices = devices[~np.isin(devices.index.to_numpy(), indoor_rows(ctx))]
    linked = devices["opening_id"].to_numpy(dtype=object)
    is_linked = np.fromiter((isinstance(o, str) for o in linked), dtype=bool, count=len(linked))
    found = dict(zip(linked[is_linked].tolist(), devices["id"].to_numpy()[is_linked].tolist()))
    nearest = {}
    if len(devices) and len(doors):
        dev_xy = devices[["x_m", "y_m"]].to_numpy(float)
        door_xy = doors[["x_m", "y_m"]].to_numpy(float)
        tree = shapely.STRtree(shapely.points(dev_xy))
        di, ci = tree.query(
            shapely.points(door_xy), predicate="dwithin", distance=max(within, NEAR_DOOR_M)
        )
        # planes coded per door and device (not per pair: a few times fewer texts to code)
        same = (
            ctx.plane_code(doors["plane"].to_numpy())[di]
            == ctx.plane_code(devices["plane"].to_numpy())[ci]
        )
        di, ci = di[same], ci[same]
        gap = np.hypot(*(door_xy[di] - dev_xy[ci]).T)
        order = np.lexsort((gap, di))  # per door, nearest device first
        di, ci, gap = di[order], ci[order], gap[order]
        first = np.r_[True, di[1:] != di[:-1]] if len(di) else np.zeros(0, bool)
        door_ids, dev_ids = doors["id"].to_numpy(), devices["id"].to_numpy()
        nearest = dict(zip(door_ids[di[first]], zip(dev_ids[ci[first]], gap[first])))
        close = first & (gap <= within)
        for d, c in zip(door_ids[di[close]], dev_ids[ci[close]]):
            found.setdefault(d, c)
    per_unit = openings_by_unit(ctx, doors, practice["scope"]["level"], units["scope_id"])
    what, device = door_phrase(p["door_classes"]), device_phrase(p["control_types"])
    system = explain_units()  # read once, not per door
    within_words = distance(within, system)

    def reason(d):
        near = nearest.get(d)
        if not near:
            return f"{d} (none near)"
        return f"{d} (nearest {near[0]} {distance(near[1], system)} away)"

    def judge(name, ids):
        bad = [i for i in ids if i not in found]
        why = (
            f"{name}: every {what} has a {device} within {within_words}."
            if not bad
            else f"{name}: {len(bad)} of {plural(len(ids), what)} without a {device} within "
            f"{within_words}: "
            + ", ".join(reason(d) for d in bad[:4])
            + (f" +{len(bad) - 4} more" if len(bad) > 4 else "")
            + "."
        )
        return not bad, sorted({found[i] for i in ids if i in found}), bad, why

    return judge_units(units, per_unit, f"{what}s", judge)


NEAR_DOOR_M = 30.0  # how far to look for the nearest device a door lacks (for the explanation)
