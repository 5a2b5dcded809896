"""Edit a floor: click to place controls (camera wedge previewed), select to edit, move or
delete, draw zones and doors or reshape the selected one; every change audited; undo.
The map is ui/edit_map.py, the forms ui/edit_forms.py."""

import streamlit as st

from ui import data
from ui.edit_forms import MODES, recent_changes, side_panel, undo_button
from ui.edit_map import plan_bounds, show_edit_map
from ui.editing import CLICK_KEY, SEL_KEY, actor
from ui.guard import checked_selection, require
from ui.pickers import current
from ui.text import plain

viewer = require("edit")

store, pick, who = data.get_store(), current(), actor()
if not pick.level:
    st.info("Choose a campus, building and level in the sidebar.")
    st.stop()
level = store.get("level", pick.level) or {}


def level_frames() -> dict:
    return {
        "zone": store.list_zones(level_id=pick.level),
        "opening": store.list_openings(level_id=pick.level),
        "control": store.list_controls(level_id=pick.level),
        "wall": store.list_walls(pick.level),
    }


frames = level_frames()
bounds = plan_bounds(store, frames, pick.building)

st.title(f"Edit · {plain(level.get('name', pick.level))}")
if st.session_state.get("edit_flash"):
    st.success(st.session_state.pop("edit_flash"))
mode = st.radio("Mode", MODES, horizontal=True, key="edit_mode")
if undo_button(store, who):
    frames = level_frames()

click = st.session_state.get(CLICK_KEY)
if checked_selection(st.session_state.get(SEL_KEY), frames) is None:  # browser-sent ids
    st.session_state.pop(SEL_KEY, None)
left, right = st.columns([3, 2])
with right:
    wedge = side_panel(store, pick, who, mode, frames, click)
with left:
    show_edit_map(level, frames, bounds, click, wedge, st.session_state.get(SEL_KEY))
recent_changes(store, viewer.campus_scope)
