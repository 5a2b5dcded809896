"""Floor view helpers: the level switcher and the search that moves to the found object (on
another level or building of the campus it switches there first)."""

from __future__ import annotations

import streamlit as st

from passmap.search import restrict
from ui import data
from ui.pickers import PENDING, Picked, mirror
from ui.search import campus_index, find
from ui.text import plain

SWITCH_KEY = "floor_level_switch"
MOVED_FOR = "_search_moved_for"  # the (query, campus) whose answer the map last moved to


def level_switcher(path: str, building_id: str, level_id: str, key: str = SWITCH_KEY) -> None:
    """Buttons for each level of a multi-storey building (mirror the sidebar's Level picker:
    ui.pickers.mirror)."""
    levels = data.levels(path, building_id)
    if len(levels) < 2:
        return
    names = dict(zip(levels["id"], levels["name"]))
    mirror(key, "level", level_id)
    st.segmented_control("Level", list(levels["id"]), key=key, format_func=names.get, required=True)


def search_hits(
    query: str, pick: Picked, restrict_to: set[str] | None = None, box: str = "floor_search"
) -> list[dict]:
    """What the campus search answers for ``query`` (``restrict_to``: the object ids this map
    may show, e.g. a partner's shared layers); a best hit on another level is moved to: the
    pickers switch and the page reruns, once per new query (``box``: the search box's key), so
    the user can change level afterwards without being sent back."""
    if not query or not pick.campus:
        return []
    index = campus_index(pick.campus)
    if restrict_to is not None:
        index = restrict(index, restrict_to)
    hits = find(query, index)
    if not hits:
        st.warning(f"Nothing on this campus matches “{plain(query)}”.")
        return []
    best = hits[0]
    moved = st.session_state.setdefault(MOVED_FOR, {})
    asked, seen = (query, pick.campus), moved.get(box)
    moved[box] = asked
    if best["level_id"] and best["level_id"] != pick.level and asked != seen:
        # a new search moves to its answer once; the user may then change level freely
        st.session_state[PENDING] = {"building": best["building_id"], "level": best["level_id"]}
        st.rerun()
    return hits


MAP_FOCUS = "map_focus"  # set by the live alarm banner's "Show on map" (ui/banner.py, h15)


def take_map_focus(search_key: str, controls) -> None:
    """A device another page asked to show (st.session_state["map_focus"]["control_id"]) is
    searched for on this map by its device id (else its id): it is ringed, the map moves to it
    and its panel opens. Call before the search box is drawn."""
    focus = st.session_state.pop(MAP_FOCUS, None)
    if not isinstance(focus, dict) or not focus.get("control_id"):
        return
    st.session_state.get(MOVED_FOR, {}).pop(search_key, None)  # asked again: move again
    row = controls[controls["id"] == focus["control_id"]]
    ext = row["external_id"].iloc[0] if len(row) else None
    st.session_state[search_key] = ext if isinstance(ext, str) and ext else focus["control_id"]
