"""Run every practice of an edition over its scope units and collect findings."""

from __future__ import annotations

import json
from datetime import date
from typing import NamedTuple

import numpy as np
import pandas as pd

from passmap.compliance.context import Context, load_inputs
from passmap.compliance.rulekit import outcome
from passmap.compliance.rules import RULES
from passmap.compliance.scoring import BLOCKING

# What a finding is about, the practice and the scope it was judged on: the first columns of
# a finding and of the ranked gap made from it (planning.GAP_COLUMNS).
FINDING_SUBJECT = [
    "practice_id",
    "title",
    "layer",
    "component",
    "tier",
    "scope_type",
    "scope_id",
    "scope_name",
]
FINDING_COLUMNS = [
    *FINDING_SUBJECT,
    "status",
    "source",
    "evidence",
    "explanation",
    "criticality",
    "feasibility",
    "cost_usd",
    "tier_verified",
    "tier_source",
    "zone_id",
    "building_id",
    "campus_id",
    "district_id",
    "fail_tier",
]
_UNIT_COLS = [
    "scope_id",
    "scope_type",
    "scope_name",
    "zone_id",
    "building_id",
    "campus_id",
    "district_id",
]
_PRACTICE_COLS = (
    "practice_id",
    "title",
    "layer",
    "component",
    "tier",
    "criticality",
    "feasibility",
    "tier_verified",
    "tier_source",
)


def evaluate(
    practices: pd.DataFrame,
    ctx: Context,
    building_id: str | None = None,
    district_scope: bool = True,
    keep: dict | None = None,
) -> pd.DataFrame:
    """Findings of all practices; with ``building_id`` only that building's zones, the building
    and its campus-level practices; ``district_scope=False`` leaves out district-wide
    practices (a one-campus update keeps them from the full run); ``keep`` maps practice ids
    to their rows of an earlier run whose inputs did not change (``Kept``: taken as they
    are)."""
    campus_id = None
    if building_id is not None:
        match = ctx.inputs.buildings.loc[ctx.inputs.buildings["id"] == building_id, "campus_id"]
        campus_id = match.iloc[0] if len(match) else None
    unit_cache, todo = {}, []
    for p in practices.to_dict("records"):
        rule = RULES[p["check_kind"]]
        if rule.live_only and not ctx.live:
            continue
        if not district_scope and p["scope"]["level"] == "district":
            continue
        todo.append((p, rule))
    slots = [[] for _ in todo]  # each practice's blocks, joined in practice order
    order = range(len(todo))
    if keep is None and building_id is None:  # a whole run (an update: few rules, small joins)
        order = _prefetch(ctx, [rule for p, rule in todo])
    for i in order:
        p, rule = todo[i]
        if keep and p["id"] in keep:
            slots[i].append(keep[p["id"]])
            continue
        key = json.dumps(p["scope"], sort_keys=True)
        if key not in unit_cache:  # many practices share a scope: select units once
            units = ctx.units(p["scope"])
            if building_id is not None:
                units = _only_building(units, building_id, campus_id)
            units = units.reset_index(drop=True)
            skipped = None
            if p["scope"].get("skip_portable"):
                portable = units["building_id"].isin(ctx.portable_buildings).to_numpy()
                units, skipped = units[~portable], units[portable]
            unit_cache[key] = (_unit_arrays(units.reset_index(drop=True)), skipped)
        units, skipped = unit_cache[key]
        if skipped is not None and len(skipped):
            slots[i].append(_decorate(_portable_out(skipped), _unit_arrays(skipped), p))
        if units["frame"].empty:
            continue
        slots[i].append(_decorate(rule.func(p, ctx, units["frame"]), units, p))
    parts = [part for slot in slots for part in slot]
    for scratch in ("_selected", "_selected_rows", "_control_table", "_camera_points"):
        ctx.__dict__.pop(scratch, None)  # the rules' per-run lookups (memory)
    if not parts:
        return pd.DataFrame(columns=FINDING_COLUMNS)
    findings = _assemble_pieces(parts)
    return _apply_not_necessary(findings, ctx)


def _prefetch(ctx: Context, rules: list) -> list[int]:
    """Start the shared joins the rules read (``Rule.uses``) on other threads; returns the
    order to run the rules in: those reading none of them first, then those reading only the
    control-zone pairs, then the sight lines (whose walls and camera arrays take longest).
    The findings do not depend on the order (they are joined in practice order)."""
    uses = [set(r.uses) for r in rules]
    chains = []
    if any("control_zone" in u for u in uses):
        chains.append(("control_zone",))
    if any("_camera_arrays" in u for u in uses):
        chains.append(("walls", "_camera_arrays"))
    ctx.prefetch(*chains)
    late = [0 if not u else 1 if u <= {"control_zone"} else 2 for u in uses]
    return sorted(range(len(rules)), key=late.__getitem__)


def _portable_out(units: pd.DataFrame) -> dict:
    """A practice not asked of portable classroom buildings (a secure vestibule): not
    applicable there, said so."""
    return outcome(
        units,
        [None] * len(units),
        [[] for _ in range(len(units))],
        [[] for _ in range(len(units))],
        [
            f"{n}: a portable classroom building; not asked of portables."
            for n in units["scope_name"]
        ],
    )


def _unit_arrays(units: pd.DataFrame) -> dict:
    """The units frame plus its columns as numpy arrays (read once per scope, not per practice)."""
    return {"frame": units, **{c: units[c].to_numpy() for c in _UNIT_COLS}}


def _assemble(parts: list[dict], stack: bool = False) -> pd.DataFrame:
    """One DataFrame from the per-practice column blocks (one concatenation per column instead
    of one DataFrame per practice). The new arrays are the frame's columns as they are
    (pandas does not stack the text columns into one block, a copy that took ~0.08 s of the
    large district's 186k findings; row selections cost the same); ``stack`` stacks them."""
    counts = [len(part["status"]) for part in parts]
    cols = {}
    for c in FINDING_COLUMNS:
        if c in _PRACTICE_COLS:
            values = np.array([part[c] for part in parts])
            if values.dtype.kind in "US":  # text stays Python str (no per-row conversion)
                values = np.array([part[c] for part in parts], dtype=object)
            cols[c] = np.repeat(values, counts)
        else:
            cols[c] = np.concatenate([part[c] for part in parts])
    return pd.DataFrame(cols, columns=FINDING_COLUMNS, copy=stack)


class Kept(NamedTuple):
    """A practice's rows of an earlier run, kept as they are: positions in ``frame``."""

    frame: pd.DataFrame
    rows: np.ndarray


def _assemble_pieces(parts: list) -> pd.DataFrame:
    """``_assemble`` where some parts are kept rows (``Kept``) of an earlier run: runs of
    fresh blocks assembled, consecutive kept rows of one frame taken at once, everything
    joined in practice order. Kept rows already carry their Not necessary marks; applying
    the same checklist again leaves them as they are."""
    if not any(isinstance(part, Kept) for part in parts):
        return _assemble(parts)
    frames, run, taken = [], [], []

    def flush():
        if run:  # one campus's rows: stacked (cheap here), then joined faster with kept rows
            frames.append(_assemble(run, stack=True))
            run.clear()
        if taken:  # one take per stretch of kept practices (was one frame per practice)
            frames.append(taken[0].frame.take(np.concatenate([k.rows for k in taken])))
            taken.clear()

    for part in parts:
        if isinstance(part, Kept):
            if run or (taken and taken[0].frame is not part.frame):
                flush()
            taken.append(part)
        else:
            if taken:
                flush()
            run.append(part)
    flush()
    return pd.concat(frames, ignore_index=True)


def _only_building(units, building_id, campus_id):
    kind = units["scope_type"].iloc[0] if len(units) else None
    if kind in ("zone", "building"):
        return units[units["building_id"] == building_id]
    if kind == "campus":
        return units[units["scope_id"] == campus_id]
    return units.iloc[0:0]


def _decorate(out: dict, units: dict, p: dict) -> dict:
    """Rule answer (``rules.outcome``) + unit columns + practice values as one block of
    columns. Rules answer one value per unit, in the units' order."""
    status = np.asarray(out["status"], dtype=object)
    n = len(status)
    failing = np.isin(status, BLOCKING)
    blocked = list(out["blocked_by"])
    unit = float(p.get("unit_cost_usd") or 0.0)
    per = p.get("cost_per")
    if per in ("item", "type", "shortfall"):
        # Items the rule counted (devices, device types, cameras short), else blocking ids.
        counts = out.get("items")
        if counts is None:
            counts = [len(b) for b in blocked]
        items = np.maximum(np.asarray(counts, dtype=float), 1)
        cost = np.where(failing, items * unit, 0.0)
    else:
        cost = np.where(failing, unit, 0.0)
    docs = out.get("document")
    evidence = np.empty(n, dtype=object)
    if docs is None:
        evidence[:] = [
            {"satisfied_by": s, "blocked_by": b} for s, b in zip(out["satisfied_by"], blocked)
        ]
    else:
        evidence[:] = [
            {"satisfied_by": s, "blocked_by": b} | ({"document": d} if d else {})
            for s, b, d in zip(out["satisfied_by"], blocked, docs)
        ]
    src = out["source"]
    source = (
        np.full(n, src, dtype=object) if isinstance(src, str) else np.asarray(src, dtype=object)
    )
    tier = int(p["tier"]) if str(p["tier"]).isdigit() else 5
    cols = {
        "practice_id": p["id"],
        "title": p.get("title"),
        "layer": p.get("layer"),
        "component": p.get("component"),
        "tier": p.get("tier"),
        "criticality": p.get("criticality"),
        "feasibility": p.get("feasibility"),
        "tier_verified": bool(p.get("tier_verified")),
        "tier_source": _text_or_none(p.get("tier_source")),
        "status": status,
        "source": source,
        "evidence": evidence,
        "explanation": np.asarray(out["explanation"], dtype=object),
        "cost_usd": cost,
        "fail_tier": np.where(failing, tier, 5),
    }
    for col in _UNIT_COLS:
        cols[col] = units[col]
    return cols


def _text_or_none(value):
    return value if isinstance(value, str) and value.strip() else None


def _apply_not_necessary(findings: pd.DataFrame, ctx: Context) -> pd.DataFrame:
    """A person may mark a rule-checked practice Not necessary; that wins for the scope it was
    given for and every scope inside it (a district-wide Not necessary reaches every room)."""
    att = ctx.inputs.attestations
    if att is None or att.empty:
        return findings
    nn = att[att["status"] == "not_necessary"]
    if nn.empty:
        return findings
    keys = set(zip(nn["practice_id"], nn["scope_id"]))
    maybe = (findings["source"] == "rule") & findings["practice_id"].isin(set(nn["practice_id"]))
    rows = np.flatnonzero(maybe.to_numpy())
    if len(rows) == 0:
        return findings
    pids = findings["practice_id"].to_numpy()[rows]
    given_for: dict[int, str] = {}
    for col in ("scope_id", "building_id", "campus_id", "district_id"):
        for r, p, v in zip(rows, pids, findings[col].to_numpy()[rows]):
            if r not in given_for and (p, v) in keys:
                given_for[r] = v
    if not given_for:
        return findings
    hit = np.zeros(len(findings), dtype=bool)
    hit[list(given_for)] = True
    findings.loc[hit, "fail_tier"] = 5
    findings.loc[hit, "status"] = "not_necessary"
    findings.loc[hit, "source"] = "person"
    findings.loc[hit, "cost_usd"] = 0.0
    scope = findings["scope_id"].to_numpy()
    findings.loc[hit, "explanation"] = [
        "Marked Not necessary in the checklist"
        + ("" if given_for[r] == scope[r] else f" for {given_for[r]}, which includes it")
        + ". (Rule: "
        + findings["explanation"].iat[r]
        + ")"
        for r in np.flatnonzero(hit)
    ]
    return findings


class NothingToAssess(ValueError):
    """The database holds no practices of the edition (no catalog loaded yet): a state, not a
    failure; the maps show no tiers and say why."""


def run(store, edition: str, live: bool, building_id: str | None, as_of: date | None):
    """Load inputs once, evaluate, return (practices, context, findings). Called by
    ``passmap.compliance.assess``, which owns the defaults and the meaning of each argument."""
    practices = store.list_practices(edition)
    if practices.empty:
        raise NothingToAssess(
            f"No practices of edition {edition!r} in {store.path}; load a catalog "
            "first (`passmap checklist load-starter` or `passmap demo`)."
        )
    campus_id = None
    if building_id is not None:
        row = store.get("building", building_id)
        if row is None:
            raise ValueError(f"Unknown building {building_id!r} in {store.path}.")
        campus_id = row["campus_id"]
    ctx = Context(load_inputs(store, campus_id, live, metric=True), as_of=as_of, live=live)
    return practices, ctx, evaluate(practices, ctx, building_id)
