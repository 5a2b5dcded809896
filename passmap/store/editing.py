"""Named queries for editing: create / move / update / delete of controls, zones and openings
with optimistic concurrency (the ``version`` column), every change audited, undo of the last one;
and the one-transaction write of an import bundle.

>>> import tempfile, pathlib
>>> from passmap.store import Store
>>> s = Store(pathlib.Path(tempfile.mkdtemp()) / "t.duckdb")
>>> s.apply_import({"district": [{"id": "d", "name": "D"}],
...                 "campus": [{"id": "c", "district_id": "d", "name": "C"}]}, "me", "doc")
{'district': {'created': 1, 'updated': 0}, 'campus': {'created': 1, 'updated': 0}}
>>> cid = s.create_feature("control", {"id": "cam1", "campus_id": "c", "type": "camera",
...                        "geom": {"type": "Point", "coordinates": [0, 0]}}, actor="me")
>>> s.update_feature("control", "cam1", {"bearing_deg": 90}, expected_version=1, actor="me")
2
>>> s.undo_last(actor="me")["action"]
'update'
"""

from __future__ import annotations

import json
import shutil
import threading
from datetime import date, datetime
from pathlib import Path
from typing import Any

from shapely.geometry import mapping, shape

from passmap.store.base import StoreError
from passmap.store.import_write import write_bundle
from passmap.values import is_missing

EDITABLE = ("control", "zone", "opening")
# Rows keyed by more than an id that the app edits with the same audit and undo: the
# written procedure of a device type, a checklist status.
KEYED = {"type_procedure": ("scope_id", "control_type"), "attestation": ("practice_id", "scope_id")}
EDIT_ACTIONS = ("create", "update", "delete")
_COPY_LOCK = threading.Lock()
# The zone a control is in, from where it is: its point (a line's middle, an area's inside)
# inside a zone of the same level (the grounds: no level), the smallest such zone first.
# ``control.zone_id`` is only a cache of this for maps and panels; the engine derives it itself.
_ZONE_OF_CONTROLS = """
UPDATE control AS c SET zone_id = (
    SELECT z.id FROM zone z
    WHERE z.campus_id = c.campus_id AND z.level_id IS NOT DISTINCT FROM c.level_id
      AND ST_Intersects(z.geom, CASE ST_GeometryType(c.geom)
            WHEN 'POINT' THEN c.geom
            WHEN 'LINESTRING' THEN ST_LineInterpolatePoint(c.geom, 0.5)
            ELSE ST_PointOnSurface(c.geom) END)
    ORDER BY ST_Area(z.geom), z.id LIMIT 1)
WHERE c.campus_id = ? AND (?::VARCHAR IS NULL OR c.id = ?)
  AND (NOT ? OR c.level_id IS NOT DISTINCT FROM ?)
"""


class ConcurrencyError(StoreError):
    """The object changed since the editor loaded it; the save is refused, nothing lost."""


def _plain(row: dict) -> dict:
    """A stored row as JSON-safe values (geometry as GeoJSON) for the audit log."""
    out = {}
    for k, v in row.items():
        if k == "geometry":
            k, v = "geom", (None if v is None else mapping(v))
        elif isinstance(v, (datetime, date)):
            v = v.isoformat()
        elif hasattr(v, "item"):  # numpy scalars
            v = v.item()
        if is_missing(v):
            v = None
        out[k] = v
    return out


def _restorable(row: dict) -> dict:
    out = dict(row)
    if out.get("geom") is not None and isinstance(out["geom"], dict):
        out["geom"] = shape(out["geom"])
    return out


class EditingMixin:
    # -- imports --------------------------------------------------------------------------------
    def apply_import(
        self, bundle: dict[str, list[dict]], actor: str, label: str, dry_run: bool = False
    ) -> dict[str, dict[str, int]]:
        """Create or update the bundle's rows in one transaction (see import_write)."""
        return write_bundle(self, bundle, actor, label, dry_run)

    def list_walls(self, level_id: str):
        import geopandas as gpd

        arrow = (
            self.cursor()
            .execute(
                "SELECT id, level_id, geom AS geometry FROM wall WHERE level_id = ? ORDER BY id",
                [level_id],
            )
            .to_arrow_table()
        )
        return gpd.GeoDataFrame.from_arrow(arrow)

    def wall_rows(self) -> list[tuple[dict, Any]]:
        """Every wall as (attributes, shapely geometry), for the GeoJSON export."""
        import shapely

        rows = (
            self.cursor()
            .execute(
                "SELECT id, campus_id, building_id, level_id, props, ST_AsWKB(geom) FROM wall "
                "ORDER BY id"
            )
            .fetchall()
        )
        return [
            (
                {
                    "id": r[0],
                    "campus_id": r[1],
                    "building_id": r[2],
                    "level_id": r[3],
                    "props": json.loads(r[4]) if r[4] else None,
                },
                shapely.from_wkb(bytes(r[5])),
            )
            for r in rows
        ]

    def table_counts(self) -> dict[str, int]:
        """Row counts of every table (tests compare them before and after a refused import)."""
        cur = self.cursor()
        names = [
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM duckdb_tables() WHERE schema_name = 'main' ORDER BY 1"
            ).fetchall()
        ]
        return {n: cur.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}

    def site_checksum(self) -> str:
        """A hash over every site row (ids, attributes and geometry)."""
        cur = self.cursor()
        parts = []
        for t in ("district", "campus", "building", "level", "zone", "opening", "control", "wall"):
            parts.append(
                str(
                    cur.execute(
                        f"SELECT count(*), coalesce(sum(hash(t::VARCHAR)), 0) FROM {t} t"
                    ).fetchone()
                )
            )
        return "|".join(parts)

    def copy_database(self, out_path) -> int:
        """Checkpoint (so the file holds every committed change) and copy the file."""
        out_path = Path(out_path)
        if out_path.resolve() == Path(self.path).resolve():
            raise StoreError("The copy must go to another file than the database itself.")
        out_path.parent.mkdir(parents=True, exist_ok=True)
        with _COPY_LOCK:
            self.cursor().execute("CHECKPOINT")
            shutil.copyfile(self.path, out_path)
        return out_path.stat().st_size

    # -- edits --------------------------------------------------------------------------------
    def _check_table(self, table: str) -> None:
        if table not in EDITABLE:
            raise StoreError(f"{table!r} cannot be edited here (only {', '.join(EDITABLE)}).")

    def create_feature(self, table: str, row: dict, actor: str) -> str:
        """Insert one control/zone/opening (geometry under ``geom``); audited."""
        self._check_table(table)
        if not row.get("id"):
            raise StoreError(f"A new {table} needs an id.")
        if self.get(table, row["id"]) is not None:
            raise StoreError(f"A {table} with id {row['id']!r} already exists.")
        row = {k: v for k, v in row.items() if k != "version"}
        with self.transaction() as cur:
            self._insert_rows(cur, table, [row])
            self._after_write(cur, table, row["id"], None)
            after = _plain(self.get(table, row["id"]))
            self.audit(cur, actor, "create", table, row["id"], None, after)
        return row["id"]

    def _after_write(self, cur, table: str, entity_id: str, before: dict | None) -> None:
        """Inside an edit's transaction: keep cached control zones in step with the geometry
        and note the campuses the edit touched (the row's before and after)."""
        after = cur.execute(
            f"SELECT campus_id, level_id FROM {table} WHERE id = ?", [entity_id]
        ).fetchone()
        campuses = {(before or {}).get("campus_id"), after[0] if after else None}
        if table == "control" and after is not None:
            cur.execute(_ZONE_OF_CONTROLS, [after[0], entity_id, entity_id, False, None])
        elif table == "zone":  # the controls of the level(s) the zone left or entered
            for campus, level in {
                ((before or {}).get("campus_id"), (before or {}).get("level_id")),
                tuple(after) if after else (None, None),
            }:
                if campus is not None:
                    cur.execute(_ZONE_OF_CONTROLS, [campus, None, None, True, level])
        self.record_change("site", campus_ids=campuses)

    def _current(self, table: str, entity_id: str, expected_version: int | None) -> dict:
        self._check_table(table)
        current = self.get(table, entity_id)
        if current is None:
            raise StoreError(f"{table} {entity_id!r} no longer exists (deleted by someone else?).")
        have = int(current["version"])
        if expected_version is not None and have != int(expected_version):
            raise ConcurrencyError(
                f"{table} {entity_id!r} was changed by someone else since you opened it "
                f"(it is now version {have}, you edited version {expected_version}); "
                "reload it and make your change again."
            )
        return current

    def update_feature(
        self, table: str, entity_id: str, changes: dict, expected_version: int | None, actor: str
    ) -> int:
        """Change some columns (``geom`` moves it); refused if the version is stale.

        Returns the new version.
        """
        current = self._current(table, entity_id, expected_version)
        changes = {k: v for k, v in changes.items() if k not in ("id", "version")}
        bad = set(changes) - set(self.columns(table))
        if bad:
            raise StoreError(f"Unknown {table} field(s): {', '.join(sorted(bad))}.")
        before = _plain(current)
        with self.transaction() as cur:
            n = self._update_versioned(cur, table, entity_id, changes, int(current["version"]))
            if n == 0:
                raise ConcurrencyError(
                    f"{table} {entity_id!r} was changed by someone else while "
                    "you saved; reload it and make your change again."
                )
            self._after_write(cur, table, entity_id, before)
            after = _plain(self.get(table, entity_id))
            self.audit(cur, actor, "update", table, entity_id, before, after)
        return int(after["version"])

    def move_feature(
        self, table: str, entity_id: str, geom: Any, expected_version: int | None, actor: str
    ) -> int:
        return self.update_feature(table, entity_id, {"geom": geom}, expected_version, actor)

    def _update_versioned(self, cur, table, entity_id, changes, version) -> int:
        from passmap.store.import_write import _frame

        self._check_references(cur, table, [dict(changes, id=entity_id)])
        cols = list(changes)
        sets = [
            f'"{c}" = ST_GeomFromWKB(r.geom)' if c == "geom" else f'"{c}" = r."{c}"' for c in cols
        ] + ["version = t.version + 1"]
        cur.register("_one", _frame(self, table, [dict(changes, id=entity_id)], ["id"] + cols))
        try:
            row = cur.execute(
                f"UPDATE {table} AS t SET {', '.join(sets)} FROM _one r "
                "WHERE t.id = r.id AND t.version = ? RETURNING t.id",
                [version],
            ).fetchall()
        finally:
            cur.unregister("_one")
        return len(row)

    def delete_feature(
        self, table: str, entity_id: str, expected_version: int | None, actor: str
    ) -> None:
        current = self._current(table, entity_id, expected_version)
        with self.transaction() as cur:
            cur.execute(
                f"DELETE FROM {table} WHERE id = ? AND version = ?",
                [entity_id, int(current["version"])],
            )
            self._after_write(cur, table, entity_id, _plain(current))
            self.audit(cur, actor, "delete", table, entity_id, _plain(current), None)

    # -- audit and undo -----------------------------------------------------------------------
    def audit_entries(
        self, limit: int = 50, entity_id: str | None = None, campus_scope=None
    ) -> list[dict]:
        """Newest first. ``campus_scope`` (a campus-scoped account's campuses; None = all): only
        the changes of zones, doors and controls on those campuses (by the object now, or by
        the campus recorded before or after the change), nothing district-wide."""
        scoped = campus_scope is not None
        campuses = list(campus_scope or [])
        rows = (
            self.cursor()
            .execute(
                "SELECT id, at_utc, actor, action, entity_type, entity_id, before, after "
                "FROM audit_log a "
                "WHERE (?::VARCHAR IS NULL OR entity_id = ?) AND (NOT ? OR ("
                " a.entity_type IN ('zone', 'opening', 'control') AND ("
                "a.entity_id IN (SELECT id FROM zone WHERE list_contains(?::VARCHAR[], campus_id) "
                " UNION ALL SELECT id FROM opening WHERE list_contains(?::VARCHAR[], campus_id) "
                " UNION ALL SELECT id FROM control WHERE list_contains(?::VARCHAR[], campus_id)) "
                "OR list_contains(?::VARCHAR[], json_extract_string(a.before, '$.campus_id')) "
                "OR list_contains(?::VARCHAR[], json_extract_string(a.after, '$.campus_id'))))) "
                "ORDER BY at_utc DESC LIMIT ?",
                [entity_id, entity_id, scoped, *[campuses] * 5, limit],
            )
            .fetchall()
        )
        keys = ("id", "at_utc", "actor", "action", "entity_type", "entity_id", "before", "after")
        out = [dict(zip(keys, r)) for r in rows]
        for r in out:
            for k in ("before", "after"):
                r[k] = json.loads(r[k]) if isinstance(r[k], str) else r[k]
        return out

    def _undone_ids(self) -> set[str]:
        return set(
            self._first_column(
                "SELECT json_extract_string(before, '$.undone') FROM audit_log "
                "WHERE action = 'undo'"
            )
        )

    def _edits(self, actor: str | None = None, entity: tuple | None = None) -> list[dict]:
        """Edit entries (newest first), without the ones already undone."""
        etype, eid = entity or (None, None)
        rows = (
            self.cursor()
            .execute(
                "SELECT id, at_utc, action, entity_type, entity_id, before, after FROM audit_log "
                "WHERE action IN ('create', 'update', 'delete') "
                "AND entity_type IN "
                "('control', 'zone', 'opening', 'type_procedure', 'attestation') "
                "AND (?::VARCHAR IS NULL OR actor = ?) AND (?::VARCHAR IS NULL OR entity_type = ?) "
                "AND (?::VARCHAR IS NULL OR entity_id = ?) ORDER BY at_utc DESC LIMIT 500",
                [actor, actor, etype, etype, eid, eid],
            )
            .fetchall()
        )
        undone = self._undone_ids()
        keys = ("id", "at_utc", "action", "entity_type", "entity_id", "before", "after")
        out = []
        for r in rows:
            if r[0] in undone:
                continue
            e = dict(zip(keys, r))
            for k in ("before", "after"):
                e[k] = json.loads(e[k]) if isinstance(e[k], str) else e[k]
            out.append(e)
        return out

    def undo_last(self, actor: str) -> dict:
        """Undo ``actor``'s most recent create/update/delete; audited as undo by ``actor``.

        Refused when the object changed again since (its version moved on).
        """
        mine = self._edits(actor)
        if not mine:
            raise StoreError("Nothing to undo.")
        entry = mine[0]
        table, eid = entry["entity_type"], entry["entity_id"]
        latest = self._edits(entity=(table, eid))[0]
        if table in KEYED:
            if latest["id"] != entry["id"]:
                raise ConcurrencyError(
                    f"Cannot undo the change of {table.replace('_', ' ')} {eid!r}: it was "
                    "changed again since; undo that change first."
                )
            self._undo_keyed(entry, actor)
            return entry
        current = self.get(table, eid)
        if latest["id"] != entry["id"] or (entry["action"] == "delete") != (current is None):
            raise ConcurrencyError(
                f"Cannot undo the {entry['action']} of {table} {eid!r}: it "
                "was changed again since; undo that change first."
            )
        with self.transaction() as cur:
            if entry["action"] == "create":
                cur.execute(f"DELETE FROM {table} WHERE id = ?", [eid])
            elif entry["action"] == "delete":
                self._insert_rows(cur, table, [_restorable(entry["before"])])
            else:
                before = _restorable(entry["before"])
                before.pop("version", None)
                self._update_versioned(
                    cur,
                    table,
                    eid,
                    {k: v for k, v in before.items() if k != "id"},
                    int(current["version"]),
                )
            self._after_write(cur, table, eid, entry["after"] or entry["before"])
            self._audit_undo(cur, actor, entry)
        return entry

    def _audit_undo(self, cur, actor: str, entry: dict) -> None:
        table, eid = entry["entity_type"], entry["entity_id"]
        audit = ({"undone": entry["id"]}, {"action": entry["action"]})
        self.audit(cur, actor, "undo", table, eid, *audit)

    def _undo_keyed(self, entry: dict, actor: str) -> None:
        """Put a keyed row (procedure of a type, checklist status) back as it was before."""
        table, eid = entry["entity_type"], entry["entity_id"]
        keys = KEYED[table]
        values = eid.split("|", 1)
        with self.transaction() as cur:
            cur.execute(f"DELETE FROM {table} WHERE {keys[0]} = ? AND {keys[1]} = ?", values)
            if entry["before"]:
                self._insert_rows(cur, table, [entry["before"]])
            self._record_keyed(cur, table, values)
            self._audit_undo(cur, actor, entry)

    def _record_keyed(self, cur, table: str, values: list) -> None:
        """The data change of a keyed row: a campus's procedure touches that campus, the
        district's every campus; a checklist status its scope."""
        if table == "attestation":
            self.record_change("checklist", scope_ids=[values[1]])
            return
        campus = cur.execute("SELECT id FROM campus WHERE id = ?", [values[0]]).fetchone()
        self.record_change(
            "procedure", campus_ids=[campus[0]] if campus else (), is_global=campus is None
        )

    def set_attestation(self, row: dict, actor: str) -> None:
        """Record one checklist status from the app (practice_id, scope_id, status, evidence_doc,
        assessed_by, assessed_at, note), audited with its previous value so it can be undone."""
        key = [row["practice_id"], row["scope_id"]]
        before = self._keyed_row("attestation", key)
        with self.transaction() as cur:
            cur.execute("DELETE FROM attestation WHERE practice_id = ? AND scope_id = ?", key)
            self._insert_rows(cur, "attestation", [row])
            self._record_keyed(cur, "attestation", key)
            self.audit(cur, actor, "update", "attestation", "|".join(key), before, _plain(row))

    def _keyed_row(self, table: str, values: list) -> dict | None:
        keys = KEYED[table]
        frame = (
            self.cursor()
            .execute(f"SELECT * FROM {table} WHERE {keys[0]} = ? AND {keys[1]} = ?", values)
            .df()
        )
        return None if frame.empty else _plain(frame.iloc[0].to_dict())


__all__ = ["EditingMixin", "ConcurrencyError", "KEYED"]
