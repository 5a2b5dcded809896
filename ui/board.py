"""The Board page's cached report and its Altair charts (Vega is bundled with Streamlit: offline).

The figures come from ``passmap.reports.board.board_figures`` (the same function as the PDF, the
deck and the CSV); colours from passmap/palette.py through ``tier_hex``.
"""

from __future__ import annotations

import html
import io
import json

import altair as alt
import pandas as pd
import streamlit as st

from passmap.config import load_settings
from passmap.localtime import district_clock, local_time
from passmap.reports.board import TIERS, BoardReport, board_figures, tier_hex, tier_name
from passmap.values import is_missing, optional_int
from ui.assessment import get_assessment
from ui.assessment import version as assessment_version
from ui.data import _open_store, db_path

TIER_LABELS = [tier_name(t) for t in TIERS]
TIER_SCALE = alt.Scale(
    domain=TIER_LABELS + [tier_name(None)], range=[tier_hex(t) for t in TIERS] + [tier_hex(None)]
)
BIG = {"labelFontSize": 16, "titleFontSize": 16}


@st.cache_resource(max_entries=8, show_spinner="Computing the board figures…")
def _report(
    path: str, budget_per_year_usd: float, years: int, top_n: int, versions: tuple
) -> BoardReport:
    # Keyed on the assessments' versions: recomputed after any write, never stale.
    return board_figures(
        _open_store(path),
        budget_per_year_usd,
        years,
        top_n=top_n,
        design=get_assessment(False),
        effective=get_assessment(True),
    )


def report(budget_per_year_usd: float, years: int, top_n: int = 10) -> BoardReport | None:
    """The board figures for the configured database, or None when nothing is assessed yet
    (no catalog loaded)."""
    versions = (assessment_version(False), assessment_version(True))
    if versions[0] is None:
        return None
    return _report(db_path(), float(budget_per_year_usd), int(years), int(top_n), versions)


def tier_counts_chart(rep: BoardReport) -> alt.Chart:
    frame = rep.tier_counts.melt(
        id_vars=["tier", "label"],
        value_vars=["design", "effective"],
        var_name="kind",
        value_name="campuses",
    )
    base = alt.Chart(frame).encode(
        x=alt.X("label:N", sort=TIER_LABELS, title=None, axis=alt.Axis(labelAngle=0, **BIG)),
        xOffset=alt.XOffset("kind:N", sort=["design", "effective"]),
        y=alt.Y("campuses:Q", title="campuses", axis=alt.Axis(tickMinStep=1, **BIG)),
    )
    bars = base.mark_bar(stroke="#1a1a1a").encode(
        color=alt.Color("label:N", scale=TIER_SCALE, legend=None),
        opacity=alt.Opacity(
            "kind:N",
            scale=alt.Scale(domain=["design", "effective"], range=[1.0, 0.55]),
            legend=alt.Legend(
                title="left: as built, right: live",
                orient="top",
                labelLimit=300,
                titleLimit=400,
                **BIG,
            ),
        ),
        tooltip=["label", "kind", "campuses"],
    )
    labels = base.mark_text(dy=-12, fontSize=18).encode(text="campuses:Q")
    return (bars + labels).properties(height=380)


def campus_map_chart(rep: BoardReport) -> alt.LayerChart:
    frame = rep.campuses.copy()
    frame["tier_label"] = [tier_name(optional_int(t)) for t in frame["design_tier"]]
    shapes = json.loads(frame[["name", "tier_label", "geometry"]].to_json())["features"]
    points = frame.geometry.representative_point()
    dots = pd.DataFrame(
        {"name": frame["name"], "tier_label": frame["tier_label"], "lon": points.x, "lat": points.y}
    )
    colour = alt.Color(
        "tier_label:N",
        scale=TIER_SCALE,
        title="campus tier",
        legend=alt.Legend(orient="right", **BIG),
    )
    geo = (
        alt.Chart(alt.Data(values=shapes))
        .mark_geoshape(stroke="#1a1a1a")
        .encode(
            color=alt.Color("properties.tier_label:N", scale=TIER_SCALE, legend=None),
            tooltip=[alt.Tooltip("properties.name:N", title="campus")],
        )
    )
    # Parcels vanish at district scale: a filled dot per campus keeps each one visible.
    dot = (
        alt.Chart(dots)
        .mark_point(
            shape="circle", filled=True, size=320, stroke="#1a1a1a", strokeWidth=1.5, opacity=1
        )
        .encode(longitude="lon:Q", latitude="lat:Q", color=colour, tooltip=["name", "tier_label"])
    )
    layers = [geo, dot]
    if len(dots) <= 40:
        layers.append(
            alt.Chart(dots)
            .mark_text(dx=10, align="left", fontSize=14)
            .encode(longitude="lon:Q", latitude="lat:Q", text="name:N")
        )
    return alt.layer(*layers).project("mercator").properties(height=520)


def heatmap_chart(matrix: pd.DataFrame) -> alt.LayerChart:
    frame = (
        matrix.rename_axis("layer")
        .reset_index()
        .melt(id_vars="layer", var_name="component", value_name="tier")
    )
    frame["tier_label"] = [tier_name(optional_int(t)) for t in frame["tier"]]
    frame["text"] = ["–" if is_missing(t) else str(int(t)) for t in frame["tier"]]
    base = alt.Chart(frame).encode(
        x=alt.X(
            "component:N",
            sort=list(matrix.columns),
            title=None,
            axis=alt.Axis(
                orient="bottom",
                labelAngle=0,
                labelLimit=200,
                labelExpr="split(datum.label, ' ')",
                labelOverlap=False,
                **BIG,
            ),
        ),
        y=alt.Y(
            "layer:N", sort=list(matrix.index), title=None, axis=alt.Axis(labelLimit=260, **BIG)
        ),
    )
    rect = base.mark_rect(stroke="white").encode(
        color=alt.Color("tier_label:N", scale=TIER_SCALE, legend=None),
        tooltip=["layer", "component", "tier_label"],
    )
    text = base.mark_text(fontSize=20).encode(text="text:N")
    return (rect + text).properties(height=360)


def tier_cards_html(rows: list[tuple[str, int | None, str]]) -> str:
    """Coloured cards (name, tier, caption) in the palette's tier colours; text is escaped."""
    cards = []
    for name, tier, caption in rows:
        ink = "white" if tier in (0, 4) else "#1a1a1a"
        cards.append(
            f'<div style="background:{tier_hex(tier)};color:{ink};border:1px solid #1a1a1a;'
            f'border-radius:6px;padding:10px 14px;margin-bottom:10px;font-size:1.2rem">'
            f"{html.escape(str(name))}<br><b>{html.escape(caption)}</b></div>"
        )
    return "".join(cards)


def roadmap_chart(rep: BoardReport) -> alt.LayerChart:
    frame = rep.roadmap_by_year.assign(label=lambda f: [f"Year {y}" for y in f["year"]])
    bars = (
        alt.Chart(frame)
        .mark_bar(color=tier_hex(4))
        .encode(
            x=alt.X("label:N", title=None, axis=alt.Axis(labelAngle=0, **BIG)),
            y=alt.Y(
                "cost_usd:Q", title="planned spend (USD)", axis=alt.Axis(format="$,.0f", **BIG)
            ),
            tooltip=["label", "items", alt.Tooltip("cost_usd:Q", format="$,.0f")],
        )
    )
    text = bars.mark_text(dy=-12, fontSize=16).encode(text=alt.Text("cost_usd:Q", format="$,.0f"))
    rule = (
        alt.Chart(pd.DataFrame({"budget": [rep.budget_per_year_usd]}))
        .mark_rule(color=tier_hex(0), strokeDash=[8, 4], size=3)
        .encode(y="budget:Q")
    )
    return (bars + text + rule).properties(height=400)


def history_chart(history: pd.DataFrame, tz: str | None = None) -> alt.Chart:
    """Checklist items in place per recorded assessment, dated in the district's time zone
    (PASSMAP_TIMEZONE) whatever the browser's: the x values are the district's wall-clock times
    written as UTC instants on a UTC scale, so Vega prints them as they are."""
    tz = tz or load_settings().timezone
    when = f"assessed ({tz})"
    frame = history.assign(
        at=pd.to_datetime([district_clock(t, tz) for t in history["created_utc"]]).tz_localize(
            "UTC"
        ),
        **{when: [local_time(t, tz) for t in history["created_utc"]]},
    )[["label", "at", when, "in_place", "applicable"]]
    line = alt.Chart(frame).mark_line(point=alt.OverlayMarkDef(size=120), color=tier_hex(4))
    return line.encode(
        x=alt.X(
            "at:T", title=f"assessment ({tz})", scale=alt.Scale(type="utc"), axis=alt.Axis(**BIG)
        ),
        y=alt.Y("in_place:Q", title="checklist items in place", axis=alt.Axis(**BIG)),
        tooltip=["label", alt.Tooltip(field=when, type="nominal"), "in_place", "applicable"],
    ).properties(height=380)


def downloads(rep: BoardReport, settings: tuple) -> None:
    """Build buttons with a progress bar for the PDF and the deck, then download buttons; the
    CSV directly. A built file is offered only for the settings (budget, years) it was built for."""
    from passmap.reports.board_pdf import write_board_pdf
    from passmap.reports.board_pptx import write_board_pptx
    from passmap.reports.board_text import board_csv_text

    c1, c2, c3 = st.columns(3)
    for col, label, kind, write in (
        (c1, "Build PDF report", "pdf", write_board_pdf),
        (c2, "Build PowerPoint deck", "pptx", write_board_pptx),
    ):
        if col.button(label, key=f"board_build_{kind}"):
            bar = col.progress(0.0, text="Starting…")
            buf = io.BytesIO()
            write(rep, buf, lambda f, step, bar=bar: bar.progress(f, text=f"Drawing {step}…"))
            st.session_state[f"board_{kind}"] = (settings, buf.getvalue())
        built = st.session_state.get(f"board_{kind}")
        if built and built[0] == settings:
            col.download_button(
                f"Download {kind.upper()}",
                built[1],
                file_name=f"board-report.{kind}",
                key=f"board_dl_{kind}",
            )
    c3.download_button(
        "Download gaps and roadmap (CSV)",
        board_csv_text(rep),
        file_name="board-gaps-roadmap.csv",
        mime="text/csv",
        key="board_dl_csv",
    )


def before_after_chart(ba) -> alt.HConcatChart:
    """The floor whose rooms changed tier, before and after (board_progress.BeforeAfter)."""
    charts = []
    for column, label in (("tier_before", ba.label_before), ("tier_after", ba.label_after)):
        frame = ba.zones.assign(tier_label=[tier_name(optional_int(t)) for t in ba.zones[column]])
        shapes = json.loads(frame[["name", "tier_label", "geometry"]].to_json())["features"]
        charts.append(
            alt.Chart(alt.Data(values=shapes), title=label)
            .mark_geoshape(stroke="#1a1a1a", strokeWidth=0.5)
            .encode(
                color=alt.Color("properties.tier_label:N", scale=TIER_SCALE, title="room tier"),
                tooltip=[
                    alt.Tooltip("properties.name:N", title="room"),
                    alt.Tooltip("properties.tier_label:N", title="tier"),
                ],
            )
            .project("mercator")
            .properties(height=320, width=420)
        )
    return alt.hconcat(*charts)
