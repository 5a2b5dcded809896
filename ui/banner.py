"""The alarm banner in the frame (app.py calls ``alarm_banner()`` once, on every page).

Open alarms and any campus posture other than normal, for every campus the signed-in viewer may
see (not only the campus picked in the sidebar), refreshed every REFRESH by a fragment, with
times in the district's time zone (PASSMAP_TIMEZONE) and a "Show on map" button per alarm that
opens the alarm's floor (or campus) with the device in focus (``FOCUS_KEY``, read by the Floor
plan page). Quiet when nothing needs attention. Data: passmap.feeds.alarms.alarm_board.
"""

from __future__ import annotations

import html
import logging

import streamlit as st

from passmap import access
from passmap.config import load_settings
from passmap.feeds.alarms import alarm_board
from ui import data

log = logging.getLogger(__name__)
REFRESH = "2s"
SHOWN = 5  # alarms listed in the banner; the rest are counted (the Live page lists them all)
FOCUS_KEY = "map_focus"  # {"control_id", "device_id", "alarm_id", "campus_id", "level_id"}
# read by ui.floorstate.take_map_focus on the Floor plan, or on the Campus map for a device on
# the grounds: the map rings the device, zooms to it and opens its panel
# Material icons (the font ships with Streamlit: drawn on a kiosk without an emoji font too)
ICONS = {"duress": ":material/sos:", "fire": ":material/local_fire_department:",
         "burglary": ":material/e911_emergency:", "door_forced": ":material/door_open:",
         "door_held_open": ":material/door_open:", "tamper": ":material/warning:"}  # fmt: skip
OTHER_ICON = ":material/notification_important:"


def visible_board(viewer) -> dict:
    """alarm_board for the viewer's campuses, without alarms of devices the role may not see."""
    settings = load_settings()
    scope = viewer.campus_scope
    board = alarm_board(data.get_store(), None if scope is None else list(scope), settings.timezone)
    role, layers = viewer.role, viewer.layers
    board["alarms"] = [
        a
        for a in board["alarms"]
        if access.control_visible(a["control_type"] or "duress_button", layers, role)
        and (a["campus_id"] is not None or scope is None)
    ]
    return board


def show_on_map(alarm: dict) -> None:
    """Open the alarm's floor plan (or its campus map for a device on the grounds)."""
    from ui.pickers import go_to

    st.session_state[FOCUS_KEY] = {
        k: alarm.get(k) for k in ("control_id", "device_id", "campus_id", "level_id")
    } | {"alarm_id": alarm["id"]}
    if alarm["level_id"]:
        go_to(
            "pages/floor.py",
            campus=alarm["campus_id"],
            building=alarm["building_id"],
            level=alarm["level_id"],
        )
    go_to("pages/campus.py", campus=alarm["campus_id"])


def _posture_lines(board: dict) -> None:
    for p in [p for p in board["postures"] if p["attention"]]:
        reason = f" — {html.escape(p['reason'])}" if p["reason"] else ""
        st.error(
            f"**{p['state'].upper()}** · {html.escape(p['campus_name'] or p['campus_id'])}"
            f" since {p['since'] or '?'}{reason}",
            icon=":material/lock:",
        )


def _where(a: dict) -> str:
    parts = [a["building_name"], a["level_name"], a["campus_name"]]
    text = " · ".join(html.escape(p) for p in parts if p)
    return text or "device not attached to a placed control"


def _alarm_lines(board: dict, key: str) -> None:
    alarms = board["alarms"]
    if not alarms:
        return
    with st.container(border=True, key=f"{key}-alarms"):
        st.markdown(
            f":red[**{len(alarms)} open alarm{'s' if len(alarms) != 1 else ''}**] "
            f"(times {board['timezone']})"
        )
        for a in alarms[:SHOWN]:
            left, right = st.columns([6, 1], vertical_alignment="center")
            state = " (acknowledged)" if a["state"] == "acknowledged" else ""
            left.markdown(
                f"{ICONS.get(a['kind'], OTHER_ICON)} :red[**{a['label']}**]{state} — "
                f"{html.escape(a['name'])} · {_where(a)} · {a['raised']}"
            )
            if a["campus_id"] and right.button(
                "Show on map", key=f"{key}-map-{a['id']}", type="primary"
            ):
                show_on_map(a)
        if len(alarms) > SHOWN:
            st.caption(f"and {len(alarms) - SHOWN} more on the Live status page")


def alarm_banner(key: str = "alarm-banner") -> None:
    """Draw the banner (call once per script run, after the login gate)."""
    from ui.auth import current_viewer

    if current_viewer() is None:
        return

    @st.fragment(run_every=REFRESH)
    def _banner() -> None:
        viewer = current_viewer()
        if viewer is None:
            return
        try:
            board = visible_board(viewer)
        except Exception:  # the banner must never break a page; the error is logged
            log.exception("alarm banner failed")
            st.warning("Alarms could not be read just now; see the Live status page.")
            return
        _posture_lines(board)
        _alarm_lines(board, key)

    _banner()
