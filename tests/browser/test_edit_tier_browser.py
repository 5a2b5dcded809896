"""An edit saved on the Edit page is drawn on a floor plan open in another window (issue 13:
"every open page shows the new tiers without a reload"). Room 102's classroom door gets an
electrified lock (its one missing Tier 4 practice) and the open floor plan redraws the room in
the Tier 4 colour, that of the library beside it (Tier 4 already), with nothing reloaded. How
fast is a figure for bench/bench_edit_tier.py, not a bound here.

Two browser contexts (two windows, as two staff members): headless Chromium gives a background
tab of the editor's window about one frame a second, and a person would not see it anyway."""

from __future__ import annotations

import io

import pytest

from passmap.store import Store
from tests.browser.mapview import MAP_FRAME, clear_point, map_box, screen_point
from tests.conftest import is_loopback
from tests.helpers import browser_login

pytestmark = pytest.mark.browser
CAMPUS, BUILDING, LEVEL = "cvhs", "cvhs-main", "cvhs-main-l1"
ROOM, LIBRARY, DOOR = "cvhs-main-l1-102", "cvhs-main-l1-104", "cvhs-main-l1-d002"
QUERY = f"?campus={CAMPUS}&building={BUILDING}&level={LEVEL}"
DRAWN = "performance.getEntriesByName('deckmap:drawn').length"  # the map's frames drawn


def _points(db_path) -> tuple[dict, tuple]:
    """Points of Room 102 and the library clear of device icons and of their labels (drawn
    about the room's centre), and the level's bounds."""
    with Store(db_path, read_only=True) as store:
        zones = store.list_zones(level_id=LEVEL).set_index("id")
        controls = store.list_controls(level_id=LEVEL)
    icons = list(controls.geometry[controls.geom_type == "Point"])
    points = {}
    for key, zone in (("room", ROOM), ("library", LIBRARY)):
        area = zones.loc[zone, "geometry"]
        points[key] = clear_point(area, [*icons, area.centroid, area.representative_point()])
    return {k: p.coords[0] for k, p in points.items()}, tuple(zones.geometry.total_bounds)


def _pixel(page, x: float, y: float) -> tuple[int, int, int]:
    from PIL import Image

    png = page.screenshot(clip={"x": x - 2, "y": y - 2, "width": 5, "height": 5})
    return Image.open(io.BytesIO(png)).convert("RGB").getpixel((2, 2))


def _near(a, b, tol: int = 6) -> bool:
    return all(abs(int(x) - int(y)) <= tol for x, y in zip(a, b))


def _choose(page, key: str, text: str) -> None:
    """Type ``text`` into the Streamlit selectbox of widget key ``key`` and take the match."""
    page.locator(f".st-key-{key}").click(timeout=90_000)
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def test_a_lock_saved_on_the_edit_page_redraws_the_room_on_the_open_floor_plan(
    app_server, browser, browser_page, demo_db
):
    from layers.deck import fit_view

    points, bounds = _points(demo_db)
    server = app_server(demo_db)
    floor = browser_page
    floor.login(server.url, role="admin", timeout_ms=90_000)
    floor.goto(server.url + "/floor-plan" + QUERY)
    floor.get_by_text("Room tier").first.wait_for(timeout=90_000)
    floor.frame_locator(MAP_FRAME).first.locator(
        f"#map[data-drawn='true'][data-spec='floor:{LEVEL}']"
    ).wait_for(timeout=90_000)
    view = fit_view(bounds)

    def colours() -> dict:
        box = map_box(floor)
        return {k: _pixel(floor, *screen_point(view, box, *p)) for k, p in points.items()}

    before = colours()
    assert not _near(before["room"], before["library"]), before  # Tier 3 beside Tier 4

    # the editor: a second window, signed in by itself
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    outside: list[str] = []
    try:
        edit = context.new_page()
        edit.on("request", lambda r: None if is_loopback(r.url) else outside.append(r.url))
        browser_login(edit, server.url, role="admin", timeout_ms=90_000)
        edit.goto(server.url + "/edit-plan" + QUERY)
        edit.locator(".st-key-edit_mode").get_by_text("Select and edit").click(timeout=90_000)
        _choose(edit, "edit_obj", DOOR)  # the picker shows "Door · classroom (<id>)"
        _choose(edit, f"edit_opening_{DOOR}_lock_function", "electrified")
        map_frame = next(f for f in floor.frames if "deckmap" in f.url)
        drawn = map_frame.evaluate(f"() => {DRAWN}")
        edit.get_by_role("button", name="Save attributes").click()
        edit.get_by_text(f"Saved opening {DOOR}").wait_for(timeout=90_000)
    finally:
        context.close()
    assert not outside, f"requests left loopback: {outside[:10]}"

    # the floor window follows by itself (its version poll reruns the page): each new frame
    # drawn after the save is looked at until one shows the room in another colour
    after = before
    for _ in range(10):
        map_frame.wait_for_function(f"() => {DRAWN} > {drawn}", polling=100, timeout=90_000)
        drawn = map_frame.evaluate(f"() => {DRAWN}")
        after = colours()
        if not _near(after["room"], before["room"]):
            break
    assert not _near(after["room"], before["room"]), "the floor plan never redrew Room 102"
    assert _near(after["room"], after["library"]), after  # now Tier 4, as the library
    assert _near(after["library"], before["library"])
