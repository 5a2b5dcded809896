"""Writing an import bundle: create new rows, update existing ones, one transaction, audited.

Used by ``EditingMixin.apply_import``; kept apart so editing.py stays small.
"""

from __future__ import annotations

import duckdb
import pyarrow as pa

from passmap.store.base import StoreError, to_wkb
from passmap.store.references import MissingReference

IMPORT_TABLES = ("district", "campus", "building", "level", "zone", "opening", "control", "wall")
VERSIONED = ("zone", "opening", "control", "wall")
# DuckDB turns an UPDATE of an indexed (foreign key) column, or of a GEOMETRY column, into
# delete + insert, which fails while children reference the row. An import never re-parents
# these rows, and their geometry is kept when it changed (counted as geometry_kept). Levels
# keep this rule although rooms, doors, controls and walls no longer hold DuckDB foreign keys
# (migration 0008): a re-import keeps behaving as before.
REFERENCED = {
    "district": (),
    "campus": ("district_id",),
    "building": ("campus_id",),
    "level": ("building_id",),
}


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _frame(store, table: str, rows: list[dict], cols: list[str]):
    return store._rows_frame(table, rows, cols, arrow=True)


def _id_table(ids: list[str]) -> pa.Table:
    return pa.table({"id": pa.array(ids, pa.string())})


def _existing_ids(cur, ids: dict[str, list[str]]) -> dict[str, set[str]]:
    """The ids of each table (``{table: [id, ...]}``) already in the database, in ONE query
    (a statement costs DuckDB ~5-10 ms however small: one per table added up)."""
    out: dict[str, set[str]] = {t: set() for t in ids}
    tables = [t for t in IMPORT_TABLES if ids.get(t)]
    if not tables:
        return out
    keys = pa.table(
        {
            "tbl": pa.array([t for t in tables for _ in ids[t]], pa.string()),
            "id": pa.array([i for t in tables for i in ids[t]], pa.string()),
        }
    )
    union = " UNION ALL ".join(
        f"SELECT '{t}' AS tbl, t.id FROM {t} t JOIN _ids k ON k.tbl = '{t}' AND k.id = t.id"
        for t in tables
    )
    cur.register("_ids", keys)
    try:
        for table, found in cur.execute(union).fetchall():
            out[table].add(found)
    finally:
        cur.unregister("_ids")
    return out


def update_rows(store, cur, table: str, rows: list[dict]) -> int:
    """UPDATE existing rows by id with the columns each row carries (grouped by column set)."""
    groups: dict[tuple, list[dict]] = {}
    for r in rows:
        groups.setdefault(tuple(sorted(r)), []).append(r)
    known = set(store.columns(table))
    for keys, group in groups.items():
        unknown = set(keys) - known
        if unknown:
            raise StoreError(f"Unknown {table} field(s): {', '.join(sorted(unknown))}.")
        cols = [k for k in keys if k != "id" and k not in REFERENCED.get(table, ())]
        if not cols:
            continue
        store._check_references(cur, table, group)
        sets = [
            f'"{c}" = ST_GeomFromWKB(r.geom)' if c == "geom" else f'"{c}" = r."{c}"' for c in cols
        ]
        if table in VERSIONED:
            sets.append("version = t.version + 1")
        cur.register("_upd", _frame(store, table, group, ["id"] + cols))
        try:
            cur.execute(f"UPDATE {table} AS t SET {', '.join(sets)} FROM _upd r WHERE t.id = r.id")
        finally:
            cur.unregister("_upd")
    return len(rows)


def _drop_parent_geometry(cur, table: str, rows: list[dict]) -> int:
    """Remove ``geom`` from updates of referenced tables; count rows whose geometry differed."""
    if table not in REFERENCED or not rows:
        return 0
    import shapely

    ids = [str(r["id"]) for r in rows if r.get("geom") is not None]
    stored = {}
    if ids:
        cur.register("_gid", _id_table(ids))
        try:
            stored = dict(
                cur.execute(
                    f"SELECT t.id, ST_AsWKB(t.geom) FROM {table} t JOIN _gid USING (id)"
                ).fetchall()
            )
        finally:
            cur.unregister("_gid")
    differ = 0
    for r in rows:
        new = r.pop("geom", None)
        old = stored.get(str(r["id"]))
        if new is None:
            continue
        new_g = shapely.from_wkb(to_wkb(new))
        if old is None or not shapely.equals_exact(shapely.from_wkb(bytes(old)), new_g, 1e-9):
            differ += 1
    return differ


def write_bundle(
    store, bundle: dict[str, list[dict]], actor: str, label: str, dry_run: bool = False
) -> dict[str, dict[str, int]]:
    """Create or update every row of ``bundle`` in ONE transaction; all or nothing.

    Returns ``{table: {"created": n, "updated": m}}``. ``dry_run`` does all the work (so the
    database's own constraints are checked too) and rolls back.
    """
    unknown = set(bundle) - set(IMPORT_TABLES)
    if unknown:
        raise StoreError(f"Unknown table(s) in import: {', '.join(sorted(unknown))}.")
    counts: dict[str, dict[str, int]] = {}
    try:
        with store.transaction() as cur:
            existing = _existing_ids(
                cur, {t: [str(r["id"]) for r in bundle.get(t) or []] for t in IMPORT_TABLES}
            )
            for table in IMPORT_TABLES:
                rows = bundle.get(table) or []
                if not rows:
                    continue
                have = existing[table]
                new = [r for r in rows if str(r["id"]) not in have]
                old = [dict(r) for r in rows if str(r["id"]) in have]
                store._insert_rows(cur, table, new, bulk=True)
                kept = _drop_parent_geometry(cur, table, old)
                update_rows(store, cur, table, old)
                counts[table] = {"created": len(new), "updated": len(old)}
                if kept:
                    counts[table]["geometry_kept"] = kept
            store.record_bundle_change(cur, bundle)
            store.audit(cur, actor, "import", "import", label, after={"counts": counts})
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except MissingReference as exc:
        raise MissingReference(f"{label}: {exc}") from None
    except duckdb.Error as exc:  # a constraint of the database itself (foreign key, unique...)
        raise StoreError(
            f"{label}: the database refused the import ({_short(exc)}); nothing was written."
        ) from None
    return counts


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300]
