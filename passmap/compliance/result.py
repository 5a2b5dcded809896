"""The outcome of an assessment: findings, tiers per scope, gaps, matrices, coverage, JSON."""

from __future__ import annotations

from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd

from passmap.compliance import scoring
from passmap.compliance.planning import rank_gaps
from passmap.model import COMPONENTS, LAYERS_V7

V6_LAYERS = ("District-wide", "Property Perimeter", "Parking Lot Perimeter", "Building Perimeter",
             "Classroom/Interior Perimeter")


class AssessmentResult:
    """Findings and tiers of one assessment. Build with ``passmap.compliance.assess``."""

    def __init__(self, edition, live, as_of, practices, ctx, findings, building_id=None):
        self.edition, self.live, self.as_of = edition, live, as_of
        self.practices, self.ctx, self.findings = practices, ctx, findings
        self.building_id = building_id
        self.scopes = _scopes(ctx, building_id)
        self.tiers: dict[str, int] = scoring.all_tiers(findings, self.scopes)
        districts = ctx.inputs.districts["id"].tolist()
        self.district_id = districts[0] if districts else None

    # -- tiers and their explanation --------------------------------------------------------
    @cached_property
    def gaps(self) -> pd.DataFrame:
        return rank_gaps(self.findings, self.tiers)

    def scope_type(self, scope_id: str) -> str:
        match = self.scopes.loc[self.scopes["scope_id"] == scope_id, "scope_type"]
        if match.empty:
            raise KeyError(f"Unknown scope {scope_id!r} in this assessment.")
        return match.iloc[0]

    def rollup(self, scope_id: str) -> pd.DataFrame:
        """The findings that decide a scope's tier (its own and everything inside it)."""
        col = scoring.ROLLUP_COLUMN[self.scope_type(scope_id)]
        return self.findings[self.findings[col] == scope_id]

    def matrix(self, scope_id: str) -> pd.DataFrame:
        """Layer x component tiers of a scope (NaN where no practice applies)."""
        layers = V6_LAYERS if self.edition == "v6" else LAYERS_V7
        return scoring.matrix(self.rollup(scope_id), layers, COMPONENTS)

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
            zones, openings = zones[zones["campus_id"] == campus_id], openings[
                openings["campus_id"] == campus_id]
        return camera_views(controls, zones, openings, i.levels)

    # -- incremental --------------------------------------------------------------------------
    def update_building(self, store, building_id: str) -> "AssessmentResult":
        """Re-assess one building (its zones, itself and its campus-level practices) after an
        edit; only that building, its campus and the district are re-scored."""
        from passmap.compliance.engine import run

        _, ctx, fresh = run(store, self.edition, self.live, building_id, self.as_of,
                            practices=self.practices, reuse=self.ctx.inputs)
        campus_id = ctx.inputs.campuses["id"].iloc[0]
        f = self.findings
        old = ((f["building_id"] == building_id) & f["scope_type"].isin(["zone", "building"])) | (
            (f["scope_type"] == "campus") & (f["scope_id"] == campus_id))
        findings = pd.concat([f[~old], fresh], ignore_index=True)
        new = object.__new__(AssessmentResult)
        new.__dict__.update({k: v for k, v in self.__dict__.items()
                             if k not in ("gaps", "_object_index", "coverage")})
        new.findings = findings
        new.tiers = self._rescored(findings, fresh, building_id, campus_id)
        return new

    def _rescored(self, findings, fresh, building_id, campus_id) -> dict[str, int]:
        tiers = dict(self.tiers)
        own = scoring.tiers_by(fresh, "zone_id").to_dict()
        b_rows = fresh[fresh["building_id"] == building_id]
        tiers[building_id] = int(scoring.attained_tier(b_rows))
        tiers[campus_id] = int(scoring.attained_tier(findings[findings["campus_id"] == campus_id]))
        if self.district_id is not None:
            tiers[self.district_id] = int(scoring.attained_tier(
                findings[findings["district_id"] == self.district_id]))
        zones = self.scopes[(self.scopes["scope_type"] == "zone")
                            & (self.scopes["building_id"] == building_id)]["scope_id"]
        for z in zones:
            tiers[z] = int(own.get(z, tiers[building_id]))
        return tiers

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
                buildings.append({"id": b.id, "name": b.name, "tier": t.get(b.id), "zones": [
                    {"id": z.id, "kind": z.kind, "name": _clean(z.name), "tier": t.get(z.id)}
                    for z in g.itertuples()]})
            campuses.append({"id": c.id, "name": c.name, "tier": t.get(c.id), "buildings": buildings})
        gaps = self.gaps if max_gaps is None else self.gaps.head(max_gaps)
        return {"district": {"id": self.district_id, "tier": t.get(self.district_id)},
                "campuses": campuses,
                "gaps": [{"practice_id": g.practice_id, "scope_id": g.scope_id,
                          "tier": int(g.tier) if g.tier != "baseline" else "baseline",
                          "criticality": int(g.criticality), "cost_usd": float(g.cost_usd),
                          "explanation": g.explanation} for g in gaps.itertuples()]}


def _clean(value):
    return None if value is None or (isinstance(value, float) and np.isnan(value)) else value


def _scopes(ctx, building_id) -> pd.DataFrame:
    i = ctx.inputs
    parts = [ctx.scope_frame("district"), ctx.scope_frame("campus"), ctx.scope_frame("building")]
    z = i.zones
    parts.append(pd.DataFrame({"scope_type": "zone", "scope_id": z["id"], "scope_name": z["name"],
                               "building_id": z["building_id"], "campus_id": z["campus_id"]}))
    scopes = pd.concat(parts, ignore_index=True)
    if building_id is not None:
        keep = (scopes["building_id"] == building_id)
        scopes = scopes[keep]
    return scopes.reset_index(drop=True)
