"""The Gateways admin page through app.py: an admin adds a gateway (the built-ins stay), dry-runs
a sample message; a viewer is refused."""

from __future__ import annotations

from pathlib import Path

from tests.helpers import _store, login

REPO = Path(__file__).resolve().parents[2]


def _app(demo_db, monkeypatch, role):
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PASSMAP_DB", str(demo_db))
    monkeypatch.setenv("PASSMAP_SIMULATE", "0")
    at = AppTest.from_file(str(REPO / "app.py"), default_timeout=90)
    login(at, role, db_path=demo_db)
    at.run()
    at.switch_page(str(REPO / "pages" / "gateways.py")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_admin_adds_a_gateway_and_dry_runs_a_message(demo_db, monkeypatch):
    at = _app(demo_db, monkeypatch, "admin")
    at.text_input[0].set_value("door-io")
    at.text_input[1].set_value("site/doors/#")
    at.text_area[0].set_value(
        '{"device": "topic:2", "state": "event", "aspect": "position",'
        ' "states": {"opened": "open", "closed": "closed"}}'
    )
    at.text_input[2].set_value("motion")
    at.selectbox[1].set_value("generic")
    at.button[0].click().run()  # the form's submit button
    assert not at.exception, [e.value for e in at.exception]
    assert any("Gateway door-io saved" in s.value for s in at.success), [e.value for e in at.error]
    ids = {g["id"] for g in _store(demo_db).list_gateways()}
    assert {"door-io", "passmap", "unifi", "sia"} <= ids  # the built-ins stay
    at.selectbox(key="gw_test").set_value("door-io")
    at.text_input(key="gw_test_topic").set_value("site/doors/d3")
    at.text_area(key="gw_test_payload").set_value('{"event": "opened"}')
    at.button(key="gw_try").click().run()
    assert any("1 status event(s)" in s.value for s in at.success)
    at.text_area(key="gw_test_payload").set_value('{"event": "smoke"}')
    at.button(key="gw_try").click().run()
    assert any("has no mapping" in w.value for w in at.warning)
    at.text_area(key="gw_test_payload").set_value('{"event": "motion"}')  # in its ignore list
    at.button(key="gw_try").click().run()
    assert not at.warning, [w.value for w in at.warning]  # dropped, never a dead letter
    assert any("0 status event(s)" in s.value for s in at.success)


def test_a_viewer_cannot_open_the_gateways_page(demo_db, monkeypatch):
    import pytest

    _app(demo_db, monkeypatch, "admin")  # the admin can (presence)
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        _app(demo_db, monkeypatch, "viewer")  # not in a viewer's navigation (absence)
