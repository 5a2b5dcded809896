"""The gaps & roadmap page on the demo database (AppTest, real DuckDB file)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

REPO = Path(__file__).resolve().parents[2]
PAGE = REPO / "pages" / "gaps.py"


def test_gaps_page_shows_heat_map_gaps_roadmap_and_starter_note(demo_db, monkeypatch):
    monkeypatch.setenv("PASSMAP_DB", str(demo_db))
    monkeypatch.syspath_prepend(str(REPO))
    from tests.helpers import login

    at = AppTest.from_file(str(PAGE), default_timeout=120)
    login(at, "viewer", db_path=demo_db).run()  # a page run on its own refuses anyone else
    assert not at.exception, at.exception
    assert "not PASS text" in at.caption[0].value
    assert len(at.get("vega_lite_chart")) == 1
    assert len(at.dataframe) >= 2
    assert any("Year 1" in m.value for m in at.markdown)
    at.selectbox(key="gaps_scope").set_value("ohes").run()
    assert not at.exception
    assert at.metric[0].value == "below Tier 1"
    at.number_input(key="gaps_budget").set_value(50_000).run()
    assert not at.exception and any("Year 1" in m.value for m in at.markdown)
