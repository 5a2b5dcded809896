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

COLUMNS = [
    "device_id",
    "control_id",
    "state",
    "states",
    "last_seen_utc",
    "stale",
    "battery",
    "campus_id",
    "building_id",
    "level_id",
    "control_type",
    "control_name",
    "opening_id",
]


def _battery(attrs_values) -> float | None:
    for a in attrs_values:
        if isinstance(a, str):
            if "battery" not in a:  # most reports carry none: skip the JSON parse
                continue
            a = json.loads(a)
        if isinstance(a, dict) and isinstance(a.get("battery"), (int, float)):
            return float(a["battery"])
    return None


def device_summary(rows: pd.DataFrame, seen: pd.DataFrame) -> pd.DataFrame:
    """Aggregate store.device_status_rows() with store.device_last_seen() per device.

    One pass over plain lists (a district can have 10^5 reporting devices: a pandas group per
    device took ~20 s for 185,000 of them, this takes well under a second)."""
    if rows.empty:
        return pd.DataFrame(columns=COLUMNS)
    rows = rows.sort_values("device_id", kind="stable")  # keeps each device's aspect order
    devices, aspects, states_col = (rows[c].tolist() for c in ("device_id", "aspect", "state"))
    attrs = rows["attrs"].tolist()
    firsts = {c: rows[c].tolist() for c in ("control_id", *COLUMNS[7:]) if c in rows}
    seen_by = (
        {}
        if seen.empty
        else dict(zip(seen["device_id"], zip(seen["last_seen_utc"], seen["stale"])))
    )
    out, i, n = [], 0, len(devices)
    while i < n:
        device, j, states = devices[i], i, {}
        while j < n and devices[j] == device:
            states[aspects[j]] = states_col[j]
            j += 1
        states.pop("event", None)  # motion/detections are events, not a lasting state
        last_seen, stale = seen_by.get(device, (None, False))
        row = {
            "device_id": device,
            "control_id": firsts["control_id"][i],
            "state": summary_state(states) if states else "online",
            "states": states,
            "battery": _battery(attrs[i:j]),
            "last_seen_utc": last_seen,
            "stale": bool(stale),
        }
        for c in COLUMNS[7:]:
            row[c] = firsts[c][i] if c in firsts else None
        out.append(row)
        i = j
    return pd.DataFrame(out, columns=COLUMNS)


def live_summary(store, campus_id: str | None = None, now=None) -> pd.DataFrame:
    """The store-backed summary (what `passmap status` prints and the overlay colours)."""
    return device_summary(store.device_status_rows(campus_id), store.device_last_seen(now))
