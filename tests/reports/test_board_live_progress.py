"""The progress and live operations figures on a private copy of the demo database, and the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import timedelta

import pandas as pd

from passmap.cli import main
from passmap.store import Store, utc_now


def test_progress_shows_what_changed_since_the_demo_assessment(demo_db):
    """The demo build recorded one assessment; a person then marks one attested gap In place and
    one attested In place item Needed, and a new assessment is recorded with the engine."""
    from passmap.compliance import assess, record
    from passmap.reports.board import board_figures

    with Store(demo_db) as store:
        before = assess(store, live=False)
        attested = before.findings[before.findings["source"] == "person"]
        fixed = attested[attested["status"] == "needed"].iloc[0]
        broken = attested[attested["status"] == "in_place"].iloc[0]
        store.save_attestations(
            [
                {
                    "practice_id": fixed["practice_id"],
                    "scope_id": fixed["scope_id"],
                    "status": "in_place",
                },
                {
                    "practice_id": broken["practice_id"],
                    "scope_id": broken["scope_id"],
                    "status": "needed",
                },
            ]
        )
        after = assess(store, live=False)
        record(store, after, label="after the summer works")
        report = board_figures(store, design=after, effective=after)
    changes = {(c.change, c.practice_id, c.scope_id) for c in report.changes.itertuples()}
    assert ("improved", fixed["practice_id"], fixed["scope_id"]) in changes
    assert ("regressed", broken["practice_id"], broken["scope_id"]) in changes
    assert report.history["label"].iloc[-1] == "after the summer works"
    assert len(report.history) == 2
    assert report.history["in_place"].iloc[-1] == (after.findings["status"] == "in_place").sum()
    assert report.history["district_tier"].iloc[-1] == after.tiers[report.district_id]


def test_live_summary_counts_devices_and_alarms(demo_db):
    from passmap.compliance import assess
    from passmap.reports.board import board_figures

    now = utc_now()
    statuses = [
        {"device_id": "cam-1", "aspect": "health", "state": "online"},
        {"device_id": "cam-2", "aspect": "health", "state": "online"},
        {"device_id": "door-9", "aspect": "health", "state": "offline"},
        {"device_id": "door-9", "aspect": "door_alarm", "state": "forced_open"},
    ]
    with Store(demo_db) as store:
        design = assess(store, live=False)
        assert board_figures(store, design=design, effective=design).live is None
        with store.transaction() as cur:
            store._insert_rows(
                cur,
                "device_status",
                [dict(s, observed_utc=now, received_utc=now, source="test") for s in statuses],
            )
            store._insert_rows(
                cur,
                "alarm",
                [
                    {
                        "id": "a1",
                        "device_id": "door-9",
                        "kind": "door_forced",
                        "state": "active",
                        "raised_utc": now - timedelta(hours=1),
                    },
                    {
                        "id": "a0",
                        "device_id": "door-9",
                        "kind": "door_forced",
                        "state": "resolved",
                        "raised_utc": now - timedelta(days=3),
                    },
                ],
            )
        live = board_figures(store, design=design, effective=design).live
    assert (live["devices_reporting"], live["devices_online"], live["devices_offline"]) == (3, 2, 1)
    assert (live["alarms_in_period"], live["alarms_open"]) == (1, 1)


def test_cli_writes_pdf_pptx_and_csv(board_build, tmp_path, capsys):
    # A private copy: the Board page tests keep a read-write connection to the shared file
    # open in this process, and DuckDB refuses a read-only one beside it.
    db = shutil.copy(board_build.db, tmp_path / "cli.duckdb")
    out = tmp_path / "r.pdf"
    code = main(
        [
            "report",
            "board",
            "--db",
            str(db),
            "--out",
            str(out),
            "--pptx",
            str(tmp_path / "r.pptx"),
            "--csv",
            str(tmp_path / "r.csv"),
            "--budget",
            "100000",
            "--years",
            "2",
            "--format",
            "json",
        ]
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert out.read_bytes().startswith(b"%PDF")
    assert (tmp_path / "r.pptx").stat().st_size > 10_000
    rows = pd.read_csv(tmp_path / "r.csv").query("section == 'roadmap'")
    plan = rows[rows["year"].notna()]
    assert len(plan) == summary["roadmap_items"]
    assert len(rows) - len(plan) == summary["unfunded_items"]
    assert plan.groupby("year")["cost_usd"].sum().max() <= 100_000
    assert set(plan["year"]) <= {1, 2}
    assert summary["campuses"] == len(board_build.report.campuses)


def test_cli_rejects_a_missing_output_folder(board_build, tmp_path, capsys):
    code = main(
        ["report", "board", "--db", str(board_build.db), "--out", str(tmp_path / "nope" / "r.pdf")]
    )
    assert code == 1
    assert "does not exist" in capsys.readouterr().err


def test_before_after_picks_the_floor_whose_rooms_changed_tier(demo_db, tmp_path):
    """Two recorded assessments whose summaries differ on three rooms of one floor: the progress
    pages show that floor before and after, in the PDF and the deck."""
    from pptx import Presentation

    from passmap.compliance import assess
    from passmap.reports.board import board_figures
    from passmap.reports.board_pdf import write_board_pdf
    from passmap.reports.board_pptx import write_board_pptx

    with Store(demo_db) as store:
        design = assess(store, live=False)
        zones = store.list_zones()
        floor = zones[zones["building_id"].notna()].groupby(["building_id", "level_id"])
        (building_id, level_id), rooms = next(iter(floor))
        moved = list(rooms["id"][:3])
        later = dict(design.tiers)
        for zid in moved:
            later[zid] = (design.tiers[zid] + 1) % 5
        now = utc_now()
        store.record_assessment(
            "v7",
            "design",
            {"tiers": dict(design.tiers)},
            design.findings,
            label="spring",
            created_utc=now + timedelta(seconds=1),
        )
        store.record_assessment(
            "v7",
            "design",
            {"tiers": later},
            design.findings,
            label="autumn",
            created_utc=now + timedelta(seconds=2),
        )
        report = board_figures(store, design=design, effective=design)
    ba = report.before_after
    assert ba.changed_zones == 3 and ba.label_after.startswith("autumn")
    shown = ba.zones.set_index("id")
    assert set(shown.index) == set(rooms["id"])
    for zid in moved:
        assert (shown.loc[zid, "tier_before"], shown.loc[zid, "tier_after"]) == (
            design.tiers[zid],
            later[zid],
        )
    pdf = write_board_pdf(report, tmp_path / "b.pdf")
    text = " ".join(
        subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout.split()
    )
    assert f"{ba.building_name}, {ba.level_name}" in text and "3 rooms changed tier" in text
    deck = Presentation(str(write_board_pptx(report, tmp_path / "b.pptx")))
    assert any(ba.building_name in s.shapes.title.text for s in deck.slides)
