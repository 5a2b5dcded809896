"""Re-assessing the campuses an edit touched without touching the rest of the district.

The campus is the unit: every sight line, plane, companion device and roll-up stays inside one
campus, so a campus evaluated alone gives exactly the findings a full run gives it (same metric
frame, same rows, same order). Findings are kept as blocks: the full frame of the first run plus
one fresh block per updated campus; the full frame is only materialised when someone reads
``result.findings``. Tiers are re-derived from per-scope minima of ``fail_tier``
(``scoring.summaries``): only the entries of the campus, its buildings and zones, and the
district change. District-wide practices are kept from the full run (the service re-runs
everything when a change reaches them: the catalog, a district-wide checklist status).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from passmap.compliance import scoring
from passmap.compliance.context import Inputs

_ORDER = {"levels": ["building_id", "ordinal", "id"]}  # as the store reads them


def needs_full_run(practices: pd.DataFrame) -> bool:
    """A district-wide practice checked from the map reads every campus: no campus update."""
    district = [s.get("level") == "district" for s in practices["scope"]]
    return bool((np.asarray(district) & (practices["check_kind"] != "attested").to_numpy()).any())


def materialise(base: pd.DataFrame, blocks: dict) -> pd.DataFrame:
    """The full findings frame: ``base`` minus the updated campuses' rows, plus their blocks."""
    if not blocks:
        return base
    gone = base["campus_id"].isin(set(blocks)).to_numpy()
    return pd.concat([base[~gone], *blocks.values()], ignore_index=True)


def merged_inputs(base: Inputs, campus_inputs: dict) -> Inputs:
    """The Inputs of the whole district after updates: the base rows of the campuses nobody
    touched plus each updated campus's fresh rows, in the store's order."""
    if not campus_inputs:
        return base
    ids = set(campus_inputs)
    fresh = list(campus_inputs.values())
    out = {}
    for name in (*Inputs.SITE, "campuses"):
        frame = getattr(base, name)
        key = "id" if name == "campuses" else "campus_id"
        if name == "levels":  # levels carry their building, not their campus
            frame = frame[~frame["building_id"].isin(_buildings_of(base, ids))]
        elif frame is not None:
            frame = frame[~frame[key].isin(ids)]
        parts = [frame] + [getattr(i, name) for i in fresh if getattr(i, name) is not None]
        parts = [p for p in parts if p is not None]
        both = pd.concat(parts, ignore_index=True) if parts else None
        if both is not None:
            both = both.sort_values(_ORDER.get(name, ["id"]), ignore_index=True, kind="stable")
        out[name] = both
    latest = fresh[-1]
    return Inputs(
        districts=base.districts,
        attestations=latest.attestations,
        procedures=latest.procedures,
        device_status=None,
        **out,
    )


def _buildings_of(inputs: Inputs, campus_ids: set) -> set:
    b = inputs.buildings
    return set(b.loc[b["campus_id"].isin(campus_ids), "id"])


def rescope(scopes: pd.DataFrame, fresh_scopes: pd.DataFrame, campus_ids: set) -> pd.DataFrame:
    """The scope table after updates: the campuses' own rows (campus, buildings, zones)
    replaced by their current ones (a zone drawn or deleted appears or disappears)."""
    old = scopes["campus_id"].isin(campus_ids).to_numpy()
    return pd.concat([scopes[~old], fresh_scopes], ignore_index=True)


def rescore(
    mins: dict,
    tiers: dict,
    fresh: pd.DataFrame,
    old_scopes: pd.DataFrame,
    fresh_scopes: pd.DataFrame,
    campus_ids: set,
    campus_district: dict,
) -> tuple[dict, dict]:
    """New (summaries, tiers) after the campuses' findings were replaced by ``fresh``."""
    mins = {k: dict(v) for k, v in mins.items()}
    tiers = dict(tiers)
    gone = old_scopes[old_scopes["campus_id"].isin(campus_ids)]
    for kind, col in (("zone", "zone"), ("building", "building"), ("campus", "campus")):
        for sid in gone.loc[gone["scope_type"] == col, "scope_id"]:
            mins[kind].pop(sid, None)
            tiers.pop(sid, None)
    for kind in ("campus_own", "loose"):
        for cid in campus_ids:
            mins[kind].pop(cid, None)
    part = scoring.summaries(fresh)
    for kind in ("zone", "building", "campus", "campus_own", "loose"):
        mins[kind].update(part[kind])
    tiers.update(scoring.tiers_from(mins, fresh_scopes))
    for district in {campus_district.get(c) for c in campus_ids} - {None}:
        parts = [m for c, m in mins["campus"].items() if campus_district.get(c) == district]
        parts.append(mins["district_own"].get(district))
        low = min((p for p in parts if p is not None), default=None)
        if low is None:
            mins["district"].pop(district, None)
        else:
            mins["district"][district] = int(low)
        tiers[district] = scoring.tier_of(low)
    return mins, tiers
