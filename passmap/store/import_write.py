"""Writing an import bundle: create new rows, update existing ones, one transaction, audited.

Used by ``EditingMixin.apply_import``; kept apart so editing.py stays small.
"""

from __future__ import annotations

import json

import pandas as pd

from passmap.store.base import StoreError, to_wkb

IMPORT_TABLES = ("district", "campus", "building", "level", "zone", "opening", "control", "wall")
VERSIONED = ("zone", "opening", "control", "wall")
# DuckDB turns an UPDATE of an indexed (foreign key) column into delete + insert, which fails
# while children reference the row; an import never re-parents these, so their keys stay put.
REFERENCED = {"district": (), "campus": ("district_id",), "building": ("campus_id",),
              "level": ("building_id",)}


class _DryRun(Exception):
    """Raised inside the transaction to roll a dry run back."""


def _frame(store, table: str, rows: list[dict], cols: list[str]) -> pd.DataFrame:
    json_cols = store._json_columns(table)
    data = {}
    for c in cols:
        values = [r.get(c) for r in rows]
        if c == "geom":
            values = [to_wkb(v) for v in values]
        elif c in json_cols:
            values = [None if v is None else json.dumps(v, sort_keys=True, default=str)
                      for v in values]
        data[c] = values
    return pd.DataFrame(data)


def _existing_ids(cur, table: str, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    cur.register("_ids", pd.DataFrame({"id": ids}))
    try:
        rows = cur.execute(f"SELECT t.id FROM {table} t JOIN _ids USING (id)").fetchall()
    finally:
        cur.unregister("_ids")
    return {r[0] for r in rows}


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
        sets = [f'"{c}" = ST_GeomFromWKB(r.geom)' if c == "geom" else f'"{c}" = r."{c}"'
                for c in cols]
        if table in VERSIONED:
            sets.append("version = t.version + 1")
        cur.register("_upd", _frame(store, table, group, ["id"] + cols))
        try:
            cur.execute(f"UPDATE {table} AS t SET {', '.join(sets)} FROM _upd r WHERE t.id = r.id")
        finally:
            cur.unregister("_upd")
    return len(rows)


def write_bundle(store, bundle: dict[str, list[dict]], actor: str, label: str,
                 dry_run: bool = False) -> dict[str, dict[str, int]]:
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
            for table in IMPORT_TABLES:
                rows = bundle.get(table) or []
                if not rows:
                    continue
                have = _existing_ids(cur, table, [str(r["id"]) for r in rows])
                new = [r for r in rows if str(r["id"]) not in have]
                old = [r for r in rows if str(r["id"]) in have]
                store._insert_rows(cur, table, new)
                update_rows(store, cur, table, old)
                counts[table] = {"created": len(new), "updated": len(old)}
            store.audit(cur, actor, "import", "import", label, after={"counts": counts})
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    except StoreError:
        raise
    except Exception as exc:  # a constraint of the database itself (foreign key, unique...)
        raise StoreError(f"{label}: the database refused the import ({_short(exc)}); "
                         "nothing was written.") from None
    return counts


def _short(exc: Exception) -> str:
    return str(exc).splitlines()[0][:300]
