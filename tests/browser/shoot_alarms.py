"""Screenshots of live alarm markers on the floor plan at desk and phone sizes (issue 15).

    .venv/bin/python tests/browser/shoot_alarms.py [--out docs/screenshots]

Builds the demo into a temporary file, writes a duress, a forced door and an offline camera on
the floor the pickers open first (through the feed runner, as the ingest would), starts the app
on a free loopback port, signs in as the demo admin and captures the Floor plan page with its
banner at 1440x900 (alarms-desk.png) and 390x844 (alarms-phone.png), then with the map
scrolled into view (alarms-desk-map.png, alarms-phone-map.png).
"""

from __future__ import annotations

import json
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(Path(__file__).parent)]

from tests.browser.mapview import map_canvas, wait_map_mark, wait_next_draw  # noqa: E402
from tests.browser.shoot import run  # noqa: E402
from tests.conftest import CHROMIUM, start_streamlit  # noqa: E402
from tests.helpers import browser_login, first_level  # noqa: E402

SIZES = {"desk": {"width": 1440, "height": 900}, "phone": {"width": 390, "height": 844}}


def raise_alarms(db: Path) -> list[str]:
    """A duress, a forced door and an offline camera on the first floor of the first campus."""
    from passmap.feeds.runner import FeedRunner
    from passmap.store import Store

    with Store(db) as store:
        campus, building, level = first_level(store)
        c = store.list_controls(campus, building, level)
        c = c[c["external_id"].notna()]
        picks = []
        for types, aspect, state in (
            (["duress_button"], "panic", "triggered"),
            (["door_contact", "access_reader"], "door_alarm", "forced_open"),
            (["camera"], "health", "offline"),
        ):
            found = c[c["type"].isin(types)]
            if not found.empty:
                picks.append((found.iloc[0], aspect, state))
        runner = FeedRunner(store)
        now = datetime.now(UTC).isoformat()
        for row, aspect, state in picks:
            body = {"device_id": row["external_id"], "aspect": aspect, "state": state}
            runner.submit("passmap/status/x", json.dumps(body | {"observed_utc": now}).encode())
        runner.flush()
        return [f"{r['name']} {a}={s}" for r, a, s in picks]


def shoot(db: Path, out: Path) -> None:
    from playwright.sync_api import sync_playwright

    print("raised:", "; ".join(raise_alarms(db)))
    server = start_streamlit(db, Path(tempfile.gettempdir()), timeout_s=150, PASSMAP_SIMULATE="0")
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            for name, size in SIZES.items():
                page = browser.new_page(viewport=size)
                browser_login(page, server.url, "admin", timeout_ms=120_000)
                page.goto(server.url + "/floor-plan")
                page.get_by_text("open alarm").first.wait_for(timeout=120_000)
                # the map's own signal: on a phone the map is below the fold, where a
                # screenshot of its box (wait_drawn) fails
                wait_map_mark(page, "deckmap:drawn", timeout_ms=120_000)
                # a frame of the 1 s refresh (the halo pulses) drawn after the alarms were listed
                wait_next_draw(page, timeout_ms=120_000)
                page.screenshot(path=str(out / f"alarms-{name}.png"))
                map_canvas(page).scroll_into_view_if_needed()
                wait_next_draw(page, timeout_ms=120_000)
                page.screenshot(path=str(out / f"alarms-{name}-map.png"))
                page.close()
            browser.close()
    finally:
        server.stop()


def main() -> int:
    return run(shoot, Path(tempfile.gettempdir()) / "alarm-shots", with_db=False)


if __name__ == "__main__":
    raise SystemExit(main())
