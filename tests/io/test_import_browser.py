"""A real browser places a drawing by clicking: three points on the drawing, the same three on
the campus map, the residual and the placed outline shown, then preview and commit; the rooms
land where they were clicked."""

from __future__ import annotations

import math
import re

import pytest

from tests.io.io_makers import write_dxf

pytestmark = pytest.mark.browser
LAYERS = "walls=A-WALL;doors=A-DOOR;rooms=A-ROOM;labels=A-TEXT"
PLAN_POINTS = [(0, 0), (12000, 0), (12000, 5000)]  # drawing mm: two rooms 12 m x 5 m
PLACED_BLUE = "#1e6fd9"  # ui/placing: picked campus points and the placed plan's outline


def _maps(page):
    return page.locator("iframe[title*='st_folium']")


def _click_at(frame, lat: float, lng: float, zoom: int | None = None) -> None:
    """Click the Leaflet map of ``frame`` (streamlit-folium keeps it as window.map) at a
    lat/lng, with a real mouse click at the container point Leaflet computes; ``zoom``: first
    zoom in there, as a person does to click a corner precisely."""
    container = frame.locator(".leaflet-container")
    container.wait_for(timeout=60_000)
    point = frame.locator("body").evaluate(
        "(b, [ll, z]) => { if (z !== null) window.map.setView(ll, z, {animate: false});"
        " const p = window.map.latLngToContainerPoint(ll); return [p.x, p.y]; }",
        [[lat, lng], zoom],
    )
    container.click(position={"x": point[0], "y": point[1]})


def _wait_caption(page, n: int, where: str) -> None:
    page.get_by_text(re.compile(rf"^Point {n}: click it on the {where}")).wait_for(timeout=90_000)


def _wait_markers(frame, n: int) -> None:
    """The map redrawn after the rerun with its ``n`` numbered points (and window.map set)."""
    frame.get_by_text(f"\u00a0{n}", exact=True).wait_for(timeout=60_000)
    frame.locator("body").evaluate("() => window.map.getCenter()")


def _target(lon0: float, lat0: float, x_mm: float, y_mm: float) -> tuple[float, float]:
    """Where a drawing point should go: the drawing at true scale, its origin at lon0/lat0."""
    kx = 111_320 * math.cos(math.radians(lat0))
    return lon0 + x_mm / 1000 / kx, lat0 + y_mm / 1000 / 110_574


def test_a_drawing_is_placed_by_clicking_in_a_real_browser(
    demo_db, app_server, browser_page, tmp_path
):
    from passmap.importers.base import ImportOptions
    from passmap.importers.placement import plan_of
    from passmap.store import Store
    from ui.placing import to_view

    folder = tmp_path / "imports"
    folder.mkdir()
    write_dxf(folder / "plan.dxf")
    with Store(demo_db, read_only=True) as store:
        campus = store.list_campuses().iloc[0]
    centre = campus.geometry.centroid
    layers = {"walls": ["A-WALL"], "doors": ["A-DOOR"], "rooms": ["A-ROOM"]}
    plan = plan_of(folder / "plan.dxf", ImportOptions(layers=layers))

    server = app_server(demo_db, PASSMAP_IMPORT_DIR=str(folder))
    page = browser_page
    page.login(server.url, role="editor", timeout_ms=90_000)
    page.get_by_role("link", name="Import").click()
    page.get_by_text("File on the server").click()
    for label, value in (
        ("Campus id (new or existing)", campus["id"]),
        ("Building id (new or existing)", "annex"),
        ("DXF layers by role", LAYERS),
        ("File or folder in the server's import folder", "plan.dxf"),
    ):
        box = page.get_by_label(label)
        box.fill(value, timeout=90_000)
        box.press("Enter")
    page.get_by_text("Place the plan").wait_for(timeout=90_000)

    drawing = _maps(page).nth(0).content_frame
    drawing.locator(".leaflet-container").wait_for(timeout=60_000)
    corners = [to_view(plan, *xy) for xy in ((0, 0), (12000, 5000))]
    shown = drawing.locator("body").evaluate(
        "(b, cs) => cs.every(c => window.map.getBounds().contains(c))", corners
    )
    assert shown, "the whole drawing is in view before the first click"
    for n, (x, y) in enumerate(PLAN_POINTS, 1):
        _wait_caption(page, n, "drawing")
        _click_at(_maps(page).nth(0).content_frame, *to_view(plan, x, y))
        _wait_caption(page, n, "campus map")
        site = _maps(page).nth(1).content_frame
        if n > 1:
            _wait_markers(site, n - 1)
        else:
            site.locator(".leaflet-container").wait_for(timeout=60_000)
        lon, lat = _target(centre.x, centre.y, x, y)
        _click_at(site, lat, lon, zoom=20)
        _wait_markers(_maps(page).nth(1).content_frame, n)

    fit = page.get_by_text(re.compile(r"^Fit: RMS"))
    fit.wait_for(timeout=60_000)
    rms = float(re.search(r"RMS ([\d.]+) m", fit.inner_text()).group(1))
    assert rms < 2.0, fit.inner_text()  # a pixel on each map, not a misplaced plan
    site = _maps(page).nth(1).content_frame
    outline = site.locator(f"path[stroke='{PLACED_BLUE}']")
    assert outline.count() > len(PLAN_POINTS)  # the placed plan drawn beside the 3 points

    page.get_by_role("button", name="Preview").click()
    page.get_by_text("Preview: plan.dxf (dxf)").wait_for(timeout=90_000)
    page.get_by_role("button", name="Commit import").click()
    page.get_by_text(re.compile(r"^Imported plan\.dxf")).wait_for(timeout=90_000)
    server.stop()

    with Store(demo_db, read_only=True) as store:
        zones = store.list_zones(building_id="annex")
    assert len(zones) == 2
    minx, miny, maxx, maxy = zones.total_bounds
    (west, south), (east, north) = (
        _target(centre.x, centre.y, 0, 0),
        _target(centre.x, centre.y, 12000, 5000),
    )
    metre = 1 / 111_000
    assert west - 3 * metre < minx < west + 3 * metre and east - 3 * metre < maxx
    assert maxx < east + 3 * metre and south - 3 * metre < miny < south + 3 * metre
    assert north - 3 * metre < maxy < north + 3 * metre
    assert not page.outside_requests
