"""Screenshots of the maps a person reads, for review (issue 16): floor plan, campus, responder
map, share view and Edit page of the demo high school, on a desk (1440x900) and on a phone
(390x844, touch), into docs/screenshots/<view>-<desk|phone>.png.

    .venv/bin/python tests/browser/shoot_maps.py [--db PATH] [--out DIR]

Builds the demo into a temporary file unless --db is given (the file is changed: a share link
is added), starts the app on a free loopback port, signs in as the demo admin and waits for each
map's own "drawn" signal before the shot. Not a test: it asserts nothing but that each map drew
without an error; look at the pictures.
"""

from __future__ import annotations

import sys
import tempfile
from datetime import timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO)]

from tests.browser.mapview import MAP_FRAME  # noqa: E402
from tests.browser.shoot import run  # noqa: E402
from tests.conftest import CHROMIUM, start_streamlit  # noqa: E402
from tests.helpers import browser_login  # noqa: E402

SIZES = {"desk": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}
# (name, url path, the map's data-spec once drawn); the demo high school, first floor
VIEWS = [
    ("floor", "floor-plan", "floor:cvhs-main-l1"),
    ("campus", "campus-map", "campus:cvhs"),
    ("responder", "responder", "responder:level:cvhs-main-l1"),
    ("edit", "edit-plan", "edit:cvhs-main-l1"),
]


def share_token(db: Path) -> str:
    from passmap import share
    from passmap.access import DEFAULT_SHARE_LAYERS
    from passmap.store import Store

    with Store(db) as store:
        _, token = share.create_link(
            store, "County Sheriff", ["cvhs"], list(DEFAULT_SHARE_LAYERS), timedelta(days=1), "shot"
        )
    return token


def drawn(page, spec: str) -> None:
    frame = page.frame_locator(MAP_FRAME).first
    # the spec drawn and its label report (and grid rulers) published
    frame.locator(f"#map[data-drawn='true'][data-spec='{spec}'][data-labels]").wait_for(
        state="attached", timeout=120_000
    )
    error = frame.locator("#error").inner_text()
    if error:
        raise RuntimeError(f"{spec}: the map reported an error: {error}")


def shoot(db: Path, out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    token = share_token(db)
    server = start_streamlit(db, Path(tempfile.gettempdir()))
    shots = []
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for size, viewport in SIZES.items():
                phone = size == "phone"
                context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
                page = context.new_page()
                browser_login(page, server.url, "admin")
                for name, path, spec in VIEWS:
                    page.goto(
                        f"{server.url}/{path}?campus=cvhs&building=cvhs-main&level=cvhs-main-l1"
                    )
                    drawn(page, spec)
                    shots.append(out / f"{name}-{size}.png")
                    page.screenshot(path=str(shots[-1]))
                context.close()
                context = browser.new_context(viewport=viewport, is_mobile=phone, has_touch=phone)
                page = context.new_page()
                page.goto(f"{server.url}/share/{token}")
                shown = page.locator("html[data-map-drawn='1']")  # the share viewer's signal
                shown.wait_for(state="attached", timeout=120_000)
                # and the live banner, which its first poll fills a moment later
                page.locator("#banner", has_text="Posture").wait_for(timeout=120_000)
                shots.append(out / f"share-{size}.png")
                page.screenshot(path=str(shots[-1]))
                context.close()
            browser.close()
    finally:
        server.stop()
    return shots


def main() -> int:
    return run(shoot)


if __name__ == "__main__":
    raise SystemExit(main())
