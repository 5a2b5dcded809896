"""Map tooltips show plain lines of text: no markup shown as tags, no entities."""

import pytest

from tests.browser.mapview import map_box, map_canvas, map_tooltip, wait_map_mark

pytestmark = pytest.mark.browser
TIMEOUT_MS = 60_000


def test_floor_plan_tooltips_show_lines_of_text_not_tags(demo_db, app_server, browser_page):
    server = app_server(demo_db)
    page = browser_page
    page.login(server.url, role="admin")
    page.get_by_role("link", name="Floor plan").click()
    map_canvas(page).wait_for(timeout=TIMEOUT_MS)
    wait_map_mark(page, "deckmap:drawn", timeout_ms=TIMEOUT_MS)
    box = map_box(page)
    seen = []
    for fx in [i / 20 for i in range(2, 19)]:
        for fy in [i / 12 for i in range(2, 11)]:
            page.mouse.move(box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
            page.wait_for_timeout(40)
            tip = map_tooltip(page)
            if tip.count() and tip.first.is_visible():
                seen.append((tip.first.inner_text(), tip.first.inner_html()))
        if len(seen) >= 5:
            break
    assert seen, "no tooltip appeared while hovering the floor plan"
    for text, _markup in seen:
        assert "<b>" not in text and "<br>" not in text and "&lt;" not in text, text
        assert len(text.splitlines()) >= 2, text  # one fact per line (white-space: pre-line)
