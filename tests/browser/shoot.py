"""Take the README screenshots of the three map views (docs/screenshots/*.png).

    .venv/bin/python tests/browser/shoot.py [--db PATH]

Builds the demo into a temporary file unless --db is given, starts the app on a free loopback
port, signs in as the demo admin and captures district, campus and floor (zoomed on the main
entrance with its detail panel open).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(Path(__file__).parent)]

from tests.browser.mapview import MAP_FRAME, wait_drawn, wait_settled  # noqa: E402
from tests.conftest import CHROMIUM, start_streamlit  # noqa: E402
from tests.helpers import browser_login  # noqa: E402


def shoot(db: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    server = start_streamlit(db, Path(tempfile.gettempdir()), PASSMAP_SIMULATE="1")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_page(viewport={"width": 1600, "height": 1000})
            browser_login(page, server.url, "admin")
            wait_settled(page)  # the district map (no spec name)
            wait_drawn(page, 0.02)
            page.screenshot(path=str(out / "district.png"))
            page.get_by_role("link", name="Campus").click()
            page.get_by_text("Tier, campus and buildings").wait_for()
            wait_settled(page, "campus:")
            wait_drawn(page, 0.3)
            page.screenshot(path=str(out / "campus.png"))
            page.get_by_role("link", name="Floor plan").click()
            page.get_by_text("Room tier").wait_for()
            search = page.get_by_role("textbox", name="Find a room, door, device or grid cell")
            search.fill("Main Office")
            page.keyboard.press("Enter")
            page.locator(".st-key-detail_panel").wait_for()
            # the map's answer to the search is shown with its view; then that view drawn
            page.frame_locator(MAP_FRAME).first.locator("#answer").wait_for(state="visible")
            wait_settled(page, "floor:")
            page.screenshot(path=str(out / "floor.png"))
            browser.close()
    finally:
        server.stop()


def main() -> int:
    return run(shoot)


def run(shoot_fn, out: Path = REPO / "docs" / "screenshots", with_db: bool = True) -> int:
    """The screenshot scripts' command line: ``shoot_fn(db, out)`` on ``--db`` (``with_db``)
    or else on a demo district built in a temporary folder, into ``--out`` (default ``out``);
    prints the files it says it wrote."""
    parser = argparse.ArgumentParser()
    if with_db:
        parser.add_argument("--db", type=Path)
    parser.add_argument("--out", type=Path, default=out)
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if getattr(args, "db", None):
        shots = shoot_fn(args.db, args.out)
    else:
        from passmap.demo import build_demo

        with tempfile.TemporaryDirectory() as tmp:
            db = Path(tmp) / "demo.duckdb"
            build_demo(db)
            shots = shoot_fn(db, args.out)
    print("\n".join(str(p) for p in shots or ()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
