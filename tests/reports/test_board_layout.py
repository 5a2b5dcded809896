"""Board slides a board member can read: headers that never run into each other, titles on
one line, and no word cut in the middle (issue 16). Checked on the real demo report: the
matplotlib heat map's header boxes as drawn, the deck's titles and header cells, and every
shortened text in the tables."""

from __future__ import annotations

import re

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from passmap.reports import board_charts
from passmap.reports.board import summarise_gaps
from passmap.reports.board_pptx import title_size
from passmap.reports.board_text import cut, gaps_table, roadmap_lines


def _boxes_overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_heat_map_column_headers_never_overlap(board_build):
    report = board_build.report
    for campus_id, matrix in report.matrices.items():
        fig = Figure(figsize=(13.333, 7.5))  # the PDF's page, the heat map's axes
        FigureCanvasAgg(fig)
        ax = fig.add_axes([0.45, 0.08, 0.52, 0.62])
        board_charts.draw_heatmap(ax, matrix)
        renderer = fig.canvas.get_renderer()
        headers = [t for t in ax.texts if t.get_position()[1] < -0.5]
        assert len(headers) == len(matrix.columns), campus_id
        boxes = [t.get_window_extent(renderer) for t in headers]
        for i in range(len(boxes) - 1):
            assert not _boxes_overlap(boxes[i], boxes[i + 1]), (
                campus_id,
                headers[i].get_text(),
                headers[i + 1].get_text(),
            )
        for t in headers:  # a long word breaks between syllables, with a hyphen
            for line in t.get_text().split("\n")[:-1]:
                assert line.endswith("-") or " " in line or line.isalpha(), line


def test_hyphenation_keeps_every_letter_and_only_splits_between_syllables():
    for name in ("Policies & Procedures", "Architectural", "Communication", "Video Surveillance"):
        broken = board_charts.hyphenate(name, 45, 9)
        assert broken.replace("-\n", "").replace("\n", " ") == name


def test_shortened_texts_end_on_a_whole_word(board_build):
    report = board_build.report
    table = gaps_table(report, 60, 34)
    lines = roadmap_lines(report, width=46, limit=5)
    shortened = [t for t in [*table["Practice"], *table["Where"], *lines] if "…" in t]
    assert shortened, "the demo report has long practice titles: something must be shortened"
    words = set()  # every whole word the report's texts hold
    sources = [report.gaps, report.roadmap, report.campuses]
    sources.append(summarise_gaps(report.roadmap, report.names_of_campuses))
    for frame in sources:
        for column in frame.select_dtypes(include="object"):
            for value in frame[column].dropna():
                words |= set(re.findall(r"[\w'()-]+", str(value)))
    for text in shortened:
        for piece in re.findall(r"([\w'()-]+)…", text):
            assert piece in words, f"cut mid-word: {piece!r} in {text!r}"
    assert cut("Oak Hollow Elementary School", 24) == "Oak Hollow Elementary…"


def test_deck_titles_stay_on_one_line_and_header_cells_hold_whole_words(board_build):
    from pptx import Presentation

    from passmap.reports.board_charts import line_size

    deck = Presentation(str(board_build.pptx))
    for slide in deck.slides:
        title = slide.shapes.title
        if title is None or not title.text:
            continue
        size = title.text_frame.paragraphs[0].font.size
        if size is not None:
            assert line_size(title.text, 12.3 * 72, 99, bold=True) >= size.pt, title.text
        for shape in slide.shapes:
            if not shape.has_table:
                continue
            header = [c.text for c in shape.table.rows[0].cells]
            for text in header:
                for line in text.split("\n")[:-1]:
                    assert line.endswith("-") or len(line.split()) >= 1, line
    assert title_size("Campus detail: Maple Ridge Elementary School", 12.3) < 34
