"""From saving an edit on the Edit page to the changed tier drawn on an open floor plan.

    .venv/bin/python bench/bench_edit_tier.py [--runs 3]

Headless Chromium against the app on a copy of the demo. The busiest demo floor (Cedar Valley
High, first floor: 349 devices) is open in one window (the floor plan); a second window (its
own browser context and session, as a second person), on the Edit page, gives Room 102's
classroom door an electrified lock (its one missing Tier 4 practice) and presses "Save
attributes". Measured on the browser's clock, from the click to the floor plan's first
``deckmap:drawn`` mark (ui/deckmap/frontend/deckmap.js) whose canvas shows the room in a new
colour (nothing reloads the floor window: its page polls the assessment's version every half
second and reruns). Each run undoes the edit first (the room back at Tier 3). Goal: < 1.5 s.
Baseline in the same run: the save itself (the click to the Edit page's "Saved" message: one
rerun of the editing window), so the ratio drawn / save says how much the other window's
follow-up (poll, rerun, incremental assessment, redraw) adds on this machine at this load.
"""

from __future__ import annotations

import argparse
import io
import os
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO), str(REPO / "tests"), str(REPO / "tests" / "browser")]

from conftest import CHROMIUM, start_streamlit  # noqa: E402
from mapview import clear_point, map_box, screen_point  # noqa: E402

CAMPUS, BUILDING, LEVEL = "cvhs", "cvhs-main", "cvhs-main-l1"
ROOM, DOOR = "cvhs-main-l1-102", "cvhs-main-l1-d002"
USER = "demo-admin"

MARKS_AFTER = """(after) => {
  const out = [];
  for (const f of document.querySelectorAll('iframe')) {
    if (!f.title.includes('deckmap') || !f.contentWindow) continue;
    const p = f.contentWindow.performance;
    for (const e of p.getEntriesByType('mark')) {
      const t = p.timeOrigin + e.startTime;
      if (t >= after && e.name.startsWith('deckmap:')) out.push([t, e.name.slice(8)]);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}"""


def marks_after(page, t0: float) -> str:
    """The map's User Timing marks (render, unchanged, draw, drawn) after t0, as 'name@s'."""
    return " ".join(f"{name}@{(t - t0) / 1000:.2f}" for t, name in page.evaluate(MARKS_AFTER, t0))


def drawn_after(page, t0: float) -> list[float]:
    """Browser times (ms) of the map's ``deckmap:drawn`` marks after t0, oldest first."""
    return [t for t, name in page.evaluate(MARKS_AFTER, t0) if name == "drawn"]


def browser_now(page) -> float:
    return page.evaluate("performance.timeOrigin + performance.now()")


def sign_in(page, url: str) -> None:
    from passmap.auth import DEMO_PASSWORD

    page.goto(url + f"/?campus={CAMPUS}&building={BUILDING}&level={LEVEL}")
    box, signed = page.get_by_role("textbox", name="User name"), page.get_by_text("Signed in:")
    box.or_(signed).first.wait_for(timeout=120_000)
    if signed.count():  # the context's session cookie already signs this tab in
        return
    box.fill(USER)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in:").wait_for(timeout=120_000)


def pixel(page, x: float, y: float) -> tuple[int, int, int]:
    from PIL import Image

    png = page.screenshot(clip={"x": x - 2, "y": y - 2, "width": 5, "height": 5})
    img = Image.open(io.BytesIO(png)).convert("RGB")
    return img.getpixel((2, 2))


def wait_new_colour(page, t0: float, xy, before, timeout_s: float = 60.0) -> float:
    """Seconds from t0 (browser ms) to the first drawn mark after which the room's pixel
    differs from ``before``."""
    deadline, seen = time.perf_counter() + timeout_s, 0
    while time.perf_counter() < deadline:
        marks = drawn_after(page, t0)
        if len(marks) > seen:
            seen = len(marks)
            page.evaluate("() => new Promise(r => requestAnimationFrame(r))")
            if pixel(page, *xy) != before:
                return (marks[-1] - t0) / 1000
        page.wait_for_timeout(20)
    raise RuntimeError("the floor plan never showed the room in a new colour")


def spec_arrival_s(page, t0: float, drawn_s: float) -> float:
    """When the floor's map got the spec that drew the new tier (seconds after ``t0``): the
    latest layer fetch (layers travel by reference) before that draw, else the latest render
    mark; nan if the map left neither."""
    marks = [((t - t0) / 1000, name) for t, name in page.evaluate(MARKS_AFTER, t0)]
    for kind in ("fetch", "render"):
        found = [t for t, name in marks if name == kind and t <= drawn_s]
        if found:
            return found[-1]
    return float("nan")


def service_update_s(db: Path) -> tuple[float, float]:
    """The assessment service's own part, in this process on a copy of the database: the
    same edit, then ``current()`` (a one-campus re-assessment). (wall, CPU) seconds, best
    of 3."""
    from passmap.compliance.service import service_for
    from passmap.store import Store

    copy = db.with_name("service-copy.duckdb")
    shutil.copy(db, copy)
    best = None
    with Store(copy) as store:
        service = service_for(store)
        service.current()
        for value in ("electrified", None, "electrified"):
            store.update_feature("opening", DOOR, {"lock_function": value}, None, "bench")
            w0, c0 = time.perf_counter(), time.process_time()
            service.current()
            took = (time.perf_counter() - w0, time.process_time() - c0)
            best = took if best is None or took[0] < best[0] else best
    return best


def demo_floor(prefix: str, room_id: str, clear_of_centre: bool = False):
    """A fresh demo in a temporary folder and what a bench reads of its LEVEL: (folder,
    database, the level's devices, a point of room ``room_id`` clear of device icons (and of
    the room's centre, where its label is, with ``clear_of_centre``), the level's bounds)."""
    from passmap.demo import build_demo
    from passmap.store import Store

    work = Path(tempfile.mkdtemp(prefix=prefix))
    db = work / "demo.duckdb"
    build_demo(db)
    with Store(db, read_only=True) as store:
        zones = store.list_zones(level_id=LEVEL)
        controls = store.list_controls(level_id=LEVEL)
    room = zones.set_index("id").loc[room_id, "geometry"]
    icons = [*controls.geometry[controls.geom_type == "Point"]]
    room_xy = clear_point(room, icons + [room.centroid] if clear_of_centre else icons).coords[0]
    return work, db, controls, room_xy, tuple(zones.total_bounds)


def pick(page, key: str, text: str) -> None:
    """Choose ``text`` in the Streamlit selectbox of widget key ``key``."""
    box = page.locator(f".st-key-{key}")
    deadline = time.perf_counter() + 60
    while box.count() != 1 and time.perf_counter() < deadline:  # a rerun still replacing it
        page.wait_for_timeout(50)
    box.click()
    page.keyboard.type(text)
    page.keyboard.press("Enter")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()

    from playwright.sync_api import sync_playwright

    from layers.deck import fit_view

    work, db, controls, room_xy, bounds = demo_floor("bench-edit-tier-", ROOM)
    db_copy = work / "pristine.duckdb"
    shutil.copy(db, db_copy)
    print(f"load average before: {os.getloadavg()}")
    server = start_streamlit(db, work, timeout_s=120)
    try:
        with sync_playwright() as pw:
            browser = pw.chromium.launch(
                executable_path=CHROMIUM, args=["--headless", "--no-sandbox", "--disable-gpu"]
            )
            # Two windows (two browser contexts), as two staff members or two screens: a floor
            # plan in a background TAB of the editor's window gets about one frame a second
            # from headless Chromium (measured: 1-2 requestAnimationFrame/s against 30-60 in a
            # window of its own), which is what "spec -> drawn" of 2-3 s measured up to
            # session 7; a person does not see a background tab at all.
            size = {"width": 1440, "height": 900}
            floor = browser.new_context(viewport=size).new_page()
            edit = browser.new_context(viewport=size).new_page()
            for page in (floor, edit):
                sign_in(page, server.url)
            floor.get_by_role("link", name="Floor plan").click()
            floor.get_by_text("Room tier").wait_for(timeout=120_000)
            floor.wait_for_timeout(3000)
            xy = screen_point(fit_view(bounds), map_box(floor), *room_xy)
            edit.get_by_role("link", name="Edit").click()
            edit.locator(".st-key-edit_mode").get_by_text("Select and edit").click()
            pick(edit, "edit_obj", DOOR)  # the picker shows "Door 102 · ... (<id>)"
            lock_key = f"edit_opening_{DOOR}_lock_function"
            edit.locator(f".st-key-{lock_key}").wait_for(timeout=60_000)

            times, saves, phases = [], [], []
            for run in range(args.runs):
                tier3 = pixel(floor, *xy)
                pick(edit, lock_key, "electrified")
                edit.wait_for_timeout(500)
                t0 = browser_now(edit)
                edit.get_by_role("button", name="Save attributes").click()
                edit.get_by_text(f"Saved opening {DOOR}").wait_for(timeout=60_000)
                saves.append((browser_now(edit) - t0) / 1000)
                times.append(wait_new_colour(floor, t0, xy, tier3))
                # click -> Saved; Saved -> the floor's new map spec arrives (poll wait, the poll's
                # version check, the page's rerun); spec -> drawn (deck.gl in the iframe).
                spec = spec_arrival_s(floor, t0, times[-1])
                phases.append((saves[-1], spec - saves[-1], times[-1] - spec))
                print(
                    f"run {run + 1}: saved in {saves[-1]:.2f} s, tier drawn {times[-1]:.2f} s "
                    f"(Saved -> floor's new spec {phases[-1][1]:.2f} s, spec -> drawn "
                    f"{phases[-1][2]:.2f} s)"
                )
                print(f"  floor map marks: {marks_after(floor, t0)}")
                print(f"  edit map marks:  {marks_after(edit, t0)}")
                # back to Tier 3 for the next run (undo), and wait for the floor to follow
                tier4 = pixel(floor, *xy)
                t1 = browser_now(edit)
                edit.get_by_role("button", name="Undo my last change").click()
                edit.get_by_text("Undid the update").wait_for(timeout=60_000)
                wait_new_colour(floor, t1, xy, tier4)
                edit.get_by_role("button", name="Reload").click()
                # the form holds the version the undo wrote (a save on the one opened before
                # it is refused as "changed by someone else")
                edit.get_by_text(
                    re.compile(r"You opened version (\d+); stored version \1\.")
                ).wait_for(timeout=60_000)

            browser.close()
    finally:
        server.stop()
    med, med_b = statistics.median(times), statistics.median(saves)
    print(
        f"save on the Edit page -> Room 102's new tier drawn on the open floor plan "
        f"({LEVEL}, {len(controls)} devices): median {med:.2f} s, best {min(times):.2f} s of "
        f"{len(times)} (goal < 1.5 s); the save itself: median {statistics.median(saves):.2f} s"
    )
    print(f"ratio tier drawn / save: {med / med_b:.1f}")
    found = [p for p in phases if p[1] == p[1]] or phases
    mid = [statistics.median(p[i] for p in found) for i in range(3)]
    print(
        f"where the time goes (medians): click -> Saved {mid[0]:.2f} s; Saved -> the floor "
        f"tab receives its new map spec {mid[1]:.2f} s (0.5 s poll + version check + page "
        f"rerun); spec -> drawn {mid[2]:.2f} s"
    )
    w, c = service_update_s(db_copy)
    print(
        f"the service's re-assessment of the campus after the edit: {w * 1000:.0f} ms wall, "
        f"{c * 1000:.0f} ms CPU"
    )
    print(f"load average after: {os.getloadavg()}")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
