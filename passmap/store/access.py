"""Named queries for the access area: users, login attempts, share links and their use,
responder grids, walk-through verifications. Every value is a bound parameter."""

from __future__ import annotations

import json
import threading
import uuid
from datetime import datetime
from pathlib import Path
from typing import Any

import duckdb

from passmap.store.base import utc_now

_USER_COLS = (
    "username",
    "display_name",
    "role",
    "password_hash",
    "campus_scope",
    "disabled",
    "created_utc",
    "failed_count",
    "locked_until",
    "is_demo",
    "last_login_utc",
)
_LINK_COLS = (
    "id",
    "token_hash",
    "agency",
    "campuses",
    "layers",
    "created_by",
    "created_utc",
    "expires_utc",
    "revoked_utc",
)
# Site tables whose audited edits mean a building changed since its last walk-through.
_SITE_ENTITIES = ("building", "level", "zone", "opening", "control")


def _row(cols, values) -> dict[str, Any]:
    out = dict(zip(cols, values))
    for key in ("campus_scope", "campuses", "layers"):
        if isinstance(out.get(key), str):
            out[key] = json.loads(out[key])
    return out


def _new_id() -> str:
    return uuid.uuid4().hex


# Committed writes of share links (created, revoked) and of responder grids, per database file,
# in this process. The app server is the file's only writer (DuckDB: one read-write process),
# so every such write passes here; the share routes keep link verdicts and bundles in memory
# while these numbers stand still (passmap/share_bundle.py, issue 18).
_GEN_LOCK = threading.Lock()
_GENERATIONS: dict[tuple[str, str], int] = {}


def _file_key(store) -> str:
    key = getattr(store, "_generation_key", None)
    if key is None:
        key = store._generation_key = str(Path(store.path).resolve())
    return key


class AccessMixin:
    def share_generation(self) -> int:
        """How many share-link writes (created, revoked) this process committed to the file:
        in memory, moved AFTER the commit (a reader that saw the old number reads again)."""
        return _GENERATIONS.get((_file_key(self), "links"), 0)

    def grid_generation(self) -> int:
        """How many responder-grid writes this process committed to the file (as above)."""
        return _GENERATIONS.get((_file_key(self), "grids"), 0)

    def _written(self, kind: str) -> None:
        key = (_file_key(self), kind)
        with _GEN_LOCK:
            _GENERATIONS[key] = _GENERATIONS.get(key, 0) + 1

    def _one_row(self, cols, table: str, key: str, value) -> dict[str, Any] | None:
        """The row of ``table`` whose ``key`` is ``value`` (table, key and cols are ours, never
        user input; the value is bound)."""
        row = (
            self.cursor()
            .execute(f"SELECT {', '.join(cols)} FROM {table} WHERE {key} = ?", [value])
            .fetchone()
        )
        return _row(cols, row) if row else None

    # -- users ----------------------------------------------------------------------------------
    def count_users(self) -> int:
        return self.cursor().execute("SELECT count(*) FROM app_user").fetchone()[0]

    def get_user(self, username: str) -> dict[str, Any] | None:
        return self._one_row(_USER_COLS, "app_user", "username", username)

    def list_users(self) -> list[dict[str, Any]]:
        """Users without their password hashes, ordered by name."""
        cols = [c for c in _USER_COLS if c != "password_hash"]
        rows = (
            self.cursor()
            .execute(f"SELECT {', '.join(cols)} FROM app_user ORDER BY username")
            .fetchall()
        )
        return [_row(cols, r) for r in rows]

    def insert_user(self, user: dict[str, Any], actor: str) -> None:
        row = dict(user, created_utc=user.get("created_utc") or utc_now())
        with self.transaction() as cur:
            self._insert_rows(cur, "app_user", [row])
            self.audit(
                cur,
                actor,
                "create",
                "app_user",
                row["username"],
                after={
                    "role": row["role"],
                    "campus_scope": row.get("campus_scope"),
                    "is_demo": bool(row.get("is_demo")),
                },
            )

    def set_user_disabled(self, username: str, disabled: bool, actor: str) -> bool:
        with self.transaction() as cur:
            n = cur.execute(
                "UPDATE app_user SET disabled = ? WHERE username = ? RETURNING username",
                [disabled, username],
            ).fetchall()
            if n and disabled:
                self._revoke_user_sessions(cur, username)
            if n:
                self.audit(cur, actor, "disable" if disabled else "enable", "app_user", username)
        return bool(n)

    def set_user_password_hash(self, username: str, password_hash: str, actor: str) -> bool:
        with self.transaction() as cur:
            n = cur.execute(
                "UPDATE app_user SET password_hash = ?, failed_count = 0, "
                "locked_until = NULL WHERE username = ? RETURNING username",
                [password_hash, username],
            ).fetchall()
            if n:
                self._revoke_user_sessions(cur, username)
                self.audit(cur, actor, "password", "app_user", username)
        return bool(n)

    # -- browser sessions (passmap.auth: start_browser_session / resume_browser_session) --------
    def insert_login_session(self, token_hash: str, username: str, started_utc: datetime) -> None:
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO login_session (token_hash, username, started_utc, "
                "last_seen_utc) VALUES (?, ?, ?, ?)",
                [token_hash, username, started_utc, started_utc],
            )

    def get_login_session(self, token_hash: str) -> dict[str, Any] | None:
        """The session's row; ``revoked`` when it has ended (a row in login_session_end)."""
        cols = ["token_hash", "username", "started_utc", "last_seen_utc", "revoked"]
        row = (
            self.cursor()
            .execute(
                "SELECT token_hash, username, started_utc, last_seen_utc, EXISTS ("
                "SELECT 1 FROM login_session_end e WHERE e.token_hash = s.token_hash) "
                "FROM login_session s WHERE token_hash = ?",
                [token_hash],
            )
            .fetchone()
        )
        return _row(cols, row) if row else None

    def touch_login_session(self, token_hash: str, seen_utc: datetime) -> None:
        """Stamp a browser session as seen. A person's tabs that open at once stamp the same row
        at the same moment, and DuckDB refuses all but the first ("Conflict on update"): the
        stamp that holds the row stands (it is as recent; a sign-out's revoke must stand too),
        so the refused one is dropped instead of failing that tab's page."""
        try:
            with self.transaction() as cur:
                cur.execute(
                    "UPDATE login_session SET last_seen_utc = ? WHERE token_hash = ?",
                    [seen_utc, token_hash],
                )
        except duckdb.TransactionException:
            pass  # another tab's stamp of this row won (see above)

    def revoke_login_session(self, token_hash: str) -> None:
        """End a browser session (sign-out, or found expired). Appended, never an update: it
        cannot conflict with another end of the same session at the same moment (migration
        0009), nor with a stamp of last_seen_utc."""
        with self.transaction() as cur:
            cur.execute("INSERT INTO login_session_end VALUES (?, ?)", [token_hash, utc_now()])

    def _revoke_user_sessions(self, cur, username: str) -> None:
        cur.execute(
            "INSERT INTO login_session_end SELECT token_hash, ? FROM login_session s "
            "WHERE username = ? AND NOT EXISTS ("
            "SELECT 1 FROM login_session_end e WHERE e.token_hash = s.token_hash)",
            [utc_now(), username],
        )

    def throttle_key(self) -> bytes:
        """The key of the hashed user names in login_attempt (passmap.throttle), per database."""
        if getattr(self, "_throttle_key", None) is None:
            from passmap.throttle import load_key

            self._throttle_key = load_key(None if self.read_only else self.path)
        return self._throttle_key

    def path_key(self) -> str:
        return str(self.path.resolve())

    def record_login(
        self,
        name_key: str,
        client: str | None,
        ok: bool,
        username: str | None = None,
        throttled: bool = False,
        at_utc: datetime | None = None,
    ) -> None:
        """One attempt, under the hashed name (``name_key``; "t:" marks an attempt refused while
        backed off, which no counter counts). A success stamps the account and is audited."""
        now = at_utc or utc_now()
        stored = ("t:" + name_key) if throttled else name_key
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO login_attempt (id, at_utc, username, client, ok) "
                "VALUES (?, ?, ?, ?, ?)",
                [_new_id(), now, stored, (client or None) and client[:200], ok],
            )
            if ok and username:
                cur.execute(
                    "UPDATE app_user SET failed_count = 0, locked_until = NULL, "
                    "last_login_utc = ? WHERE username = ?",
                    [now, username],
                )
                self.audit(cur, username, "login", "app_user", username)

    def failures_since_success(
        self, name_key: str | None, client: str | None, since_utc: datetime
    ) -> tuple[int, datetime | None]:
        """(failures, time of the last one) for a hashed name and/or a client since their last
        success and not before ``since_utc``."""
        where, params = [], []
        if name_key is not None:
            where.append("username = ?")
            params.append(name_key)
        if client is not None:
            where.append("client = ?")
            params.append(client)
        cond = " AND ".join(where) or "true"
        row = (
            self.cursor()
            .execute(
                f"SELECT count(*), max(at_utc) FROM login_attempt WHERE {cond} AND NOT ok "
                f"AND at_utc > greatest(?, coalesce((SELECT max(at_utc) FROM login_attempt "
                f"WHERE {cond} AND ok), ?))",
                [*params, since_utc, *params, since_utc],
            )
            .fetchone()
        )
        return int(row[0]), row[1]

    # -- share links ----------------------------------------------------------------------------
    def insert_share_link(self, link: dict[str, Any], actor: str) -> None:
        with self.transaction() as cur:
            self._insert_rows(cur, "share_link", [link])
            self.audit(
                cur,
                actor,
                "share",
                "share_link",
                link["id"],
                after={k: link[k] for k in ("agency", "campuses", "layers", "expires_utc")},
            )
        self._written("links")

    def share_link_by_hash(self, token_hash: str) -> dict[str, Any] | None:
        return self._one_row(_LINK_COLS, "share_link", "token_hash", token_hash)

    def get_share_link(self, link_id: str) -> dict[str, Any] | None:
        return self._one_row(_LINK_COLS, "share_link", "id", link_id)

    def list_share_links(self) -> list[dict[str, Any]]:
        """Links without their token hashes, newest first, with their use count."""
        cols = [c for c in _LINK_COLS if c != "token_hash"] + ["uses", "last_used_utc"]
        rows = (
            self.cursor()
            .execute(
                "SELECT l.id, l.agency, l.campuses, l.layers, l.created_by, l.created_utc, "
                "l.expires_utc, l.revoked_utc, count(a.id), max(a.at_utc) FROM share_link l "
                "LEFT JOIN share_access a ON a.link_id = l.id GROUP BY ALL "
                "ORDER BY l.created_utc DESC"
            )
            .fetchall()
        )
        return [_row(cols, r) for r in rows]

    def revoke_share_link(self, link_id: str, actor: str) -> bool:
        with self.transaction() as cur:
            n = cur.execute(
                "UPDATE share_link SET revoked_utc = ? WHERE id = ? "
                "AND revoked_utc IS NULL RETURNING id",
                [utc_now(), link_id],
            ).fetchall()
            if n:
                self.audit(cur, actor, "revoke", "share_link", link_id)
        self._written("links")  # committed: cached verdicts of links are read again
        return bool(n)

    def log_share_access(
        self, link_id: str, campus_id: str | None, view: str, client: str | None
    ) -> None:
        self.cursor().execute(
            "INSERT INTO share_access (id, at_utc, link_id, campus_id, view, client) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            [_new_id(), utc_now(), link_id, campus_id, view, client],
        )

    def log_share_accesses(self, rows: list[dict[str, Any]]) -> None:
        """Many uses in one commit (the share bundle's group commit; passmap/share_bundle.py):
        rows of {at_utc, link_id, campus_id, view, client}."""
        with self.transaction() as cur:
            self._insert_rows(cur, "share_access", [dict(r, id=_new_id()) for r in rows])

    def share_accesses(self, link_id: str) -> list[dict[str, Any]]:
        cols = ("at_utc", "campus_id", "view", "client")
        rows = (
            self.cursor()
            .execute(
                "SELECT at_utc, campus_id, view, client FROM share_access WHERE link_id = ? "
                "ORDER BY at_utc",
                [link_id],
            )
            .fetchall()
        )
        return [dict(zip(cols, r)) for r in rows]

    # -- responder grid -------------------------------------------------------------------------
    def get_responder_grid(self, campus_id: str) -> dict[str, Any] | None:
        cols = ("campus_id", "origin_lon", "origin_lat", "cell_m", "n_cols", "n_rows")
        row = (
            self.cursor()
            .execute(
                f"SELECT {', '.join(cols)} FROM responder_grid WHERE campus_id = ?", [campus_id]
            )
            .fetchone()
        )
        return dict(zip(cols, row)) if row else None

    def save_responder_grid(self, grid: dict[str, Any], actor: str) -> None:
        row = {
            k: grid[k]
            for k in ("campus_id", "origin_lon", "origin_lat", "cell_m", "n_cols", "n_rows")
        }
        with self.transaction() as cur:
            self._insert_rows(
                cur, "responder_grid", [dict(row, updated_utc=utc_now())], upsert=True
            )
            self.audit(cur, actor, "grid", "campus", grid["campus_id"], after=row)
        self._written("grids")  # share bundles show the grid

    # -- walk-through verification --------------------------------------------------------------
    def record_verification(
        self,
        building_id: str,
        verified_by: str,
        note: str | None = None,
        verified_utc: datetime | None = None,
    ) -> str:
        vid = _new_id()
        when = verified_utc or utc_now()
        with self.transaction() as cur:
            cur.execute(
                "INSERT INTO verification (id, building_id, verified_by, verified_utc, note) "
                "VALUES (?, ?, ?, ?, ?)",
                [vid, building_id, verified_by, when, note],
            )
            self.audit(cur, verified_by, "verify", "building", building_id, after={"note": note})
            campus = cur.execute(
                "SELECT campus_id FROM building WHERE id = ?", [building_id]
            ).fetchone()
            # Pages show the walk-through stamp: the data version moves (no tier changes).
            self.record_change("verification", campus_ids=[campus[0] if campus else None])
        return vid

    def last_verifications(self, campus_id: str) -> dict[str, dict[str, Any]]:
        """{building_id: {verified_by, verified_utc, note}} for the latest walk-through of each."""
        rows = (
            self.cursor()
            .execute(
                "SELECT v.building_id, arg_max(v.verified_by, v.verified_utc), "
                "max(v.verified_utc), arg_max(v.note, v.verified_utc) "
                "FROM verification v JOIN building b "
                "ON b.id = v.building_id WHERE b.campus_id = ? GROUP BY 1",
                [campus_id],
            )
            .fetchall()
        )
        return {
            b: {"verified_by": who, "verified_utc": when, "note": note}
            for b, who, when, note in rows
        }

    def changes_since(self, building_id: str, since_utc: datetime) -> int:
        """Audited edits of a building or anything on it after ``since_utc`` (site imports
        count)."""
        placeholders = ", ".join("?" for _ in _SITE_ENTITIES)
        return (
            self.cursor()
            .execute(
                "WITH ids AS (SELECT id FROM level WHERE building_id = ? "
                " UNION ALL SELECT id FROM zone WHERE building_id = ? "
                " UNION ALL SELECT id FROM opening WHERE building_id = ? "
                " UNION ALL SELECT id FROM control WHERE building_id = ? UNION ALL SELECT ?) "
                "SELECT count(*) FROM audit_log a WHERE a.at_utc > ? AND ("
                f" (a.entity_type IN ({placeholders}) AND (a.entity_id IN (SELECT id FROM ids) "
                "   OR json_extract_string(a.before, '$.building_id') = ? "
                "   OR json_extract_string(a.after, '$.building_id') = ?))"
                " OR (a.action = 'import' AND a.entity_type IS NULL))"
                " AND a.action NOT IN ('verify', 'grid')",
                [building_id] * 5 + [since_utc, *_SITE_ENTITIES, building_id, building_id],
            )
            .fetchone()[0]
        )
