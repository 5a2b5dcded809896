"""How old can the live banner of a share page be? (issue 18, with issue 15's duress.)

    .venv/bin/python bench/bench_share_live.py [--db /tmp/passmap-demo.duckdb] [--alarms 6]

Against the real app server (``streamlit run server.py`` on the demo district) and a real
mosquitto on loopback, with one responder's share page (/share/<token>) open in chromium: each
round publishes a duress "triggered" for another button of the high school and measures

- ``json_s``: publish -> ``/share/<token>/live.json`` lists the new alarm (polled every 20 ms by
  a plain client): ingest + commit + the snapshot cache (at most share_bundle.LIVE_MAX_AGE_S old);
- ``banner_s``: publish -> the open page's banner shows the new count (no reload): the above
  plus the page's poll period (viewer.js LIVE_EVERY_MS).

The baseline in the same run is ``json_s`` (what the server holds); ratio = banner / json.
The bound by construction: banner age <= ingest + LIVE_MAX_AGE_S + LIVE_EVERY_MS + one fetch.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from datetime import UTC, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from benchkit import copy_db, share_link  # noqa: E402
from conftest import CHROMIUM, start_streamlit  # noqa: E402
from live.conftest import Broker  # noqa: E402

BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
POLL_S = 0.02


def prepare_db(path: Path, work: Path) -> tuple[Path, str, list[str]]:
    """A copy of the demo district, a link for the high school, its duress device ids."""
    from passmap.demo import build_demo
    from passmap.store import Store

    db = copy_db(path, work, "live.duckdb", build_demo)
    with Store(db) as store:
        token = share_link(store, ["cvhs"])
        c = store.list_controls("cvhs")
        ids = c[(c["type"] == "duress_button") & c["external_id"].notna()]["external_id"]
    return db, token, sorted(ids)


def get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as resp:
        return json.loads(resp.read())


def alarm_count(url: str) -> int:
    return len(get_json(url)["campuses"][0]["alarms"])


def wait_json(url: str, want: int, t0: float, out: dict) -> None:
    while time.perf_counter() - t0 < 60:
        if alarm_count(url) >= want:
            out["json_s"] = time.perf_counter() - t0
            return
        time.sleep(POLL_S)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/passmap-demo.duckdb"))
    parser.add_argument("--alarms", type=int, default=6)
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    from passmap.feeds.mqtt import MqttConfig, Publisher
    from passmap.share_bundle import LIVE_MAX_AGE_S

    every_ms = int(
        re.search(r"LIVE_EVERY_MS = (\d+)", (REPO / "ui/share_page/viewer.js").read_text())[1]
    )
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db, token, devices = prepare_db(args.db, work)
        broker = Broker(work)
        broker.start()
        app = start_streamlit(
            db,
            work,
            timeout_s=120,
            PASSMAP_MQTT_URL=broker.url,
            PASSMAP_MQTT_CLIENT_ID=f"bench-{uuid.uuid4().hex[:8]}",
        )
        live_url = f"{app.url}/share/{token}/live.json"
        try:
            deadline = time.monotonic() + 120
            while not get_json(app.url + "/healthz/ingest").get("connected"):
                if time.monotonic() > deadline:
                    raise RuntimeError("the app's ingest never connected to the broker")
                time.sleep(0.2)
            pub = Publisher(MqttConfig.from_env({"PASSMAP_MQTT_URL": broker.url}))
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
                page = browser.new_page(viewport={"width": 390, "height": 844})
                page.goto(f"{app.url}/share/{token}")
                page.wait_for_selector(
                    "html[data-map-drawn='1']", state="attached", timeout=120_000
                )
                page.locator("#banner").get_by_text("no open alarms").wait_for(timeout=60_000)
                for i, device in enumerate(devices[: args.alarms], start=1):
                    time.sleep(1.7 * i % 3.1)  # publish at varied phases of the page's poll
                    body = {"device_id": device, "aspect": "panic", "state": "triggered",
                            "observed_utc": datetime.now(UTC).isoformat()}  # fmt: skip
                    out: dict = {}
                    t0 = time.perf_counter()
                    pub.publish(f"passmap/status/{device}", json.dumps(body))
                    poller = threading.Thread(target=wait_json, args=(live_url, i, t0, out))
                    poller.start()
                    words = f"{i} open alarm" + ("s" if i > 1 else "")
                    page.locator("#banner").get_by_text(words).wait_for(timeout=60_000)
                    out["banner_s"] = time.perf_counter() - t0
                    poller.join()
                    rows.append(out)
                    print(json.dumps({"alarm": i, **{k: round(v, 3) for k, v in out.items()}}))
                browser.close()
            pub.close()
        finally:
            app.stop()
            broker.stop()
    json_s = [r["json_s"] for r in rows]
    banner_s = [r["banner_s"] for r in rows]
    result = {
        "alarms": len(rows),
        "json_median_s": round(statistics.median(json_s), 3),
        "json_max_s": round(max(json_s), 3),
        "banner_median_s": round(statistics.median(banner_s), 3),
        "banner_max_s": round(max(banner_s), 3),
        "ratio_banner_to_json_median": round(
            statistics.median(banner_s) / statistics.median(json_s), 2
        ),
        "bound_s": f"ingest + {LIVE_MAX_AGE_S} + {every_ms / 1000} + one fetch",
        "uptime": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
    }
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
