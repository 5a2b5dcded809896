"""A real browser places a camera by clicking on the plan; it is stored and drawn."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.browser


def _login(page, base_url: str, username: str = "demo-editor") -> None:
    """The real login form (helpers.browser_login's get_by_label("Password") also matches the
    'Show password' button in streamlit 1.67, so the textbox is addressed by role here)."""
    from passmap.auth import DEMO_PASSWORD

    page.goto(base_url + "/")
    page.get_by_role("textbox", name="User name").fill(username, timeout=60000)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in:").wait_for(timeout=60000)


def test_click_on_plan_places_camera_stored_and_drawn(demo_db, app_server, browser_page):
    from passmap.store import Store

    with Store(demo_db, read_only=True) as s:
        before = len(s.list_controls())
    server = app_server(demo_db)
    page = browser_page
    _login(page, server.url)
    page.get_by_role("link", name="Edit").click()
    frame = page.frame_locator("iframe[title*='st_folium']")
    plan = frame.locator(".leaflet-container")
    plan.wait_for(timeout=60000)
    frame.locator(".pm-zone").first.wait_for(timeout=30000)
    drawn_before = frame.locator("path.pm-control").count()
    box = plan.bounding_box()
    plan.click(position={"x": box["width"] / 2, "y": box["height"] / 2})
    page.get_by_text("Position:").wait_for(timeout=30000)
    page.get_by_role("button", name="Place control here").click()
    page.get_by_text("Placed camera").wait_for(timeout=30000)
    maps = page.locator("iframe[title*='st_folium']")
    for _ in range(120):  # the new map replaces the old one after the rerun
        if (
            maps.count() == 1
            and maps.first.content_frame.locator("path.pm-control").count() == drawn_before + 1
        ):
            break
        page.wait_for_timeout(250)
    assert maps.count() == 1
    assert maps.first.content_frame.locator("path.pm-control").count() == drawn_before + 1
    server.stop()
    with Store(demo_db, read_only=True) as s:
        controls = s.list_controls()
        assert len(controls) == before + 1
        placed = controls[controls["id"].str.contains("-camera-")]
        assert len(placed) == 1 and placed.iloc[0]["type"] == "camera"
        audit = s.audit_entries(limit=1)[0]
        assert audit["action"] == "create" and audit["actor"] == "demo-editor"
