"""Live status: the campus posture, open alarms (acknowledge / resolve), device health, unknown
devices to attach, and how live status changes the effective tier."""

import html

import pandas as pd
import streamlit as st

from passmap.feeds.model import POSTURES
from passmap.palette import tier_label
from passmap.store import StoreError
from ui import assessment, data
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
st.title("Live status")


def _alarm_step(step, alarm_id: str) -> None:
    """Button callback (runs before the rerun that draws the list): acknowledge or resolve."""
    try:
        step(alarm_id, actor)
    except StoreError as exc:  # e.g. another operator resolved it meanwhile
        st.session_state["live_alarm_problem"] = str(exc)


@st.fragment(run_every="2s")
def posture_and_alarms():
    if pick.campus:
        p = store.get_posture(pick.campus)
        POSTURE_STYLE[p["state"]](
            f"Campus posture: **{p['state'].upper()}**"
            + (
                f" since {p['since_utc']:%H:%M:%S} UTC ({html.escape(p['reason'] or '')})"
                if p["since_utc"] is not None
                else ""
            )
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
            f"{stats.last_flush_utc or '-'} UTC"
            + (f"; **{stats.dropped} dropped (queue full)**" if stats.dropped else "")
        )
    if problem := st.session_state.pop("live_alarm_problem", None):
        st.warning(problem)
    alarms = store.list_alarms(pick.campus)
    st.subheader(f"Alarms ({len(alarms)} open)")
    if alarms.empty:
        st.caption("No open alarms.")
    for a in alarms.itertuples():
        cols = st.columns([4, 1, 1])
        who = (
            f" — acknowledged by {a.acknowledged_by} at {a.acknowledged_utc:%H:%M:%S}"
            if a.state == "acknowledged"
            else ""
        )
        cleared = (
            " (condition cleared)"
            if a.cleared_utc == a.cleared_utc and a.cleared_utc is not None
            else ""
        )
        cols[0].markdown(
            f"**{a.kind.replace('_', ' ')}** — {a.control_name or a.device_id} "
            f"at {a.raised_utc:%Y-%m-%d %H:%M:%S} UTC{cleared}{who}"
        )
        if may_act and a.state == "active":
            cols[1].button(
                "Acknowledge",
                key=f"ack-{a.id}",
                on_click=_alarm_step,
                args=(store.acknowledge_alarm, a.id),
            )
        if may_act:
            cols[2].button(
                "Resolve", key=f"res-{a.id}", on_click=_alarm_step, args=(store.resolve_alarm, a.id)
            )


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
    st.dataframe(
        health[
            [
                "campus_id",
                "control_type",
                "control_name",
                "device_id",
                "state",
                "battery",
                "last_seen_utc",
                "stale",
            ]
        ].sort_values(["campus_id", "control_type"]),
        hide_index=True,
        width="stretch",
    )

st.subheader("Unknown devices")
unknown = store.list_unknown_devices()
if unknown.empty:
    st.caption("Every reporting device is attached to a placed control.")
else:
    st.dataframe(unknown, hide_index=True, width="stretch")
    controls = data.controls(data.db_path(), pick.campus) if pick.campus else None
    if may_act and controls is not None and len(controls):
        c1, c2, c3 = st.columns([2, 3, 1])
        dev = c1.selectbox("Device", unknown["device_id"], key="attach_device")
        ctl = c2.selectbox(
            "Attach to control",
            controls["id"],
            key="attach_control",
            format_func=lambda i: f"{i} — {controls.set_index('id').loc[i, 'name']}",
        )
        if c3.button("Attach", key="attach_go"):
            store.attach_device(dev, ctl, actor)
            data.clear_caches()
            st.rerun()

st.subheader("Effective tier (live) vs design tier")
if not assessment.engine_available():
    st.caption(f"The compliance engine is not available: {assessment.engine_problem()}")
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
