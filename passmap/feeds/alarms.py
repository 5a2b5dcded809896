"""Open alarms and campus postures for the places a viewer may see, in the district's time zone.

``alarm_board`` is what the frame's banner (ui/banner.py), the Live page and the police share
view (h18's share bundle polls it as JSON) show: plain data, no Streamlit. An alarm from a
device that no placed control claims has no campus: it is shown only to viewers of every
campus (``campus_ids`` None), who can attach the device.

>>> import tempfile, pathlib
>>> from passmap.store import Store
>>> with Store(pathlib.Path(tempfile.mkdtemp()) / "a.duckdb") as s:
...     alarm_board(s, None)["alarms"]
[]
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from passmap.localtime import local_time

ALARM_LABELS = {
    "duress": "Duress / panic",
    "fire": "Fire alarm",
    "burglary": "Intrusion alarm",
    "door_forced": "Door forced open",
    "door_held_open": "Door held open",
    "tamper": "Tamper",
}
POSTURE_ATTENTION = ("hold", "secure", "lockdown", "evacuate", "shelter")


def utc_now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def _text(value) -> str | None:
    return value if isinstance(value, str) else None


def alarm_board(store, campus_ids: list[str] | None, tz_name: str = "America/New_York") -> dict:
    """{"generated": local time, "alarms": [...], "postures": [...]} for these campuses.

    Each alarm: id, kind, label, state, device_id, control_id, control_type, name, campus_id,
    campus_name, building_id, building_name, level_id, level_name, raised (local text),
    raised_utc (ISO), cleared (bool). Each posture: campus_id, campus_name, state, since, reason,
    attention (not normal)."""
    ids = None if campus_ids is None else [str(c) for c in campus_ids]
    alarms = store.open_alarms(ids)
    out = []
    for a in alarms.itertuples():
        out.append(
            {
                "id": a.id,
                "kind": a.kind,
                "label": ALARM_LABELS.get(a.kind, a.kind.replace("_", " ")),
                "state": a.state,
                "device_id": a.device_id,
                "control_id": _text(a.control_id),
                "control_type": _text(a.control_type),
                "name": _text(a.control_name) or a.device_id,
                "campus_id": _text(a.campus_id),
                "campus_name": _text(a.campus_name),
                "building_id": _text(a.building_id),
                "building_name": _text(a.building_name),
                "level_id": _text(a.level_id),
                "level_name": _text(a.level_name),
                "raised": local_time(a.raised_utc, tz_name),
                "raised_utc": pd.Timestamp(a.raised_utc).isoformat() + "Z",
                "cleared": local_time(a.cleared_utc, tz_name) is not None,
                "acknowledged_by": _text(a.acknowledged_by),
                "acknowledged": local_time(a.acknowledged_utc, tz_name),
            }
        )
    postures = [
        {
            "campus_id": p.campus_id,
            "campus_name": p.campus_name,
            "state": p.state,
            "since": local_time(p.since_utc, tz_name),
            "reason": _text(p.reason),
            "attention": p.state in POSTURE_ATTENTION,
        }
        for p in store.postures(ids).itertuples()
    ]
    return {
        "generated": local_time(utc_now(), tz_name),
        "timezone": tz_name,
        "alarms": out,
        "postures": postures,
    }
