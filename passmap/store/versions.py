"""The data version: one number that moves with every committed write a page could show, and
the log of what each write touched, so readers update only what changed.

Writers call ``record_change`` inside their transaction; ``BaseStore.transaction`` appends the
row at commit under a per-file lock, so versions follow commit order. Two counters are kept:
``data_version`` (site model, catalog, checklist, procedures: the design assessment) and
``live_version`` (also device statuses: the effective assessment).

>>> import tempfile, pathlib
>>> from passmap.store import Store
>>> s = Store(pathlib.Path(tempfile.mkdtemp()) / "v.duckdb")
>>> v0 = s.data_version()
>>> s.apply_import({"district": [{"id": "d", "name": "D"}]}, "me", "doc") and None
>>> s.data_version() == v0 + 1, s.data_changes_since(v0)[0]["is_global"]
(True, True)
"""

from __future__ import annotations

import functools
import threading
from pathlib import Path

from passmap.store.base import utc_now

KINDS = ("site", "catalog", "checklist", "procedure", "status", "verification")
# Kinds no assessment reads: they move data_version (pages show them: a walk-through stamp) but
# the assessment service only takes the newer version.
NOT_ASSESSED = ("verification",)
KEEP_ROWS = 20_000  # the log kept; a reader further behind re-reads everything
_LOCK = threading.Lock()
_FILES: dict[str, dict] = {}  # resolved path -> {"lock", "data", "live"} shared by Stores of a file


def _file_state(store) -> dict:
    key = store._versions_key
    with _LOCK:
        state = _FILES.get(key)
        if state is None:
            data, live = store._version_row()
            state = _FILES[key] = {"lock": threading.Lock(), "data": data, "live": live}
        return state


class VersionsMixin:
    @functools.cached_property
    def _versions_key(self) -> str:
        """The file's resolved path, once per Store: resolving walks the path with a system
        call per part, and every share-link opening asks for the data version (issue 18)."""
        return str(Path(self.path).resolve())

    def record_change(
        self,
        kind: str,
        campus_ids=(),
        scope_ids=(),
        is_global: bool = False,
    ) -> None:
        """Note inside the current transaction what this write touches (appended at commit).
        Outside a transaction it is a mistake: the change would never be seen."""
        if kind not in KINDS:
            raise ValueError(f"unknown change kind {kind!r}")
        pending = getattr(self._local, "changes", None)
        if pending is None:
            raise RuntimeError("record_change must be called inside store.transaction()")
        pending.append((kind, set(campus_ids) - {None}, set(scope_ids) - {None}, bool(is_global)))

    def record_status_change(self, cur, device_ids) -> None:
        """For the live writer: device statuses changed; the campuses of their controls are
        found here (inside the caller's transaction)."""
        ids = sorted({str(d) for d in device_ids})
        if not ids:
            return
        rows = cur.execute(
            "SELECT DISTINCT campus_id FROM control WHERE list_contains(?, external_id)", [ids]
        ).fetchall()
        self.record_change("status", campus_ids=[r[0] for r in rows])

    def record_bundle_change(self, cur, bundle: dict[str, list[dict]]) -> None:
        """A written bundle of site rows: the campuses it touches (a level through its
        building); a district or campus row reaches everything (global)."""
        if bundle.get("district") or bundle.get("campus"):
            self.record_change("site", is_global=True)
            return
        campuses = {r.get("campus_id") for t, rows in bundle.items() for r in rows or ()}
        buildings = sorted({str(r["building_id"]) for r in bundle.get("level") or ()})
        if buildings:
            rows = cur.execute(
                "SELECT DISTINCT campus_id FROM building WHERE list_contains(?, id)", [buildings]
            ).fetchall()
            campuses |= {r[0] for r in rows}
        if any(rows for rows in bundle.values()):
            self.record_change("site", campus_ids=campuses)

    def _commit_changes(self, cur, pending: list) -> None:
        """Append one data_change row per kind and COMMIT, in version order (called by
        ``transaction``)."""
        state = _file_state(self)
        merged: dict[str, list] = {}
        for kind, campuses, scopes, is_global in pending:
            m = merged.setdefault(kind, [set(), set(), False])
            m[0] |= campuses
            m[1] |= scopes
            m[2] = m[2] or is_global
        with state["lock"]:
            # The file's own log wins if it is ahead (a file rebuilt or copied over while this
            # process kept its counters); otherwise the counters (our snapshot may predate
            # commits made since this transaction began, all of which went through this lock).
            in_file = cur.execute("SELECT coalesce(max(version), 0) FROM data_change").fetchone()
            version, data = max(state["live"], in_file[0]), state["data"]
            for kind, (campuses, scopes, is_global) in sorted(merged.items()):
                version += 1
                data = version if kind != "status" else data
                cur.execute(
                    "INSERT INTO data_change VALUES (?, ?, ?, ?, ?, ?)",
                    [version, utc_now(), kind, sorted(campuses), sorted(scopes), is_global],
                )
            if version % 1000 < len(merged):  # now and then, forget the oldest rows
                cur.execute("DELETE FROM data_change WHERE version <= ?", [version - KEEP_ROWS])
            cur.execute("COMMIT")
            state["live"], state["data"] = version, data

    def data_version(self) -> int:
        """The version of the site model, catalog, checklist and procedures (not statuses)."""
        if self.read_only:
            return int(self._version_row()[0])
        return int(_file_state(self)["data"])

    def live_version(self) -> int:
        """The version including device-status writes (for effective tiers)."""
        if self.read_only:
            return int(self._version_row()[1])
        return int(_file_state(self)["live"])

    def _version_row(self) -> tuple:
        return (
            self.cursor()
            .execute(
                "SELECT coalesce(max(version) FILTER (WHERE kind <> 'status'), 0), "
                "coalesce(max(version), 0) FROM data_change"
            )
            .fetchone()
        )

    def kind_versions(self) -> dict[str, int]:
        """The version of the latest change of each kind still in the log ({"checklist": 12,
        "procedure": 9, ...}): a table's generation, which moves with every write to it (the
        assessment compares these instead of hashing the whole checklist and procedures)."""
        rows = (
            self.cursor()
            .execute("SELECT kind, max(version) FROM data_change GROUP BY kind")
            .fetchall()
        )
        return {kind: int(v) for kind, v in rows}

    def data_changes_since(self, version: int) -> list[dict] | None:
        """The changes after ``version``, oldest first; None when the log no longer reaches
        back that far (the reader must re-read everything)."""
        cur = self.cursor()
        oldest = cur.execute("SELECT min(version) FROM data_change").fetchone()[0]
        if oldest is not None and oldest > version + 1 and version > 0:
            return None
        rows = cur.execute(
            "SELECT version, kind, campus_ids, scope_ids, is_global FROM data_change "
            "WHERE version > ? ORDER BY version",
            [int(version)],
        ).fetchall()
        keys = ("version", "kind", "campus_ids", "scope_ids", "is_global")
        return [dict(zip(keys, r)) for r in rows]


__all__ = ["VersionsMixin", "KINDS", "NOT_ASSESSED"]
