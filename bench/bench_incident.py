"""An incident: N responders open the same share link at once (issue 18).

    .venv/bin/python bench/bench_incident.py [--levels 1,10,50,100,200] [--browsers 5] [--rounds 3]
                                             [--db /tmp/passmap-demo.duckdb] [--no-simulate]
                                             [--nice-load 10 (default) | 0]

Against the real app server (``streamlit run server.py`` on the demo district, live simulator
on unless --no-simulate), one share link for the high school with the default layers:

- protocol openings: N clients (aiohttp, each its own connections, like N phones) fetch the
  page ``/share/<token>`` and then everything it needs to draw (the scripts and stylesheet it
  names, and live.json), as a browser would with 6 connections per host; "time to a drawn map"
  = until the last of those bytes arrived. Bodies are taken as sent (gzip), not decoded.
- among them, for N >= 10, 5 real chromium pages (async Playwright, each a new context with an
  empty cache): navigation start to the viewer's ``share:drawn`` mark (the map's layers drawn,
  plus two animation frames);
- all N openings together (protocol and chromium times in one list): p50/p95, the goal's figure;
- errors: any answer other than 200 and any connection that failed or timed out (dropped);
- server CPU seconds (user + system) during the round and peak resident memory (psutil);
- the anchor: the same bytes (the gzip bodies the app sent, as files) served by Python's own
  ``http.server`` in its own process, fetched by the same client at the same N: ratio
  p95 app / p95 anchor;
- staff during the load: a signed-in administrator (in a browser of their own) clicks "Floor
  plan" (from the click's arrival in the page to the map drawn in chromium: the first draw of a
  spec the map received after the click) with no load (median of 5), then in each round of
  N >= 50, ~0.2 s after the District page is shown in both: ratio, the median of ``--rounds``
  rounds (3) with every round's listed; also split into the server's answer (click -> the
  map's spec received) and the drawing. At N >= 50 the openings of all rounds make one p95.
- priorities: the responders' phones are not the server's machine, but here the responders'
  chromium (5 pages: ~4.5 s of CPU per round, the heaviest load generator) shares its 2 cores
  with the app server and the administrator's browser. By default its scheduling group runs at
  nice 10 (``lower_priority``: with autogroup scheduling a process's own nice does nothing
  against other sessions), so the app server and the administrator come first, as in a real
  incident; ``--nice-load 0`` runs everything at one priority (the worst case: the bench's own
  browsers take the CPU the app would have). The protocol clients (this process) stay at the
  normal priority: starved, they would count their own wait as the server's.
- where the CPU went: seconds of CPU per round of the app server, the responders' chromium, the
  administrator's chromium and this process (protocol clients and Playwright's driver).
The first opening (bundle built) is reported apart; the rounds measure the warm link.
Results go to bench/RESULTS.md by hand with ``uptime``.
"""

from __future__ import annotations

import argparse
import asyncio
import gzip
import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import psutil

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests")]

from benchkit import copy_db, share_link  # noqa: E402
from conftest import CHROMIUM, free_port, start_streamlit  # noqa: E402

CLIENT_TIMEOUT_S = 120
BROWSER_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
ASSET_RE = re.compile(r'(?:src|href)="(/share-assets/[^"]+)"')
DRAWN_JS = "() => (performance.getEntriesByName('share:drawn')[0] || {}).startTime || null"
FLOOR_DRAWN_JS = """(after) => {
  // The floor plan's map drawn: a deckmap:drawn mark that follows a deckmap:render mark made
  // AFTER the click (``after``), in the same map frame. Any drawn mark after the click is not
  // enough: the District page's own map may finish its first draw after the click (software
  // WebGL takes seconds), which read 0.006 s as the floor plan's time.
  for (const f of document.querySelectorAll('iframe')) {
    if (!f.title.includes('deckmap') || !f.contentWindow) continue;
    const p = f.contentWindow.performance;
    const at = (e) => p.timeOrigin + e.startTime;
    const render = p.getEntriesByName('deckmap:render').map(at).filter(t => t >= after)[0];
    if (render === undefined) continue;
    const drawn = p.getEntriesByName('deckmap:drawn').map(at).filter(t => t >= render)[0];
    if (drawn === undefined) continue;
    // where the time went (the frame's own marks, as bench_maps.py's breakdown)
    const out = {render: render, drawn: drawn};
    if (p.timeOrigin >= after) out.frame = p.timeOrigin;
    for (const name of ['fetch', 'draw']) {
      const t = p.getEntriesByName('deckmap:' + name).map(at).filter(t => t >= after)[0];
      if (t !== undefined) out[name] = t;
    }
    return out;
  }
  return null;
}"""


CLICK_MARK_JS = """() => {
  window.__benchClickAt = null;
  document.addEventListener('click', () => {
    window.__benchClickAt = performance.timeOrigin + performance.now();
  }, {capture: true, once: true});
}"""


def prepare_db(path: Path, work: Path) -> tuple[Path, str]:
    """A copy of the demo district with one share link for the high school; (db, token)."""
    from passmap.demo import build_demo
    from passmap.store import Store

    db = copy_db(path, work, "incident.duckdb", build_demo)
    with Store(db) as store:
        return db, share_link(store, ["cvhs"])


# -- protocol clients ---------------------------------------------------------------------------
async def open_like_a_browser(base: str, page_path: str, live_path: str) -> dict:
    """One responder: the page, then what it names and live.json on up to 6 connections."""
    t0 = time.perf_counter()
    conn = aiohttp.TCPConnector(limit=6)
    timeout = aiohttp.ClientTimeout(total=CLIENT_TIMEOUT_S)
    received = 0
    try:
        async with aiohttp.ClientSession(
            connector=conn, timeout=timeout, auto_decompress=False
        ) as session:

            async def get(path: str) -> bytes:
                nonlocal received
                async with session.get(base + path, headers={"Accept-Encoding": "gzip"}) as r:
                    body = await r.read()
                    if r.status != 200:
                        raise RuntimeError(f"HTTP {r.status} for {path.split('?')[0]}")
                    received += len(body)
                    return body

            page = await get(page_path)
            html = gzip.decompress(page) if page[:2] == b"\x1f\x8b" else page
            needs = ASSET_RE.findall(html.decode("utf-8")) + [live_path]
            if len(needs) < 4 or b"share-data" not in html:
                raise RuntimeError("the page names no map")
            await asyncio.gather(*(get(p) for p in needs))
    except (TimeoutError, aiohttp.ClientError, OSError) as exc:
        return {"ok": False, "dropped": True, "error": repr(exc)[:120]}
    except RuntimeError as exc:
        return {"ok": False, "dropped": False, "error": str(exc)}
    return {"ok": True, "s": time.perf_counter() - t0, "bytes": received}


# -- browsers -----------------------------------------------------------------------------------
async def browser_open(browser, url: str) -> dict:
    context = await browser.new_context(viewport={"width": 390, "height": 844})
    page = await context.new_page()
    outside: list[str] = []
    page.on("request", lambda r: None if "127.0.0.1" in r.url else outside.append(r.url))
    try:
        await page.goto(url, timeout=CLIENT_TIMEOUT_S * 1000)
        await page.wait_for_selector(
            "html[data-map-drawn='1']", state="attached", timeout=CLIENT_TIMEOUT_S * 1000
        )
        drawn_ms = await page.evaluate(DRAWN_JS)
        return {"ok": not outside, "s": drawn_ms / 1000, "outside": outside[:3]}
    except Exception as exc:  # noqa: BLE001 - a failed page is a counted error, not a crash
        return {"ok": False, "dropped": False, "error": repr(exc)[:160]}
    finally:
        await context.close()


async def admin_page(browser, url: str):
    """A signed-in administrator on the app (the demo admin), floor plan visited once."""
    from passmap.auth import DEMO_PASSWORD

    page = await (await browser.new_context(viewport={"width": 1440, "height": 900})).new_page()
    await page.goto(url + "/")
    await page.get_by_role("textbox", name="User name").fill("demo-admin", timeout=120_000)
    await page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.get_by_text("Signed in:").wait_for(timeout=120_000)
    await floor_plan_time(page)
    return page


async def floor_plan_time(page, delay_s: float = 0.0) -> dict:
    """From a click on "Floor plan" (coming from the District page) to its map drawn (the first
    draw of a spec the map received after the click: FLOOR_DRAWN_JS): {"s": click -> drawn,
    "answer_s": click -> the map's spec received (the server's part: its script run and the
    websocket), "draw_s": spec received -> drawn (the administrator's browser)}."""
    await page.get_by_role("link", name="District").click()
    await page.get_by_role("heading", name="District overview").first.wait_for(timeout=120_000)
    await asyncio.sleep(1.0 + delay_s)
    # The clock starts when the click reaches the page (a capture listener's time), not when
    # this event loop, busy with N clients, gets round to sending it.
    await page.evaluate(CLICK_MARK_JS)
    await page.get_by_role("link", name="Floor plan").click()
    t0 = await page.evaluate("window.__benchClickAt")
    if t0 is None:
        raise RuntimeError("the click on Floor plan never reached the page")
    deadline = time.perf_counter() + CLIENT_TIMEOUT_S
    while time.perf_counter() < deadline:
        marks = await page.evaluate(FLOOR_DRAWN_JS, t0)
        if marks is not None:
            render, drawn = marks["render"], marks["drawn"]
            return {
                "s": (drawn - t0) / 1000,
                "answer_s": (render - t0) / 1000,
                "draw_s": (drawn - render) / 1000,
                # seconds from the click to the map frame created, its layer fetch started
                "frame_s": (marks.get("frame", t0) - t0) / 1000,
                "fetch_s": (marks.get("fetch", render) - t0) / 1000,
            }
        await asyncio.sleep(0.03)
    raise RuntimeError("the floor plan never drew")


# -- server measures ----------------------------------------------------------------------------
class CpuMeter:
    """CPU seconds (user + system) of named groups of processes during a round, and the app
    server's peak resident memory. A group is its root processes and all their descendants,
    sampled every 0.1 s (a process born during the round counts from 0; one that ends loses at
    most its last 0.1 s)."""

    def __init__(self, server: int, groups: dict[str, set[int]]):
        self.server = psutil.Process(server)
        self.groups = {"app server": {server}, **groups}
        self.first: dict[int, float] = {}
        self.last: dict[int, float] = {}
        self.member: dict[int, str] = {}
        self.peak_rss = 0
        self._task = None

    def _take(self, baseline: bool) -> None:
        for name, roots in self.groups.items():
            for root in roots:
                try:
                    proc = psutil.Process(root)
                    procs = [proc, *proc.children(recursive=True)]
                except psutil.NoSuchProcess:
                    continue
                for p in procs:
                    try:
                        t = p.cpu_times()
                    except psutil.NoSuchProcess:
                        continue
                    self.member.setdefault(p.pid, name)
                    self.first.setdefault(p.pid, t.user + t.system if baseline else 0.0)
                    self.last[p.pid] = t.user + t.system
        self.peak_rss = max(self.peak_rss, self.server.memory_info().rss)

    async def _sample(self):
        while True:
            await asyncio.sleep(0.1)
            self._take(baseline=False)

    def __enter__(self):
        self._take(baseline=True)
        self._task = asyncio.get_running_loop().create_task(self._sample())
        return self

    def __exit__(self, *exc):
        self._task.cancel()
        self._take(baseline=False)
        self.cpu_s = {name: 0.0 for name in self.groups}
        for pid, name in self.member.items():
            self.cpu_s[name] += self.last[pid] - self.first[pid]


def pct(values: list[float], q: float) -> float | None:
    if not values:
        return None
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(q * (len(values) - 1))))]


def summary(results: list[dict]) -> dict:
    times = [r["s"] for r in results if r.get("ok")]
    sizes = [r["bytes"] for r in results if "bytes" in r]  # bytes received per opening
    return {
        "n": len(results),
        "p50_s": pct(times, 0.5),
        "p95_s": pct(times, 0.95),
        "max_s": max(times) if times else None,
        "bytes": statistics.median(sizes) if sizes else None,
        "errors": sum(1 for r in results if not r.get("ok")),
        "dropped": sum(1 for r in results if r.get("dropped")),
        "first_errors": [r.get("error") or r.get("outside") for r in results if not r.get("ok")][
            :3
        ],
    }


ADMIN_DELAY_S = -0.8  # the administrator clicks "Floor plan" ~0.2 s after District is shown


async def one_round(n: int, browsers: int, app, token, browser, admin, groups) -> dict:
    n_browsers = browsers if n >= 10 else 0
    jobs = [
        open_like_a_browser(app.url, f"/share/{token}", f"/share/{token}/live.json")
        for _ in range(n - n_browsers)
    ]
    jobs += [browser_open(browser, f"{app.url}/share/{token}") for _ in range(n_browsers)]
    staff = admin is not None and n >= 50
    if staff:
        jobs.append(floor_plan_time(admin, delay_s=ADMIN_DELAY_S))  # in the surge
    started = time.perf_counter()
    with CpuMeter(app.proc.pid, groups) as meter:
        out = await asyncio.gather(*jobs, return_exceptions=True)
    round_s = time.perf_counter() - started
    floor = out.pop() if staff else None
    out = [r if isinstance(r, dict) else {"ok": False, "error": repr(r)[:120]} for r in out]
    return {
        "protocol": out[: n - n_browsers],
        "browsers": out[n - n_browsers :],
        "cpu_s": meter.cpu_s,
        "round_s": round_s,
        "server_peak_rss_mb": round(meter.peak_rss / 1e6),
        "admin_floor_plan": floor if isinstance(floor, dict) else repr(floor)[:120],
    }


def level_row(rounds: list[dict], quiet: dict) -> dict:
    """The rounds of one N together: the openings of all rounds in one list (p50/p95, errors),
    CPU and round time as the mean of the rounds, and the administrator's floor plan in each
    round against its median without load (the row's figure: the median round's)."""
    protocol = [r for rnd in rounds for r in rnd["protocol"]]
    browsers = [r for rnd in rounds for r in rnd["browsers"]]
    names = rounds[0]["cpu_s"]
    cpu = {k: round(statistics.mean(rnd["cpu_s"][k] for rnd in rounds), 2) for k in names}
    row = {
        "rounds": len(rounds),
        "all": summary(protocol + browsers),
        "protocol": summary(protocol),
        "browsers": summary(browsers),
        "server_cpu_s": cpu["app server"],
        "cpu_s": cpu,
        "round_s": round(statistics.mean(rnd["round_s"] for rnd in rounds), 2),
        "server_peak_rss_mb": max(rnd["server_peak_rss_mb"] for rnd in rounds),
    }
    floors = [rnd["admin_floor_plan"] for rnd in rounds]
    if all(isinstance(f, dict) for f in floors):
        ratios = [{k: round(f[k] / quiet[k], 2) for k in f if quiet.get(k)} for f in floors]
        order = sorted(range(len(floors)), key=lambda i: floors[i]["s"])
        middle = order[len(order) // 2]  # the median round (of an odd number)
        row["admin_floor_plan"] = floors[middle]
        row["admin_floor_plan_ratio"] = ratios[middle]
        row["admin_floor_plan_ratios"] = [r["s"] for r in ratios]  # every round's
    elif any(f is not None for f in floors):
        row["admin_floor_plan"] = next(f for f in floors if not isinstance(f, dict))
    else:
        row["admin_floor_plan"] = None
    return row


def write_anchor(folder: Path, app_url: str, token: str) -> None:
    """The bytes the app sends for one opening, as plain files for http.server."""
    import urllib.request

    def fetch(path: str) -> bytes:
        req = urllib.request.Request(app_url + path, headers={"Accept-Encoding": "gzip"})
        with urllib.request.urlopen(req, timeout=120) as resp:
            return resp.read()

    page = fetch(f"/share/{token}")
    (folder / "page").write_bytes(page)
    (folder / "live.json").write_bytes(fetch(f"/share/{token}/live.json"))
    (folder / "share-assets").mkdir(exist_ok=True)
    for path in ASSET_RE.findall(gzip.decompress(page).decode("utf-8")):
        (folder / path.lstrip("/").split("?")[0]).write_bytes(fetch(path))


async def anchor_round(url: str, n: int) -> dict:
    out = await asyncio.gather(*(open_like_a_browser(url, "/page", "/live.json") for _ in range(n)))
    return summary(list(out))


def lower_priority(leader: int, level: int) -> str:
    """Run the browser ``leader`` and every process it starts at nice ``level`` against
    everything else on the machine.

    Playwright starts chromium in a session of its own, and with the kernel's autogroup
    scheduling (``/proc/sys/kernel/sched_autogroup_enabled``, on by default) a session is one
    scheduling group: the CPU is first shared fairly between groups, and a process's own nice
    only orders it within its group. So nice on chromium's processes alone does nothing against
    the app server: until 2026-12-04 this bench did that, and the administrator's floor plan
    took x1.5-2.1 of its quiet time; with the group's nice (``/proc/<pid>/autogroup``) it took
    x1.06-1.58 in 18 rounds (bench/RESULTS.md, session 16).
    Without autogroup, every thread of every process is set (Linux's nice is per thread)."""
    autogroup = Path("/proc/sys/kernel/sched_autogroup_enabled")
    if autogroup.exists() and autogroup.read_text().strip() == "1":
        Path(f"/proc/{leader}/autogroup").write_text(str(level))  # the session's group
        return f"autogroup nice {level}"
    main = psutil.Process(leader)
    for proc in [main, *main.children(recursive=True)]:
        for thread in proc.threads():
            psutil.Process(thread.id).nice(level)
    return f"nice {level} on every thread"


def _browser_leader(known: set[int]) -> int:
    """The main process of the chromium just launched: Playwright starts each browser in a
    session of its own, so it is the chromium process that leads a session not in ``known``.
    (Not "the chromium processes that appeared since": a browser launched before may start a
    process of its own late, and its group would be lowered with the responders'.)"""
    for proc in psutil.process_iter(["name"]):
        name = proc.info["name"] or ""
        if (
            name.startswith("chromium")
            and os.getsid(proc.pid) == proc.pid
            and proc.pid not in known
        ):
            return proc.pid
    raise RuntimeError("the browser just launched was not found")


def _priority(pid: int) -> str:
    """A browser's scheduling group and its nice, as the kernel reports it."""
    group = Path(f"/proc/{pid}/autogroup")
    return group.read_text().strip() if group.exists() else f"nice {psutil.Process(pid).nice()}"


async def run(args, app, token: str, anchor_url: str) -> dict:
    from playwright.async_api import async_playwright

    results: dict = {"levels": {}}
    groups: dict[str, set[int]] = {}  # where the 2 cores went during each round
    async with async_playwright() as pw:
        # The responders' pages share one browser (5 browsers of their own cost this 2-core
        # machine more CPU than they save: measured 2026-12-04, protocol p95 at N=100 6.0 s
        # against 1.8 s). The administrator works on another machine: a browser of their own, so
        # their floor plan's software WebGL does not queue in the responders' GPU process (one
        # per browser: it composites every page of that browser).
        staff_browser = await pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        staff = _browser_leader(set())
        browser = await pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        responders = _browser_leader({staff})
        if args.nice_load:  # the load generators at low priority (see --nice-load)
            results["nice_how"] = lower_priority(responders, args.nice_load)
            # Not this process: its protocol clients take ~0.3 s of CPU per round of 100, and
            # starved at nice 10 behind the administrator's drawing they read the starvation as
            # the server's time (every opening "finished" together 3 s late).
        results["priorities"] = {"responders": _priority(responders), "admin": _priority(staff)}
        groups["responders' chromium"] = {responders}
        groups["admin's chromium"] = {staff}
        groups["this bench (protocol clients, Playwright)"] = {os.getpid()}
        results["nice_load"] = args.nice_load
        admin = await admin_page(staff_browser, app.url)
        # the same steps as in a round (District, then Floor plan ~0.2 s after it), alone
        quiet = [await floor_plan_time(admin, delay_s=ADMIN_DELAY_S) for _ in range(5)]
        results["admin_floor_plan_quiet"] = {
            key: statistics.median(q[key] for q in quiet) for key in quiet[0]
        }
        quiet = results["admin_floor_plan_quiet"]
        results["browser_alone_s"] = await browser_open(browser, f"{app.url}/share/{token}")
        for n in args.levels:
            rounds = []
            for _ in range(args.rounds if n >= 50 else 1):
                await asyncio.sleep(2)
                rounds.append(await one_round(n, args.browsers, app, token, browser, admin, groups))
            row = level_row(rounds, quiet)
            await asyncio.sleep(1)
            row["anchor"] = await anchor_round(anchor_url, n)
            a95, s95 = row["anchor"]["p95_s"], row["protocol"]["p95_s"]
            row["ratio_p95_app_to_anchor"] = round(s95 / a95, 2) if a95 and s95 else None
            results["levels"][n] = row
            print(json.dumps({n: row}, default=str), flush=True)
        await browser.close()
        await staff_browser.close()
    return results


def table(results: dict) -> str:
    """The figures side by side, one line per N (the JSON above has everything)."""

    def s(x) -> str:
        return "-" if x is None else f"{x:.2f}"

    quiet = results["admin_floor_plan_quiet"]
    lines = [
        f"administrator's floor plan without load: {s(quiet['s'])} s "
        f"(answer {s(quiet['answer_s'])} s + drawing {s(quiet['draw_s'])} s); "
        f"responders' chromium at {results.get('nice_how', 'nice 0')} "
        f"(kernel: responders {results['priorities']['responders']}, "
        f"administrator {results['priorities']['admin']})",
        "| N | all p50 / p95 | protocol p95 | chromium p95 | errors / dropped | server CPU "
        "| admin floor plan (x quiet) | its answer (x quiet) | anchor p95 (ratio) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for n, row in results["levels"].items():
        a, floor, ratio = row["all"], row["admin_floor_plan"], row.get("admin_floor_plan_ratio")
        staff = ["-", "-"]
        if isinstance(floor, dict) and ratio:
            staff = [f"{s(floor[k])} s (x{ratio[k]:.2f})" for k in ("s", "answer_s")]
            if len(row.get("admin_floor_plan_ratios", [])) > 1:  # the median of these rounds
                staff[0] += " [" + ", ".join(f"x{r:.2f}" for r in row["admin_floor_plan_ratios"])
                staff[0] += "]"
        lines.append(
            f"| {n} | {s(a['p50_s'])} / {s(a['p95_s'])} s | {s(row['protocol']['p95_s'])} s "
            f"| {s(row['browsers']['p95_s'])} s | {a['errors']} / {a['dropped']} "
            f"| {row['server_cpu_s']:.2f} s | {staff[0]} | {staff[1]} "
            f"| {s(row['anchor']['p95_s'])} s ({row['ratio_p95_app_to_anchor']}) |"
        )
    names = list(next(iter(results["levels"].values()))["cpu_s"]) if results["levels"] else []
    lines += [
        "",
        "CPU seconds during each round (the machine's 2 cores):",
        "| N | round | " + " | ".join(names) + " |",
        "|---|---|" + "---|" * len(names),
    ]
    for n, row in results["levels"].items():
        cpu = " | ".join(f"{row['cpu_s'][k]:.2f}" for k in names)
        lines.append(f"| {n} | {row['round_s']:.2f} s | {cpu} |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/passmap-demo.duckdb"))
    parser.add_argument("--levels", default="1,10,50,100,200")
    parser.add_argument("--browsers", type=int, default=5)
    parser.add_argument(
        "--rounds",
        type=int,
        default=3,
        help="rounds at each N >= 50 (the openings of all rounds in one p95; the "
        "administrator's floor plan: the median round's, every round's ratio listed)",
    )
    parser.add_argument("--no-simulate", action="store_true")
    parser.add_argument(
        "--nice-load",
        type=int,
        default=10,
        help="run the responders' chromium (the heaviest load generator) "
        "at this nice level, so that the app server and the administrator's browser "
        "come first, as when the responders' phones are not the server's machine (default 10; "
        "0: everything at the same priority)",
    )
    args = parser.parse_args()
    args.levels = [int(x) for x in args.levels.split(",") if x]
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db, token = prepare_db(args.db, work)
        app = start_streamlit(
            db, work, timeout_s=120, PASSMAP_SIMULATE="0" if args.no_simulate else "1"
        )
        anchor = None
        try:
            # The first opening builds the link's bundle (then every visitor is served from it).
            first = asyncio.run(
                open_like_a_browser(app.url, f"/share/{token}", f"/share/{token}/live.json")
            )
            (work / "anchor").mkdir()
            write_anchor(work / "anchor", app.url, token)
            port = free_port()
            anchor = subprocess.Popen(
                [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
                cwd=work / "anchor",
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            time.sleep(1.0)
            results = asyncio.run(run(args, app, token, f"http://127.0.0.1:{port}"))
            results["first_opening"] = first
        finally:
            if anchor is not None:
                anchor.terminate()
                anchor.wait(10)
            app.stop()
        results["log_errors"] = [ln for ln in app.log().splitlines() if "Traceback" in ln][:5]
    results["uptime"] = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(json.dumps(results, indent=2, default=str))
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
