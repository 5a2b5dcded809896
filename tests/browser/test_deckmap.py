"""The map component's frontend (ui/deckmap/frontend) in Debian's chromium, driven the way
Streamlit drives it (``streamlit:render`` messages) from a page served on loopback: drawn
layers, a rerun that changes nothing draws nothing, the user's zoom survives reruns, layers
with a zoom range (level of detail), a click reports the object's scalar fields only, also when
the page was busy while the button was down.

No fixed sleeps: each step waits for the frontend's own signal (its User Timing marks, the
zoom it reports, a value it posts), and every "nothing happened" is read after a signal that
the same thing did happen for something else."""

from __future__ import annotations

import functools
import http.server
import io
import json
import re
import threading

import pytest

from tests.browser.mapview import colour_pixels, eventually
from tests.helpers import serve_png

pytestmark = pytest.mark.browser
RED, BLUE = [220, 30, 30, 255], [20, 60, 220, 255]
VIEW = {
    "longitude": -78.9,
    "latitude": 35.7,
    "zoom": 16,
    "fitBounds": [-78.902, 35.699, -78.898, 35.701],
}


@pytest.fixture(scope="module")
def frontend_url():
    from ui.deckmap import FRONTEND

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(FRONTEND))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/index.html"
    server.shutdown()


def _square(lon, lat, half):
    return [
        [lon - half, lat - half],
        [lon + half, lat - half],
        [lon + half, lat + half],
        [lon - half, lat + half],
        [lon - half, lat - half],
    ]


def _layers(min_zoom=None):
    parcel = {
        "@@type": "PolygonLayer",
        "id": "parcels",
        "pickable": True,
        "stroked": False,
        "getPolygon": "@@=polygon",
        "getFillColor": "@@=fill",
        "data": [
            {
                "id": "c1",
                "kind": "campus",
                "name": "<b>North</b>",
                "fill": RED,
                "polygon": _square(-78.9, 35.7, 0.0008),
                "tip": "North\nTier 2",
            }
        ],
    }
    detail = {
        "@@type": "PolygonLayer",
        "id": "detail",
        "stroked": False,
        "getPolygon": "@@=polygon",
        "getFillColor": BLUE,
        "data": [{"polygon": _square(-78.9, 35.7, 0.0002)}],
    }
    if min_zoom is not None:
        detail["minZoom"] = min_zoom
    return [json.dumps(parcel), json.dumps(detail)]


def _render(page, layers, view=VIEW, **args):
    page.evaluate(
        """([layers, view, args]) => window.postMessage({isStreamlitMessage: true,
        type: 'streamlit:render', args: {layers, view, height: 400, tiles: null, ...args}}, '*')""",
        [layers, view, args],
    )


def _pixels(page, *colours):
    """Pixels of each colour in one screenshot of the map."""
    from PIL import Image

    img = Image.open(io.BytesIO(page.screenshot(clip=_box(page)))).convert("RGB")
    data = list(img.get_flattened_data())
    return tuple(
        sum(1 for p in data if max(abs(a - b) for a, b in zip(p, c[:3])) <= 18) for c in colours
    )


def _marks(page, name):
    return page.evaluate(f"performance.getEntriesByName('{name}').length")


def _open(page, url):
    page.goto(url)
    page.evaluate("""() => { window.__values = [];
        window.addEventListener('message', e => {
            if (e.data && e.data.type === 'streamlit:setComponentValue')
                window.__values.push(e.data.value);
        }); }""")


def _open_drawn(page, url, layers):
    """The frontend at ``url`` with ``layers`` rendered and drawn once."""
    _open(page, url)
    _render(page, layers)
    page.wait_for_function("performance.getEntriesByName('deckmap:drawn').length > 0")


def _box(page):
    return page.locator("#map").bounding_box()


def _zoom(page) -> float:
    return float(page.locator("#map").get_attribute("data-zoom"))


def test_draws_keeps_the_users_zoom_and_a_rerun_that_changes_nothing_draws_nothing(
    frontend_url, browser_page
):
    page = browser_page
    _open_drawn(page, frontend_url, _layers())
    eventually(lambda: colour_pixels(page, tuple(RED[:3]), _box(page)) > 1000, page)
    fitted = _zoom(page)
    page.mouse.move(500, 200)
    page.mouse.wheel(0, -300)
    eventually(lambda: _zoom(page) > fitted + 0.3, page)
    zoomed = _zoom(page)
    renders = _marks(page, "deckmap:render")
    _render(page, _layers())  # a rerun: same layers, same view
    page.wait_for_function("performance.getEntriesByName('deckmap:unchanged').length == 1")
    assert _marks(page, "deckmap:render") == renders  # nothing rebuilt, nothing redrawn
    assert _zoom(page) == zoomed  # the user's zoom is kept
    moved = dict(VIEW, fitBounds=[-78.91, 35.69, -78.89, 35.71])
    _render(page, _layers(), moved)  # the page asks for another view
    eventually(lambda: _zoom(page) < fitted, page)


def test_a_layer_with_a_zoom_range_appears_only_when_the_user_zooms_in(frontend_url, browser_page):
    page = browser_page
    _open(page, frontend_url)
    _render(page, _layers(min_zoom=99))  # placeholder, replaced below
    page.wait_for_function("performance.getEntriesByName('deckmap:drawn').length > 0")
    fitted = _zoom(page)
    _render(page, _layers(min_zoom=fitted + 1))
    page.wait_for_function("performance.getEntriesByName('deckmap:drawn').length > 1")

    def parcel_shown():
        red, blue = _pixels(page, RED, BLUE)  # one screenshot for both
        return (red, blue) if red > 1000 else None

    _red, blue = eventually(parcel_shown, page)
    assert blue == 0  # not at the first view, in the frame that shows the parcel
    box = _box(page)
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    while _zoom(page) < fitted + 1:  # each turn of the wheel zooms in before the next
        before = _zoom(page)
        page.mouse.wheel(0, -300)
        eventually(lambda z=before: _zoom(page) > z, page)
    eventually(lambda: colour_pixels(page, tuple(BLUE[:3]), _box(page)) > 100, page)


def test_a_click_reports_the_objects_scalars_and_a_click_beside_clears_it(
    frontend_url, browser_page
):
    page = browser_page
    _open_drawn(page, frontend_url, _layers())
    box = _box(page)
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2)
    page.wait_for_function("window.__values.length > 0")
    selection = page.evaluate("window.__values[0]")["selection"]
    assert selection["indices"] == {"parcels": [0]}
    row = selection["objects"]["parcels"][0]
    assert row == {"id": "c1", "kind": "campus", "name": "<b>North</b>", "tip": "North\nTier 2"}
    page.mouse.move(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2 + 5)
    tip = page.locator(".deck-tooltip")
    tip.wait_for(timeout=5_000)
    assert tip.inner_text() == "North\nTier 2"  # text, never markup
    assert page.evaluate("document.querySelector('.deck-tooltip b')") is None
    page.mouse.click(box["x"] + 5, box["y"] + 5)  # empty map: selection cleared
    page.wait_for_function("window.__values.some(v => v.seq === 2)")
    cleared = page.evaluate("window.__values.find(v => v.seq === 2)")
    assert cleared["selection"] == {"indices": {}, "objects": {}}
    assert cleared["seq"] == 2 and len(cleared["coordinate"]) == 2  # clicks counted, never lost


def test_a_new_frame_numbers_its_clicks_on_and_sends_a_click_until_a_run_has_seen_it(
    frontend_url, browser_page
):
    """A map frame drawn anew for a session that already clicked it (the page was left and
    opened again) gets ``ack``, the highest click number the session has seen: its first click
    is ack + 1, never an old number the page has set aside. A click no render has acknowledged
    is sent again; the render that acknowledges it ends that."""
    page = browser_page
    _open(page, frontend_url)
    _render(page, _layers(), ack=5)
    page.wait_for_function("performance.getEntriesByName('deckmap:drawn').length > 0")
    box = _box(page)
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2)
    page.wait_for_function("window.__values.length >= 2")  # sent, and again: not acknowledged
    assert {v["seq"] for v in page.evaluate("window.__values")} == {6}
    assert page.locator("#map").get_attribute("data-pending-click") == "6"
    _render(page, _layers(), ack=6)  # a run saw it
    page.locator("#map:not([data-pending-click])").wait_for(state="attached", timeout=15_000)


def test_grid_rulers_letter_the_columns_and_number_the_rows_in_view(frontend_url, browser_page):
    """The grid's column letters along the top and row numbers along the side, each where its
    line crosses the view; a line outside the view gets no label."""
    page = browser_page
    _open(page, frontend_url)
    grid = {
        "cols": [["A", -78.901], ["B", -78.899], ["Z", -78.5]],
        "rows": [["1", 35.7], ["9", 36.5]],
    }
    _render(page, _layers(), overlay={"grid": grid})
    page.locator("#grid-cols span", has_text="B").wait_for(timeout=15_000)
    cols = page.locator("#grid-cols span")
    assert cols.all_inner_texts() == ["A", "B"]  # Z is far east of the view
    assert page.locator("#grid-rows span").all_inner_texts() == ["1"]
    left = [float(s.rstrip("px")) for s in cols.evaluate_all("els => els.map(e => e.style.left)")]
    assert 14 <= left[0] < left[1] <= _box(page)["width"] - 14


@pytest.fixture
def png_server():
    """(base URL, its colour, the paths requested) of a loopback PNG server (tiles, images)."""
    green = (40, 160, 60)
    with serve_png(green) as (base, requested):
        yield base, green, requested


def _render_raw(page, layers, tiles=None):
    page.evaluate(
        """([layers, view, tiles]) => window.postMessage({isStreamlitMessage: true,
        type: 'streamlit:render', args: {layers, view, height: 400, tiles}}, '*')""",
        [layers, VIEW, tiles],
    )
    page.wait_for_function("performance.getEntriesByName('deckmap:drawn').length > 0")


def test_a_configured_tile_source_is_drawn_under_the_layers_with_its_attribution(
    frontend_url, browser_page, png_server
):
    """XYZ tiles from a loopback server (as a district's own tile server would be): requested
    by the browser, drawn under the layers, credited in the corner as text."""
    base, green, requested = png_server
    page = browser_page
    _open(page, frontend_url)
    _render_raw(
        page,
        _layers(),
        {"url": base + "/t/{z}/{x}/{y}.png", "attribution": "© District GIS <script>"},
    )
    eventually(lambda: colour_pixels(page, green, _box(page)) > 10_000, page)  # under the parcel
    assert requested and all(re.fullmatch(r"/t/1[5-8]/\d+/\d+\.png", p) for p in requested)
    assert colour_pixels(page, tuple(RED[:3]), _box(page)) > 1000
    assert page.locator("#attribution").inner_text() == "© District GIS <script>"


def test_an_imported_plan_image_is_drawn_as_the_underlay(frontend_url, browser_page, png_server):
    """layers.floor.underlay_layer's JSON (a BitmapLayer with the image's URL) is fetched and
    drawn, also when the image arrives after the first frame."""
    from layers.deck import layer_json
    from layers.floor import underlay_layer

    base, green, requested = png_server
    under = underlay_layer(
        {"url": base + "/plan.png", "bounds": [[35.6995, -78.9015], [35.7005, -78.8985]]}
    )
    page = browser_page
    _open(page, frontend_url)
    _render_raw(page, [layer_json(under)])
    eventually(lambda: colour_pixels(page, green, _box(page)) > 10_000, page)
    assert requested == ["/plan.png"]


def test_zoom_buttons_and_back_to_the_whole_view(frontend_url, browser_page):
    page = browser_page
    _open_drawn(page, frontend_url, _layers())
    fitted = _zoom(page)
    page.get_by_role("button", name="Zoom in").click()
    eventually(lambda: abs(_zoom(page) - (fitted + 1)) < 0.01, page)
    page.get_by_role("button", name="Zoom in").click()  # two quick clicks add up
    page.get_by_role("button", name="Zoom in").click()
    eventually(lambda: abs(_zoom(page) - (fitted + 3)) < 0.01, page)
    page.get_by_role("button", name="Zoom out").click()
    eventually(lambda: abs(_zoom(page) - (fitted + 2)) < 0.01, page)
    page.mouse.move(300, 200)
    page.mouse.wheel(0, 400)  # the user wanders off
    eventually(lambda: _zoom(page) < fitted + 1.9, page)
    page.get_by_role("button", name="Back to the whole view").click()
    eventually(lambda: abs(_zoom(page) - fitted) < 0.01, page)
    box = _box(page)
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)  # on the parcel
    page.wait_for_function("window.__values.length > 0")
    values = page.evaluate("window.__values")
    assert len(values) == 1  # the map click, and nothing from the buttons before it
    assert values[0]["selection"]["indices"] == {"parcels": [0]}


def test_a_click_counts_when_the_page_is_busy_while_the_button_is_down(frontend_url, browser_page):
    """deck.gl picks on pointerdown (the first pick compiles shaders) and its tap recogniser
    drops a press longer than 250 ms: with the page busy for 600 ms between the press and the
    release (a rerun redrawing on a loaded machine), the click used to be lost."""
    page = browser_page
    _open_drawn(page, frontend_url, _layers())
    page.evaluate("""() => window.addEventListener('pointerdown', () => {
        const until = performance.now() + 600; while (performance.now() < until) {} })""")
    box = _box(page)
    page.mouse.click(box["x"] + box["width"] / 2 + 60, box["y"] + box["height"] / 2)
    page.wait_for_function("window.__values.length > 0", timeout=15_000)
    assert page.evaluate("window.__values[0]")["selection"]["indices"] == {"parcels": [0]}
