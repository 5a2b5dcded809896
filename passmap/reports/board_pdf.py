"""The board report as a PDF (matplotlib's PdfPages): a title page, then one idea per 16:9 page,
with the same titles and figures as the Board page (passmap.reports.board).

>>> from passmap.reports.board import board_figures                    # doctest: +SKIP
>>> write_board_pdf(board_figures(store), "board.pdf")                 # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import matplotlib
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from passmap.reports import board_charts as charts
from passmap.reports.board import SLIDE_TITLES, BoardReport, tier_name
from passmap.reports.board_text import (
    change_lines,
    gaps_subtitle,
    gaps_table,
    plural,
    roadmap_lines,
    roadmap_subtitle,
)
from passmap.values import optional_int

PAGE_IN = (13.333, 7.5)  # 16:9, what a projector and PowerPoint use
STARTER_NOTE = (
    "Practice wording is PassMap's starter catalog, not PASS's text; "
    "tiers marked unverified are our suggestion."
)


def write_board_pdf(
    report: BoardReport,
    path: str | Path | BinaryIO,
    progress: Callable[[float, str], None] | None = None,
):
    """Write every board page to ``path`` (or a binary file object); ``progress(fraction,
    step)`` is called as the pages go, for the app's progress bar."""
    path = Path(path) if isinstance(path, (str, Path)) else path
    builders = page_builders(report)
    # Dollar amounts are text, not TeX: keep matplotlib from reading "$...$" as math.
    meta = {
        "Title": f"Board security report - {report.district_name}",
        "Subject": "PASS tiers, gaps, roadmap",
    }
    with matplotlib.rc_context({"text.parse_math": False}), PdfPages(path, metadata=meta) as pdf:
        for i, (step, build) in enumerate(builders):
            if progress:
                progress(i / len(builders), step)
            fig = build()
            pdf.savefig(fig)
            fig.clear()
    if progress:
        progress(1.0, "done")
    return path


def page_builders(report: BoardReport) -> list[tuple[str, Callable[[], Figure]]]:
    """(step name, page factory) in page order; one campus page per campus."""
    pages = [
        ("title", lambda: title_page(report)),
        ("glance", lambda: glance_page(report)),
        ("map", lambda: map_page(report)),
    ]
    for cid, name in report.campuses[["id", "name"]].itertuples(index=False):
        pages.append((f"campus {name}", lambda c=cid: campus_page(report, c)))
    pages += [
        ("gaps", lambda: gaps_page(report)),
        ("roadmap", lambda: roadmap_page(report)),
        ("progress", lambda: progress_page(report)),
    ]
    if report.before_after is not None:
        pages.append(("before and after", lambda: before_after_page(report)))
    pages.append(("live", lambda: live_page(report)))
    return pages


# -- page frame ---------------------------------------------------------------------------------
def new_page(report: BoardReport, title: str, subtitle: str = "") -> Figure:
    fig = Figure(figsize=PAGE_IN)
    size = 30 if len(title) <= 50 else max(18, int(30 * 50 / len(title)))  # stay on the page
    fig.text(0.04, 0.93, title, fontsize=size, weight="bold", color=charts.INK, va="top")
    if subtitle:
        fig.text(0.04, 0.855, subtitle, fontsize=15, color=charts.MUTED, va="top")
    fig.text(
        0.04,
        0.025,
        f"{report.district_name} · board report · {report.generated_on:%B %d, %Y}",
        fontsize=9,
        color=charts.MUTED,
    )
    fig.text(0.96, 0.025, STARTER_NOTE, fontsize=8, color=charts.MUTED, ha="right")
    return fig


def stat_lines(
    fig: Figure, lines: list[tuple[str, str]], x: float, y: float, step: float = 0.11
) -> None:
    """Large 'value' over a small 'caption', one block per line (the slide's key numbers)."""
    for i, (value, caption) in enumerate(lines):
        fig.text(x, y - i * step, value, fontsize=26, weight="bold", color=charts.INK, va="top")
        fig.text(x, y - i * step - 0.055, caption, fontsize=12, color=charts.MUTED, va="top")


def table(ax, frame: pd.DataFrame, col_widths: list[float], fontsize: int = 13) -> None:
    ax.set_axis_off()
    if frame.empty:
        ax.text(0.5, 0.5, "Nothing to show.", ha="center", fontsize=16)
        return
    tab = ax.table(
        cellText=frame.astype(str).values,
        colLabels=list(frame.columns),
        colWidths=col_widths,
        loc="upper left",
        cellLoc="left",
    )
    tab.auto_set_font_size(False)
    tab.set_fontsize(fontsize)
    tab.scale(1, 2.1)
    for (r, _), cell in tab.get_celld().items():
        cell.set_edgecolor("#cccccc")
        if r == 0:
            cell.set_text_props(weight="bold")
            cell.set_facecolor("#f0f0f0")


# -- pages --------------------------------------------------------------------------------------
def title_page(report: BoardReport) -> Figure:
    fig = Figure(figsize=PAGE_IN)
    fig.text(0.06, 0.66, "Board security report", fontsize=40, weight="bold", color=charts.INK)
    fig.text(0.06, 0.55, report.district_name, fontsize=30, color=charts.INK)
    fig.text(0.06, 0.47, f"{report.generated_on:%B %d, %Y}", fontsize=20, color=charts.MUTED)
    fig.text(
        0.06,
        0.33,
        "Where the district stands against the PASS safety and security "
        "guidelines,\nwhat the budget buys, and what changed since the last assessment.",
        fontsize=15,
        color=charts.INK,
        linespacing=1.5,
    )
    fig.text(0.06, 0.12, STARTER_NOTE, fontsize=10, color=charts.MUTED)
    return fig


def glance_page(report: BoardReport) -> Figure:
    fig = new_page(
        report,
        SLIDE_TITLES["glance"],
        f"{len(report.campuses)} campuses assessed against the PASS tiers",
    )
    stat_lines(
        fig,
        [
            (tier_name(report.design_tier), "district tier as built (design)"),
            (tier_name(report.effective_tier), "district tier with live device status (effective)"),
            (
                f"{report.practices_in_place} of {report.practices_applicable}",
                "checklist items in place (practice x school, building or room)",
            ),
            (
                f"{report.baseline_failing} of {report.baseline_total}",
                "legally required (baseline) items failing",
            ),
        ],
        x=0.05,
        y=0.78,
        step=0.165,
    )
    ax = fig.add_axes([0.47, 0.27, 0.5, 0.5])
    charts.draw_tier_counts(ax, report)
    ax.set_title("Campuses per tier", fontsize=15, loc="left")
    counts = report.tier_counts
    for i, col in enumerate(("design", "effective")):
        fig.text(
            0.47,
            0.17 - i * 0.04,
            f"{col.capitalize()}:  "
            + "  ·  ".join(f"{r.label} {getattr(r, col)}" for r in counts.itertuples()),
            fontsize=11,
        )
    return fig


def map_page(report: BoardReport) -> Figure:
    counts = report.tier_counts
    fig = new_page(report, SLIDE_TITLES["map"], "Each campus shaded by its attained tier (design)")
    ax = fig.add_axes([0.04, 0.07, 0.62, 0.74])
    charts.draw_campus_map(ax, report)
    for i, r in enumerate(counts.itertuples()):
        y = 0.76 - i * 0.135
        fig.patches.append(
            Rectangle(
                (0.72, y - 0.075),
                0.03,
                0.075,
                transform=fig.transFigure,
                facecolor=r.colour,
                edgecolor=charts.INK,
                figure=fig,
            )
        )
        fig.text(0.77, y, str(r.design), fontsize=26, weight="bold", va="top")
        fig.text(0.82, y - 0.015, f"{r.label}", fontsize=15, va="top")
    fig.text(0.72, 0.07, "campuses per tier", fontsize=12, color=charts.MUTED)
    return fig


def campus_page(report: BoardReport, campus_id: str) -> Figure:
    row = report.campuses.loc[report.campuses["id"] == campus_id].iloc[0]
    fig = new_page(
        report,
        f"{SLIDE_TITLES['campus']}: {row['name']}",
        f"Campus: {tier_name(_int(row['design_tier']))} as built, "
        f"{tier_name(_int(row['effective_tier']))} with live status",
    )
    buildings = report.buildings[report.buildings["campus_id"] == campus_id]
    fig.text(0.04, 0.78, "Tier by building", fontsize=14)
    charts.draw_building_cards(fig, buildings, (0.04, 0.08, 0.3, 0.68))
    ax = fig.add_axes([0.52, 0.08, 0.46, 0.6])
    charts.draw_heatmap(ax, report.matrices[campus_id])
    fig.text(0.49, 0.78, "Attained tier by layer and component (– = nothing applies)", fontsize=14)
    return fig


def gaps_page(report: BoardReport) -> Figure:
    fig = new_page(report, SLIDE_TITLES["gaps"], gaps_subtitle(report))
    table(
        fig.add_axes([0.04, 0.08, 0.92, 0.72]),
        gaps_table(report, 56, 26),
        [0.04, 0.5, 0.22, 0.07, 0.09, 0.08],
    )
    return fig


def roadmap_page(report: BoardReport) -> Figure:
    fig = new_page(report, SLIDE_TITLES["roadmap"], roadmap_subtitle(report))
    charts.draw_roadmap(fig.add_axes([0.07, 0.1, 0.38, 0.66]), report)
    fig.text(
        0.5,
        0.78,
        "\n".join(roadmap_lines(report, width=34, limit=3)),
        fontsize=11,
        va="top",
        linespacing=1.45,
    )
    return fig


def progress_page(report: BoardReport) -> Figure:
    fig = new_page(
        report, SLIDE_TITLES["progress"], plural(len(report.history), "recorded assessment")
    )
    charts.draw_history(fig.add_axes([0.07, 0.14, 0.4, 0.6]), report.history)
    fig.text(0.53, 0.78, "\n".join(change_lines(report)), fontsize=12, va="top", linespacing=1.5)
    return fig


def before_after_title(report: BoardReport) -> str:
    ba = report.before_after
    return f"Before and after: {ba.building_name}, {ba.level_name}"


def before_after_page(report: BoardReport) -> Figure:
    ba = report.before_after
    fig = new_page(
        report,
        before_after_title(report),
        f"{plural(ba.changed_zones, 'room')} changed tier between the last two "
        "assessments: before (left) and after (right)",
    )
    charts.draw_before_after(
        [fig.add_axes([0.04, 0.08, 0.44, 0.7]), fig.add_axes([0.52, 0.08, 0.44, 0.7])], ba
    )
    return fig


def live_page(report: BoardReport) -> Figure:
    live = report.live
    if not live:
        fig = new_page(report, SLIDE_TITLES["live"], "Device status from the gateway feeds")
        fig.text(
            0.5,
            0.45,
            "No live data: no device has reported status yet.",
            ha="center",
            fontsize=22,
            color=charts.MUTED,
        )
        return fig
    fig = new_page(
        report,
        SLIDE_TITLES["live"],
        f"Device status from the gateway feeds, last {live['period_h']:g} hours",
    )
    stat_lines(
        fig,
        [
            (f"{live['devices_online']} of {live['devices_reporting']}", "devices online"),
            (str(live["devices_offline"]), "devices offline"),
            (
                str(live["alarms_in_period"]),
                f"alarms in the last {live['period_h']:g} hours "
                f"({live['alarms_open']} not yet resolved)",
            ),
            (str(live["devices_inventoried"]), "devices on the maps with a feed id"),
        ],
        x=0.06,
        y=0.76,
        step=0.16,
    )
    return fig


def _int(value) -> int | None:
    return optional_int(value)
