"""Rule kinds about placed controls: presence per zone or scope, procedures, tests, health."""

from __future__ import annotations

import json
from datetime import timedelta

import numpy as np
import pandas as pd

from passmap.compliance.explain import day, device_phrase, lacking, plural, type_word
from passmap.compliance.rulekit import group_lists, lists_by_unit, outcome, rule, short_ids

_LEVEL_COLUMN = {"building": "building_id", "campus": "campus_id", "district": "district_id"}


def attrs_match(attrs, want: dict) -> bool:
    """``want`` values must equal the control's attrs; "*" means "present", a list "any of".

    >>> attrs_match('{"destination": "police", "silent": true}',
    ...             {"silent": True, "destination": ["police", "911-psap"]})
    True
    """
    if isinstance(attrs, str):  # the engine loads attrs as JSON text and parses on demand
        attrs = json.loads(attrs)
    a = attrs if isinstance(attrs, dict) else {}

    def ok(k, v):
        if v == "*":
            return a.get(k) not in (None, "")
        if isinstance(v, list):
            return a.get(k) in v
        return a.get(k) == v

    return all(ok(k, v) for k, v in want.items())


def select_controls(ctx, types, attrs: dict | None = None, online_only: bool = True):
    """Controls of the types (with the attrs; online ones in a live assessment), selected once
    per context for each distinct request (many practices ask for the same types). The frame
    is shared: callers must not modify it."""
    cache = ctx.__dict__.setdefault("_selected", {})
    key = (tuple(types), json.dumps(attrs, sort_keys=True), online_only)
    if key not in cache:
        cache[key] = _control_table(ctx).take(control_rows(ctx, types, attrs, online_only))
    return cache[key]


def control_rows(ctx, types, attrs: dict | None = None, online_only: bool = True) -> np.ndarray:
    """The row positions in ``ctx.controls`` of ``select_controls(ctx, types, attrs,
    online_only)``, without the frame (the presence rules read which devices, not their
    columns: a selection copies 11 columns of up to 300k rows); once per request."""
    cache = ctx.__dict__.setdefault("_selected_rows", {})
    key = (tuple(types), json.dumps(attrs, sort_keys=True), online_only)
    if key not in cache:
        cache[key] = _control_rows(ctx, types, attrs, online_only)
    return cache[key]


# The columns of the controls that rules read from a selection (select_controls): every row
# selected copies each column, and selections reach ~300k devices (names, camera angles, feed
# ids and stored zones are read elsewhere, from ``ctx.controls``).
SELECTED_COLUMNS = (
    "id",
    "type",
    "campus_id",
    "building_id",
    "district_id",
    "opening_id",
    "attrs",
    "last_tested_on",
    "plane",
    "x_m",
    "y_m",
)


def _control_table(ctx) -> pd.DataFrame:
    """The controls' ``SELECTED_COLUMNS`` (a plain frame: a GeoDataFrame's row selection costs
    twice as much), with the controls' row positions as index."""
    if "_control_table" not in ctx.__dict__:
        c = ctx.controls
        # The columns themselves, not copies (``drop`` copied 300k rows of every column
        # through the GeoDataFrame constructor, ~0.4 s of the large district).
        ctx.__dict__["_control_table"] = pd.DataFrame(
            {k: c[k] for k in SELECTED_COLUMNS if k in c}, copy=False
        )
    return ctx.__dict__["_control_table"]


def _control_rows(ctx, types, attrs, online_only) -> np.ndarray:
    c = _control_table(ctx)
    rows = np.flatnonzero(c["type"].isin(types).to_numpy())
    if attrs:
        # Attrs are JSON text: a row whose text does not name a wanted key cannot match
        # (for plain keys and non-null wanted values), so only the others are parsed.
        keys = [f'"{k}"' for k in attrs]
        quick = all(k.isidentifier() for k in attrs) and None not in attrs.values()

        def match(a) -> bool:
            return (not quick or not isinstance(a, str) or all(k in a for k in keys)) and (
                attrs_match(a, attrs)
            )

        rows = rows[_each_distinct(c["attrs"].to_numpy(dtype=object)[rows], match)]
    if online_only and ctx.live and ctx.offline_controls:
        ids = pd.Series(c["id"].to_numpy(dtype=object)[rows], dtype=object)
        rows = rows[~ids.isin(ctx.offline_controls).to_numpy()]
    return rows


def _each_distinct(values: np.ndarray, test) -> np.ndarray:
    """``test`` of every value as a boolean array, called once per distinct value (devices
    of a type mostly share a handful of attribute texts: ~300 parses instead of ~40,000)."""
    try:
        codes, uniques = pd.factorize(values, use_na_sentinel=False)
    except TypeError:  # unhashable values (parsed attrs): one test per row
        return np.fromiter(map(test, values), dtype=bool, count=len(values))
    return np.fromiter(map(test, uniques), dtype=bool, count=len(uniques))[codes]


def ids_by_unit(ctx, chosen: pd.DataFrame, level: str, where=None) -> dict:
    """Control ids per scope unit id (of the rows of ``chosen``, a selection of
    ``select_controls``, where ``where`` is True, every row by default)."""
    if chosen.empty:
        return {}
    return group_lists(*_unit_pairs(ctx, chosen.index.to_numpy(), level, where))


def ids_per_unit(ctx, rows: np.ndarray, level: str, unit_ids, where=None) -> list:
    """``ids_by_unit`` of the controls at ``rows`` (``control_rows``), aligned with
    ``unit_ids`` (``lists_by_unit``: None for none)."""
    if len(rows) == 0:
        return [None] * len(unit_ids)
    return lists_by_unit(unit_ids, *_unit_pairs(ctx, rows, level, where))


def _unit_pairs(ctx, rows: np.ndarray, level: str, where=None):
    """(unit ids, control ids): one pair per control at ``rows`` of ``ctx.controls`` (those
    where ``where``) and unit it counts for, in the controls' order."""
    return _unit_pair_rows(ctx, rows if where is None else rows[where], level)[:2]


def _unit_pair_rows(ctx, rows: np.ndarray, level: str):
    """``_unit_pairs`` of every control at ``rows``, plus each pair's control row."""
    if level == "zone":
        pairs = ctx.control_zone
        mask = np.zeros(len(ctx.controls), dtype=bool)
        mask[rows] = True
        at = pairs["control_row"].to_numpy()
        keep = mask[at]
        return pairs["zone_id"].to_numpy()[keep], pairs["control_id"].to_numpy()[keep], at[keep]
    table = _control_table(ctx)
    keys = table[_LEVEL_COLUMN[level]].to_numpy(dtype=object)[rows]
    return keys, table["id"].to_numpy(dtype=object)[rows], rows


def indoor_rows(ctx) -> np.ndarray:
    """Row positions of controls inside a room of a building (the rest are outdoors: on the
    grounds or on a building's outside wall)."""
    if "_indoor" not in ctx.__dict__:
        cz = ctx.control_zone
        in_room = ctx.zones["building_id"].notna().to_numpy()
        zone_pos = pd.Series(np.arange(len(ctx.zones)), index=ctx.zones["id"])
        rows = cz["control_row"].to_numpy()[in_room[zone_pos[cz["zone_id"]].to_numpy()]]
        indoor = np.zeros(len(ctx.controls), dtype=bool)
        indoor[rows] = True  # sorted distinct rows (np.unique hashes: ~15x slower here)
        ctx.__dict__["_indoor"] = np.flatnonzero(indoor)
    return ctx.__dict__["_indoor"]


@rule(
    "control_in_zone",
    reads=("controls",),
    uses=("control_zone",),
    control_types=(list, True),
    min_count=(int, False),
    attrs=(dict, False),
    outdoor=(bool, False),
)
def control_in_zone(practice, ctx, units):
    """At least ``min_count`` controls of the types (with attrs; outdoors only when
    ``outdoor``) in each unit."""
    p = practice["check_params"]
    types, need = p["control_types"], p.get("min_count", 1)
    rows = control_rows(ctx, types, p.get("attrs"))
    if p.get("outdoor"):
        rows = rows[~np.isin(rows, indoor_rows(ctx))]
    sids = units["scope_id"].tolist()
    sat = [ids or [] for ids in ids_per_unit(ctx, rows, practice["scope"]["level"], sids)]
    what = device_phrase(
        types, {**p.get("attrs", {}), **({"outdoor": 1} if p.get("outdoor") else {})}
    )
    other = _others_hint(ctx, types, p, rows, practice["scope"]["level"])
    needs = f"needs {plural(need, what)}, has "
    ok = [len(ids) >= need for ids in sat]
    why = [  # one comprehension per column (a loop of appends cost a third more)
        f"{name}: {plural(len(ids), what)} ({short_ids(ids)})."
        if o
        else f"{name}: {needs}{f'{len(ids)} ({short_ids(ids)})' if ids else 'none'}"
        f"{other.get(sid, '')}."
        for sid, name, ids, o in zip(sids, units["scope_name"].tolist(), sat, ok)
    ]
    blk = [[] if o else [sid] for sid, o in zip(sids, ok)]
    return outcome(units, ok, sat, blk, why)


def _others_hint(ctx, types, p, rows: np.ndarray, level: str) -> dict:
    """Why a unit that has devices of the types still fails: they lack the wanted attributes
    or stand indoors (devices of the types not at the chosen ``rows``). One clause per unit
    id."""
    if not p.get("attrs") and not p.get("outdoor"):
        return {}
    every = control_rows(ctx, types)
    others = ~np.isin(every, rows)
    wanted = [*p.get("attrs", {}), *(["outdoor"] if p.get("outdoor") else [])]
    out = {}
    for sid, rest in group_lists(*_unit_pairs(ctx, every, level, others)).items():
        out[sid] = (
            f"; {plural(len(rest), device_phrase(types))} here "
            f"{lacking(len(rest), wanted)} ({short_ids(rest)})"
        )
    return out


def _per_control_check(practice, ctx, units, bad_mask_fn, problem, online_only=False, detail=None):
    """Shared shape: controls of the types in each unit; the unit is in place when none is bad.
    ``problem`` says what is wrong in plain words; ``detail(chosen, bad) -> (id -> str)``
    adds per-device facts (a last test date); ``items`` (for the cost) is one per bad device,
    or per bad device type with ``cost_per: type``."""
    p = practice["check_params"]
    chosen = select_controls(ctx, p["control_types"], online_only=online_only)
    bad = np.asarray(bad_mask_fn(chosen), dtype=bool)
    level = practice["scope"]["level"]
    # every device's unit pairs read once, then split into the bad and the good ones
    unit, ids, at = _unit_pair_rows(ctx, chosen.index.to_numpy(), level)
    is_bad = np.zeros(len(ctx.controls), dtype=bool)
    is_bad[chosen.index.to_numpy()[bad]] = True
    is_bad = is_bad[at]
    bad_ids, good_ids = (
        group_lists(unit[is_bad], ids[is_bad]),
        group_lists(unit[~is_bad], ids[~is_bad]),
    )
    by_type = practice.get("cost_per") == "type" or problem.startswith("have no")
    kinds_of = (
        _bad_types(chosen, bad, unit[is_bad], at[is_bad], len(ctx.controls)) if by_type else []
    )
    fact = detail(chosen, bad) if detail else None
    what = device_phrase(p["control_types"])
    ok, sat, blk, why, items = [], [], [], [], []
    for sid, name in zip(units["scope_id"], units["scope_name"]):
        good, b = good_ids.get(sid, []), bad_ids.get(sid, [])
        n = len(good) + len(b)
        if not n:
            ok.append(None), sat.append([]), blk.append([]), items.append(0)
            why.append(f"{name}: no {what} placed; not applicable.")
            continue
        ok.append(not b), blk.append(b), sat.append(good)
        kinds = [k for k, where in kinds_of if sid in where]
        items.append(len(kinds) if practice.get("cost_per") == "type" else len(b))
        facts = ", ".join(fact(i) for i in b[:4]) if fact else short_ids(b)
        more = f" +{len(b) - 4} more" if fact and len(b) > 4 else ""
        why.append(
            f"{name}: all {plural(n, 'device')} fine."
            if not b
            else f"{name}: {len(b)} of {plural(n, 'device')} {problem} ({facts}{more})"
            + (
                f"; types: {', '.join(type_word(k) for k in kinds)}"
                if problem.startswith("have no")
                else ""
            )
            + "."
        )
    out = outcome(units, ok, sat, blk, why)
    out["items"] = items
    return out


def _bad_types(chosen: pd.DataFrame, bad: np.ndarray, unit, at, n_controls: int) -> list:
    """[(control type, ids of the units holding a bad device of it)], by type name, from the
    bad devices' unit pairs (``unit``, their control rows ``at``): a unit's bad device types
    without a type per device (the types of a practice are a handful)."""
    codes, names = pd.factorize(chosen["type"], use_na_sentinel=False)  # categorical: cheap
    kinds = sorted((str(names[k]), k) for k in np.unique(codes[bad]))
    code_of = np.full(n_controls, -1, dtype=np.int64)
    code_of[chosen.index.to_numpy()] = codes
    pair_code = code_of[at]
    return [(t, set(unit[pair_code == k])) for t, k in kinds]


def _type_procedures(ctx) -> set:
    """(scope id, control type) pairs that have a written procedure for the whole type."""
    procs = ctx.inputs.procedures
    if procs is None or procs.empty:
        return set()
    return set(zip(procs["scope_id"], procs["control_type"]))


def _own_procedure(ctx) -> np.ndarray:
    """Per control row: it names its own written procedure (computed once per context)."""
    if "_own_procedure" not in ctx.__dict__:
        doc = ctx.controls["procedure_doc"].to_numpy(dtype=object)
        ctx.__dict__["_own_procedure"] = _each_distinct(
            doc, lambda d: isinstance(d, str) and d.strip() != ""
        )
    return ctx.__dict__["_own_procedure"]


@rule("procedure_attached", reads=("controls",), control_types=(list, True))
def procedure_attached(practice, ctx, units):
    """Every technology control of the types has a written procedure: its own document, or
    one for its whole device type on its campus or in the district."""
    typed = _type_procedures(ctx)

    def missing(c):
        own = _own_procedure(ctx)[c.index.to_numpy()]  # controls keep their row positions
        if not typed:
            return ~own
        types = c["type"].astype(str).to_numpy()
        by_type = np.zeros(len(c), dtype=bool)
        for scope_col in ("campus_id", "district_id"):
            keys = pd.MultiIndex.from_arrays([c[scope_col].astype(str).to_numpy(), types])
            by_type |= keys.isin(list(typed))
        return ~(own | by_type)

    return _per_control_check(
        practice, ctx, units, missing, "without a written procedure (own or for their type)"
    )


@rule("maintenance", reads=("controls",), control_types=(list, True), within_days=(int, True))
def maintenance(practice, ctx, units):
    """Devices of the types were tested within N days of the assessment date."""
    days = practice["check_params"]["within_days"]
    limit = pd.Timestamp(ctx.as_of - timedelta(days=days))

    def stale(frame):
        # Test dates repeat (a few hundred distinct among ~100,000 devices): each one parsed
        # once, in first-seen order (the order ``to_datetime`` infers a text format from).
        codes, dates = pd.factorize(
            frame["last_tested_on"].to_numpy(dtype=object), use_na_sentinel=False
        )
        t = pd.to_datetime(pd.Series(dates, dtype=object), errors="coerce")
        return (t.isna() | (t < limit)).to_numpy()[codes]

    def detail(chosen, bad):
        tested = dict(zip(chosen["id"].to_numpy()[bad], chosen["last_tested_on"].to_numpy()[bad]))

        def fact(cid):
            when = day(tested[cid])
            return f"{cid} last tested {when}" if when else f"{cid} never tested"

        return fact

    return _per_control_check(
        practice, ctx, units, stale, f"not tested in the last {days} days", detail=detail
    )


@rule("live_health", live_only=True, reads=("controls",), control_types=(list, True))
def live_health(practice, ctx, units):
    """Devices of the types are online now (effective assessments only)."""
    return _per_control_check(
        practice, ctx, units, lambda c: c["id"].isin(ctx.offline_controls), "offline now"
    )
