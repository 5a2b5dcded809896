"""Named queries for the board report: readable scope names, district-wide assessments over
time (the two latest for the diff) and a live operations summary."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

_SCOPE_NAMES = """
    SELECT id, name FROM district
    UNION ALL SELECT id, name FROM campus
    UNION ALL SELECT b.id, c.name || ' - ' || b.name
              FROM building b JOIN campus c ON c.id = b.campus_id
    UNION ALL SELECT id, coalesce(name, 'Room ' || room_number, kind) FROM zone
"""

_HISTORY = """
    SELECT a.id, a.kind, a.created_utc, a.label, a.summary,
           count(f.practice_id) FILTER (WHERE f.status = 'in_place') AS in_place,
           count(f.practice_id) FILTER (WHERE f.status NOT IN ('not_necessary', 'not_applicable'))
               AS applicable
    FROM assessment a LEFT JOIN finding f ON f.assessment_id = a.id
    WHERE (?::VARCHAR IS NULL OR a.kind = ?) AND a.scope_id IS NULL
    GROUP BY ALL ORDER BY a.created_utc, a.id
"""

_LATEST_TWO = """
    SELECT id FROM assessment WHERE kind = ? AND scope_id IS NULL
    ORDER BY created_utc DESC, id DESC LIMIT 2
"""

_LIVE = """
    SELECT
      (SELECT count(*) FROM control WHERE external_id IS NOT NULL) AS devices_inventoried,
      (SELECT count(DISTINCT device_id) FROM device_status) AS devices_reporting,
      (SELECT count(DISTINCT device_id) FROM device_status WHERE device_id NOT IN (
         SELECT device_id FROM device_status WHERE state IN ('offline', 'out_of_service',
                                                              'video_loss'))) AS devices_online,
      (SELECT count(DISTINCT device_id) FROM device_status
        WHERE state IN ('offline', 'out_of_service', 'video_loss')) AS devices_offline,
      (SELECT count(*) FROM alarm WHERE raised_utc >= ?) AS alarms_in_period,
      (SELECT count(*) FROM alarm WHERE state <> 'resolved') AS alarms_open,
      (SELECT count(*) FROM status_event WHERE observed_utc >= ?) AS events_in_period,
      (SELECT max(observed_utc) FROM device_status) AS latest_observed_utc
"""


class ReportsMixin:
    def scope_names(self) -> dict[str, str]:
        """Scope id -> readable name for the district, campuses, buildings and zones."""
        return dict(self.cursor().execute(_SCOPE_NAMES).fetchall())

    def assessment_history(self, kind: str | None = "design") -> pd.DataFrame:
        """One row per recorded assessment, oldest first: id, kind, created_utc, label, summary
        (parsed JSON), in_place and applicable finding counts."""
        frame = self.cursor().execute(_HISTORY, [kind, kind]).df()
        frame["summary"] = [json.loads(v) if isinstance(v, str) else v for v in frame["summary"]]
        return frame

    def latest_assessment_ids(self, kind: str = "design") -> list[str]:
        """The newest district-wide assessment ids of a kind, newest first (at most two)."""
        return [r[0] for r in self.cursor().execute(_LATEST_TWO, [kind]).fetchall()]

    def live_summary(self, since_utc: datetime) -> dict | None:
        """Devices reporting / online / offline, alarms raised since ``since_utc`` and alarms not
        yet resolved (the live area's alarm table); None when no device ever reported."""
        row = self.cursor().execute(_LIVE, [since_utc, since_utc]).fetchone()
        keys = (
            "devices_inventoried",
            "devices_reporting",
            "devices_online",
            "devices_offline",
            "alarms_in_period",
            "alarms_open",
            "events_in_period",
            "latest_observed_utc",
        )
        summary = dict(zip(keys, row))
        if not summary["devices_reporting"] and not summary["events_in_period"]:
            return None
        return summary
