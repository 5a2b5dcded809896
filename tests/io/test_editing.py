"""Editing: create / move / update / delete with versions, the audit log, undo."""

from __future__ import annotations

import pytest
from shapely.geometry import Point, shape

from passmap.store import StoreError
from passmap.store.editing import ConcurrencyError
from tests.io.io_makers import box, pt


def _camera(store, cid="cam9"):
    return store.create_feature(
        "control",
        {
            "id": cid,
            "campus_id": "c1",
            "building_id": "b1",
            "level_id": "b1-l0",
            "type": "camera",
            "bearing_deg": 90,
            "fov_deg": 60,
            "range_m": 10,
            "geom": shape(pt(3, 3)),
        },
        actor="alice",
    )


def test_create_update_move_delete_are_audited_with_before_and_after(site_store):
    _camera(site_store)
    v = site_store.update_feature("control", "cam9", {"bearing_deg": 180}, 1, actor="alice")
    assert v == 2
    new_point = shape(pt(4, 4))
    v = site_store.move_feature("control", "cam9", new_point, 2, actor="bob")
    assert v == 3 and site_store.get("control", "cam9")["geometry"].distance(new_point) < 1e-9
    site_store.delete_feature("control", "cam9", 3, actor="bob")
    assert site_store.get("control", "cam9") is None
    log = site_store.audit_entries(entity_id="cam9")
    assert [e["action"] for e in log] == ["delete", "update", "update", "create"]
    delete, move, turn, create = log
    assert (
        create["actor"] == "alice"
        and create["before"] is None
        and create["after"]["type"] == "camera"
    )
    assert turn["before"]["bearing_deg"] == 90 and turn["after"]["bearing_deg"] == 180
    assert move["actor"] == "bob" and move["after"]["geom"]["type"] == "Point"
    assert delete["before"]["version"] == 3 and delete["after"] is None
    assert all(e["at_utc"] is not None for e in log)


def test_second_save_with_stale_version_is_refused_not_lost(site_store):
    _camera(site_store)
    # Two people opened version 1. Alice saves first.
    site_store.update_feature("control", "cam9", {"name": "Alice's name"}, 1, actor="alice")
    with pytest.raises(
        ConcurrencyError, match=r"changed by someone else .* version 2, you edited version 1"
    ):
        site_store.update_feature("control", "cam9", {"name": "Bob's name"}, 1, actor="bob")
    assert site_store.get("control", "cam9")["name"] == "Alice's name"
    with pytest.raises(ConcurrencyError):
        site_store.delete_feature("control", "cam9", 1, actor="bob")
    assert site_store.get("control", "cam9") is not None


def test_zones_and_openings_are_versioned_too(site_store):
    v = site_store.update_feature(
        "zone",
        "z101",
        {"geom": shape(box(0, 0, 11, 8)), "name": "Room 101 (big)"},
        1,
        actor="alice",
    )
    assert v == 2
    with pytest.raises(ConcurrencyError):
        site_store.update_feature("zone", "z101", {"name": "x"}, 1, actor="bob")
    site_store.create_feature(
        "opening",
        {"id": "door9", "campus_id": "c1", "door_class": "interior", "geom": shape(pt(5, 8))},
        actor="alice",
    )
    assert site_store.get("opening", "door9")["version"] == 1


def test_undo_reverts_update_delete_and_create_in_order(site_store):
    _camera(site_store)
    site_store.update_feature(
        "control", "cam9", {"bearing_deg": 270, "geom": Point(-80.84, 35.22)}, 1, "alice"
    )
    site_store.delete_feature("control", "cam9", 2, "alice")
    assert site_store.undo_last("alice")["action"] == "delete"
    back = site_store.get("control", "cam9")
    assert back["bearing_deg"] == 270
    assert site_store.undo_last("alice")["action"] == "update"
    back = site_store.get("control", "cam9")
    assert back["bearing_deg"] == 90 and back["geometry"].distance(shape(pt(3, 3))) < 1e-9
    assert site_store.undo_last("alice")["action"] == "create"
    assert site_store.get("control", "cam9") is None
    with pytest.raises(StoreError, match="Nothing to undo"):
        site_store.undo_last("alice")
    actions = [e["action"] for e in site_store.audit_entries(entity_id="cam9")]
    assert actions[:3] == ["undo", "undo", "undo"]


def test_undo_refused_when_someone_changed_it_since(site_store):
    _camera(site_store)
    site_store.update_feature("control", "cam9", {"name": "a"}, 1, "alice")
    site_store.update_feature("control", "cam9", {"name": "b"}, 2, "bob")
    with pytest.raises(ConcurrencyError, match="changed again since"):
        site_store.undo_last("alice")
    assert site_store.get("control", "cam9")["name"] == "b"


def test_only_site_objects_are_editable_and_duplicates_refused(site_store):
    with pytest.raises(StoreError, match="cannot be edited"):
        site_store.update_feature("campus", "c1", {"name": "x"}, 1, "alice")
    _camera(site_store)
    with pytest.raises(StoreError, match="already exists"):
        _camera(site_store)
