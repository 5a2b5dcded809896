"""The board deck as PowerPoint (python-pptx): the same slides, titles and figures as the PDF and
the Board page. Charts are native PowerPoint charts and tables (a board secretary can restyle
them); only the campus map is a picture, drawn server-side by matplotlib.

>>> write_board_pptx(board_figures(store), "board.pptx")               # doctest: +SKIP
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

import matplotlib
import pandas as pd
from matplotlib.figure import Figure
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.util import Inches, Pt

from passmap.localtime import district_clock
from passmap.reports import board_charts as charts
from passmap.reports.board import SLIDE_TITLES, BoardReport, tier_hex, tier_name
from passmap.reports.board_pdf import STARTER_NOTE, _int, before_after_title
from passmap.reports.board_text import (
    change_lines,
    cut,
    gaps_subtitle,
    gaps_table,
    plural,
    roadmap_lines,
    roadmap_subtitle,
)
from passmap.values import is_missing, optional_int

WIDE_IN, HIGH_IN = 13.333, 7.5


def write_board_pptx(
    report: BoardReport,
    path: str | Path | BinaryIO,
    progress: Callable[[float, str], None] | None = None,
):
    """Write the deck: title, glance, map, one slide per campus, gaps, roadmap, progress, live."""
    prs = Presentation()
    prs.slide_width, prs.slide_height = Inches(WIDE_IN), Inches(HIGH_IN)
    steps = [("title", title_slide), ("glance", glance_slide), ("map", map_slide)]
    steps += [
        (f"campus {c}", lambda p, r, c=c: campus_slide(p, r, c)) for c in report.campuses["id"]
    ]
    steps += [("gaps", gaps_slide), ("roadmap", roadmap_slide), ("progress", progress_slide)]
    if report.before_after is not None:
        steps.append(("before and after", before_after_slide))
    steps.append(("live", live_slide))
    for i, (step, build) in enumerate(steps):
        if progress:
            progress(i / len(steps), step)
        build(prs, report)
    prs.save(str(path) if isinstance(path, (str, Path)) else path)
    if progress:
        progress(1.0, "done")
    return path


# -- helpers ------------------------------------------------------------------------------------
def rgb(hex_colour: str) -> RGBColor:
    return RGBColor.from_string(hex_colour.lstrip("#").upper())


def blank(prs, report: BoardReport, title: str, subtitle: str = ""):
    slide = prs.slides.add_slide(prs.slide_layouts[5])  # "Title Only"
    slide.shapes.title.text = title
    frame = slide.shapes.title
    frame.left, frame.top = Inches(0.5), Inches(0.3)
    frame.width, frame.height = Inches(12.3), Inches(0.9)
    frame.text_frame.word_wrap = False  # one line: a wrapped title ran into the subtitle
    para = frame.text_frame.paragraphs[0]
    para.font.size, para.font.bold = Pt(title_size(title, 12.3)), True
    if subtitle:
        text(slide, subtitle, 0.5, 1.15, 12.3, 0.5, 16, colour="666666")
    text(
        slide,
        f"{report.district_name} · {report.generated_on:%B %d, %Y} · {STARTER_NOTE}",
        0.5,
        7.0,
        12.3,
        0.35,
        9,
        colour="666666",
    )
    return slide


def title_size(title: str, width_in: float, largest: float = 34.0) -> float:
    """A title's font size so it stays on one line of ``width_in`` inches.

    >>> title_size("Top gaps", 12.3), title_size("Campus detail: " + "Maple Ridge " * 3, 12.3)
    (34.0, 27.3)
    """
    return charts.line_size(title, width_in * 72, largest, bold=True)


def text(slide, body: str, left, top, width, height, size=14, bold=False, colour="1A1A1A"):
    box = slide.shapes.add_textbox(Inches(left), Inches(top), Inches(width), Inches(height))
    box.text_frame.word_wrap = True
    for i, line in enumerate(body.split("\n")):
        para = box.text_frame.paragraphs[0] if i == 0 else box.text_frame.add_paragraph()
        para.text = line
        para.font.size, para.font.bold, para.font.color.rgb = Pt(size), bold, rgb(colour)
    return box


def stat(slide, value: str, caption: str, left, top, width=5.5):
    text(slide, value, left, top, width, 0.6, 30, bold=True)
    text(slide, caption, left, top + 0.6, width, 0.4, 13, colour="666666")


def add_table(slide, frame: pd.DataFrame, left, top, width, col_in: list[float], size=12):
    shape = slide.shapes.add_table(
        len(frame) + 1,
        len(frame.columns),
        Inches(left),
        Inches(top),
        Inches(width),
        Inches(0.35 * (len(frame) + 1)),
    )
    tab = shape.table
    for j, col in enumerate(frame.columns):
        tab.columns[j].width = Inches(col_in[j])
        tab.cell(0, j).text = str(col)
    for i, row in enumerate(frame.astype(str).itertuples(index=False), start=1):
        for j, value in enumerate(row):
            tab.cell(i, j).text = value
    for cell in (c for r in tab.rows for c in r.cells):
        for para in cell.text_frame.paragraphs:
            para.font.size = Pt(size)
    margin_in = 0.05
    for j, col in enumerate(frame.columns):  # headers: whole words or hyphenated syllables
        cell = tab.cell(0, j)
        cell.margin_left = cell.margin_right = Inches(margin_in)
        cell.text = charts.hyphenate(str(col), (col_in[j] - 2 * margin_in) * 72 * 0.95, size)
        for para in cell.text_frame.paragraphs:
            para.font.size = Pt(size)
    return tab


def picture(slide, fig: Figure, left, top, width):
    import io

    slide.shapes.add_picture(
        io.BytesIO(charts.figure_png(fig)), Inches(left), Inches(top), width=Inches(width)
    )


# -- slides -------------------------------------------------------------------------------------
def title_slide(prs, report: BoardReport) -> None:
    slide = prs.slides.add_slide(prs.slide_layouts[0])
    slide.shapes.title.text = "Board security report"
    slide.placeholders[1].text = f"{report.district_name}\n{report.generated_on:%B %d, %Y}"


def glance_slide(prs, report: BoardReport) -> None:
    slide = blank(
        prs,
        report,
        SLIDE_TITLES["glance"],
        f"{len(report.campuses)} campuses assessed against the PASS tiers",
    )
    stat(slide, tier_name(report.design_tier), "district tier as built (design)", 0.6, 1.8)
    stat(
        slide,
        tier_name(report.effective_tier),
        "district tier with live status (effective)",
        0.6,
        3.0,
    )
    stat(
        slide,
        f"{report.practices_in_place} of {report.practices_applicable}",
        "checklist items in place",
        0.6,
        4.2,
    )
    stat(
        slide,
        f"{report.baseline_failing} of {report.baseline_total}",
        "legally required (baseline) items failing",
        0.6,
        5.4,
    )
    counts = report.tier_counts
    data = CategoryChartData()
    data.categories = list(counts["label"])
    data.add_series("design (as built)", [int(v) for v in counts["design"]])
    data.add_series("effective (live)", [int(v) for v in counts["effective"]])
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(6.3), Inches(1.8), Inches(6.5), Inches(4.8), data
    ).chart
    chart.has_legend, chart.legend.position = True, XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    plot = chart.plots[0]
    plot.has_data_labels = True
    for series in plot.series:
        for idx, tier in enumerate(counts["tier"]):
            point = series.points[idx]
            point.format.fill.solid()
            point.format.fill.fore_color.rgb = rgb(tier_hex(int(tier)))
            point.format.line.color.rgb = rgb("1A1A1A")


def map_slide(prs, report: BoardReport) -> None:
    slide = blank(
        prs, report, SLIDE_TITLES["map"], "Each campus shaded by its attained tier (design)"
    )
    fig = Figure(figsize=(8, 5.2))
    with matplotlib.rc_context({"text.parse_math": False}):
        charts.draw_campus_map(fig.add_axes([0, 0, 1, 1]), report)
        picture(slide, fig, 0.5, 1.7, 8.0)
    for i, r in enumerate(report.tier_counts.itertuples()):
        box = slide.shapes.add_shape(
            1, Inches(9.0), Inches(1.9 + i * 0.95), Inches(0.45), Inches(0.6)
        )  # 1 = rectangle
        box.fill.solid()
        box.fill.fore_color.rgb = rgb(r.colour)
        text(slide, f"{r.design}", 9.6, 1.85 + i * 0.95, 0.9, 0.6, 28, bold=True)
        text(slide, r.label, 10.4, 1.95 + i * 0.95, 2.5, 0.5, 16)


def campus_slide(prs, report: BoardReport, campus_id: str) -> None:
    row = report.campuses.loc[report.campuses["id"] == campus_id].iloc[0]
    slide = blank(
        prs,
        report,
        f"{SLIDE_TITLES['campus']}: {row['name']}",
        f"Campus: {tier_name(_int(row['design_tier']))} as built, "
        f"{tier_name(_int(row['effective_tier']))} with live status",
    )
    buildings = report.buildings[report.buildings["campus_id"] == campus_id].sort_values("name")
    frame = pd.DataFrame(
        {
            "Building": [cut(n, 24) for n in buildings["name"]],
            "Tier": [tier_name(_int(t)) for t in buildings["tier"]],
        }
    )
    text(slide, "Tier by building", 0.5, 1.7, 3.8, 0.4, 16, bold=True)
    tab = add_table(slide, frame.head(12), 0.5, 2.15, 3.8, [2.3, 1.5], size=12)
    for i, tier in enumerate(buildings["tier"].head(12), start=1):
        _fill(tab.cell(i, 1), _int(tier))
    text(
        slide,
        "Attained tier by layer and component (– = nothing applies)",
        4.7,
        1.7,
        8.2,
        0.4,
        16,
        bold=True,
    )
    matrix = report.matrices[campus_id]
    grid = pd.DataFrame(
        [["–" if is_missing(v) else str(int(v)) for v in r] for r in matrix.values],
        columns=list(matrix.columns),
    )
    grid.insert(0, "Layer", list(matrix.index))
    tab = add_table(slide, grid, 4.7, 2.15, 8.2, [1.9] + [0.9] * len(matrix.columns), size=11)
    for i, values in enumerate(matrix.values, start=1):
        for j, v in enumerate(values, start=1):
            _fill(tab.cell(i, j), optional_int(v))


def _fill(cell, tier: int | None) -> None:
    cell.fill.solid()
    cell.fill.fore_color.rgb = rgb(tier_hex(tier) if tier is not None else charts.NOT_APPLICABLE)
    for para in cell.text_frame.paragraphs:
        para.font.color.rgb = rgb("FFFFFF" if tier in (0, 4) else "1A1A1A")


def gaps_slide(prs, report: BoardReport) -> None:
    slide = blank(prs, report, SLIDE_TITLES["gaps"], gaps_subtitle(report))
    add_table(
        slide, gaps_table(report, 60, 34), 0.5, 1.8, 12.3, [0.5, 5.3, 3.1, 1.0, 1.1, 1.3], size=12
    )


def roadmap_slide(prs, report: BoardReport) -> None:
    slide = blank(prs, report, SLIDE_TITLES["roadmap"], roadmap_subtitle(report))
    by_year = report.roadmap_by_year
    data = CategoryChartData()
    data.categories = [f"Year {y}" for y in by_year["year"]]
    data.add_series("planned spend (USD)", [float(c) for c in by_year["cost_usd"]])
    data.add_series("yearly budget (USD)", [report.budget_per_year_usd] * len(by_year))
    chart = slide.shapes.add_chart(
        XL_CHART_TYPE.COLUMN_CLUSTERED, Inches(0.5), Inches(1.8), Inches(6.0), Inches(4.9), data
    ).chart
    chart.has_legend, chart.legend.position = True, XL_LEGEND_POSITION.BOTTOM
    # Label the planned spend only: two labels over bars of equal height collide.
    labels = chart.plots[0].series[0].data_labels
    labels.show_value, labels.number_format, labels.number_format_is_linked = (
        True,
        '"$"#,##0',
        False,
    )
    labels.font.size = Pt(11)
    # Bars compare money: the axis starts at zero, or a $300 difference looks like a chasm.
    chart.value_axis.minimum_scale = 0
    chart.value_axis.tick_labels.number_format = '"$"#,##0'
    chart.value_axis.tick_labels.number_format_is_linked = False
    text(slide, "\n".join(roadmap_lines(report, width=34, limit=2)), 6.8, 1.8, 6.1, 4.9, 11)


def progress_slide(prs, report: BoardReport) -> None:
    history = report.history
    slide = blank(
        prs, report, SLIDE_TITLES["progress"], plural(len(history), "recorded assessment")
    )
    if len(history):
        data = CategoryChartData()
        data.categories = [f"{district_clock(t):%Y-%m-%d}" for t in history["created_utc"]]
        data.add_series("checklist items in place", [int(v) for v in history["in_place"]])
        chart = slide.shapes.add_chart(
            XL_CHART_TYPE.LINE_MARKERS, Inches(0.5), Inches(1.8), Inches(6.0), Inches(4.9), data
        ).chart
        chart.plots[0].has_data_labels = True
    text(slide, "\n".join(change_lines(report, width=44)), 6.8, 1.8, 6.1, 4.9, 13)


def before_after_slide(prs, report: BoardReport) -> None:
    ba = report.before_after
    slide = blank(
        prs,
        report,
        before_after_title(report),
        f"{plural(ba.changed_zones, 'room')} changed tier between the last two "
        "assessments: before (left) and after (right)",
    )
    fig = Figure(figsize=(12.3, 5.2))
    with matplotlib.rc_context({"text.parse_math": False}):
        charts.draw_before_after(
            [fig.add_axes([0, 0, 0.48, 0.9]), fig.add_axes([0.52, 0, 0.48, 0.9])], ba
        )
        picture(slide, fig, 0.5, 1.7, 12.3)


def live_slide(prs, report: BoardReport) -> None:
    live = report.live
    if not live:
        slide = blank(prs, report, SLIDE_TITLES["live"], "Device status from the gateway feeds")
        text(
            slide,
            "No live data: no device has reported status yet.",
            0.5,
            3.4,
            12.3,
            0.8,
            24,
            colour="666666",
        )
        return
    slide = blank(
        prs,
        report,
        SLIDE_TITLES["live"],
        f"Device status from the gateway feeds, last {live['period_h']:g} hours",
    )
    stat(
        slide,
        f"{live['devices_online']} of {live['devices_reporting']}",
        "devices online",
        0.6,
        1.8,
    )
    stat(slide, str(live["devices_offline"]), "devices offline", 0.6, 3.0)
    stat(
        slide,
        str(live["alarms_in_period"]),
        f"alarms in the last {live['period_h']:g} hours ({live['alarms_open']} not yet resolved)",
        0.6,
        4.2,
        width=9,
    )
    stat(slide, str(live["devices_inventoried"]), "devices on the maps with a feed id", 0.6, 5.4)
