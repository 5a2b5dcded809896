"""The outcome of an assessment: findings, tiers per scope, gaps, matrices, coverage, JSON."""

from __future__ import annotations

from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from passmap.compliance import incremental, scoring
from passmap.compliance.engine import Kept
from passmap.compliance.planning import rank_gaps
from passmap.compliance.rulekit import RULES
from passmap.gcpause import gc_paused
from passmap.model import COMPONENTS, LAYERS_V7
from passmap.values import is_missing

V6_LAYERS = (
    "District-wide",
    "Property Perimeter",
    "Parking Lot Perimeter",
    "Building Perimeter",
    "Classroom/Interior Perimeter",
)


# Derived from the findings; an updated result computes them again on first use.
_CACHED = (
    "gaps",
    "_object_index",
    "coverage",
    "_rollup_index",
    "_matrix_mins",
    "_scope_types",
    "inputs",
)


class AssessmentResult:
    """Findings and tiers of one assessment. Build with ``passmap.compliance.assess``;
    ``update_campuses`` gives the result after an edit without re-reading the district."""

    def __init__(
        self, edition, live, as_of, practices, ctx, findings, building_id=None, version=None
    ):
        self.edition, self.live, self.as_of = edition, live, as_of
        self.practices, self.ctx = practices, ctx
        self.building_id = building_id
        self.version = version  # the store's data (or live) version this result reflects
        self.scopes = _scopes(ctx, building_id)
        # Findings as blocks: the full frame of the assessment plus a fresh block per updated
        # campus (``update_campuses``); ``findings`` joins them on first read.
        self._base, self._blocks, self._findings = findings, {}, findings
        self._campus_ctx: dict = {}  # campus id -> the Context it was last evaluated in
        self._digests: dict = {}  # campus id -> incremental.campus_digests of its inputs here
        # campus id -> ids of the practices the update that made this result evaluated again
        # (the others kept their rows: nothing they read changed); empty after a full run
        self.rerun: dict[str, set] = {}
        self._coverage: dict = {}  # campus id -> camera views (computed on first use)
        self._mins = scoring.summaries(findings)
        self.tiers: dict[str, int] = scoring.tiers_from(self._mins, self.scopes)
        districts = ctx.inputs.districts["id"].tolist()
        self.district_id = districts[0] if districts else None

    @cached_property
    def inputs(self):
        """What the assessment read, as of its version (updated campuses' fresh rows)."""
        return incremental.merged_inputs(
            self.ctx.inputs, {c: x.inputs for c, x in self._campus_ctx.items()}
        )

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
        """Camera views (WGS84) clipped by walls: [control_id, geometry]; computed on first use,
        campus by campus (an update recomputes only its campuses)."""
        parts = [self.coverage_for(c) for c in sorted(self.inputs.campuses["id"])]
        if not parts:
            return gpd.GeoDataFrame({"control_id": []}, geometry=[], crs="OGC:CRS84")
        return pd.concat(parts, ignore_index=True)

    def coverage_for(self, campus_id: str | None = None) -> gpd.GeoDataFrame:
        """Camera views of one campus (all campuses when None), with the same walls, mounting
        rule and metric frame as the engine's sight lines; offline cameras left out when
        live."""
        from passmap.geometry import camera_views

        if campus_id is None:
            return self.coverage
        if campus_id not in self._coverage:
            ctx = self._campus_ctx.get(campus_id, self.ctx)
            i = ctx.inputs

            def mine(frame):
                return frame[frame["campus_id"] == campus_id]

            controls = mine(i.controls[i.controls["type"] == "camera"])
            if self.live and ctx.offline_controls:
                controls = controls[~controls["id"].isin(ctx.offline_controls)]
            walls = None if i.walls is None else mine(i.walls)
            self._coverage[campus_id] = camera_views(
                controls, mine(i.zones), mine(i.openings), i.levels, walls, crs=self.ctx.crs
            )
        return self._coverage[campus_id]

    # -- incremental --------------------------------------------------------------------------
    def update_campuses(self, store, campus_ids, version=None) -> AssessmentResult:
        """Re-assess whole campuses after edits: reads only their rows, evaluates every
        practice on their zones, buildings and themselves (district-wide practices are kept),
        re-scores them and the district. Returns a new result equal to a full run on the
        store; this one is unchanged. A campus that no longer exists, or a catalog with a
        district-wide rule-checked practice, means a full run."""
        with gc_paused():  # see passmap.gcpause
            return self._update_campuses(store, campus_ids, version)

    def _update_campuses(self, store, campus_ids, version) -> AssessmentResult:
        from passmap.compliance import assess
        from passmap.compliance.context import Context, load_inputs
        from passmap.compliance.engine import evaluate

        ids = set(campus_ids)
        if self.building_id is not None or incremental.needs_full_run(self.practices):
            return self._full(store, version)
        fresh_ctx, blocks, digests, rerun = {}, [], {}, {}
        own = [
            p
            for p, s, k in zip(
                self.practices["id"], self.practices["scope"], self.practices["check_kind"]
            )
            if s.get("level") != "district" and (self.live or not RULES[k].live_only)
        ]
        for cid in sorted(ids):
            inputs = load_inputs(store, cid, self.live)
            if inputs.campuses.empty:
                return assess(store, self.edition, self.live, as_of=self.as_of, version=version)
            fresh_ctx[cid] = Context(inputs, self.as_of, self.live, crs=self.ctx.crs)
            keep, digests[cid] = self._kept_rows(cid, inputs)
            rerun[cid] = set(own) - set(keep)
            blocks.append(evaluate(self.practices, fresh_ctx[cid], district_scope=False, keep=keep))
        fresh = pd.concat(blocks, ignore_index=True)
        new = object.__new__(AssessmentResult)
        new.__dict__.update({k: v for k, v in self.__dict__.items() if k not in _CACHED})
        new._digests = {**self._digests, **digests}
        new.rerun = rerun
        new._campus_ctx = {**self._campus_ctx, **fresh_ctx}
        new._blocks = {**self._blocks, **{c: fresh[fresh["campus_id"] == c] for c in ids}}
        # A campus's camera views are kept when nothing they are drawn from changed (a lock,
        # a procedure or a test date edit): cameras, rooms, doors, walls, levels.
        new._coverage = {
            k: v
            for k, v in self._coverage.items()
            if k not in ids
            or _views_key(self._campus_ctx.get(k, self.ctx), k, self.live)
            == _views_key(fresh_ctx[k], k, self.live)
        }
        new._findings = None
        fresh_scopes = pd.concat(
            [_scopes(c, district=False) for c in fresh_ctx.values()], ignore_index=True
        )
        new.scopes = incremental.rescope(self.scopes, fresh_scopes, ids)
        new._mins, new.tiers = incremental.rescore(
            self._mins,
            self.tiers,
            fresh,
            self.scopes,
            fresh_scopes,
            ids,
            self.ctx.campus_district,
        )
        new.version = version
        return new

    def _kept_rows(self, campus_id: str, inputs) -> tuple[dict, dict]:
        """The campus's rows of this result for every practice whose inputs the edit left as
        they were (``incremental.unchanged_practices``), and the campus's new digests. A live
        result re-runs everything (device statuses reach most practices)."""
        if self.live:
            return {}, {}
        new = incremental.campus_digests(inputs, campus_id)
        old = self._digests.get(campus_id)
        if old is None:  # this result's own rows of the campus, digested once
            ctx = self._campus_ctx.get(campus_id, self.ctx)
            old = self._digests[campus_id] = incremental.campus_digests(ctx.inputs, campus_id)
        same = incremental.unchanged_practices(self.practices, old, new)
        if not same:
            return {}, new
        rows = self._blocks.get(campus_id)
        if rows is None:
            rows = self._base_rows(campus_id)
        at = rows.groupby("practice_id", sort=False).indices
        return {p: Kept(rows, at[p]) for p in same if p in at}, new

    def _base_rows(self, campus_id: str) -> pd.DataFrame:
        """The full run's findings of one campus, through a campus -> rows index built once
        per full run (shared by every result updated from it) instead of comparing the
        campus column of the whole district's findings on every update."""
        at = self.__dict__.get("_base_at")
        if at is None:
            at = self._base_at = self._base.groupby("campus_id", sort=False).indices
        rows = at.get(campus_id)
        return self._base.iloc[rows if rows is not None else []]

    def _full(self, store, version):
        from passmap.compliance import assess

        return assess(
            store,
            self.edition,
            self.live,
            building_id=self.building_id,
            as_of=self.as_of,
            version=version,
        )

    def update_building(self, store, building_id: str) -> AssessmentResult:
        """Re-assess after an edit in one building (its campus is the unit: sight lines and
        companion devices cross buildings of a campus)."""
        return self.update_campuses(store, [self._campus_of(store, building_id)])

    def _campus_of(self, store, building_id: str) -> str:
        b = self.inputs.buildings
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
        i, t = self.inputs, self.tiers
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

    def document(self) -> dict:
        """Everything the assessment says, as plain JSON in a canonical order: the tiers of
        every scope, every finding (status, source, evidence, explanation, cost), the ranked
        gaps and every camera's view (WKT, to the centimetre). Two results that say the same
        give equal documents (the incremental path is tested against full runs with it)."""
        f = self.findings.sort_values(["practice_id", "scope_id"], kind="stable")
        findings = [
            {c: _plain(v) for c, v in zip(f.columns, row)}
            for row in f.itertuples(index=False, name=None)
        ]
        cov = self.coverage.sort_values("control_id")
        views = {
            cid: shapely.to_wkt(shapely.normalize(g), rounding_precision=7)
            for cid, g in zip(cov["control_id"], cov.geometry.values)
        }
        scopes = self.scopes.sort_values(["scope_type", "scope_id"])
        return {
            "edition": self.edition,
            "live": self.live,
            "as_of": str(self.as_of),
            **self.to_json(),
            "tiers": {k: int(v) for k, v in sorted(self.tiers.items())},
            "scopes": [
                {k: _plain(v) for k, v in r.items()}
                for r in scopes[
                    ["scope_type", "scope_id", "scope_name", "building_id", "campus_id"]
                ].to_dict("records")
            ],
            "findings": findings,
            "coverage": views,
        }


def _views_key(ctx, campus_id: str, live: bool) -> bytes:
    """A digest of everything ``coverage_for(campus_id)`` reads: equal digests, equal views."""
    import hashlib

    i = ctx.inputs
    h = hashlib.sha256()

    def mine(frame):
        return None if frame is None else frame[frame["campus_id"] == campus_id]

    cams = mine(i.controls[i.controls["type"] == "camera"])
    if live and ctx.offline_controls:
        cams = cams[~cams["id"].isin(ctx.offline_controls)]
    buildings = set(i.buildings.loc[i.buildings["campus_id"] == campus_id, "id"])
    levels = i.levels[i.levels["building_id"].isin(buildings)]
    for frame, cols in (
        (cams, ["id", "level_id", "bearing_deg", "fov_deg", "range_m"]),
        (mine(i.zones), ["id", "level_id", "building_id"]),
        (mine(i.openings), ["id", "level_id"]),
        (mine(i.walls), ["level_id"]),  # walls: sorted by id when they have one
        (levels, ["id", "ordinal"]),
    ):
        if frame is None:
            h.update(b"none|")
            continue
        if "id" in frame:  # a full run and a campus read may list rows in another order
            frame = frame.sort_values("id", kind="stable")
        h.update(repr(frame[cols].to_numpy().tolist()).encode())
        h.update(b"".join(shapely.to_wkb(np.asarray(frame.geometry.values))))
        h.update(b"|")
    return h.digest()


def _plain(value):
    """A JSON-ready value: numpy scalars to Python, NaN to None, evidence dicts sorted."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in sorted(value.items())}
    if isinstance(value, (list, tuple, np.ndarray)):
        return [_plain(v) for v in value]
    if hasattr(value, "item"):
        value = value.item()
    return None if is_missing(value) else value


def _clean(value):
    return None if is_missing(value) else value


def _scopes(ctx, building_id=None, district: bool = True) -> pd.DataFrame:
    """Every scope of the context: [scope_type, scope_id, scope_name, building_id, campus_id]
    (a one-campus context of an update gives no district row)."""
    i = ctx.inputs
    parts = [ctx.scope_frame("campus"), ctx.scope_frame("building")]
    if district:
        parts.insert(0, ctx.scope_frame("district"))
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
