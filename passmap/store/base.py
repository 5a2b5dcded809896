"""The connection to the one DuckDB file: spatial extension, migrations, transactions.

DuckDB allows one read-write process per file (STACK.md). A Store is opened once per process
(the app caches it) and every thread works on its own ``cursor()``.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pyarrow as pa
import shapely

from passmap.clock import utc_now

SPATIAL_VERSION = "v1.5.5"
CRS = "OGC:CRS84"


class StoreError(Exception):
    """A store operation failed; the message is meant for a person."""


class StoreLockedError(StoreError):
    """The database file is held by another process."""


def spatial_extension_path() -> Path:
    """The signed spatial extension shipped by the pinned ``duckdb-extension-spatial`` wheel."""
    import duckdb_extension_spatial

    path = (
        Path(duckdb_extension_spatial.__file__).parent
        / "extensions"
        / SPATIAL_VERSION
        / "spatial.duckdb_extension"
    )
    if not path.exists():
        raise StoreError(
            f"The DuckDB spatial extension {SPATIAL_VERSION} is missing at {path}; "
            "install the pinned duckdb-extension-spatial wheel (make run does)."
        )
    return path


def _migrations() -> list[tuple[int, str, str]]:
    folder = resources.files("passmap.store") / "migrations"
    found = []
    for item in folder.iterdir():
        name = item.name
        if name.endswith(".sql") and name[:4].isdigit():
            found.append((int(name[:4]), name, item.read_text(encoding="utf-8")))
    return sorted(found)


def to_wkb(geom: Any) -> bytes | None:
    """shapely geometry, GeoJSON-like mapping or WKB -> WKB bytes (None stays None)."""
    if geom is None:
        return None
    if isinstance(geom, (bytes, bytearray, memoryview)):
        return bytes(geom)
    if isinstance(geom, dict):
        geom = shapely.geometry.shape(geom)
    return shapely.to_wkb(geom)


# One encoder for every JSON cell of a bulk write (json.dumps with options builds one a call).
_json_text = json.JSONEncoder(sort_keys=True, default=str).encode


def _json_texts(values: list) -> list:
    """``_json_text`` of each value (None stays None), the same text: one C encoder made once
    for the column (``JSONEncoder.encode`` builds a new one per value: about half the time of
    10,000 small property dicts). No circular-reference markers: these values come from
    parsed files and rows, which cannot hold cycles."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator (another Python): the plain encoder
        return [None if v is None else _json_text(v) for v in values]
    encode = make(
        None, str, json.encoder.encode_basestring_ascii, None, ": ", ", ", True, False, True
    )
    return [None if v is None else "".join(encode(v, 0)) for v in values]


FEW_ROWS = 32  # an import writes at most this many rows of a table as bound VALUES


def _plain_param(v) -> bool:
    """A value DuckDB binds as a parameter exactly as it reads it from a frame column (a NaN
    float is NULL in a frame, NaN as a parameter; numpy scalars and the rest take the frame)."""
    if v is None or type(v) in (str, bytes, bool):
        return True
    if type(v) is int:
        return -(2**63) <= v < 2**63
    return type(v) is float and v == v


def _wkb_column(values: list) -> list:
    """``to_wkb`` over a column: shapely geometries (and None) converted in one call."""
    if all(v is None or isinstance(v, shapely.Geometry) for v in values):
        return list(shapely.to_wkb(np.array(values, dtype=object)))
    return [to_wkb(v) for v in values]


def _private_files(path: Path) -> None:
    """The database, its write-ahead log and every file this process creates from now on are
    readable by their owner only (a school's security layout): the process umask gains 077,
    and an existing database file loses group and world access."""
    os.umask(os.umask(0o077) | 0o077)
    for file in (path, Path(f"{path}.wal")):
        if file.exists() and file.stat().st_mode & 0o077:
            os.chmod(file, 0o600)


class BaseStore:
    """Owns the DuckDB connection. Subclass mixins add named queries; no SQL lives elsewhere."""

    def __init__(self, path: str | Path, read_only: bool = False):
        self.path = Path(path)
        self.read_only = read_only
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            _private_files(self.path)
        elif not self.path.exists():
            raise StoreError(
                f"Database {self.path} does not exist; run `passmap demo` or `passmap init`."
            )
        try:
            self._con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.IOException as exc:
            if "lock" in str(exc).lower():
                raise StoreLockedError(
                    f"Database {self.path} is in use by another process "
                    "(DuckDB allows one writer); "
                    "stop the other PassMap process or point PASSMAP_DB at another file "
                    "(while the app server runs, its Live status and Gateways pages show and "
                    "change the same data)."
                ) from None
            raise StoreError(f"Cannot open database {self.path}: {exc}") from None
        self._con.execute(f"LOAD '{spatial_extension_path()}'")
        self._local = threading.local()
        self._columns: dict[str, list[str]] = {}
        self._json_cols: dict[str, set[str]] = {}
        if not read_only:
            self.migrate()

    # -- connection ---------------------------------------------------------------------------
    def cursor(self) -> duckdb.DuckDBPyConnection:
        """A cursor for the calling thread (DuckDB connections are not shared across threads)."""
        cur = getattr(self._local, "cur", None)
        if cur is None:
            cur = self._con.cursor()
            self._local.cur = cur
        return cur

    def _first_column(self, sql: str, params: list | None = None) -> list:
        """The first value of every row a query returns."""
        return [r[0] for r in self.cursor().execute(sql, params or []).fetchall()]

    def close(self) -> None:
        self._con.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """All or nothing: commit on success, roll back on any exception. What the writes
        noted with ``record_change`` is appended to the data-change log in the same commit."""
        cur = self.cursor()
        cur.execute("BEGIN TRANSACTION")
        self._local.changes = []
        try:
            yield cur
        except BaseException:
            self._local.changes = None
            cur.execute("ROLLBACK")
            raise
        pending, self._local.changes = self._local.changes, None
        if not pending:
            cur.execute("COMMIT")
            return
        try:
            self._commit_changes(cur, pending)
        except BaseException:
            try:
                cur.execute("ROLLBACK")
            except duckdb.Error:  # a failed COMMIT has already ended the transaction
                pass
            raise

    # -- schema -------------------------------------------------------------------------------
    def migrate(self) -> list[int]:
        """Apply numbered migrations not yet applied; returns the versions applied now."""
        con = self._con
        con.execute(
            "CREATE TABLE IF NOT EXISTS schema_version "
            "(version INTEGER PRIMARY KEY, name VARCHAR, applied_utc TIMESTAMP)"
        )
        done = {r[0] for r in con.execute("SELECT version FROM schema_version").fetchall()}
        applied = []
        for version, name, sql in _migrations():
            if version in done:
                continue
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute(sql)
                con.execute(
                    "INSERT INTO schema_version VALUES (?, ?, ?)", [version, name, utc_now()]
                )
                con.execute("COMMIT")
            except duckdb.Error as exc:
                con.execute("ROLLBACK")
                raise StoreError(f"Migration {name} failed on {self.path}: {exc}") from None
            applied.append(version)
        self._columns.clear()
        self._json_cols.clear()
        return applied

    def schema_versions(self) -> list[int]:
        return self._first_column("SELECT version FROM schema_version ORDER BY version")

    def columns(self, table: str) -> list[str]:
        if table not in self._columns:
            self._load_catalog()
            if table not in self._columns:
                raise StoreError(f"Unknown table {table!r}.")
        return self._columns[table]

    def _load_catalog(self) -> None:
        """Every table's columns and JSON columns in one query (a catalog query costs ~10-30 ms
        however little it asks for; only migrations change the answer)."""
        rows = (
            self.cursor()
            .execute(
                "SELECT table_name, column_name, data_type FROM duckdb_columns() "
                "ORDER BY table_name, column_index"
            )
            .fetchall()
        )
        columns: dict[str, list[str]] = {}
        json_cols: dict[str, set[str]] = {}
        for table, column, data_type in rows:
            columns.setdefault(table, []).append(column)
            found = json_cols.setdefault(table, set())
            if data_type == "JSON":
                found.add(column)
        self._columns.update(columns)
        self._json_cols.update(json_cols)

    def _primary_key(self, table: str) -> list[str]:
        row = (
            self.cursor()
            .execute(
                "SELECT constraint_column_names FROM duckdb_constraints() "
                "WHERE table_name = ? AND constraint_type = 'PRIMARY KEY'",
                [table],
            )
            .fetchone()
        )
        if not row:
            raise StoreError(f"Table {table!r} has no primary key to upsert on.")
        return list(row[0])

    def _json_columns(self, table: str) -> set[str]:
        """The table's JSON columns (cached like ``columns``: only migrations change them)."""
        if table not in self._json_cols:
            self._load_catalog()
        return self._json_cols.get(table, set())

    # -- bulk writes --------------------------------------------------------------------------
    def _rows_values(self, table: str, rows: list[dict], cols: list[str]) -> dict[str, list]:
        """Dict rows -> column lists: geometry as WKB, JSON columns as text."""
        json_cols = self._json_columns(table)
        data = {}
        for c in cols:
            values = [r.get(c) for r in rows]
            if c == "geom":
                values = _wkb_column(values)
            elif c in json_cols:
                values = _json_texts(values)
            data[c] = values
        return data

    def _rows_frame(self, table: str, rows: list[dict], cols: list[str], arrow: bool = False):
        """Dict rows -> a table DuckDB can scan (see ``_rows_values``).

        ``arrow`` (bulk imports): an Arrow table, which DuckDB scans without looking at each
        Python object (10,000 rows in a few ms, a pandas frame of objects ~10x that); a column
        Arrow cannot type (mixed text and numbers) sends the whole frame through pandas."""
        data = self._rows_values(table, rows, cols)
        if arrow:
            try:
                return pa.table({c: pa.array(v, from_pandas=True) for c, v in data.items()})
            except (pa.ArrowException, TypeError, ValueError, OverflowError):
                pass
        return pd.DataFrame(data)

    def _insert_rows(
        self, cur, table: str, rows: list[dict], upsert: bool = False, bulk: bool = False
    ) -> int:
        """Insert dict rows (geometry under 'geom' as shapely/GeoJSON/WKB) in one statement.

        ``bulk`` (an import's write): many rows go as an Arrow table (``_rows_frame``), a few
        (the district, campus, building and levels of a file) as bound VALUES: scanning a
        registered table costs DuckDB ~5-10 ms however small it is, VALUES ~1 ms."""
        if not rows:
            return 0
        given = set().union(*(r.keys() for r in rows))
        unknown = given - set(self.columns(table))
        if unknown:
            raise StoreError(f"Unknown {table} field(s): {', '.join(sorted(unknown))}.")
        self._check_references(cur, table, rows)  # rooms, doors, controls, walls (references.py)
        # Only the columns some row sets, so the others keep their DEFAULTs.
        cols = [c for c in self.columns(table) if c in given]
        conflict = ""
        if upsert:
            # An explicit target: tables with a second unique key (control.external_id) refuse
            # a bare INSERT OR REPLACE.
            key = self._primary_key(table)
            updates = ", ".join(f'"{c}" = EXCLUDED."{c}"' for c in cols if c not in key)
            target = ", ".join(key)
            conflict = (
                f" ON CONFLICT ({target}) DO UPDATE SET {updates}"
                if updates
                else f" ON CONFLICT ({target}) DO NOTHING"
            )
        insert = f"INSERT INTO {table} ({', '.join(cols)})"
        if bulk and len(rows) <= FEW_ROWS:
            data = self._rows_values(table, rows, cols)
            params = [data[c][i] for i in range(len(rows)) for c in cols]
            if all(_plain_param(v) for v in params):
                one = ", ".join("ST_GeomFromWKB(?)" if c == "geom" else "?" for c in cols)
                cur.execute(
                    f"{insert} VALUES {', '.join([f'({one})'] * len(rows))}{conflict}", params
                )
                return len(rows)
        frame = self._rows_frame(table, rows, cols, arrow=bulk)
        select = ", ".join("ST_GeomFromWKB(geom)" if c == "geom" else f'"{c}"' for c in cols)
        cur.register("_rows", frame)
        try:
            cur.execute(f"{insert} SELECT {select} FROM _rows{conflict}")
        finally:
            cur.unregister("_rows")
        return len(rows)

    def audit(
        self,
        cur,
        actor: str,
        action: str,
        entity_type: str | None = None,
        entity_id: str | None = None,
        before: Any = None,
        after: Any = None,
    ) -> None:
        """Append one audit record inside the caller's transaction."""
        import uuid

        cur.execute(
            "INSERT INTO audit_log VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                uuid.uuid4().hex,
                utc_now(),
                actor,
                action,
                entity_type,
                entity_id,
                None if before is None else json.dumps(before, default=str),
                None if after is None else json.dumps(after, default=str),
            ],
        )
