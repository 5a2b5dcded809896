"""Map tooltips show plain lines of text: no markup shown as tags, no entities."""

import pytest

from tests.browser.mapview import (
    hover,
    map_box,
    map_canvas,
    map_tooltip,
    tip_text,
    wait_map_mark,
)

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
            x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
            tip = map_tooltip(page).first
            if hover(page, x, y, timeout_ms=TIMEOUT_MS) and tip_text(tip):  # that point's pick
                seen.append((tip.inner_text(), tip.inner_html()))
        if len(seen) >= 5:
            break
    assert seen, "no tooltip appeared while hovering the floor plan"
    for text, _markup in seen:
        assert "<b>" not in text and "<br>" not in text and "&lt;" not in text, text
        assert len(text.splitlines()) >= 2, text  # one fact per line (white-space: pre-line)


HOSTILE = '<img src=x onerror="window.__pm_xss=1"><script>window.__pm_xss=2</script>Gym'


def test_a_name_with_markup_shows_as_text_in_the_tooltip_and_never_runs(
    demo_db, app_server, browser_page
):
    """A room name typed with HTML and script in it (user text) reads as those characters in
    the floor plan's tooltip: the tooltip appears (presence), holds the name as text, has no
    element made from it, and no script ran in any frame."""
    from passmap.store import Store
    from tests.browser.mapview import gym_point, map_frame, screen_point

    view, point, gym = gym_point(demo_db)
    with Store(demo_db) as store:
        store.update_feature("zone", gym["id"], {"name": HOSTILE}, None, "admin")

    server = app_server(demo_db)
    page = browser_page
    page.login(server.url, role="admin")
    page.get_by_role("link", name="Floor plan").click()
    page.get_by_text("Room tier").wait_for(timeout=TIMEOUT_MS)
    wait_map_mark(page, "deckmap:drawn", timeout_ms=TIMEOUT_MS)
    x, y = screen_point(view, map_box(page), point.x, point.y)
    tip = map_tooltip(page).first
    page.mouse.move(x - 3, y)
    page.mouse.move(x, y)  # a hover: deck.gl picks and fills its tooltip
    tip.wait_for(state="visible", timeout=TIMEOUT_MS)
    map_frame(page).wait_for_function(  # the gym's tooltip (not a neighbour's)
        "() => (document.querySelector('.deck-tooltip')?.innerText || '').includes('Gym')",
        polling=200,
        timeout=TIMEOUT_MS,
    )
    assert HOSTILE in tip.inner_text()  # the name as typed, characters and all
    assert tip.locator("img, script").count() == 0  # no element was made of it
    assert all(f.evaluate("() => window.__pm_xss === undefined") for f in page.frames)
