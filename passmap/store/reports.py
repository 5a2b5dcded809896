"""Named queries for the board report: readable scope names, assessments over time, what changed
between the two latest assessments, and a live operations summary."""

from __future__ import annotations

import json
from datetime import datetime

import pandas as pd

_SCOPE_NAMES = """
    SELECT id, name FROM district
    UNION ALL SELECT id, name FROM campus
    UNION ALL SELECT b.id, c.name || ' - ' || b.name FROM building b JOIN campus c ON c.id = b.campus_id
    UNION ALL SELECT id, coalesce(name, 'Room ' || room_number, kind) FROM zone
"""

_HISTORY = """
    SELECT a.id, a.kind, a.created_utc, a.label, a.summary,
           count(f.practice_id) FILTER (WHERE f.status = 'in_place') AS in_place,
           count(f.practice_id) FILTER (WHERE f.status <> 'not_necessary') AS applicable
    FROM assessment a LEFT JOIN finding f ON f.assessment_id = a.id
    WHERE (?::VARCHAR IS NULL OR a.kind = ?)
    GROUP BY ALL ORDER BY a.created_utc, a.id
"""

_LATEST_TWO = """
    SELECT id FROM assessment WHERE kind = ? ORDER BY created_utc DESC, id DESC LIMIT 2
"""

# A row changes when it goes to or from In place between the previous and the latest assessment.
_DIFF = """
    SELECT CASE WHEN new.status = 'in_place' THEN 'improved' ELSE 'regressed' END AS change,
           new.practice_id, p.title, p.layer, p.component, p.tier, new.scope_type, new.scope_id,
           old.status AS before_status, new.status AS after_status
    FROM finding new
    JOIN finding old ON old.practice_id = new.practice_id AND old.scope_id = new.scope_id
    LEFT JOIN practice p ON p.id = new.practice_id
    WHERE new.assessment_id = ? AND old.assessment_id = ?
      AND (new.status = 'in_place') <> (old.status = 'in_place')
      AND new.status <> 'not_necessary' AND old.status <> 'not_necessary'
    ORDER BY change, p.criticality DESC NULLS LAST, new.practice_id, new.scope_id
"""

_LIVE = """
    SELECT
      (SELECT count(*) FROM control WHERE external_id IS NOT NULL) AS devices_inventoried,
      (SELECT count(DISTINCT device_id) FROM device_status) AS devices_reporting,
      (SELECT count(DISTINCT device_id) FROM device_status
        WHERE aspect IN ('health', 'camera') AND state IN ('online', 'recording')) AS devices_online,
      (SELECT count(DISTINCT device_id) FROM device_status
        WHERE aspect IN ('health', 'camera') AND state IN ('offline', 'video_loss')) AS devices_offline,
      (SELECT count(*) FROM status_event
        WHERE observed_utc >= ? AND list_contains(?, state)) AS alarms_in_period,
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
        """The newest recorded assessment ids of a kind, newest first (at most two)."""
        return [r[0] for r in self.cursor().execute(_LATEST_TWO, [kind]).fetchall()]

    def changes_since_previous_assessment(self, kind: str = "design") -> pd.DataFrame:
        """Findings that became In place (improved) or stopped being In place (regressed)."""
        ids = self.latest_assessment_ids(kind)
        if len(ids) < 2:
            return pd.DataFrame(columns=["change", "practice_id", "title", "layer", "component",
                                         "tier", "scope_type", "scope_id", "before_status",
                                         "after_status"])
        return self.cursor().execute(_DIFF, [ids[0], ids[1]]).df()

    def live_summary(self, since_utc: datetime, alarm_states: tuple[str, ...]) -> dict | None:
        """Devices reporting / online / offline and alarms since ``since_utc``; None without data."""
        row = self.cursor().execute(_LIVE, [since_utc, list(alarm_states), since_utc]).fetchone()
        keys = ("devices_inventoried", "devices_reporting", "devices_online", "devices_offline",
                "alarms_in_period", "events_in_period", "latest_observed_utc")
        summary = dict(zip(keys, row))
        if not summary["devices_reporting"] and not summary["events_in_period"]:
            return None
        return summary
