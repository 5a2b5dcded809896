"""Sections of the Live status page: open alarms of every campus the viewer may see (acknowledge,
resolve, show on map), dead letters with their reasons, unknown devices with the names and
models their gateway reports (attach one, or many from a CSV). Times in the district's zone."""

from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from passmap.config import load_settings
from passmap.feeds.alarms import local_time
from passmap.feeds.gateways import read_attach_csv, unknown_devices_csv
from passmap.store import StoreError
from ui import data
from ui.banner import ICONS, OTHER_ICON, show_on_map, visible_board

DEAD_LETTERS_SHOWN = 50


def _step(step, alarm_id: str, actor: str) -> None:
    """Button callback (runs before the rerun that draws the list): acknowledge or resolve."""
    try:
        step(alarm_id, actor)
    except StoreError as exc:  # e.g. another operator resolved it meanwhile
        st.session_state["live_alarm_problem"] = str(exc)


def alarm_list(viewer, may_act: bool, actor: str) -> None:
    """Every open alarm the viewer may see, newest duress first."""
    store = data.get_store()
    if problem := st.session_state.pop("live_alarm_problem", None):
        st.warning(problem)
    board = visible_board(viewer)
    alarms = board["alarms"]
    st.subheader(f"Alarms ({len(alarms)} open, all your campuses)")
    if not alarms:
        st.caption("No open alarms.")
    for a in alarms:
        cols = st.columns([5, 1, 1, 1], vertical_alignment="center")
        where = " · ".join(
            html.escape(p) for p in (a["building_name"], a["level_name"], a["campus_name"]) if p
        )
        flags = " (condition cleared)" if a["cleared"] else ""
        if a["state"] == "acknowledged":
            flags += f" — acknowledged by {a['acknowledged_by']} at {a['acknowledged']}"
        cols[0].markdown(
            f"{ICONS.get(a['kind'], OTHER_ICON)} **{a['label']}** — {html.escape(a['name'])}"
            f" · {where or 'not attached to a placed control'} · {a['raised']}{flags}"
        )
        if a["campus_id"] and cols[1].button("Show on map", key=f"map-{a['id']}"):
            show_on_map(a)
        if may_act and a["state"] == "active":
            cols[2].button(
                "Acknowledge", key=f"ack-{a['id']}", on_click=_step,
                args=(store.acknowledge_alarm, a["id"], actor),
            )  # fmt: skip
        if may_act:
            cols[3].button(
                "Resolve", key=f"res-{a['id']}", on_click=_step,
                args=(store.resolve_alarm, a["id"], actor),
            )  # fmt: skip


def dead_letters() -> None:
    """Messages the feed refused, newest first, with the reason (limits, bad payloads ...)."""
    store = data.get_store()
    total = store.dead_letter_count()
    st.subheader(f"Dead letters ({total})")
    if not total:
        st.caption("Every message received so far was stored.")
        return
    tz = load_settings().timezone
    frame = store.list_dead_letters(DEAD_LETTERS_SHOWN)
    st.dataframe(
        pd.DataFrame(
            {
                f"received ({tz})": [local_time(t, tz) for t in frame["received_utc"]],
                "reason": frame["reason"],
                "topic": frame["topic"],
                "gateway": frame["source"],
                "payload (start)": frame["payload"].str.slice(0, 120),
            }
        ),
        hide_index=True,
        width="stretch",
    )
    if total > DEAD_LETTERS_SHOWN:
        st.caption(
            f"Newest {DEAD_LETTERS_SHOWN} shown; `passmap status --dead-letters` lists more."
        )


def unknown_devices(campus_id: str | None, may_act: bool, actor: str) -> None:
    store = data.get_store()
    st.subheader("Unknown devices")
    unknown = store.list_unknown_devices()
    if unknown.empty:
        st.caption("Every reporting device is attached to a placed control.")
        return
    tz = load_settings().timezone
    seen = f"last seen ({tz})"
    st.dataframe(
        unknown.assign(**{seen: [local_time(t, tz) for t in unknown["last_seen_utc"]]})[
            ["device_id", "name", "model", "source", "states", seen]
        ],
        hide_index=True,
        width="stretch",
    )
    if not may_act:
        return
    _attach_one(store, unknown, campus_id, actor)
    st.download_button(
        "Download these as a CSV to fill in (external_id -> control_id)",
        unknown_devices_csv(store),
        file_name="unknown-devices.csv",
        mime="text/csv",
    )
    upload = st.file_uploader(
        "Attach many: upload the filled-in CSV", type=["csv"], key="attach_csv"
    )
    if upload is not None and st.button("Attach from CSV", key="attach_csv_go"):
        try:
            pairs = read_attach_csv(upload.getvalue().decode("utf-8-sig"), upload.name)
            n = store.attach_devices(pairs, actor)
        except (ValueError, StoreError, UnicodeDecodeError) as exc:
            st.error(f"{upload.name}: {exc}")
        else:
            data.clear_caches()
            st.success(f"Attached {n} devices from {upload.name}.")


def _attach_one(store, unknown, campus_id, actor) -> None:
    controls = data.controls(data.db_path(), campus_id) if campus_id else None
    if controls is None or not len(controls):
        return
    names = dict(zip(controls["id"], controls["name"]))
    labels = dict(zip(unknown["device_id"], unknown["name"]))
    c1, c2, c3 = st.columns([2, 3, 1])
    dev = c1.selectbox(
        "Device", unknown["device_id"], key="attach_device",
        format_func=lambda d: f"{d} — {labels[d]}" if isinstance(labels.get(d), str) else d,
    )  # fmt: skip
    ctl = c2.selectbox(
        "Attach to control", controls["id"], key="attach_control",
        format_func=lambda i: f"{i} — {names.get(i)}",
    )  # fmt: skip
    if c3.button("Attach", key="attach_go"):
        store.attach_device(dev, ctl, actor)
        data.clear_caches()
        st.rerun()
