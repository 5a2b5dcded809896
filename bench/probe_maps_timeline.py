"""Where the warm floor plan and a click spend their time on the large district: websocket
frames and HTTP requests (CDP) and the map frontend's User Timing marks (deckmap:render,
deckmap:first-draw), relative to the "Floor plan" click and to a click on the biggest room.

    .venv/bin/python bench/probe_maps_timeline.py
"""

import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
import bench_maps as b  # noqa: E402
from mapview import MAP_FRAME  # noqa: E402  (on the path bench_maps sets)
from playwright.sync_api import sync_playwright  # noqa: E402

FRAME_MARKS = """() => {
  const f = [...document.querySelectorAll('iframe')].find(x => x.title.includes('deckmap'));
  if (!f) return null;
  const w = f.contentWindow;
  const origin = w.performance.timeOrigin - performance.timeOrigin;
  const marks = w.performance.getEntriesByType('mark').map(m => [m.name, m.startTime + origin]);
  const res = w.performance.getEntriesByType('resource')
    .map(r => [r.name.split('/').pop(), r.startTime + origin, r.responseEnd + origin]);
  return {now: performance.now(), marks, res};
}"""


def main():
    tmp = Path(tempfile.mkdtemp())
    db, info = b.prepare_db(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/large.duckdb"), tmp)
    server = b.start_app(db, tmp)
    try:
        with sync_playwright() as pw:
            br = pw.chromium.launch(
                executable_path=b.CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            page = br.new_page(viewport={"width": 1440, "height": 900})
            cdp = page.context.new_cdp_session(page)
            cdp.send("Network.enable")
            log = []
            cdp.on(
                "Network.webSocketFrameSent",
                lambda e: log.append(
                    (time.perf_counter(), "ws sent", len(e["response"].get("payloadData", "")))
                ),
            )
            cdp.on(
                "Network.webSocketFrameReceived",
                lambda e: log.append(
                    (time.perf_counter(), "ws recv", len(e["response"].get("payloadData", "")))
                ),
            )
            page.goto(
                f"{server.url}/?campus={info['campus']}&building={info['building']}&level={info['level']}"
            )
            page.get_by_role("textbox", name="User name").fill(b.USER)
            page.get_by_role("textbox", name="Password").fill(b.PASSWORD)
            page.get_by_role("button", name="Sign in").click()
            page.frame_locator(MAP_FRAME).first.locator("canvas").first.wait_for(timeout=120_000)
            page.wait_for_timeout(4000)
            log.clear()
            t = time.perf_counter()
            t_page = page.evaluate("performance.now()")
            page.get_by_role("link", name="Floor plan").click()
            page.get_by_text("Room tier").wait_for(timeout=120_000)
            page.wait_for_timeout(4000)
            marks = page.evaluate(FRAME_MARKS)
            print("warm floor, seconds after the click:")
            for ts, kind, n in log:
                if n > 2000:
                    print(f"  {ts - t:6.3f} {kind} {n}")
            for name, at in marks["marks"]:
                print(f"  {(at - t_page) / 1000:6.3f} {name}")
            for name, start, end in marks["res"]:
                print(f"  {(start - t_page) / 1000:6.3f}-{(end - t_page) / 1000:6.3f} {name}")
            from layers.deck import fit_view

            x, y = b.screen_point(fit_view(info["bounds"]), b.map_box(page), *info["room_xy"])
            for _ in range(2):
                page.mouse.move(x - 30, y - 30)
                page.mouse.move(x, y, steps=5)
                page.wait_for_timeout(1500)
                log.clear()
                t2 = time.perf_counter()
                page.mouse.click(x, y)
                page.locator(".st-key-detail_panel").get_by_text(
                    str(info["room"]), exact=False
                ).first.wait_for(timeout=30_000)
                t3 = time.perf_counter()
                print("click to detail", round(t3 - t2, 3))
                for ts, kind, n in log:
                    if ts <= t3 + 0.01:
                        print(f"  {ts - t2:6.3f} {kind} {n}")
                page.wait_for_timeout(3000)
            br.close()
    finally:
        server.stop()


if __name__ == "__main__":
    main()
