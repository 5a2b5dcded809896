"""The three map views in Debian's chromium: drawn content, icons, one click that opens the
detail panel, and no request leaving loopback (the browser_page fixture fails on one).

The click is made once, as soon as the floor plan is drawn (before the frontend has warmed up
picking): a click that lands while the page is busy must still count (ui/deckmap/frontend)."""

from __future__ import annotations

import pytest

from tests.browser.mapview import (
    gym_point,
    map_box,
    screen_point,
    wait_colour,
    wait_drawn,
)

pytestmark = pytest.mark.browser
CAMERA_BLUE = (0, 114, 178)


def test_district_campus_and_floor_are_drawn_and_a_click_opens_the_details(
    app_server, browser_page, demo_db
):
    view, point, gym = gym_point(demo_db)
    lon, lat, gym_name = point.x, point.y, gym["name"]
    server = app_server(demo_db)
    page = browser_page
    page.login(server.url, role="admin")

    assert wait_drawn(page, 0.02) > 0.02  # district: campuses and labels
    page.get_by_role("link", name="Campus").click()
    page.get_by_text("Tier, campus and buildings").wait_for(timeout=30_000)
    assert wait_drawn(page, 0.3) > 0.3  # the campus fills most of the view
    assert wait_colour(page, CAMERA_BLUE, 50) >= 50  # exterior camera icons visible

    page.get_by_role("link", name="Floor plan").click()
    page.get_by_text("Room tier").wait_for(timeout=30_000)
    assert wait_drawn(page, 0.15) > 0.15
    assert wait_colour(page, CAMERA_BLUE, 50) >= 50  # camera icons drawn after the switch

    x, y = screen_point(view, map_box(page), lon, lat)
    panel = page.locator(".st-key-detail_panel")
    assert panel.count() == 0  # nothing picked yet: the caption instead
    assert page.get_by_text("Click a room, door or device for its details.").is_visible()
    page.mouse.click(x, y)  # once
    panel.wait_for(timeout=60_000)
    panel.get_by_text("Tier:").first.wait_for(timeout=60_000)  # the panel is drawn in parts
    assert gym_name in panel.inner_text() and "Tier:" in panel.inner_text()
    assert not page.outside_requests
