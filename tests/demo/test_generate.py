"""The demo generator is deterministic; the committed files follow docs/GEOJSON.md."""

from __future__ import annotations

import json
import re

from passmap.config import DATA_DIR
from passmap.demo import demo_files
from passmap.demo.generate import generate
from passmap.importers.project_geojson import read_project_files
from passmap.model import CONTROL_TYPES, DOOR_CLASSES, ZONE_KINDS

REQUIRED = {
    "district": {"id", "name"},
    "campus": {"id", "district_id", "name"},
    "building": {"id", "campus_id", "name"},
    "level": {"id", "building_id", "ordinal", "name"},
    "zone": {"id", "campus_id", "kind"},
    "opening": {"id", "campus_id", "door_class"},
    "control": {"id", "campus_id", "type"},
}


def test_generator_reproduces_the_committed_files(tmp_path):
    written = generate(tmp_path)
    committed = demo_files(DATA_DIR)
    assert [p.relative_to(tmp_path) for p in written] == sorted(
        p.relative_to(DATA_DIR) for p in committed
    )
    for path in written:
        same = DATA_DIR / path.relative_to(tmp_path)
        assert path.read_bytes() == same.read_bytes(), (
            f"{same} is stale: run python -m passmap.demo.generate"
        )


def test_files_follow_the_project_schema():
    files = demo_files(DATA_DIR)
    assert any(p.parent.name == "districts" for p in files)
    assert sum(p.parts[-3] == "floorplans" for p in files) >= 5
    for path in files:
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\d\.\d{8,}", text), f"{path}: coordinates not rounded to 7 decimals"
        for feat in json.loads(text)["features"]:
            props = feat["properties"]
            ftype = props["feature_type"]
            assert REQUIRED[ftype] <= set(props), (path, props.get("id"))
            assert ftype != "zone" or props["kind"] in ZONE_KINDS
            assert ftype != "opening" or props["door_class"] in DOOR_CLASSES
            assert ftype != "control" or props["type"] in CONTROL_TYPES
    bundle = read_project_files(files)  # validates geometry, lon/lat and unique ids
    assert len(bundle["control"]) >= 300
