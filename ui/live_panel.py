"""Live status where the maps need it: the district's "Devices offline" KPI and the detail
panel's live section for a clicked device, door or room (data: ui.live.summary, i.e. the store's
live methods through passmap.feeds.status)."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from layers.live import live_key
from passmap.config import load_settings
from passmap.feeds.alarms import local_time
from passmap.palette import LIVE_STATE_LABELS
from ui import live

OFFLINE_STATES = {"offline", "video_loss"}
ICONS = {
    "alarm": "🔴",
    "duress": "🆘",
    "offline": "⚫",
    "stale": "❔",
    "open": "🟠",
    "degraded": "🟡",
    "ok": "🟢",
    "unknown": "❔",
}


def offline_count(summary: pd.DataFrame, campus_ids) -> int:
    """Devices mapped to these campuses that report offline or are stale."""
    if summary is None or summary.empty:
        return 0
    here = summary[summary["campus_id"].isin(set(campus_ids))]
    return int((here["state"].isin(OFFLINE_STATES) | here["stale"].astype(bool)).sum())


def devices_offline(campus_ids) -> int | None:
    """The KPI: None when no device has ever reported and no feed runs, else the count."""
    summary = live.summary(None)
    runner = live.get_runner()
    if summary.empty and (runner is None or runner.mode == "off"):
        return None
    return offline_count(summary, campus_ids)


def _missing(v) -> bool:
    return v is None or (isinstance(v, float) and math.isnan(v)) or v is pd.NaT


def device_rows(kind: str, row: dict, summary: pd.DataFrame) -> pd.DataFrame:
    """The summary rows of the devices behind a control, a door (its controls) or a room."""
    if summary is None or summary.empty:
        return pd.DataFrame()
    if kind == "control":
        return summary[summary["control_id"] == row["id"]]
    if kind == "opening":
        return summary[summary["opening_id"] == row["id"]]
    return pd.DataFrame()


def _line(r, tz: str) -> str:
    """One device's live line; its last report in the district's time zone (PASSMAP_TIMEZONE)."""
    key = live_key(r.state, bool(r.stale))
    states = r.states if isinstance(r.states, dict) else {}
    detail = ", ".join(f"{k} {v}" for k, v in sorted(states.items()) if k != "health")
    seen = "never" if _missing(r.last_seen_utc) else local_time(r.last_seen_utc, tz)
    battery = "" if _missing(r.battery) else f" · battery {r.battery:.0f} %"
    name = r.control_name if isinstance(r.control_name, str) else r.device_id
    return (
        f"{ICONS.get(key, '')} **{name}** ({r.device_id}): **{r.state}**"
        f" · {LIVE_STATE_LABELS.get(key, key)}"
        + (f" · {detail}" if detail else "")
        + f" · last seen {seen}"
        + (" · stale" if r.stale else "")
        + battery
    )


def render_live_status(kind: str, row: dict) -> None:
    """The detail panel's live section (ui.detail.live_section)."""
    if kind == "zone":
        return
    campus = row.get("campus_id")
    rows = device_rows(kind, row, live.summary(campus if isinstance(campus, str) else None))
    if rows.empty:
        ext = row.get("external_id")
        if kind == "control" and not _missing(ext):
            st.caption(f"Live status: no report yet from device {ext}.")
        elif kind == "control":
            st.caption("Live status: this device has no feed id.")
        else:
            st.caption("Live status: no monitored device on this door.")
        return
    tz = load_settings().timezone
    st.markdown("Live status  \n" + "  \n".join(_line(r, tz) for r in rows.itertuples()))
