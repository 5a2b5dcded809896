"""The passmap CLI against real database files: init, demo, stats."""

import json
import subprocess
import sys

from tests.conftest import REPO


def run_cli(*args, timeout=120):
    return subprocess.run(
        [sys.executable, "-m", "passmap.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_init_creates_an_empty_database(tmp_db):
    out = run_cli("init", "--db", str(tmp_db))
    assert out.returncode == 0, out.stderr
    stats = json.loads(run_cli("stats", "--db", str(tmp_db), "--format", "json").stdout)
    assert stats["totals"]["campuses"] == 0 and stats["campuses"] == []


def test_stats_json_has_the_documented_shape(demo_db_shared):
    out = run_cli("stats", "--db", str(demo_db_shared), "--format", "json")
    assert out.returncode == 0, out.stderr
    stats = json.loads(out.stdout)  # only JSON on stdout
    keys = {"campuses", "buildings", "levels", "zones", "openings", "controls", "controls_by_type"}
    assert set(stats["totals"]) == keys
    for campus in stats["campuses"]:
        assert set(campus) == keys - {"campuses"} | {"id", "name"}
    totals = stats["totals"]
    assert totals["campuses"] >= 4
    assert totals["controls"] >= 300
    assert len(totals["controls_by_type"]) >= 12
    assert sum(totals["controls_by_type"].values()) == totals["controls"]
    assert sum(c["zones"] for c in stats["campuses"]) == totals["zones"]


def test_stats_table_is_readable(demo_db_shared):
    out = run_cli("stats", "--db", str(demo_db_shared))
    assert out.returncode == 0, out.stderr
    assert "TOTAL" in out.stdout and "controls by type" in out.stdout


def test_demo_if_missing_keeps_an_existing_database(demo_db):
    before = demo_db.stat().st_mtime_ns
    out = run_cli("demo", "--if-missing", "--db", str(demo_db))
    assert out.returncode == 0 and "leaving it" in out.stdout
    assert demo_db.stat().st_mtime_ns == before


def test_errors_go_to_stderr_with_non_zero_exit(tmp_path):
    out = run_cli("stats", "--db", str(tmp_path / "nope.duckdb"), "--format", "json")
    assert out.returncode == 1
    assert out.stdout == "" and "does not exist" in out.stderr
