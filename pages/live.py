"""Live status: campus posture, open alarms of every campus you may see (acknowledge, resolve,
show on map), device health, dead letters, unknown devices to attach, and how live status
changes the effective tier. Sections: ui/live_sections.py; times in PASSMAP_TIMEZONE."""

import html

import pandas as pd
import streamlit as st

from passmap.config import load_settings
from passmap.feeds.alarms import local_time
from passmap.feeds.model import POSTURES
from passmap.palette import tier_label
from ui import assessment, data, live_sections
from ui.guard import require
from ui.live import get_runner, summary
from ui.pickers import current

POSTURE_STYLE = {
    "normal": st.success,
    "hold": st.warning,
    "secure": st.warning,
    "lockdown": st.error,
    "evacuate": st.error,
    "shelter": st.error,
}

viewer = require("view_live")
store = data.get_store()
runner = get_runner()
pick = current()
actor = viewer.username
may_act = viewer.can("edit")  # passmap.access: a viewer is read-only
tz = load_settings().timezone
st.title("Live status")


@st.fragment(run_every="2s")
def posture_and_alarms():
    if pick.campus:
        p = store.get_posture(pick.campus)
        since = local_time(p["since_utc"], tz)
        POSTURE_STYLE[p["state"]](
            f"Campus posture: **{p['state'].upper()}**"
            + (f" since {since} ({html.escape(p['reason'] or '')})" if since else "")
        )
    if runner is None:
        st.caption(
            f"Feed: no ingest runs in this process; {store.dead_letter_count()} dead letters"
        )
    else:
        stats = runner.stats
        st.caption(
            f"Feed: {runner.mode}; {stats.received} messages, {stats.new_events} "
            f"events stored, {store.dead_letter_count()} dead letters, last write "
            f"{local_time(stats.last_flush_utc, tz) or '-'}"
            + (f"; **{stats.dropped} dropped (queue full)**" if stats.dropped else "")
        )
    if viewer is not None:
        live_sections.alarm_list(viewer, may_act, actor)


posture_and_alarms()

with st.expander("Set campus posture", expanded=False):
    if not may_act:
        st.caption("Your role may view the posture but not set it.")
    elif pick.campus:
        state = st.selectbox("Posture", POSTURES, key="posture_state")
        reason = st.text_input("Reason", key="posture_reason")
        if st.button("Set posture", key="posture_set"):
            store.set_posture(pick.campus, state, actor, reason or None)
            st.rerun()
    else:
        st.caption("Choose a campus in the sidebar.")

st.subheader("Device health")
devices = summary(pick.campus)
if devices.empty:
    st.caption("No device has reported yet.")
else:
    low_battery = pd.to_numeric(devices["battery"], errors="coerce").fillna(100) < 20
    health = devices.assign(
        offline=devices["states"].map(
            lambda s: s.get("health") == "offline" or s.get("camera") == "offline"
        )
    )
    cols = st.columns(4)
    cols[0].metric("Devices", len(health))
    cols[1].metric("Offline", int(health["offline"].sum()))
    cols[2].metric("Stale", int(health["stale"].sum()))
    cols[3].metric("Low battery", int(low_battery.sum()))
    only_bad = st.toggle("Only offline, stale or low battery", value=False, key="live_only_bad")
    if only_bad:
        health = health[health["offline"] | health["stale"] | low_battery]
    seen = f"last seen ({tz})"  # the district's time zone, like every time on this page
    st.dataframe(
        health.assign(**{seen: [local_time(t, tz) for t in health["last_seen_utc"]]})[
            [
                "campus_id",
                "control_type",
                "control_name",
                "device_id",
                "state",
                "battery",
                seen,
                "stale",
            ]  # fmt: skip
        ].sort_values(["campus_id", "control_type"]),
        hide_index=True,
        width="stretch",
    )

live_sections.dead_letters()
live_sections.unknown_devices(pick.campus, may_act, actor)

st.subheader("Effective tier (live) vs design tier")
if assessment.version(False) is None:
    assessment.show_notice(False)
else:
    design, effective = assessment.tiers(False), assessment.tiers(True)
    changed = [
        (k, design.get(k), effective.get(k))
        for k in sorted(set(design) | set(effective))
        if design.get(k) != effective.get(k)
    ]
    if not changed:
        st.caption("Live status changes no tier right now.")
    else:
        st.dataframe(
            [
                {"scope": k, "design": tier_label(d), "effective": tier_label(e)}
                for k, d, e in changed
            ],
            hide_index=True,
            width="stretch",
        )
