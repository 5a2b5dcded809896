"""Gaps ranked by criticality and feasibility with cost, and a roadmap fitting them into
yearly budgets that prefers what unlocks the next tier."""

from __future__ import annotations

import numpy as np
import pandas as pd

from passmap.compliance.engine import FINDING_SUBJECT
from passmap.compliance.scoring import BLOCKING

GAP_COLUMNS = [
    "rank",
    *FINDING_SUBJECT,
    "campus_id",
    "criticality",
    "feasibility",
    "cost_usd",
    "unlocks_next_tier",
    "explanation",
    "tier_verified",
    "tier_source",
]


def rank_gaps(findings: pd.DataFrame, tiers: dict[str, int]) -> pd.DataFrame:
    """Blocking findings, baseline (law) first, then criticality, feasibility, cost, tier."""
    g = findings[findings["status"].isin(BLOCKING)].copy()
    if g.empty:
        return pd.DataFrame(columns=GAP_COLUMNS)
    g["tier_num"] = pd.to_numeric(g["tier"], errors="coerce").fillna(0).astype(int)
    owner = g["campus_id"].fillna(g["district_id"])
    g["unlocks_next_tier"] = (g["tier_num"] == owner.map(tiers).fillna(-1) + 1) | (
        g["tier_num"] == 0
    )
    g = g.assign(_b=g["tier_num"] > 0).sort_values(
        ["_b", "criticality", "feasibility", "cost_usd", "tier_num", "practice_id", "scope_id"],
        ascending=[True, False, False, True, True, True, True],
    )
    g["rank"] = np.arange(1, len(g) + 1)
    return g[GAP_COLUMNS].reset_index(drop=True)


def roadmap(result, budget_per_year_usd: float, years: int) -> pd.DataFrame:
    """Schedule gaps into ``years`` yearly budgets.

    Packages are the blockers of one scope's next tier (campus, or district for district-wide
    practices); baseline first, then lower tiers, then the cheapest package that unlocks a tier.
    Each item goes to the earliest year with budget left (first fit); items that fit nowhere are
    listed with year None. ``unlocks`` names the tier a scope reaches when an item completes it.
    """
    gaps = result.gaps.copy()
    if gaps.empty or budget_per_year_usd <= 0 or years <= 0:
        return pd.DataFrame(columns=["year", *GAP_COLUMNS, "unlocks", "year_spent_usd"])
    gaps["owner"] = gaps["campus_id"].fillna(result.district_id)
    gaps["tier_num"] = pd.to_numeric(gaps["tier"], errors="coerce").fillna(0).astype(int)
    pkg_cost = gaps.groupby(["owner", "tier_num"])["cost_usd"].transform("sum")
    gaps = gaps.assign(pkg_cost=pkg_cost).sort_values(
        ["tier_num", "pkg_cost", "owner", "criticality", "cost_usd"],
        ascending=[True, True, True, False, True],
    )
    left = [float(budget_per_year_usd)] * years
    placed = []
    for cost in gaps["cost_usd"]:
        year = next((y for y in range(years) if left[y] >= cost), None)
        if year is not None:
            left[year] -= cost
        placed.append(None if year is None else year + 1)
    gaps["year"] = pd.array(placed, dtype="Int64")
    gaps["unlocks"] = _unlocks(gaps, result.tiers, skip={result.district_id})
    spent = gaps.groupby("year")["cost_usd"].transform("sum")
    gaps["year_spent_usd"] = spent
    cols = ["year", *GAP_COLUMNS, "unlocks", "year_spent_usd"]
    return gaps.sort_values(["year", "tier_num"], na_position="last")[cols].reset_index(drop=True)


def _unlocks(gaps: pd.DataFrame, tiers: dict, skip=()) -> list:
    """For each item, 'X reaches Tier N' if it is the last scheduled blocker of that tier.
    The district is skipped: its tier also waits on every campus."""
    notes = [""] * len(gaps)
    pos = {idx: i for i, idx in enumerate(gaps.index)}
    for owner, g in gaps.groupby("owner"):
        if owner in skip:
            continue
        reached = tiers.get(owner, 0)
        for t in sorted(x for x in g["tier_num"].unique() if x > 0):
            if t != reached + 1:
                break
            items = g[g["tier_num"] == t]
            if items["year"].isna().any():
                break
            last = items.index[items["year"] == items["year"].max()][-1]
            notes[pos[last]] = f"{owner} reaches Tier {t} (year {int(items['year'].max())})"
            reached = t
    return notes
