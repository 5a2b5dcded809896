"""Browser-side helpers for the map tests and the benchmark: where a lon/lat lands on the deck
canvas, and whether the canvas shows drawn content (not just the background)."""

from __future__ import annotations

import io
import math

BACKGROUND_RGB = (242, 241, 236)          # static/map-style.json


def mercator_px(lon: float, lat: float, zoom: float) -> tuple[float, float]:
    """World pixel coordinates as deck.gl's MapView computes them (512 px world at zoom 0)."""
    scale = 512 * 2 ** zoom
    x = (lon + 180) / 360 * scale
    s = math.sin(math.radians(lat))
    y = (0.5 - math.log((1 + s) / (1 - s)) / (4 * math.pi)) * scale
    return x, y


def screen_point(view, box: dict, lon: float, lat: float) -> tuple[float, float]:
    """Page coordinates of lon/lat on a canvas at ``box`` showing pydeck ViewState ``view``."""
    cx, cy = mercator_px(view.longitude, view.latitude, view.zoom)
    px, py = mercator_px(lon, lat, view.zoom)
    return box["x"] + box["width"] / 2 + (px - cx), box["y"] + box["height"] / 2 + (py - cy)


def map_box(page) -> dict:
    """The bounding box of the (first) deck canvas."""
    canvas = page.locator("[data-testid='stDeckGlJsonChart'] canvas").first
    canvas.wait_for(state="visible", timeout=30_000)
    return canvas.bounding_box()


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
    return sum(1 for p in img.get_flattened_data() if max(abs(a - b) for a, b in zip(p, rgb)) <= tol)


def wait_drawn(page, minimum: float = 0.05, timeout_ms: int = 30_000) -> float:
    """Poll until the canvas shows drawn content; returns the drawn fraction."""
    step, waited, frac = 250, 0, 0.0
    while waited <= timeout_ms:
        frac = drawn_fraction(page)
        if frac >= minimum:
            return frac
        page.wait_for_timeout(step)
        waited += step
    raise AssertionError(f"map not drawn after {timeout_ms} ms (drawn fraction {frac:.3f})")
