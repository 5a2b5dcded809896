"""The Edit page in a real browser (issue 16): it draws the floor plan's own map (rooms by tier,
room numbers and names, device symbols, nothing overprinted), keeps the user's zoom between
clicks, and a click on the plan places a camera that is stored, selected and named."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from tests.browser.mapview import MAP_FRAME, map_frame
from tests.helpers import browser_login

pytestmark = pytest.mark.browser
# a look after a failure; outside the checkout (the reviewed shots: tests/browser/shoot_maps.py)
SHOTS = Path(tempfile.gettempdir()) / "passmap-edit-browser"


def _settled(page) -> None:
    """The map shows the Edit page's plan and the script run that drew it has finished."""
    sel = "#map[data-drawn='true'][data-spec^='edit:']"
    page.frame_locator(MAP_FRAME).first.locator(sel).wait_for(state="attached", timeout=60000)
    page.locator("[data-testid='stStatusWidget']").wait_for(state="detached", timeout=60000)


def test_click_on_plan_places_camera_stored_and_drawn(demo_db, app_server, browser_page):
    from passmap.store import Store

    with Store(demo_db, read_only=True) as s:
        before = len(s.list_controls())
    server = app_server(demo_db)
    page = browser_page
    browser_login(page, server.url, role="editor", timeout_ms=60000)
    page.get_by_role("link", name="Edit").click()
    _settled(page)
    plan = page.frame_locator(MAP_FRAME).first.locator("#map")
    report = plan.evaluate("() => window.pmLabelReport()")
    assert report["overlaps"] == 0, f"labels overprint on the Edit page: {report['pairs']}"
    numbers = [b["text"] for b in report["boxes"] if b["text"].isdigit() and len(b["text"]) == 3]
    assert len(numbers) >= 25, sorted(numbers)  # room numbers at the first view
    icons = [b for b in report["boxes"] if b["kind"] == "icon"]
    assert len(icons) >= 5 and len({b["text"] for b in icons}) >= 3  # symbols, not one dot
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "edit.png"), full_page=False)

    fitted = float(plan.get_attribute("data-zoom"))
    page.frame_locator(MAP_FRAME).first.get_by_role("button", name="Zoom in").click()
    map_frame(page).wait_for_function(  # the end of the button's 200 ms transition
        "z => Math.abs(Number(document.getElementById('map').dataset.zoom) - z) < 0.01",
        arg=fitted + 1,
        timeout=30000,
    )
    zoomed = plan.get_attribute("data-zoom")
    assert abs(float(zoomed) - (fitted + 1)) < 0.01, (fitted, zoomed)
    closer = plan.evaluate("() => window.pmLabelReport()")
    assert closer["overlaps"] == 0, closer["pairs"]
    names = {
        b["text"]
        for b in closer["boxes"]
        if b["kind"] == "label" and b["text"].replace(" ", "").isalpha()
    }
    assert names, "no room name once zoomed in"  # names appear as the user zooms in
    box = page.locator(MAP_FRAME).first.bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.get_by_text("Position:").wait_for(timeout=30000)
    _settled(page)
    assert plan.get_attribute("data-zoom") == zoomed, "the click reset the zoom"
    page.get_by_role("button", name="Place control here").click()
    page.get_by_text("Placed camera").wait_for(timeout=30000)
    _settled(page)
    assert plan.get_attribute("data-zoom") == zoomed, "placing reset the zoom"
    page.get_by_role("radio", name="Select and edit").click(force=True)
    picker = page.get_by_role("combobox", name="Object (or click it on the plan)")
    picker.wait_for(timeout=30000)
    assert picker.input_value().startswith("Camera ("), picker.input_value()  # named
    assert not page.outside_requests
    server.stop()
    with Store(demo_db, read_only=True) as s:
        controls = s.list_controls()
        assert len(controls) == before + 1
        placed = controls[controls["id"].str.contains("-camera-")]
        assert len(placed) == 1 and placed.iloc[0]["type"] == "camera"
        audit = s.audit_entries(limit=1)[0]
        assert audit["action"] == "create" and audit["actor"] == "demo-editor"
