"""Recording assessments with a date, and the diff between two of them."""

from __future__ import annotations

import pandas as pd

from passmap.compliance.scoring import BLOCKING
from passmap.values import is_missing


def record(store, result, label: str | None = None) -> str:
    """Store the result as a dated assessment; returns its id."""
    summary = {
        "tiers": result.tiers,
        "district_id": result.district_id,
        "as_of": str(result.as_of),
        "gaps": int(len(result.gaps)),
        "gap_cost_usd": float(result.gaps["cost_usd"].sum()) if len(result.gaps) else 0.0,
    }
    return store.record_assessment(
        result.edition,
        "effective" if result.live else "design",
        summary,
        result.findings,
        label=label,
        scope_id=result.building_id,
    )


def diff(store, before_id: str, after_id: str) -> pd.DataFrame:
    """What improved and what regressed between two recorded assessments.

    Columns: practice_id, scope_id, status_before, status_after, change (improved |
    regressed | changed | new | removed). Unchanged findings are left out."""
    a = store.assessment_findings(before_id)[["practice_id", "scope_id", "status"]]
    b = store.assessment_findings(after_id)[["practice_id", "scope_id", "status"]]
    m = a.merge(b, on=["practice_id", "scope_id"], how="outer", suffixes=("_before", "_after"))
    m = m[m["status_before"].fillna("") != m["status_after"].fillna("")].copy()

    def change(row):
        before, after = row["status_before"], row["status_after"]
        if is_missing(before):
            return "new"
        if is_missing(after):
            return "removed"
        if before in BLOCKING and after not in BLOCKING:
            return "improved"
        if after in BLOCKING and before not in BLOCKING:
            return "regressed"
        return "changed"

    m["change"] = [change(r) for r in m.to_dict("records")] if len(m) else []
    return m.sort_values(["change", "practice_id", "scope_id"]).reset_index(drop=True)


def tier_changes(store, before_id: str, after_id: str) -> pd.DataFrame:
    """Scopes whose attained tier differs between two assessments."""
    sums = store.list_assessments().set_index("id")["summary"]
    ta, tb = sums[before_id]["tiers"], sums[after_id]["tiers"]
    rows = [
        {"scope_id": k, "tier_before": ta.get(k), "tier_after": tb.get(k)}
        for k in sorted(set(ta) | set(tb))
        if ta.get(k) != tb.get(k)
    ]
    return pd.DataFrame(rows, columns=["scope_id", "tier_before", "tier_after"])
