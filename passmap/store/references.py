"""The campus, building and level a room, door, control or wall refers to must exist.

Since migration 0008 these four tables carry no DuckDB FOREIGN KEY constraints (DuckDB checked
every row against the parent's index and kept one more index per reference: ~35 ms of CPU for
10,000 imported rooms, more than reading the file). Every write of their rows checks the
references here instead, inside the writer's transaction and BEFORE the rows are written, so
a refused write leaves the database as it was: ``BaseStore._insert_rows`` (imports, the demo,
the editor's create, undo) and the two UPDATE paths (an import's update of existing rows,
``update_feature``). No code deletes a campus, building or level; DuckDB's own constraints
still keep buildings on campuses and levels in buildings.

>>> import tempfile, pathlib
>>> from passmap.store import Store
>>> s = Store(pathlib.Path(tempfile.mkdtemp()) / "t.duckdb")
>>> done = s.apply_import({"district": [{"id": "d", "name": "D"}],
...                        "campus": [{"id": "c", "district_id": "d", "name": "C"}]}, "me", "doc")
>>> try:
...     s.create_feature("control", {"id": "cam1", "campus_id": "c", "level_id": "L9",
...                      "type": "camera", "geom": {"type": "Point", "coordinates": [0, 0]}}, "me")
... except MissingReference as exc:
...     print(exc)
control 'cam1' refers to level 'L9', which is not in the database; nothing was written.
>>> s.table_counts()["control"]
0
"""

from __future__ import annotations

from passmap.store.base import StoreError

CHILD_TABLES = ("zone", "opening", "control", "wall")
PARENTS = (("campus_id", "campus"), ("building_id", "building"), ("level_id", "level"))
# One statement for the three parents: the ids asked are the distinct ones (an import's 10,000
# rooms name one campus, one building and one level).
_MISSING = " UNION ALL ".join(
    f"(SELECT '{column}', x FROM unnest(?::VARCHAR[]) AS t(x) "
    f"WHERE x NOT IN (SELECT id FROM {parent}) LIMIT 1)"
    for column, parent in PARENTS
)


class MissingReference(StoreError):
    """A row refers to a campus, building or level that does not exist."""


class ReferencesMixin:
    def _check_references(self, cur, table: str, rows: list[dict]) -> None:
        """Refuse (``MissingReference``, one sentence) rows of a child table whose campus,
        building or level is not in the database as ``cur``'s transaction sees it."""
        if table not in CHILD_TABLES or not rows:
            return
        wanted = []
        for column, _ in PARENTS:
            ids = {r.get(column) for r in rows}
            ids.discard(None)
            wanted.append(sorted(str(i) for i in ids))
        if not any(wanted):
            return
        found = cur.execute(_MISSING, wanted).fetchone()
        if found is None:
            return
        column, missing = found
        parent = dict(PARENTS)[column]
        row = next(r for r in rows if r.get(column) is not None and str(r[column]) == missing)
        raise MissingReference(
            f"{table} {row.get('id')!r} refers to {parent} {missing!r}, which is not in the "
            "database; nothing was written."
        )
