"""From a device status published to the broker to the changed tier drawn on an open floor plan.

    .venv/bin/python bench/bench_status_tier.py [--runs 5]

A real mosquitto on loopback and the app server (server.py: ingest runs in it) on a copy of the
demo; headless Chromium has the busiest demo floor (Cedar Valley High, first floor) open with
"Effective (live)" shading. Each run publishes Door 1's card reader (cv-hs-rdr-001) offline,
then online: offline lowers the gym, cafeteria and other rooms from tier 2 to tier 1, online
restores them. Measured from the publish (the browser's clock) to the floor plan's first
``deckmap:drawn`` mark (ui/deckmap/frontend/deckmap.js) whose canvas shows the gym in the other
colour; nothing reloads the page (its fragment polls the assessment's version every second and
reruns). Issue 15's goal: "within about a second".

Baseline in the same run: the publish to the row committed by the app's ingest (the server's
GET /healthz/ingest new_events count), so tier drawn / stored says what the poll, the
incremental assessment, the rerun and the redraw add on this machine at this load.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [
    str(REPO),
    str(REPO / "tests"),
    str(REPO / "tests" / "browser"),
    str(REPO / "bench"),
]

from bench_edit_tier import (  # noqa: E402
    LEVEL,
    browser_now,
    demo_floor,
    pixel,
    sign_in,
    wait_new_colour,
)
from conftest import CHROMIUM, start_streamlit  # noqa: E402
from mapview import map_box, screen_point  # noqa: E402

ROOM, READER = "cvhs-main-l1-177", "cv-hs-rdr-001"  # on bench_edit_tier's LEVEL


def health(url: str) -> dict:
    try:
        with urllib.request.urlopen(url + "/healthz/ingest", timeout=5) as resp:
            return json.loads(resp.read())
    except OSError:
        return {}


def wait_for(predicate, timeout_s: float, step_s: float = 0.01):
    deadline = time.perf_counter() + timeout_s
    while time.perf_counter() < deadline:
        if value := predicate():
            return value
        time.sleep(step_s)
    raise RuntimeError(f"not within {timeout_s} s")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()

    from live.conftest import Broker
    from playwright.sync_api import sync_playwright

    from layers.deck import fit_view
    from passmap.feeds.mqtt import MqttConfig, Publisher

    work, db, controls, room_xy, bounds = demo_floor("bench-status-tier-", ROOM, True)
    (work / "broker").mkdir()
    broker = Broker(work / "broker")
    broker.start()
    print(f"load average before: {os.getloadavg()}")
    server = start_streamlit(
        db, work, timeout_s=120, PASSMAP_MQTT_URL=broker.url, PASSMAP_MQTT_CLIENT_ID="bench-app"
    )
    pub = Publisher(MqttConfig.from_env({"PASSMAP_MQTT_URL": broker.url}), client_id="bench-pub")
    drawn, stored = [], []
    try:
        wait_for(lambda: health(server.url).get("connected"), 120, 0.2)
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
            sign_in(page, server.url)
            page.get_by_role("link", name="Floor plan").click()
            page.get_by_text("Room tier").first.wait_for(timeout=120_000)
            page.locator(".st-key-floor_shade").get_by_text("Effective (live)").click()
            page.get_by_text("(effective)").first.wait_for(timeout=120_000)
            page.wait_for_timeout(3000)
            xy = screen_point(fit_view(bounds), map_box(page), *room_xy)
            for run in range(args.runs):
                for state in ("offline", "online"):
                    before = pixel(page, *xy)
                    count = health(server.url).get("new_events", 0)
                    body = {"device_id": READER, "aspect": "health", "state": state,
                            "observed_utc": datetime.now(UTC).isoformat()}  # fmt: skip
                    t0, p0 = browser_now(page), time.perf_counter()
                    pub.publish(f"passmap/status/{READER}", json.dumps(body)).wait_for_publish(10)
                    wait_for(lambda c=count: health(server.url).get("new_events", 0) > c, 60)
                    stored.append(time.perf_counter() - p0)
                    drawn.append(wait_new_colour(page, t0, xy, before))
                    print(
                        f"run {run + 1} {state}: stored {stored[-1]:.2f} s, "
                        f"tier drawn {drawn[-1]:.2f} s"
                    )
            browser.close()
    finally:
        pub.close()
        server.stop()
        broker.stop()
    med, med_s = statistics.median(drawn), statistics.median(stored)
    print(
        f"status published -> the gym's new tier colour drawn on the open floor plan ({LEVEL}, "
        f"{len(controls)} devices, Effective shading): median {med:.2f} s, max {max(drawn):.2f} s "
        f"of {len(drawn)} (goal: about 1 s); publish -> stored: median {med_s:.2f} s"
    )
    print(f"ratio tier drawn / stored: {med / med_s:.1f}")
    print(f"load average after: {os.getloadavg()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
