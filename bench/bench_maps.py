"""Map views in headless Chromium on the large synthetic district: time to drawn and bytes.

    .venv/bin/python bench/bench_maps.py [--db /tmp/large.duckdb] [--runs 3] [--folium 1000,5000]

- cold district, incl. sign-in: from navigation (login form filled at once) to the district
  drawn; and the part of it after the "Sign in" click;
- cold district, signed in: a new browser (empty HTTP cache) holding only the session cookie of
  that sign-in opens the page: navigation to drawn (a returning user's first load);
- warm floor: from a click on "Floor plan" in the loaded app to the busiest level drawn;
- warm floor, first visits: the next five busiest levels, each opened once (its layers built
  on the server for that visit);
- click to detail: from a click on a room of that plan (the point of the room farthest from any
  icon) to its detail panel showing the room's name;
- share view on a phone (390x844, touch): a police officer opens the share link of the busiest
  campus (/share/<token>, the static page of ui/share_http.py) in a new browser with an empty
  cache: navigation start to the viewer's ``share:drawn`` mark; the first opening of the link
  also builds its bundle on the server (reported apart), the later ones are new phones;
- folium baseline: one CircleMarker + tooltip per control (bench/folium_markers_app.py), cold.
"Drawn" = the map frontend's ``deckmap:drawn`` mark: the draw calls of every layer issued, plus
two animation frames (ui/deckmap/frontend/deckmap.js); 3 s later the canvas is checked not blank
(share of non-background pixels). Times are on the page's own clock (navigation start = the
page's timeOrigin). Bytes = HTTP response bodies (encoded) + websocket frames received, from
Chrome's DevTools protocol. The warm floor and the signed-in cold district also give their
breakdown (``*_breakdown``: seconds to the map frame created and loaded, the layer fetch, the
layers converted, their draw issued, drawn; from the frame's User Timing marks).
"""

from __future__ import annotations

import argparse
import base64
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "browser")]

from benchkit import copy_db, share_link  # noqa: E402
from conftest import CHROMIUM, start_streamlit  # noqa: E402
from mapview import clear_point, drawn_fraction, map_box, screen_point  # noqa: E402

USER, PASSWORD = "bench-admin", "bench-password-2026"
PHONE = {"width": 390, "height": 844}


def prepare_db(path: Path, work: Path) -> tuple[Path, dict]:
    """A copy of the large district with a bench account; returns (path, busiest level info)."""
    from passmap.auth import create_user
    from passmap.demo.large import generate_large
    from passmap.store import Store

    db = copy_db(path, work, "large.duckdb", generate_large)
    with Store(db) as store:
        if store.get_user(USER) is None:
            create_user(store, USER, PASSWORD, "admin", actor="bench")
        controls = store.list_controls()
        level = controls["level_id"].value_counts().index[0]
        row = store.get("level", level)
        building = store.get("building", row["building_id"])
        zones = store.list_zones(level_id=level)
        others = []
        for other in controls["level_id"].value_counts().index[1:6]:
            b = store.get("building", store.get("level", other)["building_id"])
            others.append({"campus": b["campus_id"], "building": b["id"], "level": other})
        on_level = controls[controls["level_id"] == level]
        points = on_level.geometry[on_level.geom_type == "Point"]
        token = share_link(store, [building["campus_id"]])
    from passmap.geometry import to_metric

    big = zones.loc[to_metric(zones).geometry.area.idxmax()]
    info = {
        "campus": building["campus_id"],
        "building": building["id"],
        "level": level,
        "controls_on_level": int((controls["level_id"] == level).sum()),
        "controls_total": len(controls),
        "zones_on_level": len(zones),
        "bounds": tuple(zones.total_bounds),
        "room": big["name"] or big["kind"],
        "room_xy": tuple(clear_point(big.geometry, points).coords[0]),
        "others": others,
        "share_token": token,
    }
    return db, info


def folium_root(work: Path) -> Path:
    """A folder where the folium baseline is the main script and ./static is the repo's."""
    root = work / "folium_app"
    root.mkdir(exist_ok=True)
    shutil.copy(REPO / "bench" / "folium_markers_app.py", root / "app.py")
    for name in ("static", ".streamlit"):
        if not (root / name).exists():
            (root / name).symlink_to(REPO / name)
    return root


def start_app(db: Path, log_dir: Path, cwd: Path = REPO, **env):
    """app.py (or the folium baseline's, in ``cwd``) on a free port; .url, .stop()."""
    return start_streamlit(
        db,
        log_dir,
        script="server.py" if cwd == REPO else "app.py",
        cwd=cwd,
        timeout_s=120,
        BENCH_DB=str(db),
        BENCH_REPO=str(REPO),
        **env,
    )


class Meter:
    """Bytes received by the page (HTTP encoded bodies + websocket frames) via CDP."""

    def __init__(self, page):
        self.http = self.ws = 0
        cdp = page.context.new_cdp_session(page)
        cdp.send("Network.enable")
        cdp.on("Network.loadingFinished", self._http)
        cdp.on("Network.webSocketFrameReceived", self._ws)

    def _http(self, ev):
        self.http += int(ev.get("encodedDataLength", 0))

    def _ws(self, ev):
        frame = ev["response"]
        data = frame.get("payloadData", "")
        self.ws += len(base64.b64decode(data)) if frame.get("opcode") == 2 else len(data.encode())

    def total(self) -> int:
        return self.http + self.ws


DRAWN_AT = """(after) => {
  for (const f of document.querySelectorAll('iframe')) {
    if (!f.title.includes('deckmap') || !f.contentWindow) continue;
    const p = f.contentWindow.performance;
    const t = p.getEntriesByName('deckmap:drawn').map(e => p.timeOrigin + e.startTime)
               .filter(t => t >= after);
    if (t.length) return t[0];
  }
  return null;
}"""


MARKS_AFTER = """(after) => {
  for (const f of document.querySelectorAll('iframe')) {
    if (!f.title.includes('deckmap') || !f.contentWindow) continue;
    const p = f.contentWindow.performance;
    const out = {};
    if (p.timeOrigin >= after) {
      out.frame = p.timeOrigin;
      const nav = p.getEntriesByType('navigation')[0];
      if (nav) out.frame_loaded = p.timeOrigin + nav.domContentLoadedEventEnd;
    }
    for (const m of p.getEntriesByType('mark')) {
      const t = p.timeOrigin + m.startTime, name = m.name.replace('deckmap:', '');
      if (t >= after && !(name in out)) out[name] = t;
    }
    if (out.drawn) return out;
  }
  return null;
}"""
BREAKDOWN = ("frame", "frame_loaded", "fetch", "render", "draw", "drawn")


def breakdown(page, t0_ms: float) -> dict:
    """Where the time to drawn went, from the map frame's own clock: seconds from ``t0_ms`` to
    the map's frame created (a new page of the app makes a new one) and loaded, its layer
    fetch started, the layers converted (render), every layer's draw issued, drawn."""
    marks = page.evaluate(MARKS_AFTER, t0_ms) or {}
    return {k: round((marks[k] - t0_ms) / 1000, 3) for k in BREAKDOWN if k in marks}


def browser_now(page) -> float:
    """The page's clock (epoch ms), the one the map frontend's marks use."""
    return page.evaluate("performance.timeOrigin + performance.now()")


def time_to_drawn(
    page, t0_ms: float, minimum: float = 0.01, settle_s: float = 3.0, timeout_s: float = 120.0
) -> tuple[float, float]:
    """(seconds from t0_ms to the map drawn, settled drawn share of the canvas): "drawn" is
    the frontend's deckmap:drawn mark (every layer's draw calls issued, plus two animation
    frames); the canvas is then checked not blank after ``settle_s`` (module docstring)."""
    deadline = time.perf_counter() + timeout_s
    drawn_at = None
    while drawn_at is None and time.perf_counter() < deadline:
        drawn_at = page.evaluate(DRAWN_AT, t0_ms)
        if drawn_at is None:
            page.wait_for_timeout(30)
    if drawn_at is None:
        raise RuntimeError("the map never reported a drawn frame")
    page.wait_for_timeout(int(settle_s * 1000))
    share = drawn_fraction(page)
    if share < minimum:
        raise RuntimeError(f"the map is blank after it reported drawn (share {share:.3f})")
    return (drawn_at - t0_ms) / 1000, share


def two_frames(page) -> None:
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def run_app(browser, url: str, info: dict) -> dict:
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    meter = Meter(page)
    page.goto(url + f"/?campus={info['campus']}&building={info['building']}&level={info['level']}")
    t0 = page.evaluate("performance.timeOrigin")  # navigation start
    page.get_by_role("textbox", name="User name").fill(USER)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    t_sign_in = browser_now(page)
    page.get_by_role("button", name="Sign in").click()
    cold, cold_share = time_to_drawn(page, t0)
    after_sign_in = cold - (t_sign_in - t0) / 1000
    cold_bytes = meter.total()

    before = meter.total()
    t1 = browser_now(page)
    page.get_by_role("link", name="Floor plan").click()
    warm, warm_share = time_to_drawn(page, t1, minimum=0.05)
    warm_marks = breakdown(page, t1)
    page.get_by_text("Room tier").wait_for(timeout=120_000)
    warm_bytes = meter.total() - before

    from layers.deck import fit_view

    x, y = screen_point(fit_view(info["bounds"]), map_box(page), *info["room_xy"])
    panel = page.locator(".st-key-detail_panel")
    t2 = time.perf_counter()
    page.mouse.click(x, y)
    panel.get_by_text(str(info["room"]), exact=False).first.wait_for(timeout=30_000)
    click = time.perf_counter() - t2
    cookies = page.context.cookies()
    page.context.close()

    # A signed-in person's first load of the page in a new browser (empty HTTP cache): the
    # session cookie of the sign-in above, nothing else carried over.
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    context.add_cookies([c for c in cookies if c["name"] == "passmap_session"])
    page = context.new_page()
    meter = Meter(page)
    page.goto(url + f"/?campus={info['campus']}")
    t3 = page.evaluate("performance.timeOrigin")
    signed_in, _share = time_to_drawn(page, t3)
    signed_in_marks = breakdown(page, t3)
    signed_in_bytes = meter.total()
    context.close()
    return {
        "cold_s": cold,
        "after_sign_in_s": after_sign_in,
        "cold_mb": cold_bytes / 1e6,
        "cold_signed_in_s": signed_in,
        "cold_signed_in_mb": signed_in_bytes / 1e6,
        "warm_s": warm,
        "warm_mb": warm_bytes / 1e6,
        "click_s": click,
        "cold_share": cold_share,
        "warm_share": warm_share,
        "warm_breakdown": warm_marks,
        "cold_signed_in_breakdown": signed_in_marks,
    }


def run_other_levels(browser, url: str, info: dict) -> list[float]:
    """Warm floor of the next five busiest levels, each visited for the first time in the
    running server (its layers are built for that visit), each in a new browser."""
    out = []
    for other in info["others"]:
        page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
        page.goto(
            url + f"/?campus={other['campus']}&building={other['building']}&level={other['level']}"
        )
        page.get_by_role("textbox", name="User name").fill(USER)
        page.get_by_role("textbox", name="Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        time_to_drawn(page, page.evaluate("performance.timeOrigin"), settle_s=0.5)
        t1 = browser_now(page)
        page.get_by_role("link", name="Floor plan").click()
        out.append(time_to_drawn(page, t1, minimum=0.05)[0])
        page.context.close()
    return out


SHARE_DRAWN = "() => (performance.getEntriesByName('share:drawn')[0] || {}).startTime || null"


def run_share_phone(browser, url: str, token: str) -> dict:
    """One phone opening the share link with an empty cache: navigation start (the page's
    timeOrigin) to the viewer's share:drawn mark; then the map checked not blank."""
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    meter = Meter(page)
    page.goto(f"{url}/share/{token}")
    page.wait_for_selector("html[data-map-drawn='1']", state="attached", timeout=120_000)
    drawn_s = page.evaluate(SHARE_DRAWN) / 1000
    page.wait_for_timeout(3000)
    share = drawn_fraction(page, page.locator("#map").bounding_box())
    if share < 0.01:
        raise RuntimeError(f"the share map is blank after it reported drawn (share {share:.3f})")
    context.close()
    return {"cold_s": drawn_s, "cold_mb": meter.total() / 1e6, "drawn_share": share}


def run_folium(browser, url: str) -> dict:
    page = browser.new_page(viewport={"width": 1440, "height": 900})
    meter = Meter(page)
    t0 = time.perf_counter()
    page.goto(url + "/")
    frame = page.frame_locator("iframe").first
    frame.locator(".leaflet-interactive").last.wait_for(state="attached", timeout=600_000)
    two_frames(page)
    seconds = time.perf_counter() - t0
    page.wait_for_timeout(500)
    page.close()
    return {"cold_s": seconds, "cold_mb": meter.total() / 1e6}


def median(runs: list[dict]) -> dict:
    """Per key, the median of the runs (of each part, for a breakdown)."""
    out = {}
    for k, v in runs[0].items():
        if isinstance(v, dict):
            out[k] = {p: statistics.median(r[k][p] for r in runs if p in r[k]) for p in v}
        else:
            out[k] = statistics.median(r[k] for r in runs)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/large.duckdb"))
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--folium", default="1000,5000", help="marker counts for the baseline")
    parser.add_argument("--skip-app", action="store_true", help="only the folium baseline")
    parser.add_argument("--share-only", action="store_true", help="only the share view (phone)")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        db, info = prepare_db(args.db, Path(tmp))
        results = {
            "data": {
                k: v
                for k, v in info.items()
                if k not in ("bounds", "room_xy", "others", "share_token")
            }
        }
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
            )
            if args.share_only:
                server = start_app(db, Path(tmp))
                try:
                    phones = [
                        run_share_phone(browser, server.url, info["share_token"])
                        for _ in range(args.runs + 1)
                    ]
                finally:
                    server.stop()
                results["share_phone_first_opening"] = phones[0]
                results["share_phone"] = median(phones[1:])
                results["share_phone_runs"] = phones
                args.skip_app, args.folium = True, ""
            if not args.skip_app:
                server = start_app(db, Path(tmp))
                try:
                    runs = [run_app(browser, server.url, info) for _ in range(args.runs)]
                    results["warm_first_visit_other_levels_s"] = run_other_levels(
                        browser, server.url, info
                    )
                    phones = [
                        run_share_phone(browser, server.url, info["share_token"])
                        for _ in range(args.runs + 1)
                    ]
                finally:
                    server.stop()
                results["passmap"] = median(runs)
                results["passmap_runs"] = runs
                results["share_phone_first_opening"] = phones[0]  # the bundle built
                results["share_phone"] = median(phones[1:])
                results["share_phone_runs"] = phones
                print(json.dumps(results, indent=2, default=str), flush=True)
            for n in [int(x) for x in args.folium.split(",") if x]:
                server = start_app(db, Path(tmp), cwd=folium_root(Path(tmp)), BENCH_LIMIT=str(n))
                try:
                    runs = [run_folium(browser, server.url) for _ in range(max(1, args.runs - 1))]
                finally:
                    server.stop()
                results[f"folium_{n}"] = median(runs)
                print(json.dumps({f"folium_{n}": results[f"folium_{n}"]}), flush=True)
            browser.close()
    print(json.dumps(results, indent=2, default=str))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
