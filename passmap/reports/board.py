"""The board figures: ONE computation from the compliance result, used by the Board page, the PDF,
the PowerPoint deck and the CSV, so no export ever disagrees with the screen.

Nothing here decides a tier: tiers, gaps, matrices, baselines and the roadmap come from
``passmap.compliance`` (``assess`` and ``roadmap``); this module only selects, counts and orders
what the engine returns.

>>> from passmap.store import Store                                   # doctest: +SKIP
>>> with Store("data/passmap.duckdb", read_only=True) as store:       # doctest: +SKIP
...     report = board_figures(store, budget_per_year_usd=250_000, years=3)
...     report.tier_counts[["label", "design", "effective"]]
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

import geopandas as gpd
import pandas as pd

from passmap.compliance import planning
from passmap.model import COMPONENTS, LAYERS_V7
from passmap.palette import hex_colour, tier_colour, tier_label
from passmap.reports.board_progress import before_after
from passmap.store.base import utc_now
from passmap.values import optional_int

# The slides, in order; the page, the PDF and the deck use these titles verbatim.
SLIDES: tuple[tuple[str, str], ...] = (
    ("glance", "District at a glance"),
    ("map", "Campuses by tier"),
    ("campus", "Campus detail"),
    ("gaps", "Top gaps by criticality"),
    ("roadmap", "Roadmap within budget"),
    ("progress", "Progress over assessments"),
    ("live", "Live operations"),
)
SLIDE_TITLES = dict(SLIDES)
TIERS = (0, 1, 2, 3, 4)
CHANGE_COLUMNS = [
    "change",
    "practice_id",
    "title",
    "scope_id",
    "scope_name",
    "status_before",
    "status_after",
]
# The engine's gap columns (passmap.compliance.planning.GAP_COLUMNS) the board shows, and of
# those, the ones a roadmap row carries between its year and what it unlocks.
GAP_COLUMNS = [
    c for c in planning.GAP_COLUMNS if c not in ("feasibility", "unlocks_next_tier", "tier_source")
]
ROADMAP_COLUMNS = [
    "year",
    *(c for c in GAP_COLUMNS if c not in ("layer", "component", "explanation", "tier_verified")),
    "unlocks",
]


def tier_hex(tier: int | None) -> str:
    """CSS colour of a tier, from the maps' palette (passmap/palette.py)."""
    return hex_colour(tier_colour(tier))


def tier_name(tier: int | None) -> str:
    """'Below Tier 1', 'Tier 2', ... capitalised for slide text."""
    label = tier_label(tier)
    return label[:1].upper() + label[1:]


@dataclass
class BoardReport:
    """Every figure a board slide or export shows. Build it with :func:`board_figures`."""

    district_id: str
    district_name: str
    generated_on: date
    design_tier: int | None
    effective_tier: int | None
    campuses: gpd.GeoDataFrame  # id, name, school_type, design_tier, effective_tier
    tier_counts: pd.DataFrame  # tier, label, colour, design, effective
    practices_in_place: int
    practices_applicable: int
    baseline_failing: int
    baseline_total: int
    buildings: pd.DataFrame  # campus_id, building_id, name, tier
    matrices: dict[str, pd.DataFrame]  # campus id -> layer x component attained tiers
    gaps: pd.DataFrame  # GAP_COLUMNS, every gap in the engine's rank order
    top_n: int
    roadmap: pd.DataFrame  # ROADMAP_COLUMNS, scheduled items (year 1..years)
    unscheduled: pd.DataFrame  # gaps the budget cannot fit within the years
    budget_per_year_usd: float
    years: int
    history: pd.DataFrame  # one row per recorded assessment
    changes: pd.DataFrame  # change (improved|regressed), practice_id, title, scope
    live: dict[str, Any] | None = None
    before_after: Any = None  # board_progress.BeforeAfter, or None

    @property
    def top_gaps(self) -> pd.DataFrame:
        """The first ``top_n`` practices in the engine's gap ranking, each with every place it
        is missing: rank (best), practice_id, title, tier, criticality, places, where, cost_usd."""
        return summarise_gaps(self.gaps, self.names_of_campuses).head(self.top_n)

    @property
    def names_of_campuses(self) -> dict[str, str]:
        return dict(zip(self.campuses["id"], self.campuses["name"]))

    @property
    def gaps_total_cost_usd(self) -> float:
        return float(self.gaps["cost_usd"].sum()) if len(self.gaps) else 0.0

    @property
    def milestones(self) -> list[str]:
        """What the money buys: 'Lincoln Elementary reaches Tier 2 (year 1)', in plan order."""
        return [m for m in self.roadmap["unlocks"] if m]

    @property
    def roadmap_by_year(self) -> pd.DataFrame:
        """year, items, cost_usd for every planned year (empty years included)."""
        frame = pd.DataFrame({"year": range(1, self.years + 1)})
        if not self.roadmap.empty:
            sums = (
                self.roadmap.groupby("year")
                .agg(items=("practice_id", "size"), cost_usd=("cost_usd", "sum"))
                .reset_index()
            )
            frame = frame.merge(sums, on="year", how="left")
        else:
            frame["items"], frame["cost_usd"] = 0, 0.0
        return frame.fillna({"items": 0, "cost_usd": 0.0}).astype({"items": int})


# -- the one computation ------------------------------------------------------------------------
def board_figures(
    store,
    budget_per_year_usd: float = 250_000,
    years: int = 3,
    top_n: int = 10,
    live_period_h: float = 24.0,
    design=None,
    effective=None,
    today: date | None = None,
) -> BoardReport:
    """Compute every board figure from the compliance engine's results.

    ``design`` / ``effective`` may be passed when the caller already assessed (the app caches
    them); otherwise ``passmap.compliance.assess`` is run here (live=False, then live=True).
    """
    from passmap.compliance import assess, roadmap

    design = design if design is not None else assess(store, live=False)
    effective = effective if effective is not None else assess(store, live=True)
    district = _district(store)
    names = _scope_names(store)
    campuses = _campus_frame(store, design, effective)
    gaps = _gap_frame(design, names)
    plan = _roadmap_frame(roadmap(design, budget_per_year_usd, years), design, names)
    counts = _practice_counts(design.findings)
    history = _with_district_tier(store.assessment_history(), district["id"])
    base = design.baseline(district["id"]) if district["id"] else {"count": 0, "failing": []}
    report = BoardReport(
        district_id=district["id"],
        district_name=district["name"],
        generated_on=today or date.today(),
        design_tier=_tier(design, district["id"]),
        effective_tier=_tier(effective, district["id"]),
        campuses=campuses,
        tier_counts=_tier_counts(campuses),
        practices_in_place=counts["in_place"],
        practices_applicable=counts["applicable"],
        baseline_failing=len(base["failing"]),
        baseline_total=int(base["count"]),
        buildings=_building_frame(store, design),
        matrices=_matrices(design, campuses["id"]),
        gaps=gaps,
        top_n=int(top_n),
        roadmap=plan[plan["year"].notna()].reset_index(drop=True),
        unscheduled=plan[plan["year"].isna()].reset_index(drop=True),
        budget_per_year_usd=float(budget_per_year_usd),
        years=int(years),
        history=_history(history),
        changes=_changes(store, design, names),
        before_after=before_after(store, history, names),
        live=_live(store, live_period_h),
    )
    return report


def _tier(result, scope_id: str) -> int | None:
    value = result.tiers.get(scope_id)
    return optional_int(value)


def _district(store) -> dict[str, str]:
    districts = store.list_districts()
    if districts.empty:
        return {"id": "", "name": "District"}
    row = districts.iloc[0]
    return {"id": str(row["id"]), "name": str(row["name"])}


def _scope_names(store) -> dict[str, str]:
    """Scope id -> a readable name ('Lincoln Elementary', 'Main building', 'Room 104')."""
    return store.scope_names()


def _campus_frame(store, design, effective) -> gpd.GeoDataFrame:
    campuses = store.list_campuses()
    frame = campuses[["id", "name", "school_type", "geometry"]].copy()
    frame["design_tier"] = [_tier(design, c) for c in frame["id"]]
    frame["effective_tier"] = [_tier(effective, c) for c in frame["id"]]
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=campuses.crs)


def _tier_counts(campuses: pd.DataFrame) -> pd.DataFrame:
    rows = []
    for tier in TIERS:
        rows.append(
            {
                "tier": tier,
                "label": tier_name(tier),
                "colour": tier_hex(tier),
                "design": int((campuses["design_tier"] == tier).sum()),
                "effective": int((campuses["effective_tier"] == tier).sum()),
            }
        )
    return pd.DataFrame(rows)


def _practice_counts(findings: pd.DataFrame) -> dict[str, int]:
    """Counts of checklist rows (practice x scope): in place among the applicable ones."""
    applicable = findings[~findings["status"].isin(("not_necessary", "not_applicable"))]
    return {
        "in_place": int((applicable["status"] == "in_place").sum()),
        "applicable": int(len(applicable)),
    }


def _building_frame(store, design) -> pd.DataFrame:
    buildings = store.list_buildings()
    frame = pd.DataFrame(
        {
            "campus_id": buildings["campus_id"],
            "building_id": buildings["id"],
            "name": buildings["name"],
        }
    )
    frame["tier"] = [_tier(design, b) for b in frame["building_id"]]
    return frame.reset_index(drop=True)


def _matrices(design, campus_ids) -> dict[str, pd.DataFrame]:
    out = {}
    for cid in campus_ids:
        matrix = design.matrix(cid)
        out[cid] = matrix.reindex(
            index=[x for x in LAYERS_V7 if x in matrix.index] or list(matrix.index),
            columns=[x for x in COMPONENTS if x in matrix.columns] or list(matrix.columns),
        )
    return out


def _gap_frame(design, names: dict[str, str]) -> pd.DataFrame:
    """The engine's ranked gaps, in its order, with readable scope names and a rank."""
    gaps = design.gaps.copy().reset_index(drop=True)
    if "rank" not in gaps:
        gaps["rank"] = range(1, len(gaps) + 1)
    gaps["scope_name"] = [names.get(s, s) for s in gaps["scope_id"]]
    for col in GAP_COLUMNS:
        if col not in gaps:
            gaps[col] = None
    gaps["cost_usd"] = pd.to_numeric(gaps["cost_usd"], errors="coerce").fillna(0.0)
    return gaps[GAP_COLUMNS]


def summarise_gaps(gaps: pd.DataFrame, campus_names: dict[str, str]) -> pd.DataFrame:
    """One row per practice, in the order of its best-ranked gap; cost is the sum over places.

    >>> g = pd.DataFrame({"rank": [1, 2, 3], "practice_id": ["a", "b", "a"],
    ...                   "title": ["A", "B", "A"], "tier": ["1", "2", "1"],
    ...                   "criticality": [5, 4, 5], "scope_name": ["x", "y", "z"],
    ...                   "campus_id": ["c1", "c1", "c2"], "cost_usd": [10.0, 5.0, 10.0]})
    >>> top = summarise_gaps(g, {"c1": "Oak", "c2": "Elm"})
    >>> list(top["where"]), list(top["cost_usd"])
    (['2 places in 2 campuses', 'y (Oak)'], [20.0, 5.0])
    """
    cols = ["rank", "practice_id", "title", "tier", "criticality", "places", "where", "cost_usd"]
    cols += ["tier_verified"]
    if gaps.empty:
        return pd.DataFrame(columns=cols)
    rows = []
    for pid, g in gaps.groupby("practice_id", sort=False):
        campuses = g["campus_id"].dropna().unique()
        if len(g) == 1:
            where = str(g["scope_name"].iloc[0])
            if len(campuses) and campus_names.get(campuses[0], "") not in where:
                where += f" ({campus_names.get(campuses[0], campuses[0])})"
        else:
            where = f"{len(g)} places in {len(campuses)} campus{'es' if len(campuses) != 1 else ''}"
        rows.append(
            {
                "rank": int(g["rank"].min()),
                "practice_id": pid,
                "title": g["title"].iloc[0],
                "tier": str(g["tier"].iloc[0]),
                "criticality": g["criticality"].iloc[0],
                "places": len(g),
                "where": where,
                "cost_usd": float(g["cost_usd"].sum()),
                # whether the tier comes from a cited source (else PassMap's suggestion)
                "tier_verified": bool(g["tier_verified"].iloc[0])
                if "tier_verified" in g and pd.notna(g["tier_verified"].iloc[0])
                else False,
            }
        )
    return pd.DataFrame(rows, columns=cols).sort_values("rank").reset_index(drop=True)


def _roadmap_frame(plan, design, names: dict[str, str]) -> pd.DataFrame:
    """The engine's roadmap as rows (year, practice, scope, cost), whatever container it uses."""
    if not isinstance(plan, pd.DataFrame):
        plan = getattr(plan, "items", plan)
    frame = pd.DataFrame(plan).copy()
    if frame.empty:
        return pd.DataFrame(columns=ROADMAP_COLUMNS)
    frame["scope_name"] = [names.get(s, s) for s in frame["scope_id"]]
    for col in ROADMAP_COLUMNS:
        if col not in frame:
            frame[col] = None
    frame["cost_usd"] = pd.to_numeric(frame["cost_usd"], errors="coerce").fillna(0.0)
    frame["unlocks"] = [_milestone(u, names) for u in frame["unlocks"].fillna("")]
    # Items the budget cannot fit in the period come back with no year: "unscheduled".
    frame["year"] = pd.to_numeric(frame["year"], errors="coerce").astype("Int64")
    return frame[ROADMAP_COLUMNS].reset_index(drop=True)


def _milestone(note: str, names: dict[str, str]) -> str:
    """The engine's 'campus-3 reaches Tier 2 (year 1)' with the campus's name."""
    owner, sep, rest = str(note).partition(" reaches ")
    return f"{names.get(owner, owner)}{sep}{rest}" if sep else ""


def _with_district_tier(history: pd.DataFrame, district_id: str) -> pd.DataFrame:
    """Recorded district-wide design assessments, oldest first, with the district tier then."""
    history["district_tier"] = [
        (s or {}).get("tiers", {}).get(district_id) for s in history["summary"]
    ]
    return history


def _history(history: pd.DataFrame) -> pd.DataFrame:
    return history.drop(columns=["summary"])


def _changes(store, design, names: dict[str, str]) -> pd.DataFrame:
    """The engine's diff of the two latest assessments: findings improved or regressed."""
    from passmap.compliance import diff

    ids = store.latest_assessment_ids("design")
    if len(ids) < 2:
        return pd.DataFrame(columns=CHANGE_COLUMNS)
    changes = diff(store, ids[1], ids[0])
    changes = changes[changes["change"].isin(["improved", "regressed"])].copy()
    titles = dict(zip(design.practices["id"], design.practices["title"]))
    changes["title"] = [titles.get(p, p) for p in changes["practice_id"]]
    changes["scope_name"] = [names.get(s, s) for s in changes["scope_id"]]
    return changes.reindex(columns=CHANGE_COLUMNS).reset_index(drop=True)


def _live(store, period_h: float) -> dict[str, Any] | None:
    since = utc_now() - timedelta(hours=period_h)
    summary = store.live_summary(since)
    if summary is None:
        return None
    return dict(summary, period_h=period_h)
