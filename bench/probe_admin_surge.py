"""Probe (issue 18): does a share-link surge break a signed-in administrator's session?

    .venv/bin/python bench/probe_admin_surge.py [--rounds 12] [--n 100] [--db /tmp/demo.duckdb]

Session 9 saw it in ~3 of ~25 rounds of bench_incident's staff measure: during a round of N
share openings, the administrator's "District" -> "Floor plan" round trip never finished: once the
page went blank and the browser logged "Cannot send rerun backMessage when disconnected from
server"; twice the District page never came (120 s). Such a round cost the server 2.4-7.9 CPU-s
against 1-2 for a normal one. Not reproducible on demand (0 of 24 in two later runs of this
probe): this repeats the round (bench_incident.one_round, the administrator in a browser of
their own) and, on a failure, prints the administrator's address, page text, console and the
times its websocket opened and closed, so the next failure says what happened.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path[:0] = [str(Path(__file__).resolve().parent)]
import bench_incident as bi  # noqa: E402  (sets the paths of the repo and its tests)

NOISE = ("Cannot send rerun backMessage", "Unrecognized feature")


async def rounds(app, token: str, count: int, n: int) -> int:
    url = app.url
    from playwright.async_api import async_playwright

    failures = 0
    events: list[tuple[float, str]] = []
    async with async_playwright() as pw:
        responders = await pw.chromium.launch(executable_path=bi.CHROMIUM, args=bi.BROWSER_ARGS)
        staff = await pw.chromium.launch(executable_path=bi.CHROMIUM, args=bi.BROWSER_ARGS)
        admin = await bi.admin_page(staff, url)
        admin.on(
            "websocket",
            lambda ws: (
                events.append((time.time(), "websocket open")),
                ws.on("close", lambda _: events.append((time.time(), "websocket closed"))),
            ),
        )
        admin.on(
            "console",
            lambda m: (
                None
                if any(x in m.text for x in NOISE)
                else events.append((time.time(), "console " + m.text[:160]))
            ),
        )
        for i in range(count):
            await asyncio.sleep(2)
            start = time.time()
            events.clear()
            row = await bi.one_round(n, 5, app, token, responders, admin)
            floor = row["admin_floor_plan_s"]
            ok = isinstance(floor, float)
            outcome = f"ok {floor:.2f} s" if ok else f"FAILED {floor}"
            cpu, p95 = row["server_cpu_s"], row["protocol"]["p95_s"]
            print(f"round {i}: {outcome}; server CPU {cpu} s; protocol p95 {p95:.2f} s", flush=True)
            if not ok:
                failures += 1
                print("  address:", admin.url)
                print("  page:", (await admin.inner_text("body"))[:500].replace("\n", " | "))
                for at, what in events[-30:]:
                    print(f"  {at - start:7.2f} s {what}")
                await admin.goto(url + "/")
                await admin.get_by_role("heading", name="District overview").first.wait_for()
        await responders.close()
        await staff.close()
    return failures


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, default=Path("/tmp/passmap-demo.duckdb"))
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--n", type=int, default=100)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        db, token = bi.prepare_db(args.db, work)
        app = bi.start_streamlit(db, work, timeout_s=120, PASSMAP_SIMULATE="1")
        try:
            asyncio.run(
                bi.open_like_a_browser(app.url, f"/share/{token}", f"/share/{token}/live.json")
            )
            failures = asyncio.run(rounds(app, token, args.rounds, args.n))
        finally:
            app.stop()
            errors = [line for line in app.log().splitlines() if "rror" in line]
            print("server log errors:", errors[-10:] or "none")
    print(f"administrator's round trip failed in {failures} of {args.rounds} rounds")
    return 0


if __name__ == "__main__":
    sys.exit(main())
