"""Board presentation: one idea per slide, large type, previous/next, no editing controls.
Every number comes from passmap.reports.board (the same function as the PDF, deck and CSV)."""

from __future__ import annotations

import html

import streamlit as st

from passmap.localtime import district_clock
from passmap.reports.board import SLIDES, tier_name
from passmap.reports.board_text import (
    change_lines,
    gaps_subtitle,
    gaps_table,
    roadmap_lines,
    roadmap_subtitle,
)
from passmap.values import optional_int
from ui import board
from ui.guard import require

require("view_reports", page="board")

SLIDE_KEY = "board_slide"
st.markdown(
    """<style>
[data-testid="stMetricValue"] {font-size: 3rem;}
[data-testid="stMetricLabel"] p {font-size: 1.25rem;}
.block-container {max-width: 1500px;}
.board-line {font-size: 1.25rem; line-height: 1.6;}
[data-testid="stTable"] td, [data-testid="stTable"] th {font-size: 1.1rem;}
</style>""",
    unsafe_allow_html=True,
)

with st.sidebar.expander("Report settings", expanded=False):
    budget = st.number_input(
        "Budget per year (USD)", 0, 100_000_000, 250_000, 25_000, key="board_budget"
    )
    years = st.number_input("Years", 1, 10, 3, key="board_years")

rep = board.report(budget, years)
if rep is None:
    st.title("Board presentation")
    st.info("No catalog is loaded yet, so there are no tiers to present.")
    st.stop()

index = min(max(st.session_state.get(SLIDE_KEY, 0), 0), len(SLIDES) - 1)


def go(step: int) -> None:
    st.session_state[SLIDE_KEY] = min(max(index + step, 0), len(SLIDES) - 1)


key, title = SLIDES[index]
st.title(title)
st.caption(
    f"{rep.district_name} · {rep.generated_on:%B %d, %Y} · slide {index + 1} of {len(SLIDES)}"
)


def lines(items: list[str]) -> None:
    st.markdown(
        "".join(f'<div class="board-line">{html.escape(t) or "&nbsp;"}</div>' for t in items),
        unsafe_allow_html=True,
    )


def slide_glance() -> None:
    left, right = st.columns([2, 3])
    left.metric("District tier as built (design)", tier_name(rep.design_tier))
    left.metric("With live device status (effective)", tier_name(rep.effective_tier))
    left.metric(
        "Checklist items in place", f"{rep.practices_in_place} of {rep.practices_applicable}"
    )
    left.metric(
        "Legally required (baseline) items failing",
        f"{rep.baseline_failing} of {rep.baseline_total}",
    )
    right.subheader("Campuses per tier")
    right.altair_chart(board.tier_counts_chart(rep), width="stretch")


def slide_map() -> None:
    left, right = st.columns([4, 1])
    left.altair_chart(board.campus_map_chart(rep), width="stretch")
    right.markdown(
        board.tier_cards_html(
            [
                (r.label, r.tier, f"{r.design} campus{'' if r.design == 1 else 'es'}")
                for r in rep.tier_counts.itertuples()
            ]
        ),
        unsafe_allow_html=True,
    )


def slide_campus() -> None:
    names = dict(zip(rep.campuses["id"], rep.campuses["name"]))
    cid = st.selectbox("Campus", list(names), format_func=names.get, key="board_campus")
    row = rep.campuses.loc[rep.campuses["id"] == cid].iloc[0]
    st.subheader(
        f"{row['name']}: {tier_name(_int(row['design_tier']))} as built, "
        f"{tier_name(_int(row['effective_tier']))} with live status"
    )
    left, right = st.columns([2, 5])
    left.markdown("**Tier by building**")
    buildings = rep.buildings[rep.buildings["campus_id"] == cid].sort_values("name")
    left.markdown(
        board.tier_cards_html(
            [(b.name, _int(b.tier), tier_name(_int(b.tier))) for b in buildings.itertuples()]
        ),
        unsafe_allow_html=True,
    )
    right.markdown("**Attained tier by layer and component** (– = nothing applies)")
    right.altair_chart(board.heatmap_chart(rep.matrices[cid]), width="stretch")


def slide_gaps() -> None:
    st.subheader(gaps_subtitle(rep))
    st.table(gaps_table(rep, 80, 48).set_index("#"))


def slide_roadmap() -> None:
    st.subheader(roadmap_subtitle(rep))
    left, right = st.columns([3, 2])
    left.altair_chart(board.roadmap_chart(rep), width="stretch")
    with right:
        lines(roadmap_lines(rep, width=60, limit=4, items=False))


def slide_progress() -> None:
    left, right = st.columns([3, 2])
    if rep.history.empty:
        left.info("No assessment recorded yet.")
    elif len(rep.history) == 1:
        last = rep.history.iloc[-1]
        left.metric(
            f"Checklist items in place at the one recorded assessment "
            f"({district_clock(last['created_utc']):%B %d, %Y})",
            f"{last['in_place']} of {last['applicable']}",
        )
    else:
        left.altair_chart(board.history_chart(rep.history), width="stretch")
    with right:
        lines(change_lines(rep, width=60))
    if rep.before_after is not None:
        ba = rep.before_after
        st.markdown(
            f"**{ba.building_name}, {ba.level_name}**: {ba.changed_zones} rooms changed "
            "tier (before, after)"
        )
        st.altair_chart(board.before_after_chart(ba))


def slide_live() -> None:
    live = rep.live
    if not live:
        st.info("No live data: no device has reported status yet.")
        return
    cols = st.columns(4)
    cols[0].metric("Devices online", f"{live['devices_online']} of {live['devices_reporting']}")
    cols[1].metric("Devices offline", live["devices_offline"])
    cols[2].metric(
        f"Alarms, last {live['period_h']:g} h",
        live["alarms_in_period"],
        help=f"{live['alarms_open']} not yet resolved",
    )
    cols[3].metric("Devices on the maps with a feed id", live["devices_inventoried"])


def _int(value):
    return optional_int(value)


{
    "glance": slide_glance,
    "map": slide_map,
    "campus": slide_campus,
    "gaps": slide_gaps,
    "roadmap": slide_roadmap,
    "progress": slide_progress,
    "live": slide_live,
}[key]()

prev_col, where, next_col = st.columns([1, 4, 1])
prev_col.button(
    "◀ Previous", key="board_prev", on_click=go, args=(-1,), disabled=index == 0, width="stretch"
)
where.progress((index + 1) / len(SLIDES), text=f"{title} ({index + 1}/{len(SLIDES)})")
next_col.button(
    "Next ▶",
    key="board_next",
    on_click=go,
    args=(1,),
    disabled=index == len(SLIDES) - 1,
    width="stretch",
)

with st.expander("Download the board report"):
    board.downloads(rep, (budget, years))
