"""Floor view helpers: the level switcher and search that moves to the found object."""

from __future__ import annotations

import streamlit as st

from ui import data
from ui.pickers import KEYS, PENDING, Picked
from ui.search import Hit, find
from ui.text import plain

SWITCH_KEY = "floor_level_switch"


def _sync_level() -> None:
    # Runs as a callback (before the script), where changing a drawn widget's value is allowed.
    st.session_state[KEYS["level"]] = st.session_state[SWITCH_KEY]


def level_switcher(path: str, building_id: str, level_id: str) -> None:
    """Buttons for each level of a multi-storey building (mirrors the sidebar picker)."""
    levels = data.levels(path, building_id)
    if len(levels) < 2:
        return
    names = dict(zip(levels["id"], levels["name"]))
    st.session_state[SWITCH_KEY] = level_id
    st.segmented_control(
        "Level",
        list(levels["id"]),
        key=SWITCH_KEY,
        format_func=names.get,
        on_change=_sync_level,
        required=True,
    )


MAP_FOCUS = "map_focus"  # set by the alarm banner's "Show on map" (ui/banner.FOCUS_KEY)


def focus_from_alarm(plan, pick: Picked) -> Hit | None:
    """The device an alarm's "Show on map" asked for, while its floor is the one shown: ringed,
    zoomed to and its panel open. Another floor forgets it (the person moved on)."""
    wanted = st.session_state.get(MAP_FOCUS)
    if not wanted:
        return None
    if wanted.get("level_id") != pick.level:
        if not st.session_state.get(PENDING):  # not on the way there
            st.session_state.pop(MAP_FOCUS, None)
        return None
    rows = plan.controls[plan.controls["id"] == wanted.get("control_id")]
    if rows.empty:
        return None
    row = rows.iloc[0]
    label = plain(row["name"]) if isinstance(row["name"], str) else row["id"]
    return Hit("control", row["id"], label, row.get("building_id"), pick.level, row.geometry)


def focus_from_search(query: str, plan, pick: Picked) -> Hit | None:
    """The first match of the search on this level; a match on another level switches to it.
    Without a search: the device of an alarm shown on the map (``focus_from_alarm``)."""
    if not query:
        return focus_from_alarm(plan, pick)
    path = data.db_path()
    hits = find(query, plan.zones, plan.doors, plan.controls)
    if hits:
        return hits[0]
    hits = find(
        query,
        data.zones(path, pick.campus),
        data.openings(path, pick.campus),
        data.controls(path, pick.campus),
    )
    if not hits:
        st.warning(f"Nothing on this campus matches “{plain(query)}”.")
        return None
    hit = hits[0]
    if hit.level_id and hit.level_id != pick.level:
        st.session_state[PENDING] = {"building": hit.building_id, "level": hit.level_id}
        st.rerun()
    where = "it is on the grounds: see the campus view"
    st.info(f"{plain(hit.label)} is not on a floor plan ({where}).")
    return None
