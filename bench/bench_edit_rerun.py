"""Server CPU of what follows a save on the Edit page, in process (no browser).

    .venv/bin/python bench/bench_edit_rerun.py [--runs 7]

On a copy of the demo, with the busiest floor (Cedar Valley High first floor, 349 devices)
open in one AppTest of pages/floor.py and the Edit page (pages/edit.py) in another, Room 102's
door gets a new lock function (a different one each run, so no layer is reused from an earlier
run). CPU seconds (process time, medians of --runs) of:

- the Edit page's rerun that saves it (the form submit: reads, the write, "Saved", the
  object's findings, which bring the assessment up to date, and the edit map);
- the assessment service's update after the write (``service.current()``: the one-campus
  re-assessment), measured apart on the floor side;
- the open floor plan's rerun after the write (what its version poll triggers);
- baseline in the same run: the same floor rerun built from nothing (every st.cache_data
  entry and remembered ribbon dropped first), so the ratio rerun / cold says what keeping each
  layer per content saves.

CPU, not wall: the machine may be shared (bench/RESULTS.md says the load of each run). The
browser's end-to-end time (save -> tier drawn) is bench/bench_edit_tier.py.
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO)]

CAMPUS, BUILDING, LEVEL = "cvhs", "cvhs-main", "cvhs-main-l1"
DOOR = "cvhs-main-l1-d002"
LOCKS = ("electrified", "classroom", "storeroom", "passage", "office", "exit-only")


def _page(name: str):
    from streamlit.testing.v1 import AppTest

    from tests.helpers import login

    at = AppTest.from_file(str(REPO / "pages" / name), default_timeout=300)
    login(at, "admin")
    at.session_state["pick_campus"] = CAMPUS
    at.session_state["pick_building"] = BUILDING
    at.session_state["pick_level"] = LEVEL
    return at


def _cpu(action) -> float:
    c = time.process_time()
    action()
    return time.process_time() - c


def _ok(at) -> None:
    if at.exception:
        raise RuntimeError([e.value for e in at.exception])


def _cold(at) -> None:
    import streamlit as st

    from layers import deck

    st.cache_data.clear()
    with deck._RINGS_LOCK:
        deck._RINGS.clear()
    at.run()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    args = ap.parse_args()
    logging.disable(logging.WARNING)  # AppTest's bare-mode warnings

    from passmap.demo import build_demo

    work = Path(tempfile.mkdtemp(prefix="bench-edit-rerun-"))
    db = work / "demo.duckdb"
    build_demo(db)
    os.environ["PASSMAP_DB"] = str(db)
    from passmap.compliance.service import service_for
    from ui.data import get_store

    print(f"load average before: {os.getloadavg()}")
    store = get_store()
    service = service_for(store)
    service.current()
    floor, edit = _page("floor.py"), _page("edit.py")
    floor.run()
    floor.run()
    _ok(floor)
    edit.run()
    edit.radio(key="edit_mode").set_value("Select and edit").run()
    edit.selectbox(key="edit_obj").set_value(f"opening {DOOR}").run()
    _ok(edit)
    lock_box = f"edit_opening_{DOOR}_lock_function"
    save = f"FormSubmitter:edit_form_opening:{DOOR}-Save attributes"

    saves, updates, reruns, colds = [], [], [], []
    for run in range(args.runs):
        lock = LOCKS[run % len(LOCKS)]
        # the Edit page's save (its own rerun brings the assessment up to date), on the
        # version it reloads (the floor side below writes too)
        edit.button(key="edit_reload").click().run()
        edit.selectbox(key=lock_box).set_value(lock)
        saves.append(_cpu(lambda: edit.button(key=save).click().run()))
        _ok(edit)
        if not any("Saved" in s.value for s in edit.success):
            raise RuntimeError(f"the save did not happen: {[e.value for e in edit.error]}")
        # the service's update alone, then the floor's rerun, on a second write
        store.update_feature("opening", DOOR, {"lock_function": LOCKS[(run + 3) % 6]}, None, "b")
        updates.append(_cpu(service.current))
        reruns.append(_cpu(floor.run))
        _ok(floor)
        colds.append(_cpu(lambda: _cold(floor)))
        _ok(floor)

    def ms(values) -> str:
        return f"{statistics.median(values) * 1000:.0f} ms (min {min(values) * 1000:.0f})"

    devices = len(store.list_controls(level_id=LEVEL))
    print(f"{args.runs} runs, CPU medians, {LEVEL} ({devices} devices):")
    print(f"  Edit page rerun that saves the lock (incl. the assessment update): {ms(saves)}")
    print(f"  the assessment service's one-campus update after a write:          {ms(updates)}")
    print(f"  open floor plan's rerun after the write:                           {ms(reruns)}")
    print(f"  baseline, the same rerun built from nothing:                       {ms(colds)}")
    print(f"  ratio rerun / cold: {statistics.median(reruns) / statistics.median(colds):.2f}")
    print(f"load average after: {os.getloadavg()}")
    store.close()
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
