"""Store tests on real DuckDB files: migrations, round trips, CRS, one-writer rule."""

import json
import subprocess
import sys
from datetime import date, datetime

import duckdb
import pytest
import shapely
from shapely.geometry import LineString, Point, box

from passmap.store import SITE_TABLES, Store, StoreError
from tests.conftest import REPO

LON, LAT = -78.64, 35.78


def site_bundle():
    """One row of every site table, nested as a real campus would be."""
    b = box(LON, LAT, LON + 0.0005, LAT + 0.0003)
    return {
        "district": [
            {
                "id": "d1",
                "name": "Test District",
                "state": "NC",
                "geom": box(LON - 0.01, LAT - 0.01, LON + 0.01, LAT + 0.01),
                "props": {"nces": "1234567"},
            }
        ],
        "campus": [
            {
                "id": "c1",
                "district_id": "d1",
                "name": "Oak Elementary",
                "school_type": "elementary",
                "students": 480,
                "geom": box(LON - 0.001, LAT - 0.001, LON + 0.002, LAT + 0.002),
            }
        ],
        "building": [{"id": "b1", "campus_id": "c1", "name": "Main", "geom": b}],
        "level": [{"id": "l1", "building_id": "b1", "ordinal": 0, "name": "Level 1", "geom": b}],
        "zone": [
            {
                "id": "z1",
                "campus_id": "c1",
                "building_id": "b1",
                "level_id": "l1",
                "kind": "classroom",
                "name": "Room 101",
                "room_number": "101",
                "geom": box(LON, LAT, LON + 0.0001, LAT + 0.0001),
            }
        ],
        "opening": [
            {
                "id": "o1",
                "campus_id": "c1",
                "building_id": "b1",
                "level_id": "l1",
                "zone_id": "z1",
                "door_class": "exterior-primary",
                "number": "1",
                "monitored": True,
                "lock_inside_operable": True,
                "geom": LineString([(LON, LAT), (LON + 0.00001, LAT)]),
            }
        ],
        "control": [
            {
                "id": "k1",
                "campus_id": "c1",
                "building_id": "b1",
                "level_id": "l1",
                "zone_id": "z1",
                "type": "camera",
                "bearing_deg": 45.0,
                "fov_deg": 90.0,
                "range_m": 20.0,
                "external_id": "cam-1",
                "installed_on": date(2024, 8, 1),
                "attrs": {"mount": "interior"},
                "geom": Point(LON + 0.00005, LAT + 0.00005),
            }
        ],
    }


def test_migrations_apply_on_empty_file_and_not_again(tmp_db):
    with Store(tmp_db) as store:
        versions = store.schema_versions()
        assert versions[0] == 1
        tables = {r[0] for r in store.cursor().execute("SHOW TABLES").fetchall()}
    for t in SITE_TABLES + (
        "practice",
        "finding",
        "assessment",
        "attestation",
        "status_event",
        "device_status",
        "dead_letter",
        "audit_log",
        "app_user",
        "share_link",
    ):
        assert t in tables
    with Store(tmp_db) as store:
        assert store.migrate() == []
        assert store.schema_versions() == versions


def test_every_site_entity_round_trips_with_geometry_and_crs(tmp_db):
    bundle = site_bundle()
    with Store(tmp_db) as store:
        counts = store.write_sites(bundle)
    assert all(counts[t] == 1 for t in SITE_TABLES)
    with Store(tmp_db, read_only=True) as store:
        for table in SITE_TABLES:
            frame = store.list_site_table(table)
            assert frame.crs is not None and frame.crs.equals("OGC:CRS84"), table
            row = frame.iloc[0]
            src = bundle[table][0]
            assert shapely.equals_exact(row.geometry, src["geom"], 1e-9), table
            for key, value in src.items():
                if key != "geom":
                    assert row[key] == value, (table, key)
        cam = store.get("control", "k1")
        assert cam["attrs"] == {"mount": "interior"} and cam["bearing_deg"] == 45.0
        assert store.get("control", "missing") is None


def test_non_site_entities_round_trip(tmp_db):
    """practice, assessment, finding, status, users, share links: write and read back."""
    now = datetime(2026, 1, 5, 8, 30)
    rows = {
        "practice": {
            "id": "v7-x",
            "edition": "v7",
            "layer": "Building Perimeter",
            "component": "Access Control",
            "tier": "1",
            "title": "Doors locked",
            "scope": {"level": "building"},
            "check_kind": "attested",
            "tier_verified": False,
            "source": "starter",
        },
        "assessment": {"id": "a1", "edition": "v7", "kind": "design", "created_utc": now},
        "finding": {
            "assessment_id": "a1",
            "practice_id": "v7-x",
            "scope_type": "building",
            "scope_id": "b1",
            "status": "needed",
            "source": "rule",
            "evidence": {"blocked_by": ["o1"]},
            "explanation": "door 1 unmonitored",
        },
        "status_event": {
            "event_id": "e1",
            "device_id": "cam-1",
            "aspect": "camera",
            "state": "offline",
            "observed_utc": now,
            "received_utc": now,
        },
        "device_status": {
            "device_id": "cam-1",
            "aspect": "camera",
            "state": "offline",
            "observed_utc": now,
            "received_utc": now,
        },
        "app_user": {
            "username": "ann",
            "role": "viewer",
            "password_hash": "$argon2id$x",
            "created_utc": now,
        },
        "share_link": {
            "id": "s1",
            "token_hash": "ab" * 32,
            "agency": "County Sheriff",
            "campuses": ["c1"],
            "layers": ["doors"],
            "created_utc": now,
            "expires_utc": now,
        },
    }
    with Store(tmp_db) as store:
        with store.transaction() as cur:
            for table, row in rows.items():
                store._insert_rows(cur, table, [row])
        for table, row in rows.items():
            cols = list(row)
            got = store.cursor().execute(f"SELECT {', '.join(cols)} FROM {table}").fetchone()
            for col, want, have in zip(cols, row.values(), got):
                have = json.loads(have) if isinstance(want, (dict, list)) else have
                assert have == want, (table, col)


def test_failed_write_leaves_the_database_unchanged(tmp_db):
    bundle = site_bundle()
    bundle["zone"].append(
        {"id": "z2", "campus_id": "c1", "kind": "parking", "geom": box(0, 0, 1, 1), "colour": "red"}
    )
    with Store(tmp_db) as store:
        with pytest.raises(StoreError, match="Unknown zone field"):
            store.write_sites(bundle)
        assert store.stats()["totals"]["campuses"] == 0
        bad_fk = site_bundle()
        bad_fk["building"][0]["campus_id"] = "nope"
        with pytest.raises(duckdb.ConstraintException, match="foreign key"):
            store.write_sites(bad_fk)
        assert store.stats()["totals"] == {
            "campuses": 0,
            "buildings": 0,
            "levels": 0,
            "zones": 0,
            "openings": 0,
            "controls": 0,
            "controls_by_type": {},
        }


def test_second_process_gets_a_clear_message_not_a_crash(tmp_db):
    with Store(tmp_db):
        out = subprocess.run(
            [sys.executable, "-m", "passmap.cli", "stats", "--db", str(tmp_db)],
            cwd=REPO,
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 1
    # a read command: no server beside the file to ask either (passmap/cli/served.py)
    assert "another process holds the file" in out.stderr
    assert "no PassMap server is running on it" in out.stderr
    assert "Traceback" not in out.stderr and out.stderr.count("\n") == 1


def test_read_only_open_of_missing_file_says_what_to_do(tmp_db):
    with pytest.raises(StoreError, match="passmap demo"):
        Store(tmp_db, read_only=True)


def test_replace_updates_rows_in_tables_with_a_second_unique_key(tmp_db):
    """control has id and a unique external_id: re-writing a bundle updates it in place."""
    with Store(tmp_db) as store:
        store.write_sites(site_bundle())
        again = {"control": site_bundle()["control"]}
        again["control"][0]["name"] = "Front door camera"
        again["control"][0]["range_m"] = 30.0
        assert store.write_sites(again, replace=True)["control"] == 1
        cam = store.get("control", "k1")
    assert cam["name"] == "Front door camera" and cam["range_m"] == 30.0


def test_the_bench_anchor_counts_points_in_boxes_across_grid_cells(tmp_db):
    import pandas as pd

    boxes = pd.DataFrame(
        {
            "minx": [0.0, 40.0, -120.0],
            "miny": [0.0, 40.0, -5.0],
            "maxx": [10.0, 160.0, -100.0],
            "maxy": [10.0, 60.0, 5.0],
        }
    )  # the second box spans three 50 m cells, the third lies at negative x
    points = pd.DataFrame(
        {"x": [5.0, 45.0, 155.0, 100.0, -110.0, 20.0], "y": [5.0, 50.0, 55.0, 50.0, 0.0, 20.0]}
    )
    with Store(tmp_db) as store:
        assert store.anchor_point_box_join(points, boxes) == 5
