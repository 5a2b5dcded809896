"""The outcome of an assessment: findings, tiers per scope, gaps, matrices, coverage, JSON."""

from __future__ import annotations

from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd

from passmap.compliance import incremental, scoring
from passmap.compliance.planning import rank_gaps
from passmap.model import COMPONENTS, LAYERS_V7

V6_LAYERS = (
    "District-wide",
    "Property Perimeter",
    "Parking Lot Perimeter",
    "Building Perimeter",
    "Classroom/Interior Perimeter",
)


# Derived from the findings; an updated result computes them again on first use.
_CACHED = ("gaps", "_object_index", "coverage", "_rollup_index", "_matrix_mins", "_scope_types")


class AssessmentResult:
    """Findings and tiers of one assessment. Build with ``passmap.compliance.assess``."""

    def __init__(self, edition, live, as_of, practices, ctx, findings, building_id=None):
        self.edition, self.live, self.as_of = edition, live, as_of
        self.practices, self.ctx = practices, ctx
        self.building_id = building_id
        self.scopes = _scopes(ctx, building_id)
        # Findings as blocks: the full frame of the assessment plus fresh blocks per edited
        # building/campus (``update_building``); ``findings`` joins them on first read.
        self._base, self._blocks, self._findings = findings, {}, findings
        self._mins = scoring.summaries(findings)
        self.tiers: dict[str, int] = scoring.tiers_from(self._mins, self.scopes)
        districts = ctx.inputs.districts["id"].tolist()
        self.district_id = districts[0] if districts else None

    @property
    def findings(self) -> pd.DataFrame:
        """Every finding (one row per practice and scope unit)."""
        if self._findings is None:
            self._findings = incremental.materialise(self._base, self._blocks)
        return self._findings

    # -- tiers and their explanation --------------------------------------------------------
    @cached_property
    def gaps(self) -> pd.DataFrame:
        return rank_gaps(self.findings, self.tiers)

    @cached_property
    def _scope_types(self) -> dict[str, str]:
        return dict(zip(self.scopes["scope_id"], self.scopes["scope_type"]))

    def scope_type(self, scope_id: str) -> str:
        if scope_id not in self._scope_types:
            raise KeyError(f"Unknown scope {scope_id!r} in this assessment.")
        return self._scope_types[scope_id]

    @cached_property
    def _rollup_index(self) -> dict:
        return {}

    def rollup(self, scope_id: str) -> pd.DataFrame:
        """The findings that decide a scope's tier (its own and everything inside it).
        Row positions per scope are grouped once per roll-up column, so a call is a take."""
        col = scoring.ROLLUP_COLUMN[self.scope_type(scope_id)]
        if col not in self._rollup_index:
            self._rollup_index[col] = self.findings.groupby(col, sort=False).indices
        pos = self._rollup_index[col].get(scope_id)
        return self.findings.iloc[pos if pos is not None else []]

    @cached_property
    def _matrix_mins(self) -> dict:
        return {}

    def matrix(self, scope_id: str) -> pd.DataFrame:
        """Layer x component tiers of a scope (NaN where no practice applies); the minima per
        scope, layer and component are grouped once per roll-up column."""
        layers = V6_LAYERS if self.edition == "v6" else LAYERS_V7
        col = scoring.ROLLUP_COLUMN[self.scope_type(scope_id)]
        if col not in self._matrix_mins:
            self._matrix_mins[col] = scoring.matrix_mins(self.findings, col)
        return scoring.matrix_from(self._matrix_mins[col], scope_id, layers, COMPONENTS)

    def baseline(self, scope_id: str) -> dict:
        return scoring.baseline(self.rollup(scope_id))

    def next_tier(self, scope_id: str) -> dict:
        out = scoring.next_tier(self.rollup(scope_id), self.tiers[scope_id])
        return {"scope_id": scope_id, **out}

    def findings_for_object(self, object_id: str) -> pd.DataFrame:
        """Findings whose scope is the object or whose evidence names it (door, camera, zone)."""
        rows = self._object_index.get(object_id, [])
        return self.findings.iloc[sorted(set(rows))]

    @cached_property
    def _object_index(self) -> dict[str, list[int]]:
        index: dict[str, list[int]] = {}
        for i, (sid, ev) in enumerate(zip(self.findings["scope_id"], self.findings["evidence"])):
            index.setdefault(sid, []).append(i)
            for key in ("satisfied_by", "blocked_by"):
                for oid in ev.get(key, ()):
                    index.setdefault(oid, []).append(i)
        return index

    # -- geometry -----------------------------------------------------------------------------
    @cached_property
    def coverage(self) -> gpd.GeoDataFrame:
        """Camera views (WGS84) clipped by walls: [control_id, geometry]; computed on first use."""
        return self.coverage_for()

    def coverage_for(self, campus_id: str | None = None) -> gpd.GeoDataFrame:
        from passmap.geometry import camera_views

        i = self.ctx.inputs
        controls = i.controls[i.controls["type"] == "camera"]
        if self.live and self.ctx.offline_controls:
            controls = controls[~controls["id"].isin(self.ctx.offline_controls)]
        zones, openings = i.zones, i.openings
        if campus_id is not None:
            controls = controls[controls["campus_id"] == campus_id]
            zones, openings = (
                zones[zones["campus_id"] == campus_id],
                openings[openings["campus_id"] == campus_id],
            )
        return camera_views(controls, zones, openings, i.levels)

    # -- incremental --------------------------------------------------------------------------
    def update_building(self, store, building_id: str) -> AssessmentResult:
        """Re-assess one building (its zones, itself and its campus-level practices) after an
        edit: reads only that building's rows, re-runs the practices on its campus (the other
        rows come from this assessment) and re-scores only the building, its zones, its campus
        and the district. Returns a new result; this one is unchanged."""
        from passmap.compliance.context import load_building_inputs
        from passmap.compliance.engine import evaluate

        campus_id = self._campus_of(store, building_id)
        spliced = self.ctx.spliced(
            load_building_inputs(store, self.ctx, campus_id, building_id), building_id
        )
        fresh = evaluate(self.practices, spliced, building_id)
        new = object.__new__(AssessmentResult)
        new.__dict__.update({k: v for k, v in self.__dict__.items() if k not in _CACHED})
        new.ctx = self.ctx.with_campus(campus_id, spliced)
        new._blocks = {**self._blocks, **incremental.split_fresh(fresh, building_id, campus_id)}
        new._findings = None
        new.scopes = incremental.rescope(self.scopes, spliced.inputs.zones, building_id)
        new._mins, new.tiers = incremental.rescore(
            self._mins,
            self.tiers,
            fresh,
            self.ctx,
            spliced,
            building_id,
            campus_id,
            self.district_id,
        )
        return new

    def _campus_of(self, store, building_id: str) -> str:
        b = self.ctx.inputs.buildings
        match = b.loc[b["id"] == building_id, "campus_id"]
        if len(match):
            return match.iloc[0]
        row = store.get("building", building_id)
        if row is None:
            raise ValueError(f"Unknown building {building_id!r} in {store.path}.")
        return row["campus_id"]

    # -- output -------------------------------------------------------------------------------
    def to_json(self, max_gaps: int | None = None) -> dict:
        """The document `passmap assess --format json` prints (a JSON-ready dict)."""
        i, t = self.ctx.inputs, self.tiers
        zones = i.zones[i.zones["building_id"].notna()]
        by_building = {b: g for b, g in zones.groupby("building_id")}
        campuses = []
        for c in i.campuses.itertuples():
            buildings = []
            for b in i.buildings[i.buildings["campus_id"] == c.id].itertuples():
                if self.building_id and b.id != self.building_id:
                    continue
                g = by_building.get(b.id, zones.iloc[0:0])
                buildings.append(
                    {
                        "id": b.id,
                        "name": b.name,
                        "tier": t.get(b.id),
                        "zones": [
                            {
                                "id": z.id,
                                "kind": z.kind,
                                "name": _clean(z.name),
                                "tier": t.get(z.id),
                            }
                            for z in g.itertuples()
                        ],
                    }
                )
            campuses.append(
                {"id": c.id, "name": c.name, "tier": t.get(c.id), "buildings": buildings}
            )
        gaps = self.gaps if max_gaps is None else self.gaps.head(max_gaps)
        return {
            "district": {"id": self.district_id, "tier": t.get(self.district_id)},
            "campuses": campuses,
            "gaps": [
                {
                    "practice_id": g.practice_id,
                    "scope_id": g.scope_id,
                    "tier": int(g.tier) if g.tier != "baseline" else "baseline",
                    "criticality": int(g.criticality),
                    "cost_usd": float(g.cost_usd),
                    "explanation": g.explanation,
                }
                for g in gaps.itertuples()
            ],
        }


def _clean(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _scopes(ctx, building_id) -> pd.DataFrame:
    i = ctx.inputs
    parts = [ctx.scope_frame("district"), ctx.scope_frame("campus"), ctx.scope_frame("building")]
    z = i.zones
    parts.append(
        pd.DataFrame(
            {
                "scope_type": "zone",
                "scope_id": z["id"],
                "scope_name": z["name"],
                "building_id": z["building_id"],
                "campus_id": z["campus_id"],
            }
        )
    )
    scopes = pd.concat(parts, ignore_index=True)
    if building_id is not None:
        keep = scopes["building_id"] == building_id
        scopes = scopes[keep]
    return scopes.reset_index(drop=True)
