"""Browser-side helpers for the map tests and the benchmark: where a lon/lat lands on the deck
canvas, and whether the canvas shows drawn content (not just the background)."""

from __future__ import annotations

import io

from tests.helpers import wait_until

BACKGROUND_RGB = (242, 241, 236)  # ui/deckmap/frontend/index.html
MAP_FRAME = "iframe[title='ui.deckmap.deckmap']"


def screen_point(view, box: dict, lon: float, lat: float) -> tuple[float, float]:
    """Page coordinates of lon/lat on a canvas at ``box`` showing pydeck ViewState ``view``
    (a fitted view is refitted to the canvas's size, as the map frontend does)."""
    from layers.deck import fit_zoom, world_px

    clon, clat, zoom = view.longitude, view.latitude, view.zoom
    if getattr(view, "fit_bounds", None):
        clon, clat, zoom = fit_zoom(view.fit_bounds, box["width"], box["height"], view.fit_padding)
    cx, cy = world_px(clon, clat, zoom)
    px, py = world_px(lon, lat, zoom)
    return box["x"] + box["width"] / 2 + (px - cx), box["y"] + box["height"] / 2 + (py - cy)


def clear_point(area, points):
    """The point of polygon ``area`` farthest from every one of ``points`` (device icons): a
    click there picks the room, not an icon drawn over it."""
    from shapely.geometry import Point

    minx, miny, maxx, maxy = area.bounds
    inner = area.buffer(-(maxx - minx) / 20)
    grid = [
        Point(minx + (maxx - minx) * i / 20, miny + (maxy - miny) * j / 20)
        for i in range(1, 20)
        for j in range(1, 20)
    ]
    inside = [p for p in grid if inner.contains(p)] or [area.representative_point()]
    return max(inside, key=lambda p: min((p.distance(d) for d in points), default=0.0))


def gym_point(db_path):
    """The first floor plan's view as the page fits it (its zones), a point inside the gym clear
    of device icons, and the gym's row (the Floor plan page opens on the first campus, building
    and level)."""
    from layers.deck import fit_view
    from passmap.store import Store
    from tests.helpers import first_level

    with Store(db_path, read_only=True) as store:
        level = first_level(store)[2]
        zones = store.list_zones(level_id=level)
        devices = store.list_controls(level_id=level)
    gym = zones[zones["kind"] == "gym"].iloc[0]
    point = clear_point(gym.geometry, devices.geometry[devices.geom_type == "Point"])
    return fit_view(tuple(zones.total_bounds)), point, gym


def map_canvas(page, index: int = 0):
    """The deck.gl canvas inside the ``index``-th map component (a locator)."""
    return page.frame_locator(MAP_FRAME).nth(index).locator("canvas").first


def map_tooltip(page, index: int = 0):
    """The map's tooltip element (deck.gl's, inside the component)."""
    return page.frame_locator(MAP_FRAME).nth(index).locator(".deck-tooltip")


def map_box(page) -> dict:
    """The bounding box of the (first) map's canvas, in page coordinates."""
    frame = page.locator(MAP_FRAME).first
    frame.wait_for(state="visible", timeout=30_000)
    page.frame_locator(MAP_FRAME).first.locator("canvas").first.wait_for(timeout=30_000)
    return frame.bounding_box()


def drawn_fraction(page, box: dict | None = None) -> float:
    """Share of canvas pixels that differ from the plain background (0 = blank map)."""
    from PIL import Image

    box = box or map_box(page)
    png = page.screenshot(clip=box)
    img = Image.open(io.BytesIO(png)).convert("RGB").resize((200, 150))
    pixels = list(img.get_flattened_data())
    off = sum(1 for p in pixels if max(abs(a - b) for a, b in zip(p, BACKGROUND_RGB)) > 12)
    return off / len(pixels)


def colour_pixels(page, rgb: tuple[int, int, int], box: dict | None = None, tol: int = 18) -> int:
    """How many canvas pixels are close to ``rgb`` (e.g. the camera icons' blue)."""
    from PIL import Image

    box = box or map_box(page)
    img = Image.open(io.BytesIO(page.screenshot(clip=box))).convert("RGB")
    return sum(
        1 for p in img.get_flattened_data() if max(abs(a - b) for a, b in zip(p, rgb)) <= tol
    )


def wait_drawn(page, minimum: float = 0.05, timeout_ms: int = 30_000) -> float:
    """Poll until the canvas shows drawn content; returns the drawn fraction."""
    return _wait_at_least(lambda: drawn_fraction(page), minimum, timeout_ms, "drawn fraction")


def map_frame(page, index: int = 0):
    """The ``index``-th map component's frame (to read its User Timing marks)."""
    handle = page.locator(MAP_FRAME).nth(index).element_handle(timeout=30_000)
    return handle.content_frame()


def wait_map_mark(page, name: str, count: int = 1, index: int = 0, timeout_ms: int = 30_000):
    """Wait until the map frontend has set User Timing mark ``name`` (deckmap:drawn,
    deckmap:warm-pick-end, ...; see ui/deckmap/frontend/deckmap.js) at least ``count`` times."""
    map_frame(page, index).wait_for_function(
        f"performance.getEntriesByName({name!r}).length >= {count}",
        polling=200,  # a timer, not animation frames (those are what is being waited for)
        timeout=timeout_ms,
    )


def wait_settled(page, spec: str = "", index: int = 0, timeout_ms: int = 30_000) -> None:
    """Wait until the ``index``-th map shows a spec named ``spec...`` (data-drawn, data-spec) and
    has published its label report (data-labels, set with the grid rulers 150 ms after a draw or
    a view change): the picture a screenshot should take."""
    named = f"[data-spec^='{spec}']" if spec else ""  # ^='' would match nothing
    sel = f"#map[data-drawn='true']{named}[data-labels]"
    page.frame_locator(MAP_FRAME).nth(index).locator(sel).wait_for(
        state="attached", timeout=timeout_ms
    )


def wait_next_draw(page, index: int = 0, timeout_ms: int = 30_000) -> None:
    """Wait until the ``index``-th map draws a frame with new layers after this call (the live
    map redraws on its 1 s refresh)."""
    count = map_frame(page, index).evaluate(
        "() => performance.getEntriesByName('deckmap:drawn').length"
    )
    wait_map_mark(page, "deckmap:drawn", count + 1, index, timeout_ms)


def wait_colour(page, rgb, minimum: int, timeout_ms: int = 30_000) -> int:
    """Poll until at least ``minimum`` canvas pixels are close to ``rgb`` (icons load after the
    first frame); returns the count."""
    return _wait_at_least(lambda: colour_pixels(page, rgb), minimum, timeout_ms, f"{rgb} pixels")


def _wait_at_least(measure, minimum, timeout_ms: int, what: str):
    """Poll ``measure()`` (a look at the canvas) until it reaches ``minimum``; return it."""
    seen = []

    def reached():
        seen.append(measure())
        return seen[-1] >= minimum

    try:
        wait_until(reached, timeout_ms / 1000, 0.25, what=f"{what} >= {minimum}")
    except AssertionError:
        raise AssertionError(f"{what} below {minimum} after {timeout_ms} ms: {seen[-1]}") from None
    return seen[-1]


def hover_until_tooltip(page, contains: str, timeout_ms: int = 60_000):
    """Hover a grid of points over the (first) map until its tooltip shows ``contains`` and
    return that tooltip (a locator); fail when none does. A presence check: the data is drawn
    and picked, so a later absence check (no script ran, no tag made) is not vacuous."""
    import time

    tip = map_tooltip(page).first
    deadline = time.monotonic() + timeout_ms / 1000
    while time.monotonic() < deadline:
        box = map_box(page)  # again each pass: a rerun may have replaced the map
        for fx in [i / 20 for i in range(1, 20)]:
            for fy in [i / 12 for i in range(1, 12)]:
                x, y = box["x"] + box["width"] * fx, box["y"] + box["height"] * fy
                if hover(page, x, y, timeout_ms=timeout_ms) and contains in tip_text(tip):
                    return tip
    raise AssertionError(f"no tooltip showing {contains!r} while hovering the map")


HOVERS = "Number(document.getElementById('map').dataset.hovers || 0)"


def hover(page, x: float, y: float, index: int = 0, timeout_ms: int = 30_000) -> bool:
    """Move the pointer to page point (x, y), not where it is already, and wait until the
    ``index``-th map has answered the move with a hover pick (#map[data-hovers] grew,
    ui/deckmap/frontend/deckmap.js): its tooltip is then the one for that point. A point off the
    map (on its buttons, beside it) is picked only when the pointer leaves the map for it (the
    pick that clears the tooltip). Returns whether the point is on the map."""
    frame, box = map_frame(page, index), page.locator(MAP_FRAME).nth(index).bounding_box()
    on, picks, was_on = frame.evaluate(
        f"""([x, y]) => {{
            const map = document.getElementById('map'), at = document.elementFromPoint(x, y);
            return [Boolean(at && map.contains(at)), {HOVERS}, map.matches(':hover')];
        }}""",
        [x - box["x"], y - box["y"]],
    )
    page.mouse.move(x, y)
    if on or was_on:
        frame.wait_for_function(f"n => {HOVERS} > n", arg=picks, polling=20, timeout=timeout_ms)
    return on


def tip_text(tip) -> str:
    """The text of tooltip locator ``tip`` when it is shown, else ""."""
    return tip.inner_text() if tip.count() and tip.is_visible() else ""


def eventually(check, page, timeout_ms: int = 30_000, step_ms: int = 200):
    """Poll ``check()`` until it is true (software WebGL on a loaded machine can take a while to
    draw a frame) and return its value; fail with the last value. For presence checks only."""
    return wait_until(check, timeout_ms / 1000, step_ms / 1000, what="the check", page=page)
