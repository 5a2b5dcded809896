"""The share page in real chromium, on a phone (390x844) and a desk (1440x900): the map draws,
the legend, north arrow and scale are there, search pans, zooms and highlights on the map, the
object under the pointer is named (tooltip, click), the live banner shows, user text stays text,
nothing breaks the CSP, no request leaves loopback.

Screenshots go to the test's tmp folder, or to $PASSMAP_SCREENSHOTS (e.g. docs/screenshots).
"""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest

from layers.deck import world_px
from tests.browser.mapview import eventually
from tests.conftest import is_loopback
from tests.share.conftest import make_link

pytestmark = pytest.mark.browser
TIMEOUT_MS = 120_000
BACKGROUND = (242, 241, 236)  # #mapwrap in ui/share_page/viewer.css
HOSTILE = '<img src=x onerror="window.__pm_xss=1">Sheriff'
REPO = Path(__file__).resolve().parents[2]
SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1440, "height": 900}}


def _pixels(page, selector: str, rgb=None, tol: int = 24) -> float:
    """Share of the element's pixels off the background (or close to ``rgb``)."""
    from PIL import Image

    img = Image.open(io.BytesIO(page.locator(selector).screenshot())).convert("RGB")
    img = img.resize((img.width // 2, img.height // 2))
    pixels = list(img.get_flattened_data())
    if rgb is None:
        hits = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, BACKGROUND)) > 12)
    else:
        hits = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, rgb)) <= tol)
    return hits / len(pixels)


def _shot(page, tmp_path: Path, name: str) -> None:
    folder = Path(os.environ.get("PASSMAP_SCREENSHOTS") or tmp_path)
    page.screenshot(path=str(folder / f"share-{name}.png"))


CONTROLS_JS = """() => {
  const origin = document.querySelector('#map').getBoundingClientRect();
  return ['search', 'answers', 'picked', 'zoom', 'north', 'scale', 'attribution', 'error']
    .map((id) => [id, document.getElementById(id).getBoundingClientRect()])
    .filter(([, r]) => r.width && r.height)
    .map(([id, r]) => ({id: id, x0: r.left - origin.left, x1: r.right - origin.left,
                        y0: r.top - origin.top, y1: r.bottom - origin.top}));
}"""


def _touch(a: dict, b: dict) -> bool:
    """Two screen boxes {x0, x1, y0, y1} overlap."""
    return a["x0"] < b["x1"] and b["x0"] < a["x1"] and a["y0"] < b["y1"] and b["y0"] < a["y1"]


def _assert_whole_labels(page) -> list[dict]:
    """Every label the map drew lies wholly inside it and clear of the controls over it (search,
    zoom buttons, north arrow, scale): one cut by the edge or half under a button reads as
    another name (grid cell "A10" as "10" at a phone's left edge, "L1" as "L" beside the home
    button; both seen on the phone's site view). Returns the labels."""
    labels = page.evaluate("() => window.pmShareLabels()")
    w, h = page.evaluate(
        "() => [document.querySelector('#map').clientWidth, "
        "document.querySelector('#map').clientHeight]"
    )
    grid = [lab for lab in labels if "grid" in lab["layer"]]
    assert labels, "no labels drawn"
    cut = [
        lab["text"]
        for lab in labels
        if lab["x0"] < 0 or lab["y0"] < 0 or lab["x1"] > w or lab["y1"] > h
    ]
    assert not cut, (len(cut), cut[:8], len(grid))
    controls = page.evaluate(CONTROLS_JS)  # measured here, not taken from the map's own list
    assert {"search", "zoom", "north", "scale"} <= {c["id"] for c in controls}, controls
    under = [(lab["text"], c["id"]) for lab in labels for c in controls if _touch(lab, c)]
    assert not under, under[:8]
    return labels


GRID_JS = """() => {
  const data = JSON.parse(document.getElementById('share-data').textContent);
  const layer = data.campuses[0].base_layers.find((l) => l['@@type'] === 'TextLayer');
  const map = document.querySelector('#map');
  return {rows: layer.data, view: window.pmShareView(), w: map.clientWidth, h: map.clientHeight};
}"""


def _assert_grid_labels_in_their_cells(page, labels: list[dict]) -> int:
    """Each grid label drawn lies inside its own cell, as computed here from the link's data and
    the map's view; every cell wholly on screen and clear of the controls has its label; returns
    how many labels were drawn in cells that are partly off the map or under a control (moved
    along their cell to stay whole)."""
    grid = page.evaluate(GRID_JS)
    view, w, h = grid["view"], grid["w"], grid["h"]
    cx, cy = world_px(view["longitude"], view["latitude"], view["zoom"])

    def screen(lon: float, lat: float) -> tuple[float, float]:
        x, y = world_px(lon, lat, view["zoom"])
        return x - cx + w / 2, y - cy + h / 2

    cells = {}
    for row in grid["rows"]:
        west, south, east, north = row["cell"]
        (x0, y0), (x1, y1) = screen(west, north), screen(east, south)
        cells[row["text"]] = {"x0": x0, "y0": y0, "x1": x1, "y1": y1}
    drawn = {lab["text"]: lab for lab in labels if "grid" in lab["layer"]}
    assert len(drawn) >= 20, len(drawn)
    outside = [
        t
        for t, lab in drawn.items()
        if lab["x0"] < cells[t]["x0"] - 0.5
        or lab["x1"] > cells[t]["x1"] + 0.5
        or lab["y0"] < cells[t]["y0"] - 0.5
        or lab["y1"] > cells[t]["y1"] + 0.5
    ]
    assert not outside, (outside[:8], [drawn[t] for t in outside[:2]])
    controls = page.evaluate(CONTROLS_JS)
    on_map = {"x0": 0, "y0": 0, "x1": w, "y1": h}

    def whole(c: dict) -> bool:
        return c["x0"] >= 0 and c["y0"] >= 0 and c["x1"] <= w and c["y1"] <= h

    clear = [t for t, c in cells.items() if whole(c) and not any(_touch(c, o) for o in controls)]
    assert clear, "no grid cell wholly on the map"
    missing = [t for t in clear if t not in drawn]
    assert not missing, missing[:8]
    return sum(
        1
        for t in drawn
        if _touch(cells[t], on_map)
        and (not whole(cells[t]) or any(_touch(cells[t], o) for o in controls))
    )


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_share_page_draws_and_search_highlights(
    size, demo_db, app_server, browser, tmp_path, defaults
):
    _, token = make_link(demo_db, defaults, agency=HOSTILE)
    server = app_server(demo_db, PASSMAP_TIMEZONE="Asia/Tokyo")  # not the browser's zone
    context = browser.new_context(viewport=SIZES[size])
    page = context.new_page()
    outside, refused = [], []
    page.on("request", lambda r: None if is_loopback(r.url) else outside.append(r.url))
    page.on("console", lambda m: refused.append(m.text) if "Refused" in m.text else None)
    # The phone follows an old-style link (redirected), the desk a new one.
    url = f"{server.url}/?share={token}" if size == "phone" else f"{server.url}/share/{token}"
    page.goto(url)
    page.wait_for_selector("html[data-map-drawn='1']", state="attached", timeout=TIMEOUT_MS)
    assert page.url.endswith(f"/share/{token}")
    page.get_by_text("Posture: Normal").wait_for(timeout=TIMEOUT_MS)
    # times in the district's zone (PASSMAP_TIMEZONE), named, whatever the browser's zone
    assert page.inner_text("#banner").endswith("GMT+9"), page.inner_text("#banner")
    assert page.inner_text("#expiry").endswith("GMT+9."), page.inner_text("#expiry")
    eventually(lambda: _pixels(page, "#map") > 0.05, page)  # drawn, not a blank canvas
    moved = _assert_grid_labels_in_their_cells(page, _assert_whole_labels(page))
    # The site view's grid runs under the controls and off the map's sides (phone: under the
    # zoom buttons, off left and right, 10 such labels drawn; desk: under the search box and off
    # the bottom, 23): those labels move inside what is left of their cell, where they were left
    # out, or half under the home button ("L1" read "L").
    assert moved >= 5, moved
    legend = page.locator("#legend li").all_inner_texts()
    assert "Building" in legend and "Grid cell (A1 = north-west)" in legend  # the site view
    page.locator("#view").select_option("level:cvhs-main-l1")
    page.get_by_text("Exterior door (numbered)").wait_for(timeout=TIMEOUT_MS)
    legend = page.locator("#legend li").all_inner_texts()
    assert "AED" in legend and "Camera" not in legend and "Silent panic alarm" not in legend
    # Labels never cover each other (issue 16): door and room numbers are placed by priority,
    # grid labels where they are free; the boxes the map drew are read back from the page.
    page.wait_for_function(
        "() => window.pmShareLabels().filter(l => !l.layer.includes('grid')).length >= 10",
        timeout=TIMEOUT_MS,
    )
    labels = page.evaluate("() => window.pmShareLabels()")
    numbers = [lab for lab in labels if "grid" not in lab["layer"]]
    assert len(numbers) >= 10, len(numbers)  # presence beside the absence below
    overlaps = [
        (a["text"], b["text"])
        for i, a in enumerate(labels)
        for b in labels[i + 1 :]
        if _touch(a, b)
    ]
    assert not overlaps, overlaps[:5]
    _assert_whole_labels(page)
    assert page.locator("#north").is_visible()
    assert page.locator("#scale-text").inner_text().endswith((" ft", " mi"))
    assert "onerror" in page.inner_text("#bar")  # shown as text, never run
    map_box = page.locator("#map").bounding_box()
    if size == "phone":  # map first: it starts at the top of the screen, full width
        assert map_box["y"] < 200 and map_box["width"] >= 380
    _shot(page, tmp_path, size)

    page.get_by_role("searchbox", name="Find a room, door or device").fill("115")
    page.keyboard.press("Enter")
    answer = page.locator("#answers button").first
    answer.wait_for(timeout=TIMEOUT_MS)
    assert answer.inner_text().startswith("Room 115") and "grid cell" in answer.inner_text()
    assert page.locator("#view").input_value() == "level:cvhs-main-l1"  # the room's floor
    box = answer.bounding_box()
    assert map_box["y"] <= box["y"] <= map_box["y"] + map_box["height"]  # on the map
    eventually(lambda: _pixels(page, "#map", rgb=(200, 0, 200)) > 0.002, page)  # highlighted
    _shot(page, tmp_path, f"{size}-search")
    # The answer sits in the middle of the map: pointing at it names it, clicking keeps the name.
    middle = (map_box["x"] + map_box["width"] / 2, map_box["y"] + map_box["height"] / 2)
    page.mouse.move(*middle)
    page.locator("#tooltip", has_text="Room 115").wait_for(timeout=TIMEOUT_MS)
    page.mouse.click(*middle)
    page.locator("#picked", has_text="Room 115").wait_for(timeout=TIMEOUT_MS)
    assert page.evaluate("() => window.__pm_xss") is None
    context.close()
    assert not outside, outside[:5]
    assert not refused, refused[:5]  # nothing blocked by the page's CSP


def test_labels_are_drawn_above_every_shape_whatever_the_layer_order(browser):
    """The campus view lists the grid (and its cell names) before the campus's own outlines:
    drawn in layer order, a parking lot's or a track's outline painted over the cell names
    inside it. Here a label layer comes first and an opaque square over it second."""
    page = browser.new_context(viewport={"width": 400, "height": 400}).new_page()
    page.set_content("<div id='map' style='width:400px;height:400px'></div>")
    page.add_script_tag(path=str(REPO / "ui" / "share_page" / "canvasmap.js"))
    square = [[-0.01, -0.01], [0.01, -0.01], [0.01, 0.01], [-0.01, 0.01]]
    dark = page.evaluate(
        """([square]) => new Promise((done) => {
          const map = CanvasMap.create(document.getElementById('map'), {onDraw: () => {
            const c = map.canvas, ctx = c.getContext('2d');
            const px = ctx.getImageData(0, 0, c.width, c.height).data;
            let n = 0;  // label-coloured pixels (black text) anywhere on the canvas
            for (let i = 0; i < px.length; i += 4) if (px[i] < 60 && px[i + 3] > 200) n++;
            done(n);
          }});
          map.setView({longitude: 0, latitude: 0, zoom: 12});
          map.setLayers([
            {"@@type": "TextLayer", id: "cells", data: [{p: [0, 0], t: "C10"}],
             getPosition: "@@=p", getText: "@@=t", getColor: [0, 0, 0, 255], getSize: 40},
            {"@@type": "PolygonLayer", id: "lot", data: [{g: square}], getPolygon: "@@=g",
             getFillColor: [220, 40, 40, 255], getLineColor: [220, 40, 40, 255]},
          ].map(CanvasMap.prepare));
        })""",
        [square],
    )
    page.context.close()
    assert dark > 30, dark  # the label's pixels, on top of the square
