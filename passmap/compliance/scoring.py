"""The tier rule: attained tier = highest N with every applicable practice of tiers 1..N In
place. Not necessary is excluded; baseline practices are pass/fail apart.

>>> import pandas as pd
>>> f = pd.DataFrame({"tier": ["1", "2", "3"], "status": ["in_place", "needed", "in_place"]})
>>> attained_tier(f)
1
"""

from __future__ import annotations

import numpy as np
import pandas as pd

BLOCKING = ("needed", "in_progress")
EXCLUDED = ("not_necessary", "not_applicable")  # a person's decision, or the map's
ROLLUP_COLUMN = {
    "zone": "zone_id",
    "building": "building_id",
    "campus": "campus_id",
    "district": "district_id",
}


def fail_tier(findings: pd.DataFrame) -> pd.Series:
    """Per finding: its tier number if it blocks, else 5 (never blocks). Baseline -> 5.
    The engine precomputes it as the ``fail_tier`` column; other frames compute it here."""
    if "fail_tier" in findings:
        return findings["fail_tier"]
    tier = pd.to_numeric(findings["tier"], errors="coerce")
    return tier.where(findings["status"].isin(BLOCKING) & tier.notna(), 5).astype(int)


def attained_tier(findings: pd.DataFrame) -> int:
    if findings.empty:
        return 4
    return int(min(int(fail_tier(findings).min()), 5) - 1)


def tiers_by(findings: pd.DataFrame, column: str) -> pd.Series:
    """Attained tier per value of ``column`` (vectorised group-by)."""
    ft = fail_tier(findings)
    return (ft.groupby(findings[column]).min() - 1).clip(upper=4).astype(int)


def all_tiers(findings: pd.DataFrame, scopes: pd.DataFrame) -> dict[str, int]:
    """Tier of every scope in ``scopes`` [scope_type, scope_id, building_id, campus_id].

    Roll-ups: a building counts its zones, a campus everything on it, the district everything.
    A zone with no practice of its own shows its building's tier (else its campus's)."""
    out: dict[str, int] = {}
    by = {k: tiers_by(findings, col).to_dict() for k, col in ROLLUP_COLUMN.items()}
    for kind in ("district", "campus", "building"):
        for sid in scopes.loc[scopes["scope_type"] == kind, "scope_id"]:
            out[sid] = int(by[kind].get(sid, 4))
    zones = scopes[scopes["scope_type"] == "zone"]
    own = by["zone"]
    for sid, b, c in zip(zones["scope_id"], zones["building_id"], zones["campus_id"]):
        out[sid] = int(own[sid]) if sid in own else out.get(b, out.get(c, 4))
    return out


def matrix(findings: pd.DataFrame, layers, components) -> pd.DataFrame:
    """Layer x component attained tiers (NaN where no practice applies)."""
    f = findings[pd.to_numeric(findings["tier"], errors="coerce").notna()]
    grid = pd.DataFrame(np.nan, index=list(layers), columns=list(components))
    if f.empty:
        return grid
    t = (fail_tier(f).groupby([f["layer"], f["component"]]).min() - 1).clip(upper=4)
    for (layer, comp), v in t.items():
        if layer in grid.index and comp in grid.columns:
            grid.loc[layer, comp] = v
    return grid


def baseline(findings: pd.DataFrame) -> dict:
    f = findings[findings["tier"] == "baseline"]
    failing = f[f["status"].isin(BLOCKING)]
    return {
        "passed": failing.empty,
        "count": int((~f["status"].isin(EXCLUDED)).sum()),
        "in_place": int((f["status"] == "in_place").sum()),
        "failing": failing[["practice_id", "scope_id", "explanation"]].to_dict("records"),
    }


def next_tier(findings: pd.DataFrame, current: int) -> dict:
    """Progress toward the next tier and the findings that block it."""
    if current >= 4:
        return {
            "tier": current,
            "next_tier": None,
            "applicable": 0,
            "in_place": 0,
            "progress": 1.0,
            "blockers": findings.iloc[0:0],
        }
    nxt = current + 1
    f = findings[(findings["tier"] == str(nxt)) & ~findings["status"].isin(EXCLUDED)]
    done = int((f["status"] == "in_place").sum())
    return {
        "tier": current,
        "next_tier": nxt,
        "applicable": len(f),
        "in_place": done,
        "progress": done / len(f) if len(f) else 1.0,
        "blockers": f[f["status"].isin(BLOCKING)].sort_values(
            ["criticality", "cost_usd"], ascending=[False, True]
        ),
    }


def tier_of(min_fail: int | None) -> int:
    """Attained tier from the smallest ``fail_tier`` of a scope's findings (None: no finding)."""
    return 4 if min_fail is None else int(min(int(min_fail), 5) - 1)


def _min_by(ft: pd.Series, keys: pd.Series, rows=None) -> dict:
    if rows is not None:
        ft, keys = ft[rows], keys[rows]
    return {k: int(v) for k, v in ft.groupby(keys, sort=False).min().items()}


def summaries(findings: pd.DataFrame) -> dict[str, dict]:
    """Smallest ``fail_tier`` per roll-up value ("zone", "building", "campus", "district") and
    per block that an edit in one building replaces: "campus_own" (campus-scope findings by
    campus), "loose" (zone findings outside any building, by campus) and "district_own"
    (findings on no campus, by district). Tiers follow from these (``tier_of``), and
    re-scoring after an edit only updates the entries of one building and its campus."""
    ft = fail_tier(findings)
    out = {k: _min_by(ft, findings[col]) for k, col in ROLLUP_COLUMN.items()}
    campus_scope = (findings["scope_type"] == "campus").to_numpy()
    loose = findings["building_id"].isna().to_numpy() & ~campus_scope
    out["campus_own"] = _min_by(ft, findings["campus_id"], campus_scope)
    out["loose"] = _min_by(ft, findings["campus_id"], loose)
    out["district_own"] = _min_by(
        ft, findings["district_id"], findings["campus_id"].isna().to_numpy()
    )
    return out


def tiers_from(mins: dict[str, dict], scopes: pd.DataFrame) -> dict[str, int]:
    """The same tiers as ``all_tiers``, from ``summaries``."""
    out: dict[str, int] = {}
    kinds = scopes["scope_type"].to_numpy()
    ids = scopes["scope_id"].to_numpy()
    for kind in ("district", "campus", "building"):
        own = mins[kind]
        for sid in ids[kinds == kind].tolist():
            out[sid] = tier_of(own.get(sid))
    zones = kinds == "zone"
    own = mins["zone"]
    for sid, b, c in zip(
        ids[zones].tolist(),
        scopes["building_id"].to_numpy()[zones].tolist(),
        scopes["campus_id"].to_numpy()[zones].tolist(),
    ):
        out[sid] = tier_of(own[sid]) if sid in own else out.get(b, out.get(c, 4))
    return out


def matrix_mins(findings: pd.DataFrame, column: str) -> pd.Series:
    """Smallest ``fail_tier`` per (``column`` value, layer, component), tiered practices only,
    sorted so that one scope's cells are a fast ``xs`` lookup (see ``matrix_from``)."""
    f = findings[pd.to_numeric(findings["tier"], errors="coerce").notna()]
    return fail_tier(f).groupby([f[column], f["layer"], f["component"]]).min().sort_index()


def matrix_from(mins: pd.Series, scope_id: str, layers, components) -> pd.DataFrame:
    """Layer x component tiers of one scope from ``matrix_mins`` (NaN where none applies)."""
    layers, components = list(layers), list(components)
    values = np.full((len(layers), len(components)), np.nan)
    try:
        cells = mins.xs(scope_id, level=0) if len(mins) else ()
    except KeyError:
        cells = ()
    row, col = {n: i for i, n in enumerate(layers)}, {n: j for j, n in enumerate(components)}
    for (layer, comp), v in cells.items() if len(cells) else ():
        if layer in row and comp in col:
            values[row[layer], col[comp]] = min(int(v) - 1, 4)
    return pd.DataFrame(values, index=layers, columns=components)
