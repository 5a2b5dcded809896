"""One row per device: the summary state shown on the map, last seen, stale, battery.

>>> import pandas as pd
>>> rows = pd.DataFrame({"device_id": ["d", "d"], "aspect": ["position", "door_alarm"],
...                      "state": ["open", "held_open"], "control_id": ["c1", "c1"],
...                      "attrs": [None, None]})
>>> seen = pd.DataFrame({"device_id": ["d"], "last_seen_utc": [pd.Timestamp("2026-03-02")],
...                      "interval_s": [900.0], "stale": [False]})
>>> device_summary(rows, seen)[["device_id", "state"]].values.tolist()
[['d', 'held_open']]
"""

from __future__ import annotations

import json

import pandas as pd

from passmap.feeds.model import summary_state

COLUMNS = ["device_id", "control_id", "state", "states", "last_seen_utc", "stale", "battery",
           "campus_id", "building_id", "level_id", "control_type", "control_name", "opening_id"]


def _battery(attrs_values) -> float | None:
    for a in attrs_values:
        if isinstance(a, str):
            a = json.loads(a)
        if isinstance(a, dict) and isinstance(a.get("battery"), (int, float)):
            return float(a["battery"])
    return None


def device_summary(rows: pd.DataFrame, seen: pd.DataFrame) -> pd.DataFrame:
    """Aggregate store.device_status_rows() with store.device_last_seen() per device."""
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    out = []
    seen_by = seen.set_index("device_id") if not seen.empty else None
    for device, grp in rows.groupby("device_id", sort=True):
        states = dict(zip(grp["aspect"], grp["state"]))
        states.pop("event", None)  # motion/detections are events, not a lasting state
        first = grp.iloc[0]
        info = seen_by.loc[device] if seen_by is not None and device in seen_by.index else None
        row = {"device_id": device, "control_id": first.get("control_id"),
               "state": summary_state(states) if states else "online",
               "states": states, "battery": _battery(grp["attrs"]),
               "last_seen_utc": None if info is None else info["last_seen_utc"],
               "stale": bool(info["stale"]) if info is not None else False}
        for c in COLUMNS[7:]:
            row[c] = first.get(c)
        out.append(row)
    return pd.DataFrame(out, columns=COLUMNS)


def live_summary(store, campus_id: str | None = None, now=None) -> pd.DataFrame:
    """The store-backed summary (what `passmap status` prints and the overlay colours)."""
    return device_summary(store.device_status_rows(campus_id), store.device_last_seen(now))
