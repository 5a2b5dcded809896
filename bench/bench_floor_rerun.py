"""Server CPU per floor-plan rerun on the busiest floor of the large district, in a real server.

    .venv/bin/python bench/bench_floor_rerun.py [--db /tmp/large.duckdb] [--runs 3] [--idle 10]

One app server (server.py) and one headless chromium, signed in as an administrator; the
busiest level of ``passmap demo-large`` (bench_maps.prepare_db). For each action it reports the
server process's CPU seconds (user + system, psutil: every thread, the event loop included,
so the JSON, protobuf and websocket work of what a rerun sends counts too) and the script
runs the action caused, each with the CPU of its own thread (a hook on Streamlit's script
runner, loaded through a sitecustomize.py in a temp folder; "fragment" = a fragment run):

- (a) first view: from the district, a click on "Floor plan", to the map drawn;
- (b) warm view: back to the district and again "Floor plan" (layers cached), to drawn;
- (c) click -> panel: a click on a room to its name in the detail panel;
- (d) live ticks: the floor plan left open ``--idle`` seconds (the live fragment reruns each
  second): CPU per second and websocket bytes per second received by the page.

CPU, not wall: the machine is shared; CPU seconds stay steady under load where times do not.
Each action's CPU is taken from the action to 1 s after its runs end, less the idle rate of
(d) over that window ("net"). Wall times are reported too, with the load average.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "bench"), str(REPO)]

import bench_maps as bm  # noqa: E402  (puts tests/ and tests/browser on the path)
from mapview import map_box, screen_point  # noqa: E402

HOOK = """
import json, os, threading, time
_OUT = os.environ.get("BENCH_RUN_CLOCK")
if _OUT:
    from streamlit.runtime.scriptrunner import script_runner as _sr
    _orig = _sr.ScriptRunner._run_script
    _lock = threading.Lock()

    def _run_script(self, rerun_data):
        c0, w0 = time.thread_time(), time.time()
        try:
            return _orig(self, rerun_data)
        finally:
            kind = "fragment" if rerun_data.fragment_id_queue else "full"
            row = {"kind": kind, "cpu": time.thread_time() - c0, "start": w0, "end": time.time()}
            with _lock, open(_OUT, "a") as f:
                f.write(json.dumps(row) + "\\n")

    _sr.ScriptRunner._run_script = _run_script
"""


class Server:
    def __init__(self, server, clock: Path):
        self.server, self.clock = server, clock
        self.proc = psutil.Process(server.proc.pid)

    def cpu(self) -> float:
        t = self.proc.cpu_times()
        return t.user + t.system

    def runs(self, since: float) -> list[dict]:
        if not self.clock.exists():
            return []
        rows = [json.loads(line) for line in self.clock.read_text().splitlines() if line]
        return [r for r in rows if r["start"] >= since]


def measure(srv: Server, action, idle_rate: float = 0.0) -> dict:
    """CPU of the server from ``action()`` (which returns once the page shows its result) to 1 s
    after the last full run it caused ended."""
    t0, c0 = time.time(), srv.cpu()
    wall = action()
    time.sleep(1.0)
    runs = srv.runs(t0)
    full = [r for r in runs if r["kind"] == "full"]
    while full and time.time() < max(r["end"] for r in full) + 1.0:
        time.sleep(0.2)
    window = time.time() - t0
    cpu = srv.cpu() - c0
    return {
        "wall_s": round(wall, 3),
        "server_cpu_s": round(cpu, 3),
        "server_cpu_net_s": round(cpu - idle_rate * window, 3),
        "full_runs_cpu_s": [round(r["cpu"], 3) for r in full],
        "fragment_runs": len(runs) - len(full),
    }


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", type=Path, default=Path("/tmp/large.duckdb"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--idle", type=float, default=10.0)
    ap.add_argument("--ticks-only", action="store_true", help="(a) and (d) only")
    args = ap.parse_args()
    from playwright.sync_api import sync_playwright

    out: dict = {"load_before": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db, info = bm.prepare_db(args.db, work)
        hook = work / "hook"
        hook.mkdir()
        (hook / "sitecustomize.py").write_text(HOOK)
        clock = work / "runs.jsonl"
        app = bm.start_app(db, work, PYTHONPATH=str(hook), BENCH_RUN_CLOCK=str(clock))
        srv = Server(app, clock)
        try:
            with sync_playwright() as pw:
                browser = pw.chromium.launch(
                    executable_path=bm.CHROMIUM,
                    args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
                )
                page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
                meter = bm.Meter(page)
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")

                def browser_busy() -> float:
                    metrics = cdp.send("Performance.getMetrics")["metrics"]
                    return next(m["value"] for m in metrics if m["name"] == "TaskDuration")

                page.goto(
                    app.url
                    + f"/?campus={info['campus']}&building={info['building']}&level={info['level']}"
                )
                page.get_by_role("textbox", name="User name").fill(bm.USER)
                page.get_by_role("textbox", name="Password").fill(bm.PASSWORD)
                page.get_by_role("button", name="Sign in").click()
                bm.time_to_drawn(page, page.evaluate("performance.timeOrigin"), settle_s=1.0)

                def floor() -> float:
                    t = bm.browser_now(page)
                    page.get_by_role("link", name="Floor plan").click()
                    s = bm.time_to_drawn(page, t, minimum=0.05, settle_s=0.0)[0]
                    page.get_by_text("Room tier").wait_for(timeout=120_000)
                    return s

                def district() -> None:
                    t = bm.browser_now(page)
                    page.get_by_role("link", name="District").click()
                    bm.time_to_drawn(page, t, settle_s=0.5)

                out["a_first_view"] = measure(srv, floor)
                # (d) first, so the other figures can be given net of the ticks
                time.sleep(2.0)
                t0, c0, b0, k0 = time.time(), srv.cpu(), meter.total(), browser_busy()
                time.sleep(args.idle)
                span = time.time() - t0
                idle_rate = (srv.cpu() - c0) / span
                ticks = [r for r in srv.runs(t0) if r["kind"] == "fragment"]
                out["d_live_ticks"] = {
                    "server_cpu_per_s": round(idle_rate, 4),
                    "fragment_runs_per_s": round(len(ticks) / span, 2),
                    "fragment_run_cpu_median_s": round(
                        statistics.median(r["cpu"] for r in ticks), 4
                    )
                    if ticks
                    else None,
                    "ws_kb_per_s": round((meter.total() - b0) / span / 1e3, 1),
                    "browser_main_thread_busy_per_s": round((browser_busy() - k0) / span, 3),
                }
                warm, clicks = [], []
                if args.ticks_only:
                    args.runs = 0
                box = map_box(page)
                from layers.deck import fit_view

                x, y = screen_point(fit_view(info["bounds"]), box, *info["room_xy"])
                panel = page.locator(".st-key-detail_panel")
                for _ in range(args.runs):
                    district()
                    time.sleep(1.0)
                    warm.append(measure(srv, floor, idle_rate))

                    def click() -> float:
                        t = time.perf_counter()
                        page.mouse.click(x, y)
                        panel.get_by_text(str(info["room"]), exact=False).first.wait_for(
                            timeout=60_000
                        )
                        return time.perf_counter() - t

                    time.sleep(1.0)
                    clicks.append(measure(srv, click, idle_rate))
                out["b_warm_view"] = warm
                out["c_click_panel"] = clicks
                browser.close()
        finally:
            app.stop()
    out["load_after"] = os.getloadavg()
    out["data"] = {k: info[k] for k in ("level", "controls_on_level", "zones_on_level")}

    def med(rows, k):
        return statistics.median(r[k] for r in rows)

    if not args.ticks_only:
        out["summary"] = {
            "a_first_view_cpu_s": out["a_first_view"]["server_cpu_s"],
            "b_warm_view_cpu_net_s": med(out["b_warm_view"], "server_cpu_net_s"),
            "b_warm_view_wall_s": med(out["b_warm_view"], "wall_s"),
            "c_click_cpu_net_s": med(out["c_click_panel"], "server_cpu_net_s"),
            "c_click_wall_s": med(out["c_click_panel"], "wall_s"),
            "d_tick_cpu_per_s": out["d_live_ticks"]["server_cpu_per_s"],
            "d_ws_kb_per_s": out["d_live_ticks"]["ws_kb_per_s"],
            "d_browser_busy_per_s": out["d_live_ticks"]["browser_main_thread_busy_per_s"],
        }
    print(json.dumps(out, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
