"""The large synthetic district generator (used by benchmarks), run small."""

from __future__ import annotations

import json

import shapely

from passmap.cli import main
from passmap.store import Store


def test_demo_large_cli_writes_a_consistent_district(tmp_path, capsys):
    db = tmp_path / "large.duckdb"
    assert main(["demo-large", "--campuses", "3", "--db", str(db), "--format", "json"]) == 0
    counts = json.loads(capsys.readouterr().out)
    assert counts["campus"] == 3 and counts["zone"] > 300 and counts["control"] > 2000
    with Store(db, read_only=True) as store:
        stats = store.stats()
        assert stats["totals"]["zones"] == counts["zone"]
        assert len(stats["totals"]["controls_by_type"]) >= 12
        campuses = store.list_campuses().set_index("id").geometry
        controls = store.list_controls()
        for cid, parcel in campuses.items():
            mine = controls[controls.campus_id == cid]
            assert shapely.covers(parcel.buffer(1e-5), mine.geometry.values).all(), cid
        cams = controls[controls["type"] == "camera"]
        assert cams.bearing_deg.notna().all() and cams.range_m.gt(0).all()
        levels = set(store.list_levels().id)
        assert set(store.list_zones().level_id.dropna()) <= levels
        assert len(store.list_openings()) > 300
    assert main(["demo-large", "--campuses", "1", "--db", str(db)]) == 1  # never written twice
