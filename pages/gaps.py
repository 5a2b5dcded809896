"""Gaps and roadmap: what blocks each campus's next PASS tier, what it costs, and a plan that
fits the gaps into yearly budgets. Thin view over passmap.compliance (via ui.assessment)."""

from __future__ import annotations

import altair as alt
import pandas as pd
import streamlit as st

from passmap.compliance import roadmap
from passmap.fields import human_columns
from passmap.palette import TIER_COLOURS, hex_colour, tier_label
from passmap.values import optional_int
from ui import data
from ui.assessment import get_assessment, watch
from ui.auth import scope_campuses
from ui.editing import actor
from ui.gaps_forms import import_form, may_assess, status_form, tier_source
from ui.guard import require

require("view_compliance")

STARTER_NOTE = (
    "Practice titles and tiers come from the PassMap starter catalog, written in our "
    "own words: it is not PASS text. The 'Tier source' column says whether a tier is "
    "verified (with its source) or PassMap's suggestion; import your district's licensed "
    "checklist to replace them (docs/COMPLIANCE.md)."
)

st.title("Gaps and roadmap")
st.caption(STARTER_NOTE)
result = get_assessment(live=False)
if result is None:
    st.info("No assessment yet: load a catalog (`passmap checklist load-starter`) to see gaps.")
    st.stop()

watch(live=False)  # follow every edit, import and checklist status
campuses = scope_campuses(result.inputs.campuses)  # campus-scoped accounts: theirs only
whole = [result.district_id] if len(campuses) == len(result.inputs.campuses) else []
options = whole + campuses["id"].tolist()
names = {result.district_id: "Whole district", **dict(zip(campuses["id"], campuses["name"]))}
scope = st.selectbox("Scope", options, format_func=lambda i: names.get(i, i), key="gaps_scope")

tier = result.tiers.get(scope)
nxt = result.next_tier(scope)
base = result.baseline(scope)
c1, c2, c3 = st.columns(3)
c1.metric("Attained tier", tier_label(tier))
if nxt["next_tier"]:
    c2.metric(
        f"Progress to Tier {nxt['next_tier']}",
        f"{nxt['progress']:.0%}",
        f"{nxt['in_place']} of {nxt['applicable']} practices in place",
        delta_color="off",
    )
c3.metric("Baseline (law)", "pass" if base["passed"] else f"{len(base['failing'])} failing")


def heat_map(matrix: pd.DataFrame) -> alt.Chart:
    cells = matrix.reset_index(names="layer").melt("layer", var_name="component", value_name="tier")
    cells["label"] = [tier_label(optional_int(t)) for t in cells["tier"]]
    domain = list(range(5))
    colours = [hex_colour(TIER_COLOURS[t]) for t in domain]
    base = alt.Chart(cells).encode(
        x=alt.X("component:N", title=None, sort=None), y=alt.Y("layer:N", title=None, sort=None)
    )
    rect = base.mark_rect().encode(
        color=alt.Color(
            "tier:O",
            scale=alt.Scale(domain=domain, range=colours),
            legend=alt.Legend(title="Tier (0 = below Tier 1)"),
        ),
        tooltip=["layer", "component", "label"],
    )
    return rect + base.mark_text(fontSize=11).encode(text="label:N")


st.subheader("Layer × component")
st.altair_chart(heat_map(result.matrix(scope)), width="stretch")

st.subheader(f"What blocks Tier {nxt['next_tier']}" if nxt["next_tier"] else "At Tier 4")
blockers = nxt["blockers"]
if len(blockers):
    st.dataframe(
        blockers[["practice_id", "title", "scope_name", "explanation", "cost_usd"]].assign(
            tier_source=tier_source(blockers)
        ),
        hide_index=True,
        width="stretch",
        column_config={**human_columns(blockers.columns), "tier_source": "Tier source"},
    )

st.subheader("Gaps, ranked")
gaps = result.gaps
if scope != result.district_id:
    gaps = gaps[gaps["campus_id"] == scope]
st.caption(
    f"{len(gaps)} gaps, ${gaps['cost_usd'].sum():,.0f} in total. Baseline (law) first, "
    "then criticality, feasibility and cost."
)
st.dataframe(
    gaps[
        [
            "rank",
            "practice_id",
            "title",
            "tier",
            "scope_name",
            "criticality",
            "feasibility",
            "cost_usd",
            "unlocks_next_tier",
            "explanation",
        ]
    ]
    .assign(tier_source=tier_source(gaps))
    .head(500),
    hide_index=True,
    width="stretch",
    column_config={**human_columns(gaps.columns), "tier_source": "Tier source"},
)

st.subheader("Roadmap")
b1, b2 = st.columns(2)
budget = b1.number_input(
    "Budget per year (USD)", 0, 100_000_000, 250_000, 25_000, key="gaps_budget"
)
years = b2.number_input("Years", 1, 10, 3, key="gaps_years")
plan = roadmap(result, float(budget), int(years))
if scope != result.district_id:
    plan = plan[plan["campus_id"] == scope]
if plan.empty:
    st.success("Nothing to schedule.")
else:
    per_year = plan.groupby(plan["year"].astype("float").fillna(0))["cost_usd"].agg(
        ["count", "sum"]
    )
    for year, row in per_year.iterrows():
        label = f"Year {int(year)}" if year else "Beyond the budget"
        st.markdown(f"**{label}**: {int(row['count'])} items, ${row['sum']:,.0f}")
    unlocks = plan.loc[plan["unlocks"] != "", "unlocks"].tolist()
    if unlocks:
        st.markdown("Tiers reached: " + "; ".join(unlocks))
    st.dataframe(
        plan[["year", "practice_id", "title", "scope_name", "tier", "cost_usd", "unlocks"]],
        hide_index=True,
        width="stretch",
        column_config=human_columns(plan.columns),
    )

if may_assess():
    with st.expander("Record a checklist status"):
        status_form(
            data.get_store(),
            result,
            None if scope == result.district_id else scope,
            actor(),
        )
    with st.expander("Import the district's checklist"):
        import_form(data.get_store(), actor())
