"""The rule kit: the registry (``RULES``, ``@rule``) and the helpers every rule kind uses.

Rule modules (rules, rules_controls, rules_coverage, rules_openings) import this module and
register into it; :mod:`passmap.compliance.rules` imports them all, so importing it fills the
registry. Kept apart so no rule module imports another through a bottom-of-file import.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from passmap.compliance.explain import plural


@dataclass(frozen=True)
class Rule:
    name: str
    func: Callable
    params: dict  # name -> (type or tuple of types, required)
    live_only: bool = False
    # What the rule reads besides the campus's site (campus, buildings, levels, zones), the
    # checklist and the procedures: "openings" (every column), "door_layout" (the doors
    # without their lock, monitoring and glazing attributes), "walls" (CAD), "cameras" (every
    # camera, for sight lines) and "controls" (the control types its parameters name). None:
    # anything (an update re-runs it on every change of its campus).
    reads: tuple | None = None
    # The context's shared joins it reads (``Context.prefetch``: "control_zone", "walls",
    # "_camera_arrays"): a whole run starts them on another thread and runs the rules that
    # read none of them first. A hint for speed only: any rule may read any of them.
    uses: tuple = ()


RULES: dict[str, Rule] = {}
STR_LIST = (list,)
NOT_APPLICABLE = "not_applicable"
CHAIN = ("scope_id", "building_id", "campus_id", "district_id")


def rule(
    name: str, live_only: bool = False, reads: tuple | None = None, uses: tuple = (), **params
):
    """Register a rule function under ``name`` with its parameter spec and what it reads
    (``Rule.reads``, ``Rule.uses``)."""

    def wrap(func):
        RULES[name] = Rule(name, func, params, live_only, reads, uses)
        return func

    return wrap


def outcome(units: pd.DataFrame, ok, satisfied, blocked, explanation) -> dict:
    """Assemble a rule's per-unit answer (a dict of columns, one value per unit, in the units'
    order; a plain dict because building a DataFrame per practice cost more than the rule);
    ``ok`` None means the practice does not apply here (``not_applicable``: decided by the
    map, unlike a person's Not necessary)."""
    status = [NOT_APPLICABLE if o is None else ("in_place" if o else "needed") for o in ok]
    return {
        "scope_id": units["scope_id"].to_numpy(),
        "status": status,
        "satisfied_by": list(satisfied),
        "blocked_by": list(blocked),
        "explanation": list(explanation),
        "source": "rule",
    }


def judge_units(units: pd.DataFrame, per_unit: list, absent: str, judge) -> dict:
    """The per-unit loop of the "every X in the unit" rules: ``per_unit`` holds the ids in
    each unit (``lists_by_unit``: in the units' order, None for none); ``judge(name, ids)``
    returns (ok, satisfied, blocked, explanation) for a unit holding ``ids``; a unit holding
    none does not apply ("no <absent>; not applicable.")."""
    names = units["scope_name"].tolist()
    rows = [
        judge(name, ids) if ids else (None, [], [], f"{name}: no {absent}; not applicable.")
        for name, ids in zip(names, per_unit)
    ]
    ok, sat, blk, why = zip(*rows) if rows else ((), (), (), ())
    return outcome(units, ok, sat, blk, why)


def lists_by_unit(unit_ids, keys, values) -> list:
    """The ``values`` whose key is each unit id, in input order: one list per unit, in the
    units' order (None for a unit without any). ``group_lists`` aligned with the units: the
    rows of other keys are dropped before any list is made, and no dict is looked up per unit.

    >>> lists_by_unit(["b", "a", "c"], ["a", "b", "a", None, "x"], [1, 2, 3, 4, 5])
    [[2], [1, 3], None]
    """
    unit_ids = pd.Index(np.asarray(unit_ids, dtype=object))
    if not unit_ids.is_unique:  # (scope ids are unique; kept correct for any caller)
        found = group_lists(keys, values)
        return [found.get(u) for u in unit_ids]
    n = len(unit_ids)
    if n == 0:
        return []
    pos = unit_ids.get_indexer(pd.Index(np.asarray(keys, dtype=object)))
    keep = pos >= 0
    pos = pos[keep]
    order = np.argsort(pos, kind="stable")
    flat = np.asarray(values, dtype=object)[keep][order].tolist()
    ends = np.cumsum(np.bincount(pos, minlength=n)).tolist()
    return [flat[a:b] or None for a, b in zip([0, *ends[:-1]], ends)]


def group_lists(keys, values) -> dict:
    """{key: [values...]} in input order, vectorised (pandas' agg(list) is pure Python).

    >>> group_lists(["a", "b", "a", None], [1, 2, 3, 4])
    {'a': [1, 3], 'b': [2]}
    """
    keys = pd.Series(keys, dtype=object).to_numpy()
    values = np.asarray(values, dtype=object)
    keep = pd.notna(keys)
    keys, values = keys[keep], values[keep]
    if len(keys) == 0:
        return {}
    codes, uniques = pd.factorize(keys)
    order = np.argsort(codes, kind="stable")
    ordered = codes[order]
    bounds = np.flatnonzero(np.diff(ordered)) + 1
    starts = np.concatenate([[0], bounds])
    # One list conversion and plain list slices (np.split + tolist per group cost ~0.5 s on
    # the large district).
    flat = values[order].tolist()
    ends = bounds.tolist() + [len(flat)]
    keys_ = list(uniques)
    return {keys_[c]: flat[a:b] for c, a, b in zip(ordered[starts].tolist(), starts.tolist(), ends)}


def count_phrase(n: int, what: str) -> str:
    return plural(n, what)


def short_ids(ids, limit: int = 4) -> str:
    if len(ids) <= limit:  # most units name a few ids: no copy, no "more"
        return ", ".join(map(str, ids))
    ids = list(ids)
    return ", ".join(map(str, ids[:limit])) + f" +{len(ids) - limit} more"
