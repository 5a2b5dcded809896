"""Rooms, doors, controls and walls must name a campus, building and level that exist: checked
by the store in the writing transaction since migration 0008 took DuckDB's foreign keys off
these tables (issue 14: the import's write). Every writer is refused with one sentence and the
database is left as it was; a database made before 0008 keeps its rows through the rebuild."""

import duckdb
import pytest
from shapely.geometry import Point, box

import passmap.store.base as store_base
from passmap.store import Store, StoreError
from passmap.store.references import MissingReference
from tests.store.test_store import LAT, LON, site_bundle

CHILDREN = ("zone", "opening", "control", "wall")


def _constraints(store: Store) -> set[tuple[str, str]]:
    rows = (
        store.cursor()
        .execute(
            "SELECT table_name, constraint_text FROM duckdb_constraints() "
            "WHERE constraint_type IN ('FOREIGN KEY', 'PRIMARY KEY', 'UNIQUE')"
        )
        .fetchall()
    )
    return set(rows)


def test_a_database_made_before_0008_keeps_every_row_and_loses_only_the_child_keys(
    tmp_db, monkeypatch
):
    every = store_base._migrations
    monkeypatch.setattr(store_base, "_migrations", lambda: [m for m in every() if m[0] < 8])
    wall = {"id": "w1", "campus_id": "c1", "building_id": "b1", "level_id": "l1"}
    with Store(tmp_db) as old:
        old.write_sites(site_bundle())
        old.apply_import(
            {"wall": [wall | {"geom": box(LON, LAT, LON + 1e-5, LAT + 1e-5)}]}, "me", "doc"
        )
        assert old.schema_versions()[-1] == 7
        before, old_keys = old.site_checksum(), _constraints(old)
    assert ("zone", "FOREIGN KEY (level_id) REFERENCES level(id)") in old_keys
    monkeypatch.setattr(store_base, "_migrations", every)
    with Store(tmp_db) as store:
        assert 8 in store.schema_versions()  # and any later migration
        assert store.site_checksum() == before
        keys = _constraints(store)
        assert keys == {
            k for k in old_keys if not (k[0] in CHILDREN and k[1].startswith("FOREIGN KEY"))
        }
        assert ("control", "UNIQUE(external_id)") in keys
        assert ("level", "FOREIGN KEY (building_id) REFERENCES building(id)") in keys
        with pytest.raises(MissingReference, match="zone 'z1' refers to level 'gone'"):
            store.update_feature("zone", "z1", {"level_id": "gone"}, 1, actor="me")
        assert store.get("zone", "z1")["version"] == 1


PARENTS = ("district", "campus", "building", "level")


@pytest.mark.parametrize("table", CHILDREN)
@pytest.mark.parametrize("column", ["campus_id", "building_id", "level_id"])
def test_every_writer_refuses_a_missing_parent_and_writes_nothing(tmp_db, table, column):
    extra = {"zone": {"kind": "classroom"}, "opening": {"door_class": "interior"}}
    extra["control"] = {"type": "camera"}
    good = {"id": f"{table}-x", "campus_id": "c1", "building_id": "b1", "level_id": "l1"}
    good |= {"geom": Point(LON, LAT), **extra.get(table, {})}
    child = dict(good, **{column: "nope"})
    parent = column.removesuffix("_id")
    said = f"{table} '{table}-x' refers to {parent} 'nope', which is not in the database"
    new_level = {"id": "l2", "building_id": "b1", "ordinal": 1, "name": "L2"}
    with Store(tmp_db) as store:
        store.apply_import({t: site_bundle()[t] for t in PARENTS}, "me", "doc")
        counts, checksum = store.table_counts(), store.site_checksum()
        with pytest.raises(MissingReference, match=f"^doc: {said}; nothing was written.$"):
            store.apply_import({"level": [new_level], table: [child]}, "me", "doc")
        if table != "wall":
            with pytest.raises(MissingReference, match=said):
                store.write_sites({table: [child]})
            with pytest.raises(MissingReference, match=said):
                store.create_feature(table, child, actor="me")
        assert store.table_counts() == counts and store.site_checksum() == checksum
        # an existing row: an import updating it to a missing parent is refused the same way
        store.apply_import({table: [good]}, "me", "doc")
        checksum = store.site_checksum()
        with pytest.raises(MissingReference, match=said):
            store.apply_import({table: [child]}, "me", "doc")
        if table != "wall":
            with pytest.raises(MissingReference, match=said):
                store.update_feature(table, f"{table}-x", {column: "nope"}, 1, actor="me")
        assert store.site_checksum() == checksum


def test_parents_keep_their_duckdb_keys(tmp_db):
    bad = site_bundle()
    bad["level"][0]["building_id"] = "nope"
    with Store(tmp_db) as store:
        with pytest.raises(duckdb.ConstraintException, match="foreign key"):
            store.write_sites({t: bad[t] for t in ("district", "campus", "building", "level")})
        with pytest.raises(StoreError, match="the database refused the import"):
            store.apply_import(
                {t: bad[t] for t in ("district", "campus", "building", "level")}, "me", "doc"
            )
        assert store.table_counts()["level"] == 0
