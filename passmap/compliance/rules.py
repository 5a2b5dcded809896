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
from passmap.compliance.rulekit import RULES, outcome, rule

__all__ = ["RULES"]


@rule("attested")
def attested(practice: dict, ctx, units: pd.DataFrame) -> dict:
    """Status from the checklist; no record means Needed."""
    att = ctx.attestations_for(practice["id"])
    ok, sat, blk, why, statuses = [], [], [], [], []
    for sid, name in zip(units["scope_id"], units["scope_name"]):
        rec = att.get(sid)
        if rec is None:
            statuses.append("needed")
            why.append(f"No checklist status recorded for {name}; mark it in the checklist.")
            sat.append([]), blk.append([sid])
            continue
        statuses.append(rec["status"])
        who = ", ".join(str(v) for v in (rec.get("assessed_by"), rec.get("assessed_at")) if v)
        doc = f"; evidence {rec['evidence_doc']}" if rec.get("evidence_doc") else ""
        why.append(
            f"Checklist says {rec['status'].replace('_', ' ')} for {name}"
            + (f" ({who})" if who else "")
            + doc
            + "."
        )
        (
            sat.append([sid] if rec["status"] == "in_place" else []),
            blk.append([] if rec["status"] in ("in_place", "not_necessary") else [sid]),
        )
        ok.append(None)
    out = outcome(units, [None] * len(units), sat, blk, why)
    out["status"] = statuses
    out["source"] = "person"
    out["document"] = [(att.get(s) or {}).get("evidence_doc") for s in units["scope_id"]]
    return out
