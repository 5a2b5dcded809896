"""The Board page in AppTest: every slide renders with the engine's figures, previous/next work,
charts use the maps' tier colours, and the PDF builds with a download button."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from passmap.palette import TIER_COLOURS, hex_colour
from passmap.reports.board import SLIDES, tier_name

REPO = Path(__file__).resolve().parents[2]
PAGE = str(REPO / "pages" / "board.py")


@pytest.fixture
def board_app(board_build, monkeypatch):
    monkeypatch.setenv("PASSMAP_DB", str(board_build.db))
    monkeypatch.syspath_prepend(str(REPO))
    from tests.helpers import login

    at = AppTest.from_file(PAGE, default_timeout=90)
    login(at, "board", db_path=board_build.db).run()  # a page alone refuses anyone else
    assert not at.exception, [e.value for e in at.exception]
    return at


def chart_specs(at) -> list[str]:
    return [el.proto.spec for el in at.get("vega_lite_chart")]


def test_every_slide_renders_and_next_previous_walk_the_deck(board_app, board_build):
    at = board_app
    seen = []
    for i, (_, title) in enumerate(SLIDES):
        assert not at.exception, (title, [e.value for e in at.exception])
        seen.append(at.title[0].value)
        assert f"slide {i + 1} of {len(SLIDES)}" in at.caption[0].value
        assert at.button(key="board_prev").disabled == (i == 0)
        assert at.button(key="board_next").disabled == (i == len(SLIDES) - 1)
        if i < len(SLIDES) - 1:
            at.button(key="board_next").click().run()
    assert seen == [t for _, t in SLIDES]
    at.button(key="board_prev").click().run()
    assert at.title[0].value == SLIDES[-2][1]
    # Presentation mode: nothing on the slides edits data (only the report settings in the sidebar).
    assert not at.main.get("text_input") and not at.main.get("data_editor")


def test_glance_slide_shows_the_engine_figures_in_palette_colours(board_app, board_build):
    at, design = board_app, board_build.design
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["District tier as built (design)"] == tier_name(
        int(design.tiers[board_build.report.district_id])
    )
    applicable = design.findings[
        ~design.findings["status"].isin(("not_necessary", "not_applicable"))
    ]
    assert metrics["Checklist items in place"] == (
        f"{(applicable['status'] == 'in_place').sum()} of {len(applicable)}"
    )
    spec = chart_specs(at)[0]
    for tier in range(5):
        assert hex_colour(TIER_COLOURS[tier]) in spec


def test_map_and_campus_slides_draw_charts(board_app, board_build):
    at = board_app
    at.button(key="board_next").click().run()
    spec = chart_specs(at)[0]
    assert '"geoshape"' in spec and board_build.report.campuses["name"].iloc[0] in spec
    at.button(key="board_next").click().run()
    campus = board_build.report.campuses.iloc[-1]
    at.selectbox(key="board_campus").select(campus["id"]).run()
    assert campus["name"] in at.subheader[0].value
    assert len(chart_specs(at)) == 1  # the layer x component heat map
    cards = " ".join(m.value for m in at.markdown)
    buildings = board_build.report.buildings
    for b in buildings[buildings["campus_id"] == campus["id"]].itertuples():
        assert b.name in cards and tier_name(b.tier) in cards


def test_pdf_button_builds_a_pdf_to_download(board_app):
    at = board_app
    at.button(key="board_build_pdf").click().run()
    assert not at.exception
    pdf = at.session_state["board_pdf"][1]
    assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    assert len(at.get("download_button")) == 2  # the PDF and the CSV


def test_progress_chart_dates_assessments_in_the_district_zone(board_build, tmp_path, monkeypatch):
    """The x axis of the progress chart reads the district's wall clock (PASSMAP_TIMEZONE) on a
    UTC scale, so a browser in any zone prints the district's dates and hours."""
    import io

    import pyarrow as pa

    from passmap.compliance import record
    from passmap.localtime import district_clock, local_time
    from passmap.store import Store
    from tests.helpers import login

    db = tmp_path / "board.duckdb"
    shutil.copy(board_build.db, db)
    with Store(db) as store:
        record(store, board_build.design, label="second walk")  # two points: a line
        history = store.assessment_history()
    monkeypatch.setenv("PASSMAP_DB", str(db))
    monkeypatch.setenv("PASSMAP_TIMEZONE", "Pacific/Auckland")
    monkeypatch.syspath_prepend(str(REPO))
    at = AppTest.from_file(PAGE, default_timeout=90)
    login(at, "board", db_path=db).run()
    while at.title[0].value != "Progress over assessments":
        at.button(key="board_next").click().run()
    (chart,) = at.get("vega_lite_chart")
    spec = json.loads(chart.proto.spec)
    assert spec["encoding"]["x"]["scale"] == {"type": "utc"}
    assert spec["encoding"]["x"]["title"] == "assessment (Pacific/Auckland)"
    frame = pa.ipc.open_stream(io.BytesIO(chart.proto.datasets[0].data.data)).read_pandas()
    shown = [t.tz_convert("UTC").tz_localize(None) for t in frame["at"]]
    assert shown == [district_clock(t, "Pacific/Auckland") for t in history["created_utc"]]
    assert shown != list(history["created_utc"])  # 12-13 hours from UTC: not the stored times
    assert list(frame["assessed (Pacific/Auckland)"]) == [
        local_time(t, "Pacific/Auckland") for t in history["created_utc"]
    ]
