"""The one map search (passmap.search) on the demo high school: every query form of issue 16
finds the same object whichever page asks, and the index is plain JSON for a static page."""

from __future__ import annotations

import json

import pytest

from passmap.grid import campus_grid
from passmap.palette import control_style
from passmap.search import restrict, search, search_index, tokens
from passmap.store import Store


@pytest.fixture(scope="module")
def hs_index(demo_db_shared, tmp_path_factory):
    import shutil

    db = tmp_path_factory.mktemp("search") / "demo.duckdb"
    shutil.copy(demo_db_shared, db)
    with Store(db) as store:
        levels = store.list_levels()
        controls = store.list_controls(campus_id="cvhs")
        index = search_index(
            zones=store.list_zones(campus_id="cvhs"),
            openings=store.list_openings(campus_id="cvhs"),
            controls=controls,
            buildings=store.list_buildings("cvhs"),
            grid=campus_grid(store, "cvhs"),
            level_names=dict(zip(levels["id"], levels["name"])),
            type_labels={t: control_style(t).label for t in set(controls["type"])},
        )
    return index


@pytest.mark.parametrize("query", ["114", "Room 114", "room 114", "rm 114", "#114"])
def test_a_room_number_in_any_form_finds_the_room_first(hs_index, query):
    best = search(hs_index, query)[0]
    assert best["kind"] == "room" and best["number"] == "114"
    assert best["sentence"] == "Room 114 – Stair 3: First Floor, grid cell G7."


@pytest.mark.parametrize("query", ["7", "D7", "d7", "Door 7", "door #7", "exit 7"])
def test_a_door_number_in_any_form_finds_the_door_first(hs_index, query):
    best = search(hs_index, query)[0]
    assert best["kind"] == "door" and best["number"] == "7", best


def test_d7_is_the_door_first_and_the_grid_cell_next(hs_index):
    kinds = [(h["kind"], h["id"]) for h in search(hs_index, "D7")]
    assert kinds[0][0] == "door"
    assert ("cell", "D7") in kinds


def test_names_find_rooms_before_the_devices_in_them(hs_index):
    for query, room in (("nurse", "120"), ("main office", "121"), ("Library", "104")):
        hits = search(hs_index, query)
        assert hits[0]["kind"] == "room" and hits[0]["number"] == room, (query, hits[0])
        assert any(h["kind"] == "device" for h in hits)  # the devices in it come after


def test_a_device_id_matches_without_its_prefix_and_leading_zeros(hs_index):
    assert tokens("CAM-0007") == ["cam", "7"]
    for query in ("CAM-0007", "cam 7", "cv-hs-cam-007"):
        best = search(hs_index, query)[0]
        assert best["kind"] == "device" and "cv-hs-cam-007" in best["label"], (query, best)


def test_a_grid_cell_is_found_and_nonsense_finds_nothing(hs_index):
    best = search(hs_index, "G7")[0]
    assert best["kind"] == "cell" and best["cell"] == "G7" and best["sentence"] == "Grid cell G7."
    assert search(hs_index, "zzqx") == [] and search(hs_index, "   ") == []


def test_the_index_is_plain_json_and_restrict_keeps_only_shared_objects(hs_index):
    assert json.loads(json.dumps(hs_index)) == hs_index
    rooms = {e["id"] for e in hs_index if e["kind"] == "room"}
    shared = restrict(hs_index, rooms)
    assert {e["kind"] for e in shared} == {"room", "cell"}
    assert search(shared, "CAM-0007") == [] and search(shared, "114")[0]["kind"] == "room"
