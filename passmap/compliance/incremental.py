"""Re-assessing one building after an edit without touching the rest of the district.

Findings are kept as blocks: the original full frame plus, per edited building, a fresh block
of its zone/building findings and a fresh block of its campus's campus-scope findings. The
full frame is only materialised when someone reads ``result.findings``. Tiers are re-derived
from per-scope minima of ``fail_tier`` (``scoring.summaries``): only the entries of the
building, its zones, its campus and the district change.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passmap.compliance.scoring import tier_of

BUILDING_SCOPES = ("zone", "building")


def split_fresh(fresh: pd.DataFrame, building_id: str, campus_id: str) -> dict:
    """Fresh findings of an update as blocks: ("b", building) and ("c", campus)."""
    campus_rows = (fresh["scope_type"] == "campus").to_numpy()
    return {("b", building_id): fresh[~campus_rows], ("c", campus_id): fresh[campus_rows]}


def rescope(scopes: pd.DataFrame, building_zones: pd.DataFrame, building_id: str) -> pd.DataFrame:
    """The scope table after an edit: the building's zone scopes replaced by its current zones
    (a zone drawn or deleted in the edit appears or disappears)."""
    old = ((scopes["scope_type"] == "zone") & (scopes["building_id"] == building_id)).to_numpy()
    fresh = pd.DataFrame(
        {
            "scope_type": "zone",
            "scope_id": building_zones["id"],
            "scope_name": building_zones["name"],
            "building_id": building_zones["building_id"],
            "campus_id": building_zones["campus_id"],
        }
    )
    return pd.concat([scopes[~old], fresh], ignore_index=True)


def materialise(base: pd.DataFrame, blocks: dict) -> pd.DataFrame:
    """The full findings frame: ``base`` minus the replaced blocks, plus the fresh blocks."""
    b = {k for t, k in blocks if t == "b"}
    c = {k for t, k in blocks if t == "c"}
    st = base["scope_type"]
    gone = np.zeros(len(base), dtype=bool)
    if b:
        gone |= (base["building_id"].isin(b) & st.isin(BUILDING_SCOPES)).to_numpy()
    if c:
        gone |= ((st == "campus") & base["campus_id"].isin(c)).to_numpy()
    return pd.concat([base[~gone], *blocks.values()], ignore_index=True)


def _set(d: dict, key, value) -> None:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        d.pop(key, None)
    else:
        d[key] = int(value)


def rescore(
    mins: dict,
    tiers: dict,
    fresh: pd.DataFrame,
    old_ctx,
    spliced,
    building_id: str,
    campus_id: str,
    district_id: str | None,
) -> tuple[dict, dict]:
    """New (summaries, tiers) after the building's findings were replaced by ``fresh``.
    ``old_ctx`` is the context before the edit, ``spliced`` the campus context after it."""
    mins = {k: dict(v) for k, v in mins.items()}
    tiers = dict(tiers)
    old_zones = old_ctx.campus_frame("zones", campus_id)
    for z in old_zones.loc[old_zones["building_id"].to_numpy() == building_id, "id"]:
        mins["zone"].pop(z, None)
        tiers.pop(z, None)
    ft = fresh["fail_tier"]
    zrows = (fresh["scope_type"] == "zone").to_numpy()
    mins["zone"].update(
        {k: int(v) for k, v in ft[zrows].groupby(fresh["zone_id"][zrows]).min().items()}
    )
    _set(mins["building"], building_id, ft[(fresh["building_id"] == building_id).to_numpy()].min())
    _set(mins["campus_own"], campus_id, ft[(fresh["scope_type"] == "campus").to_numpy()].min())
    parts = [mins["building"].get(b) for b in spliced.inputs.buildings["id"]]
    parts += [mins["campus_own"].get(campus_id), mins["loose"].get(campus_id)]
    _set(mins["campus"], campus_id, min((p for p in parts if p is not None), default=None))
    if district_id is not None:
        parts = [
            m for c, m in mins["campus"].items() if old_ctx.campus_district.get(c) == district_id
        ]
        parts.append(mins["district_own"].get(district_id))
        _set(mins["district"], district_id, min((p for p in parts if p is not None), default=None))
        tiers[district_id] = tier_of(mins["district"].get(district_id))
    tiers[campus_id] = tier_of(mins["campus"].get(campus_id))
    tiers[building_id] = tier_of(mins["building"].get(building_id))
    zones = spliced.zones
    own = mins["zone"]
    for z, b in zip(zones["id"], zones["building_id"]):
        if b == building_id:
            tiers[z] = tier_of(own[z]) if z in own else tiers[building_id]
        elif b is None or (isinstance(b, float) and np.isnan(b)):
            tiers[z] = tier_of(own[z]) if z in own else tiers[campus_id]
    return mins, tiers
