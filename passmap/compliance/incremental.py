"""Re-assessing the campuses an edit touched without touching the rest of the district.

The campus is the unit: every sight line, plane, companion device and roll-up stays inside one
campus, so a campus evaluated alone gives exactly the findings a full run gives it (same metric
frame, same rows, same order). Findings are kept as blocks: the full frame of the first run plus
one fresh block per updated campus; the full frame is only materialised when someone reads
``result.findings``. Tiers are re-derived from per-scope minima of ``fail_tier``
(``scoring.summaries``): only the entries of the campus, its buildings and zones, and the
district change. District-wide practices are kept from the full run (the service re-runs
everything when a change reaches them: the catalog, a district-wide checklist status).

Inside an updated campus, a practice is evaluated again only when something it reads changed
(``campus_digests``, ``Rule.reads``): a door's lock edit re-runs the door practices and the
sight lines, not the 23 "device in the room" practices; their rows are kept from the last run.
"""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import shapely

from passmap.compliance import scoring
from passmap.compliance.context import Inputs
from passmap.compliance.rulekit import RULES

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
        generations=latest.generations,
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


# -- which practices an edit leaves as they were ----------------------------------------------
_TYPE_PARAMS = ("control_types", "or_control_types", "requires")  # params naming control types
# What a door is fitted with; the rest of its row (where it is, what it joins, its class and
# number) is its layout, which sight lines and companion devices read.
DOOR_ATTRIBUTES = frozenset(
    {"lock_function", "lock_inside_operable", "monitored", "glazing_protection"}
)


# Change kinds (passmap.store.versions) of the district-wide tables every campus reads.
_DISTRICT_TABLES = ("checklist", "procedure", "catalog")


def campus_digests(inputs: Inputs, campus_id: str) -> dict[str, bytes]:
    """Digests of one campus's rows by what rules read: ``site`` (the campus, its buildings,
    levels and zones, plus the district's checklist and procedures, which every practice's
    rows may depend on: their generations when the store gave them, ``Inputs.generations``),
    ``openings``, ``door_layout`` (the doors without ``DOOR_ATTRIBUTES``), ``walls`` and
    ``type:<t>`` per control type present. Equal digests, equal inputs: rows are compared in
    id order (a district read and a campus read may list them differently), every column and
    the geometry's WKB."""

    def mine(frame):
        if frame is None:
            return None
        here = frame["campus_id"].to_numpy() == campus_id
        return frame if here.all() else frame[here]  # a campus's own read: all of it

    buildings = mine(inputs.buildings)
    levels = inputs.levels[inputs.levels["building_id"].isin(set(buildings["id"]))]
    campus = inputs.campuses[inputs.campuses["id"].to_numpy() == campus_id]
    site = hashlib.sha256()
    for frame in (campus, buildings, levels, mine(inputs.zones)):
        site.update(_frame_digest(frame))
    if inputs.generations is not None:  # the tables' generations, not their every row
        site.update(repr([inputs.generations.get(k) for k in _DISTRICT_TABLES]).encode())
    else:
        for frame in (inputs.attestations, inputs.procedures):
            site.update(_frame_digest(frame, geometry=False))
    site.update(_frame_digest(inputs.device_status, geometry=False))
    # The doors sorted, read and their WKB written once for both of their digests.
    columns, values, wkb = _rows(mine(inputs.openings).sort_values("id", kind="stable"))
    layout = [i for i, c in enumerate(columns) if c not in DOOR_ATTRIBUTES]
    out = {
        "site": site.digest(),
        "openings": _digest(columns, values, wkb),
        "door_layout": _digest([columns[i] for i in layout], values[:, layout], wkb),
        "walls": _frame_digest(mine(inputs.walls)),
    }
    controls = mine(inputs.controls).sort_values("id", kind="stable")
    columns, values, wkb = _rows(controls)
    types = controls["type"].astype(str).to_numpy()
    for t in np.unique(types):
        at = types == t
        out[f"type:{t}"] = _digest(columns, values[at], wkb[at])
    return out


def _frame_digest(frame, geometry: bool = True) -> bytes:
    if frame is None:
        return b"none"
    if "id" in frame:
        frame = frame.sort_values("id", kind="stable")
    return _digest(*_rows(frame, geometry))


def _rows(frame, geometry: bool = True) -> tuple[list, np.ndarray, np.ndarray | None]:
    """The column names, the values (one spelling per missing value, whatever the column's
    dtype in this read) and each row's geometry as WKB (None without geometry)."""
    geo = frame.geometry.name if geometry and hasattr(frame, "geometry") else None
    plain = frame.drop(columns=geo) if geo else frame
    values = plain.to_numpy(dtype=object)
    values[pd.isna(values)] = None
    wkb = shapely.to_wkb(np.asarray(frame.geometry.values)) if geo else None
    return list(plain.columns), values, wkb


def _digest(columns: list, values: np.ndarray, wkb: np.ndarray | None) -> bytes:
    """One digest of the rows: the values' text in one repr (C speed; a text per row cost a
    third of a campus update's digests) and the geometries' WKB."""
    h = hashlib.sha256(repr(columns).encode())
    h.update(repr(values.tolist()).encode())
    if wkb is not None:
        h.update(repr(wkb.tolist()).encode())
    return h.digest()


def unchanged_practices(practices: pd.DataFrame, old: dict, new: dict) -> set:
    """Ids of the practices whose inputs are the same in ``old`` and ``new`` digests
    (``campus_digests`` of one campus before and after an edit)."""
    if old.get("site") != new.get("site"):
        return set()
    same = set()
    for pid, kind, params in zip(
        practices["id"], practices["check_kind"], practices["check_params"]
    ):
        reads = RULES[kind].reads if kind in RULES else None
        if reads is None:
            continue
        keys = [r for r in reads if r in ("openings", "door_layout", "walls")]
        types = {"camera"} if "cameras" in reads else set()
        if "controls" in reads:
            for name in _TYPE_PARAMS:
                types.update(str(t) for t in (params or {}).get(name) or ())
        keys += [f"type:{t}" for t in types]
        if all(old.get(k) == new.get(k) for k in keys):
            same.add(pid)
    return same
