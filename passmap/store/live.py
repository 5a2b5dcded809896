"""Named queries for live status: batched event writes, device status, stale devices, alarms,
posture, gateways and the device-to-control mapping. Called by the single feed writer thread
(writes) and by any thread through its own cursor (reads)."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd
import pyarrow as pa

from passmap.feeds.model import ALARM_CLEARS, ALARM_TRIGGERS, POSTURES
from passmap.store.base import StoreError, utc_now

STALE_SOURCE = "stale"
DEFAULT_STALE_AFTER_S = 900.0
_RULES = pa.table(
    {
        "aspect": [a for a, _ in ALARM_TRIGGERS]
        + [a for a, _ in ALARM_CLEARS for _k in ALARM_CLEARS[(a, _)]],
        "state": [s for _, s in ALARM_TRIGGERS]
        + [s for (a, s), ks in ALARM_CLEARS.items() for _k in ks],
        "kind": list(ALARM_TRIGGERS.values()) + [k for ks in ALARM_CLEARS.values() for k in ks],
        "effect": ["raise"] * len(ALARM_TRIGGERS)
        + ["clear"] * sum(len(k) for k in ALARM_CLEARS.values()),
    }
)
_EVENT_COLS = "event_id, device_id, aspect, state, observed_utc, received_utc, source, attrs"

_INSERT_EVENTS = f"""
INSERT INTO status_event ({_EVENT_COLS})
SELECT {_EVENT_COLS} FROM (SELECT DISTINCT ON (event_id) * FROM _ev)
ON CONFLICT DO NOTHING RETURNING {_EVENT_COLS}"""
_REVIVE = """
UPDATE device_status SET state = 'online', received_utc = n.received_utc
FROM (SELECT device_id, max(received_utc) AS received_utc FROM _new GROUP BY device_id) n
WHERE device_status.device_id = n.device_id AND device_status.aspect = 'health'
  AND device_status.source = ? AND device_status.state = 'offline'"""
_UPSERT_STATUS = """
INSERT INTO device_status
SELECT device_id, aspect, state, observed_utc, received_utc, source, attrs FROM _new
QUALIFY row_number() OVER (PARTITION BY device_id, aspect
                           ORDER BY observed_utc DESC, received_utc DESC, event_id DESC) = 1
ON CONFLICT (device_id, aspect) DO UPDATE SET state = excluded.state,
  observed_utc = excluded.observed_utc, received_utc = excluded.received_utc,
  source = excluded.source, attrs = excluded.attrs
WHERE excluded.observed_utc >= device_status.observed_utc OR device_status.source = ?
   OR device_status.observed_utc > device_status.received_utc + to_microseconds(?::BIGINT)"""
_RAISE_ALARMS = """
INSERT INTO alarm (id, device_id, kind, state, raised_utc, event_id)
SELECT c.event_id || ':' || c.kind, c.device_id, c.kind, 'active', c.observed_utc, c.event_id
FROM (SELECT n.*, r.kind FROM _new n JOIN _rules r USING (aspect, state) WHERE r.effect = 'raise'
      QUALIFY row_number() OVER (PARTITION BY n.device_id, r.kind ORDER BY n.observed_utc) = 1) c
WHERE NOT EXISTS (SELECT 1 FROM alarm a WHERE a.device_id = c.device_id AND a.kind = c.kind
                  AND a.state <> 'resolved')
ON CONFLICT DO NOTHING"""
_CLEAR_ALARMS = """
UPDATE alarm SET cleared_utc = x.cleared_utc
FROM (SELECT n.device_id, r.kind, max(n.observed_utc) AS cleared_utc FROM _new n
      JOIN _rules r USING (aspect, state) WHERE r.effect = 'clear' GROUP BY ALL) x
WHERE alarm.device_id = x.device_id AND alarm.kind = x.kind AND alarm.state <> 'resolved'
  AND alarm.cleared_utc IS NULL AND x.cleared_utc >= alarm.raised_utc"""
_POSTURE_FROM_EVENTS = """
INSERT INTO posture
SELECT campus_id, state, observed_utc, reason, 'feed' FROM (
  SELECT coalesce(c.campus_id, cp.id) AS campus_id,
         CASE WHEN n.aspect = 'posture' THEN n.state ELSE 'lockdown' END AS state,
         n.observed_utc,
         CASE WHEN n.aspect = 'posture' THEN 'posture event from ' ELSE 'duress from ' END
           || n.device_id AS reason
  FROM _new n LEFT JOIN control c ON c.external_id = n.device_id
  LEFT JOIN campus cp ON cp.id = n.device_id
  WHERE n.aspect = 'posture' OR (n.aspect = 'panic' AND n.state = 'triggered'))
WHERE campus_id IS NOT NULL
QUALIFY row_number() OVER (PARTITION BY campus_id ORDER BY observed_utc DESC) = 1
ON CONFLICT (campus_id) DO UPDATE SET state = excluded.state, since_utc = excluded.since_utc,
  reason = excluded.reason, set_by = excluded.set_by
WHERE excluded.since_utc >= posture.since_utc
  AND (excluded.reason LIKE 'posture%' OR posture.state = 'normal')"""
_HELD_OPEN_DUE = """
SELECT s.device_id, s.source, s.observed_utc AS opened_utc,
       CAST(json_extract_string(g.options, '$.held_open_s') AS DOUBLE) AS held_open_s
FROM device_status s JOIN gateway g ON g.id = s.source
LEFT JOIN device_status a ON a.device_id = s.device_id AND a.aspect = 'door_alarm'
WHERE s.aspect = 'position' AND s.state = 'open'
  AND json_extract_string(g.options, '$.held_open_s') IS NOT NULL
  AND s.observed_utc + to_microseconds(CAST(1e6 * CAST(json_extract_string(
        g.options, '$.held_open_s') AS DOUBLE) AS BIGINT)) <= ?
  AND (a.state IS NULL OR a.state = 'normal' OR a.observed_utc < s.observed_utc)"""
_SEEN = """
WITH seen AS (
  SELECT device_id, max(received_utc) AS last_seen_utc, arg_max(source, received_utc) AS src
  FROM device_status WHERE source <> ? GROUP BY device_id)
SELECT s.device_id, s.last_seen_utc,
       coalesce(dc.report_interval_s, g.stale_after_s, ?) AS interval_s
FROM seen s LEFT JOIN device_config dc USING (device_id) LEFT JOIN gateway g ON g.id = s.src"""


class LiveMixin:
    # -- the writer's batch ------------------------------------------------------------------
    def write_status_batch(
        self, events: pa.Table, dead_letters: list[dict], future_skew_s: float = 300.0
    ) -> dict[str, int]:
        """Store one batch in one transaction: history (idempotent by event_id), latest status
        (never older over newer, except over a state observed more than ``future_skew_s``
        after its own receipt: such a row, written before the skew check existed, would
        freeze the device forever), alarms, posture and dead letters. Returns counts."""
        counts = {"new_events": 0, "dead_letters": 0}
        with self.transaction() as cur:
            if events.num_rows:
                cur.register("_ev", events)
                cur.register("_rules", _RULES)
                try:
                    new = cur.execute(_INSERT_EVENTS).to_arrow_table()
                    counts["new_events"] = new.num_rows
                    if new.num_rows:
                        self._apply_new(cur, new, int(future_skew_s * 1e6))
                        self._status_changed(cur, new.column("device_id").to_pylist())
                finally:
                    cur.unregister("_ev")
                    cur.unregister("_rules")
            if dead_letters:
                counts["dead_letters"] = self._insert_rows(cur, "dead_letter", dead_letters)
        return counts

    def _status_changed(self, cur, device_ids) -> None:
        """Tell the effective assessment (h13's data-version log, store/versions.py, when it
        is there) which devices changed, inside this transaction, so it follows in ~1 s."""
        record = getattr(self, "record_status_change", None)
        if record is not None:
            record(cur, device_ids)

    def _apply_new(self, cur, new: pa.Table, skew_us: int) -> None:
        cur.register("_new", new)
        try:
            cur.execute(_REVIVE, [STALE_SOURCE])
            cur.execute(_UPSERT_STATUS, [STALE_SOURCE, skew_us])
            cur.execute(_RAISE_ALARMS)
            cur.execute(_CLEAR_ALARMS)
            cur.execute(_POSTURE_FROM_EVENTS)
        finally:
            cur.unregister("_new")

    # -- staleness -----------------------------------------------------------------------------
    def device_last_seen(
        self, now: datetime | None = None, default_s: float = DEFAULT_STALE_AFTER_S
    ) -> pd.DataFrame:
        """device_id, last_seen_utc, interval_s, stale (no report within its interval)."""
        now = now or utc_now()
        frame = self.cursor().execute(_SEEN, [STALE_SOURCE, default_s]).df()
        stamp = pd.Timestamp(now)
        stamp = stamp.tz_convert(None) if stamp.tzinfo else stamp
        if frame.empty:
            frame["stale"] = pd.Series(dtype=bool)
            return frame
        silent = (stamp - pd.to_datetime(frame["last_seen_utc"])).dt.total_seconds()
        frame["stale"] = (silent > frame["interval_s"].astype(float)).to_numpy(dtype=bool)
        return frame

    def mark_stale(
        self, now: datetime | None = None, default_s: float = DEFAULT_STALE_AFTER_S
    ) -> list[str]:
        """Write health=offline for devices silent past their interval (once); returns their ids."""
        now = now or utc_now()
        seen = self.device_last_seen(now, default_s)
        due = seen[seen["stale"]]
        if due.empty:
            return []
        offline = set(
            self._first_column(
                "SELECT device_id FROM device_status WHERE aspect = 'health' AND state = 'offline'"
            )
        )
        rows = [
            {
                "event_id": f"stale:{d}:{s.isoformat()}",
                "device_id": d,
                "aspect": "health",
                "state": "offline",
                "observed_utc": now,
                "received_utc": now,
                "source": STALE_SOURCE,
                "attrs": {"last_seen_utc": s.isoformat(), "interval_s": float(iv)},
            }
            for d, s, iv in zip(due["device_id"], due["last_seen_utc"], due["interval_s"])
            if d not in offline
        ]
        if rows:
            with self.transaction() as cur:
                self._status_changed(cur, [r["device_id"] for r in rows])
                self._insert_rows(cur, "status_event", rows)
                self._insert_rows(
                    cur,
                    "device_status",
                    [{k: v for k, v in r.items() if k != "event_id"} for r in rows],
                    upsert=True,
                )
        return [r["device_id"] for r in rows]

    def held_open_due(self, now: datetime | None = None) -> list[tuple]:
        """Doors reported open longer than their gateway's ``held_open_s`` option and not yet
        in a door alarm: (device_id, source, opened_utc, held_open_s). For sensors that only
        report open/closed (UniFi, Zigbee contacts), the writer derives the held-open alarm."""
        return self.cursor().execute(_HELD_OPEN_DUE, [now or utc_now()]).fetchall()

    def set_device_interval(self, device_id: str, report_interval_s: float | None) -> None:
        with self.transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO device_config (device_id, report_interval_s) VALUES (?, ?)",
                [device_id, report_interval_s],
            )

    # -- reading status ------------------------------------------------------------------------
    def device_status_rows(self, campus_id: str | None = None) -> pd.DataFrame:
        """One row per (device, aspect) with the control it maps to (NULL when unknown)."""
        return (
            self.cursor()
            .execute(
                """
            SELECT s.device_id, s.aspect, s.state, s.observed_utc, s.received_utc, s.source,
                   s.attrs, c.id AS control_id, c.campus_id, c.building_id, c.level_id,
                   c.type AS control_type, c.name AS control_name, c.opening_id
            FROM device_status s LEFT JOIN control c ON c.external_id = s.device_id
            WHERE (?::VARCHAR IS NULL OR c.campus_id = ?)
            ORDER BY s.device_id, s.aspect""",
                [campus_id, campus_id],
            )
            .df()
        )

    def status_version(self) -> tuple[int, str]:
        """A cheap fingerprint of the latest status (rows, newest receipt): it changes whenever
        the writer stores a new state or marks a device stale, so readers can skip unchanged
        ticks."""
        n, newest = (
            self.cursor()
            .execute("SELECT count(*), max(received_utc) FROM device_status")
            .fetchone()
        )
        return int(n), str(newest)

    def status_history_states(self) -> list[str]:
        """Distinct states ever stored (diagnostics and tests)."""
        rows = self.cursor().execute("SELECT DISTINCT state FROM status_event").fetchall()
        return [r[0] for r in rows]

    def count_status_events(self) -> int:
        return self.cursor().execute("SELECT count(*) FROM status_event").fetchone()[0]

    def device_ids_like(self, pattern: str) -> list[str]:
        """Device ids with stored events matching a LIKE pattern (tests, diagnostics)."""
        rows = self.cursor().execute(
            "SELECT DISTINCT device_id FROM status_event WHERE device_id LIKE ?", [pattern]
        )
        return [r[0] for r in rows.fetchall()]

    def dead_letter_count(self) -> int:
        return self.cursor().execute("SELECT count(*) FROM dead_letter").fetchone()[0]

    def list_dead_letters(self, limit: int = 100) -> pd.DataFrame:
        return (
            self.cursor()
            .execute("SELECT * FROM dead_letter ORDER BY received_utc DESC LIMIT ?", [limit])
            .df()
        )

    def list_unknown_devices(self) -> pd.DataFrame:
        """Devices reporting status that no placed control claims (for an admin to attach)."""
        return (
            self.cursor()
            .execute(
                """
            SELECT s.device_id,
                   max(json_extract_string(s.attrs, '$.name')) AS name,
                   max(json_extract_string(s.attrs, '$.model')) AS model,
                   max(s.received_utc) AS last_seen_utc, any_value(s.source) AS source,
                   string_agg(s.aspect || '=' || s.state, ', ' ORDER BY s.aspect) AS states
            FROM device_status s LEFT JOIN control c ON c.external_id = s.device_id
            WHERE c.id IS NULL AND s.source <> ? GROUP BY s.device_id ORDER BY s.device_id""",
                [STALE_SOURCE],
            )
            .df()
        )

    def attach_device(self, device_id: str, control_id: str, actor: str) -> None:
        """Map a feed's device id to a placed control (sets control.external_id, audited)."""
        with self.transaction() as cur:
            self._attach(cur, device_id, control_id, actor)

    def _attach(self, cur, device_id: str, control_id: str, actor: str) -> None:
        row = cur.execute("SELECT external_id FROM control WHERE id = ?", [control_id]).fetchone()
        if row is None:
            raise StoreError(f"Control {control_id!r} does not exist; pick a placed control.")
        campuses = cur.execute(
            "SELECT DISTINCT campus_id FROM control WHERE id = ? OR external_id = ?",
            [control_id, device_id],
        ).fetchall()
        # what the maps' tooltips and the effective tier read: every page follows the new version
        self.record_change("site", campus_ids=[c[0] for c in campuses])
        cur.execute("UPDATE control SET external_id = NULL WHERE external_id = ?", [device_id])
        cur.execute(
            "UPDATE control SET external_id = ?, version = version + 1 WHERE id = ?",
            [device_id, control_id],
        )
        self.audit(
            cur,
            actor,
            "update",
            "control",
            control_id,
            {"external_id": row[0]},
            {"external_id": device_id},
        )

    # -- gateways -----------------------------------------------------------------------------
    def list_gateways(self) -> list[dict]:
        rows = self.cursor().execute("SELECT * FROM gateway ORDER BY id").df().to_dict("records")
        for r in rows:
            r["options"] = json.loads(r["options"]) if r.get("options") else {}
            r["stale_after_s"] = None if pd.isna(r["stale_after_s"]) else float(r["stale_after_s"])
        return rows

    def delete_gateway(self, gateway_id: str) -> None:
        with self.transaction() as cur:
            cur.execute("DELETE FROM gateway WHERE id = ?", [gateway_id])

    def attach_devices(self, pairs: list[tuple[str, str]], actor: str) -> int:
        """Attach many feed device ids to placed controls in ONE transaction (all or nothing);
        an unknown control id names its row. Returns how many were attached."""
        ids = [c for _, c in pairs]
        sql = "SELECT id FROM control WHERE list_contains(?::VARCHAR[], id)"
        known = set(self._first_column(sql, [ids]))
        missing = [c for c in ids if c not in known]
        if missing:
            raise StoreError(
                f"Control {missing[0]!r} does not exist"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else "")
                + "; nothing was attached."
            )
        with self.transaction() as cur:
            for device_id, control_id in pairs:
                self._attach(cur, device_id, control_id, actor)
        return len(pairs)

    def save_gateway(self, gateway: dict) -> None:
        with self.transaction() as cur:
            self._insert_rows(cur, "gateway", [dict(gateway)], upsert=True)

    # -- alarms -------------------------------------------------------------------------------
    def list_alarms(
        self, campus_id: str | None = None, include_resolved: bool = False
    ) -> pd.DataFrame:
        return (
            self.cursor()
            .execute(
                """
            SELECT a.*, c.id AS control_id, c.campus_id, c.name AS control_name, c.level_id
            FROM alarm a LEFT JOIN control c ON c.external_id = a.device_id
            WHERE (? OR a.state <> 'resolved') AND (?::VARCHAR IS NULL OR c.campus_id = ?)
            ORDER BY a.state = 'resolved', a.raised_utc DESC""",
                [include_resolved, campus_id, campus_id],
            )
            .df()
        )

    def open_alarms(self, campus_ids: list[str] | None = None) -> pd.DataFrame:
        """Active and acknowledged alarms with where they are (campus, building, level names)
        and what raised them; ``campus_ids`` None = every campus and unattached devices."""
        return (
            self.cursor()
            .execute(
                """
            SELECT a.id, a.device_id, a.kind, a.state, a.raised_utc, a.cleared_utc,
                   a.acknowledged_by, a.acknowledged_utc, c.id AS control_id,
                   c.type AS control_type, c.name AS control_name, c.campus_id,
                   cp.name AS campus_name, c.building_id, b.name AS building_name,
                   c.level_id, l.name AS level_name
            FROM alarm a LEFT JOIN control c ON c.external_id = a.device_id
            LEFT JOIN campus cp ON cp.id = c.campus_id
            LEFT JOIN building b ON b.id = c.building_id
            LEFT JOIN level l ON l.id = c.level_id
            WHERE a.state <> 'resolved'
              AND (?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], c.campus_id))
            ORDER BY a.kind <> 'duress', a.raised_utc DESC""",
                [campus_ids, campus_ids],
            )
            .df()
        )

    def postures(self, campus_ids: list[str] | None = None) -> pd.DataFrame:
        """Every campus (of ``campus_ids``) with its posture; no row in posture = normal."""
        return (
            self.cursor()
            .execute(
                """
            SELECT cp.id AS campus_id, cp.name AS campus_name,
                   coalesce(p.state, 'normal') AS state, p.since_utc, p.reason
            FROM campus cp LEFT JOIN posture p ON p.campus_id = cp.id
            WHERE ?::VARCHAR[] IS NULL OR list_contains(?::VARCHAR[], cp.id)
            ORDER BY cp.name""",
                [campus_ids, campus_ids],
            )
            .df()
        )

    def acknowledge_alarm(self, alarm_id: str, actor: str, note: str | None = None) -> None:
        self._alarm_step(
            alarm_id,
            actor,
            note,
            "acknowledged",
            "acknowledged_by = ?, acknowledged_utc = ?",
            ("active",),
        )

    def resolve_alarm(self, alarm_id: str, actor: str, note: str | None = None) -> None:
        self._alarm_step(
            alarm_id,
            actor,
            note,
            "resolved",
            "resolved_by = ?, resolved_utc = ?",
            ("active", "acknowledged"),
        )

    def _alarm_step(self, alarm_id, actor, note, new_state, set_sql, allowed) -> None:
        with self.transaction() as cur:
            row = cur.execute("SELECT state FROM alarm WHERE id = ?", [alarm_id]).fetchone()
            if row is None:
                raise StoreError(f"Alarm {alarm_id!r} does not exist.")
            if row[0] not in allowed:
                raise StoreError(f"Alarm {alarm_id!r} is {row[0]}; it cannot become {new_state}.")
            cur.execute(
                f"UPDATE alarm SET state = ?, {set_sql}, note = coalesce(?, note) WHERE id = ?",
                [new_state, actor, utc_now(), note, alarm_id],
            )
            self.audit(
                cur, actor, new_state, "alarm", alarm_id, {"state": row[0]}, {"state": new_state}
            )

    # -- posture ------------------------------------------------------------------------------
    def get_posture(self, campus_id: str) -> dict:
        row = (
            self.cursor()
            .execute(
                "SELECT state, since_utc, reason, set_by FROM posture WHERE campus_id = ?",
                [campus_id],
            )
            .fetchone()
        )
        if row is None:
            return {
                "campus_id": campus_id,
                "state": "normal",
                "since_utc": None,
                "reason": None,
                "set_by": None,
            }
        return dict(zip(("state", "since_utc", "reason", "set_by"), row), campus_id=campus_id)

    def set_posture(
        self, campus_id: str, state: str, actor: str, reason: str | None = None
    ) -> None:
        if state not in POSTURES:
            raise StoreError(f"Posture {state!r} is not one of {', '.join(POSTURES)}.")
        before = self.get_posture(campus_id)
        with self.transaction() as cur:
            cur.execute(
                "INSERT OR REPLACE INTO posture VALUES (?, ?, ?, ?, ?)",
                [campus_id, state, utc_now(), reason, actor],
            )
            self.audit(
                cur,
                actor,
                "posture",
                "campus",
                campus_id,
                {"state": before["state"]},
                {"state": state, "reason": reason},
            )
