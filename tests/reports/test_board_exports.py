"""The board PDF, PowerPoint deck and CSV built from the demo district: pages, titles, and every
figure checked against what the compliance engine itself returns (not against the report)."""

from __future__ import annotations

import csv
import re
import subprocess
from collections import Counter

import numpy as np
import pandas as pd
from PIL import Image
from pptx import Presentation

from passmap.reports.board import SLIDES, tier_name
from passmap.reports.board_text import money

TITLES = dict(SLIDES)


def engine_tier_counts(result, campus_ids) -> Counter:
    return Counter(int(result.tiers[c]) for c in campus_ids)


def engine_in_place(result) -> tuple[int, int]:
    applicable = result.findings[
        ~result.findings["status"].isin(("not_necessary", "not_applicable"))
    ]
    return int((applicable["status"] == "in_place").sum()), len(applicable)


def engine_top_practice_costs(result, n: int = 10) -> list[float]:
    """Gap cost per practice, practices in the order of their best-ranked gap."""
    return list(result.gaps.groupby("practice_id", sort=False)["cost_usd"].sum().head(n))


def engine_year_totals(plan, years) -> dict[int, float]:
    frame = pd.DataFrame(plan).dropna(subset=["year"])
    sums = frame.groupby("year")["cost_usd"].sum() if len(frame) else {}
    return {y: float(sums.get(y, 0.0)) for y in range(1, years + 1)}


def page_order(build) -> list[str]:
    campuses = list(build.report.campuses["name"])
    return (
        ["Board security report", TITLES["glance"], TITLES["map"]]
        + [f"{TITLES['campus']}: {n}" for n in campuses]
        + [TITLES[k] for k in ("gaps", "roadmap", "progress", "live")]
    )


def test_pdf_has_a_page_per_slide_and_campus_with_titles_in_order(board_build):
    info = subprocess.run(["pdfinfo", str(board_build.pdf)], capture_output=True, text=True).stdout
    expected = page_order(board_build)
    assert re.search(r"^Pages:\s+(\d+)$", info, re.M).group(1) == str(len(expected))
    for page, title in enumerate(expected, start=1):
        assert title in board_build.pdf_page_text(page), (page, title)
    first = board_build.pdf_page_text(1)
    assert board_build.report.district_name in first
    assert f"{board_build.report.generated_on:%B %d, %Y}" in first


def test_pdf_figures_equal_the_engine(board_build):
    design, effective = board_build.design, board_build.effective
    campuses = board_build.report.campuses["id"]
    glance = " ".join(board_build.pdf_page_text(2).split())
    for kind, result in (("Design", design), ("Effective", effective)):
        counts = engine_tier_counts(result, campuses)
        line = " · ".join(f"{tier_name(t)} {counts.get(t, 0)}" for t in range(5))
        assert f"{kind}: {line}" in glance
    in_place, applicable = engine_in_place(design)
    assert f"{in_place} of {applicable}" in glance
    district = board_build.report.district_id
    assert tier_name(int(design.tiers[district])) in glance
    gaps_page = " ".join(board_build.pdf_page_text(len(page_order(board_build)) - 3).split())
    assert f"{len(design.gaps)} gaps in all" in gaps_page
    assert money(design.gaps["cost_usd"].sum()) + " to close them" in gaps_page
    for cost in engine_top_practice_costs(design):
        assert money(cost) in gaps_page
    roadmap_page = " ".join(board_build.pdf_page_text(len(page_order(board_build)) - 2).split())
    everything = pd.DataFrame(board_build.plan)
    plan, unfunded = everything[everything["year"].notna()], everything[everything["year"].isna()]
    assert f"{len(plan)} items over 3 years for {money(plan['cost_usd'].sum())}" in roadmap_page
    if len(unfunded):
        assert (
            f"Not funded within 3 years: {len(unfunded)} items, {money(unfunded['cost_usd'].sum())}"
        ) in roadmap_page
    for year, total in engine_year_totals(board_build.plan, 3).items():
        if total:
            assert money(total) in roadmap_page, year


def test_campus_pages_show_the_engine_matrix_and_building_tiers(board_build):
    report, design = board_build.report, board_build.design
    first = report.campuses.iloc[0]
    text = board_build.pdf_page_text(4)
    assert f"Campus: {tier_name(int(design.tiers[first['id']]))} as built" in " ".join(text.split())
    matrix = design.matrix(first["id"])
    shown = report.matrices[first["id"]]
    pd.testing.assert_frame_equal(shown, matrix.loc[shown.index, shown.columns], check_dtype=False)
    for b in report.buildings[report.buildings["campus_id"] == first["id"]].itertuples():
        assert b.tier == design.tiers.get(b.building_id)


def test_pdf_pages_render_to_images_that_are_not_blank(board_build, tmp_path):
    subprocess.run(
        [
            "pdftoppm",
            "-r",
            "40",
            "-png",
            "-f",
            "2",
            "-l",
            "4",
            str(board_build.pdf),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    pngs = sorted(tmp_path.glob("p-*.png"))
    assert len(pngs) == 3
    for png in pngs:
        pixels = np.asarray(Image.open(png).convert("L"), dtype=float)
        assert pixels.std() > 20, png  # a white page has std 0
        assert (pixels < 100).mean() > 0.005  # real ink (text, outlines) on the page


def test_pptx_has_the_same_slides_and_figures(board_build):
    deck = Presentation(str(board_build.pptx))
    titles = [s.shapes.title.text for s in deck.slides]
    assert titles == page_order(board_build)
    glance = deck.slides[1]
    chart = next(sh.chart for sh in glance.shapes if sh.has_chart)
    campuses = board_build.report.campuses["id"]
    for series, result in zip(chart.plots[0].series, (board_build.design, board_build.effective)):
        counts = engine_tier_counts(result, campuses)
        assert list(series.values) == [counts.get(t, 0) for t in range(5)]
    gaps = deck.slides[len(titles) - 4]
    table = next(sh.table for sh in gaps.shapes if sh.has_table)
    costs = [table.cell(r, 5).text for r in range(1, len(table.rows))]
    assert costs == [money(c) for c in engine_top_practice_costs(board_build.design)]
    roadmap = next(sh.chart for sh in deck.slides[len(titles) - 3].shapes if sh.has_chart)
    totals = engine_year_totals(board_build.plan, 3)
    assert list(roadmap.plots[0].series[0].values) == [totals[y] for y in (1, 2, 3)]


def test_csv_lists_every_gap_and_every_roadmap_item(board_build):
    with board_build.csv.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    gaps = [r for r in rows if r["section"] == "gap"]
    plan = pd.DataFrame(board_build.plan)
    assert len(gaps) == len(board_build.design.gaps)
    engine_order = list(board_build.design.gaps["practice_id"].head(20))
    assert [r["practice_id"] for r in gaps[:20]] == engine_order
    planned = [r for r in rows if r["section"] == "roadmap"]
    assert len(planned) == len(plan)  # scheduled and unfunded (no year) items alike
    assert sum(float(r["cost_usd"]) for r in planned) == float(plan["cost_usd"].sum())
