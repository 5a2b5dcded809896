"""Rule kinds about openings: door attributes, first-responder numbering, the secure entry."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from passmap.compliance.rules import count_phrase, outcome, rule, short_ids
from passmap.compliance.rules_controls import select_controls

_SCALAR = (bool, str, int, float)
_LEVEL_COLUMN = {"building": "building_id", "campus": "campus_id", "district": "district_id"}


def openings_by_unit(ctx, chosen: pd.DataFrame, level: str) -> dict:
    """Opening ids per unit; a door belongs to both zones it connects."""
    if chosen.empty:
        return {}
    if level == "zone":
        pairs = pd.concat([chosen[["id", "zone_id"]],
                           chosen[["id", "to_zone_id"]].rename(columns={"to_zone_id": "zone_id"})])
        return pairs.dropna().groupby("zone_id")["id"].agg(list).to_dict()
    return chosen.groupby(_LEVEL_COLUMN[level])["id"].agg(list).to_dict()


def door_ok(ctx, doors: pd.DataFrame, p: dict) -> pd.Series:
    """Per door: does it meet the attribute test (or have a serving control)?"""
    attr = p["attribute"]
    if attr not in doors:
        ok = pd.Series(False, index=doors.index)
    else:
        col = doors[attr]
        ok = pd.Series(True, index=doors.index)
        if p.get("present"):
            ok &= col.notna() & (col.astype(str).str.strip() != "")
        if "equals" in p:
            ok &= col.eq(p["equals"]).fillna(False).astype(bool)
        if "any_of" in p:
            ok &= col.isin(p["any_of"])
        if "none_of" in p:
            ok &= ~col.isin(p["none_of"])
    if p.get("or_control_types"):
        served = select_controls(ctx, p["or_control_types"])["opening_id"].dropna()
        ok |= doors["id"].isin(set(served))
    return ok


@rule("opening_attribute", door_classes=(list, True), attribute=(str, True), present=(bool, False),
      equals=(_SCALAR, False), any_of=(list, False), none_of=(list, False),
      or_control_types=(list, False), live_breaks=(bool, False))
def opening_attribute(practice, ctx, units):
    """Every opening of the classes in the unit passes the attribute test."""
    p = practice["check_params"]
    doors = ctx.openings[ctx.openings["door_class"].isin(p["door_classes"])]
    ok_door = door_ok(ctx, doors, p)
    breached = set()
    if ctx.live and p.get("live_breaks"):
        breached = set(doors["id"]) & ctx.breached_openings
        ok_door &= ~doors["id"].isin(breached)
    bad_ids = set(doors.loc[~ok_door, "id"])
    per_unit = openings_by_unit(ctx, doors, practice["scope"]["level"])
    what = "/".join(p["door_classes"]) + " door"
    ok, sat, blk, why = [], [], [], []
    for sid, name in zip(units["scope_id"], units["scope_name"]):
        ids = per_unit.get(sid, [])
        if not ids:
            ok.append(None), sat.append([]), blk.append([])
            why.append(f"{name}: no {what}s; not applicable.")
            continue
        bad = [i for i in ids if i in bad_ids]
        ok.append(not bad), blk.append(bad), sat.append([i for i in ids if i not in bad_ids])
        live_note = [i for i in bad if i in breached]
        why.append(f"{name}: all {count_phrase(len(ids), what)} meet '{p['attribute']}'." if not bad
                   else f"{name}: {len(bad)} of {count_phrase(len(ids), what)} fail "
                   f"'{p['attribute']}' ({short_ids(bad)})"
                   + (f"; held open now: {short_ids(live_note)}" if live_note else "") + ".")
    return outcome(units, ok, sat, blk, why)


@rule("door_numbering", door_classes=(list, True), pattern=(str, False),
      primary_number=(str, False))
def door_numbering(practice, ctx, units):
    """Door numbers are present, unique within the unit, match the scheme, and the primary
    entrance carries the configured first number."""
    p = practice["check_params"]
    doors = ctx.openings[ctx.openings["door_class"].isin(p["door_classes"])]
    per_unit = openings_by_unit(ctx, doors, practice["scope"]["level"])
    pattern = re.compile(p["pattern"]) if p.get("pattern") else None
    numbers = dict(zip(doors["id"], doors["number"]))
    classes = dict(zip(doors["id"], doors["door_class"]))
    ok, sat, blk, why = [], [], [], []
    for sid, name in zip(units["scope_id"], units["scope_name"]):
        ids = per_unit.get(sid, [])
        if not ids:
            ok.append(None), sat.append([]), blk.append([])
            why.append(f"{name}: no exterior doors; not applicable.")
            continue
        problems = _numbering_problems(ids, numbers, classes, pattern, p.get("primary_number"))
        bad = sorted({i for ids_ in problems.values() for i in ids_})
        ok.append(not bad), blk.append(bad), sat.append([i for i in ids if i not in bad])
        why.append(f"{name}: {count_phrase(len(ids), 'door')} numbered uniquely." if not bad else
                   f"{name}: " + "; ".join(f"{k} ({short_ids(v)})" for k, v in problems.items() if v)
                   + ".")
    return outcome(units, ok, sat, blk, why)


def _numbering_problems(ids, numbers, classes, pattern, primary_number) -> dict:
    def num(i):
        v = numbers.get(i)
        return None if v is None or (isinstance(v, float) and np.isnan(v)) or not str(v).strip() \
            else str(v).strip()
    nums = {i: num(i) for i in ids}
    counts = pd.Series([n for n in nums.values() if n]).value_counts()
    dup = {n for n, c in counts.items() if c > 1}
    primaries = [i for i in ids if classes.get(i) == "exterior-primary"]
    wrong_primary = []
    if primary_number and primaries and not any(nums[i] == primary_number for i in primaries):
        wrong_primary = primaries
    return {"missing number": [i for i, n in nums.items() if n is None],
            "duplicate number": [i for i, n in nums.items() if n in dup],
            "number off the scheme": [i for i, n in nums.items()
                                      if n and pattern and not pattern.fullmatch(n)],
            f"primary entrance not numbered {primary_number}": wrong_primary}


@rule("secure_entry", requires=(list, True), within_m=((int, float), False))
def secure_entry(practice, ctx, units):
    """A primary entrance of the unit opens into a vestibule (if required) and has the
    required companion controls (on the door, in the vestibule, or within ``within_m``)."""
    p = practice["check_params"]
    within = float(p.get("within_m", 25))
    doors = ctx.openings[ctx.openings["door_class"] == "exterior-primary"]
    per_unit = openings_by_unit(ctx, doors, practice["scope"]["level"])
    vestibules = set(ctx.zones.loc[ctx.zones["kind"] == "vestibule", "id"])
    door_rows = doors.set_index("id")
    cz = ctx.control_zone
    in_vest = cz[cz["zone_id"].isin(vestibules)].groupby("zone_id")["control_id"].agg(set)
    by_type = {n: dict(tuple(select_controls(ctx, [n]).groupby("campus_id")))
               for n in p["requires"] if n != "vestibule"}
    ok, sat, blk, why = [], [], [], []
    for sid, name in zip(units["scope_id"], units["scope_name"]):
        ids = per_unit.get(sid, [])
        if not ids:
            ok.append(False), sat.append([]), blk.append([sid])
            why.append(f"{name}: no primary entrance (exterior-primary door) recorded.")
            continue
        best = min((_entry_check(door_rows.loc[d], d, p["requires"], within, vestibules,
                                 by_type, in_vest)
                    for d in ids), key=lambda r: len(r[1]))
        found, missing = best
        ok.append(not missing), sat.append(found if not missing else [])
        blk.append([] if not missing else [ids[0]])
        why.append(f"{name}: primary entrance has {', '.join(p['requires'])} ({short_ids(found)})."
                   if not missing else f"{name}: primary entrance lacks {', '.join(missing)}.")
    return outcome(units, ok, sat, blk, why)


def _entry_check(door, door_id, requires, within_m, vestibules, by_type, in_vest):
    found, missing = [door_id], []
    sides = {door["zone_id"], door["to_zone_id"]} - {None}
    vest = sorted(z for z in sides if z in vestibules)
    for need in requires:
        if need == "vestibule":
            (found.extend(vest) if vest else missing.append("a secure vestibule"))
            continue
        c = by_type[need].get(door["campus_id"])
        if c is None:
            missing.append(need.replace("_", " "))
            continue
        near = np.hypot(c["x_m"] - door["x_m"], c["y_m"] - door["y_m"]) <= within_m
        vest_ids = set().union(*(in_vest.get(z, set()) for z in vest))
        hits = c[(c["opening_id"] == door_id) | near | c["id"].isin(vest_ids)]
        (found.append(hits["id"].iloc[0]) if len(hits) else missing.append(need.replace("_", " ")))
    return found, missing
