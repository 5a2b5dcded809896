"""Rule kinds: small pure functions registered by name.

A rule receives one practice (a dict with ``check_params``), the shared Context and the scope
units it applies to, and returns per-unit columns (``outcome``: a dict of equal-length
lists): status, evidence ids and a one-line explanation. Rules never read the store.

>>> "attested" in RULES
True
"""

from __future__ import annotations

import pandas as pd

# The rule modules register their kinds into RULES when imported.
from passmap.compliance import rules_controls, rules_coverage, rules_openings  # noqa: F401
from passmap.compliance.explain import day
from passmap.compliance.rulekit import CHAIN, RULES, outcome, rule

__all__ = ["RULES", "checklist_record"]


def checklist_record(records: dict, unit: dict):
    """The checklist record that speaks for a unit: its own, else its building's, campus's or
    district's (a status given for a wider scope reaches every scope inside it). Returns
    (record, the scope id it was given for) or (None, None)."""
    for key in CHAIN:
        sid = unit.get(key)
        if isinstance(sid, str) and sid in records:
            return records[sid], sid
    return None, None


def _where(rec_scope: str, unit: dict, name: str) -> str:
    if rec_scope == unit["scope_id"]:
        return name
    level = next(k for k in CHAIN[1:] if unit.get(k) == rec_scope).replace("_id", "")
    return (
        f"{name} (recorded for its {level} {rec_scope})"
        if level != "district"
        else (f"{name} (recorded for the whole district)")
    )


@rule("attested", reads=())
def attested(practice: dict, ctx, units: pd.DataFrame) -> dict:
    """Status from the checklist (the unit's own, else the nearest wider scope's); no record
    means Needed."""
    att = ctx.attestations_for(practice["id"])
    sat, blk, why, statuses, docs = [], [], [], [], []
    for unit in units[list(CHAIN) + ["scope_name"]].to_dict("records"):
        sid, name = unit["scope_id"], unit["scope_name"]
        rec, at = checklist_record(att, unit)
        if rec is None:
            statuses.append("needed"), docs.append(None)
            why.append(f"No checklist status recorded for {name}; mark it in the checklist.")
            sat.append([]), blk.append([sid])
            continue
        statuses.append(rec["status"])
        docs.append(rec.get("evidence_doc") or None)
        who = ", ".join(str(v) for v in (rec.get("assessed_by"), day(rec.get("assessed_at"))) if v)
        doc = f"; evidence {rec['evidence_doc']}" if rec.get("evidence_doc") else ""
        why.append(
            f"Checklist says {rec['status'].replace('_', ' ')} for {_where(at, unit, name)}"
            + (f" ({who})" if who else "")
            + doc
            + "."
        )
        sat.append([sid] if rec["status"] == "in_place" else [])
        blk.append([] if rec["status"] in ("in_place", "not_necessary") else [sid])
    out = outcome(units, [None] * len(units), sat, blk, why)
    out["status"] = statuses
    out["source"] = "person"
    out["document"] = docs
    return out
