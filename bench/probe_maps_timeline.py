"""Where a map click and the district load spend their time: websocket frame timestamps (CDP)
relative to the "Sign in" click and to a click on the busiest floor's biggest room (large district).

    .venv/bin/python bench/probe_maps_timeline.py
"""
import sys, time, tempfile, json
from pathlib import Path
sys.path[:0] = [str(Path(__file__).resolve().parent), str(Path(__file__).resolve().parents[1])]
import bench_maps as b
from playwright.sync_api import sync_playwright
tmp = Path(tempfile.mkdtemp())
db, info = b.prepare_db(Path("/tmp/large.duckdb"), tmp)
port = b.free_port(); proc = b.start("app.py", db, port)
url = f"http://127.0.0.1:{port}"
try:
    with sync_playwright() as pw:
        br = pw.chromium.launch(executable_path=b.CHROMIUM, args=["--headless","--no-sandbox","--disable-gpu","--disable-dev-shm-usage"])
        page = br.new_page(viewport={"width": 1440, "height": 900})
        cdp = page.context.new_cdp_session(page); cdp.send("Network.enable")
        log = []
        cdp.on("Network.webSocketFrameSent", lambda e: log.append((time.perf_counter(), "sent", len(e["response"].get("payloadData","")))))
        cdp.on("Network.webSocketFrameReceived", lambda e: log.append((time.perf_counter(), "recv", len(e["response"].get("payloadData","")))))
        page.goto(url + f"/?campus={info['campus']}&building={info['building']}&level={info['level']}")
        page.get_by_role("textbox", name="User name").fill(b.USER)
        page.get_by_role("textbox", name="Password").fill(b.PASSWORD)
        t = time.perf_counter(); page.get_by_role("button", name="Sign in").click()
        page.locator("[data-testid='stDeckGlJsonChart'] canvas").first.wait_for(timeout=120_000)
        print("district canvas after sign-in", time.perf_counter()-t)
        for ts, kind, n in log:
            if n > 5000: print(f"  {ts-t:6.3f} {kind} {n}")
        page.wait_for_timeout(4000)
        page.get_by_role("link", name="Floor plan").click()
        page.get_by_text("Zone tier").wait_for(timeout=120_000)
        page.wait_for_timeout(5000)
        from layers.deck import fit_view
        x, y = b.screen_point(fit_view(info["bounds"]), b.map_box(page), *info["room_xy"])
        for i in range(2):
            log.clear()
            page.mouse.move(x - 30, y - 30); page.mouse.move(x, y, steps=5); page.wait_for_timeout(1500); log.clear()
            t2 = time.perf_counter(); page.mouse.click(x, y)
            page.locator(".st-key-detail_panel").get_by_text(str(info["room"]), exact=False).first.wait_for(timeout=30_000)
            t3 = time.perf_counter()
            print("click", t3-t2)
            for ts, kind, n in log:
                if ts <= t3 + 0.01: print(f"  {ts-t2:6.3f} {kind} {n}")
            page.wait_for_timeout(3000)
        br.close()
finally:
    proc.terminate(); proc.wait(20)
