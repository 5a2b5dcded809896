"""The shared sidebar pickers (district / campus / building / level) under named keys, kept in
the address so a reload returns to the same campus and floor.

Pages read the current choice with ``current()``; a page that wants to open another view with a
new choice calls ``go_to(page, campus=...)``: the choice is parked under PENDING and applied
before the widgets are drawn on the next run (a widget's value cannot change after it is drawn).
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from ui import data
from ui.auth import scope_campuses

KEYS = {
    "district": "pick_district",
    "campus": "pick_campus",
    "building": "pick_building",
    "level": "pick_level",
}
PENDING = "pick_pending"
MIRRORS = "pick_mirrors"  # widget key -> (picker, the value the app last gave that widget)


@dataclass(frozen=True)
class Picked:
    district: str | None
    campus: str | None
    building: str | None
    level: str | None


def current() -> Picked:
    s = st.session_state
    return Picked(*(s.get(KEYS[k]) for k in ("district", "campus", "building", "level")))


def go_to(page: str, **choice: str | None) -> None:
    """Switch to ``page`` (a path such as "pages/campus.py") with some pickers changed."""
    st.session_state[PENDING] = {k: v for k, v in choice.items() if k in KEYS}
    st.switch_page(page)


def _from_link() -> dict:
    """A deep link (?campus=..&building=..&level=..) sets the pickers once per session."""
    if st.session_state.get("pick_link_used"):
        return {}
    st.session_state["pick_link_used"] = True
    return {k: st.query_params[k] for k in ("campus", "building", "level") if k in st.query_params}


def mirror(key: str, picker: str, value: str) -> None:
    """Give the widget ``key``, which mirrors the sidebar ``picker`` (the floor page's level
    buttons mirror "level"), the picker's value; call it just before drawing that widget. A
    person's change of the widget is applied to the picker at the start of the next full run,
    before the sidebar is drawn (_mirrored). Not an on_change callback: Streamlit runs a
    callback in whichever run first carries the new value, often a fragment's timed run
    (ui/live, ui/assessment, ui/banner), where the sidebar is not redrawn; the next full run
    then took the picker's old value from the browser and the click was lost."""
    st.session_state[key] = value
    st.session_state.setdefault(MIRRORS, {})[key] = (picker, value)


def _mirrored() -> dict:
    """{picker: value} for a mirror widget a person changed since the app last set it."""
    for key, (picker, given) in st.session_state.get(MIRRORS, {}).items():
        now = st.session_state.get(key)
        if now is not None and now != given:
            return {picker: now}
    return {}


def _apply_pending() -> None:
    pending = st.session_state.pop(PENDING, None) or _from_link() or _mirrored()
    order = ("district", "campus", "building", "level")
    for i, key in enumerate(order):
        if key in pending:
            st.session_state[KEYS[key]] = pending[key]
            for below in order[i + 1 :]:  # a new campus invalidates building and level
                if below not in pending:
                    st.session_state.pop(KEYS[below], None)


def _select(label: str, key: str, frame, name_col: str = "name", default=None) -> str | None:
    if frame is None or frame.empty:
        st.session_state.pop(key, None)
        return None
    ids = list(frame["id"])
    names = dict(zip(frame["id"], frame[name_col]))
    if st.session_state.get(key) not in ids:
        st.session_state[key] = default if default in ids else ids[0]
    return st.selectbox(label, ids, key=key, format_func=lambda i: str(names.get(i, i)))


def _building(path: str, campus: str) -> str | None:
    """The building picker; by default the first building that has levels (an imported campus
    may list outbuildings without floors first, and a building without levels shows nothing)."""
    frame = data.buildings(path, campus)
    with_levels = set(data.levels(path)["building_id"]) if not frame.empty else set()
    default = next((b for b in frame["id"] if b in with_levels), None)
    return _select("Building", KEYS["building"], frame, default=default)


def sidebar_pickers() -> Picked:
    """Draw the pickers in the sidebar; returns the choice (ids, None where nothing exists)."""
    _apply_pending()
    path = data.db_path()
    with st.sidebar:
        districts = data.districts(path)
        if len(districts) > 1:  # an import into a new campus adds the "imported" district
            district = _select("District", KEYS["district"], districts)
        else:  # no picker drawn: the key is ours to set (a drawn widget's key is not)
            district = districts["id"].iloc[0] if len(districts) else None
            if district is not None:
                st.session_state[KEYS["district"]] = district
        campus = _select("Campus", KEYS["campus"], scope_campuses(data.campuses(path, district)))
        building = _building(path, campus) if campus else None
        levels = data.levels(path, building) if building else None
        level = _select("Level", KEYS["level"], levels) if building else None
    _to_link(campus, building, level)
    return Picked(district, campus, building, level)


def _to_link(campus: str | None, building: str | None, level: str | None) -> None:
    """Keep the choice in the address (?campus=..&building=..&level=..): a reload or a shared
    address opens the same campus and floor (read back once per session by _from_link)."""
    for name, value in (("campus", campus), ("building", building), ("level", level)):
        if value is None:
            st.query_params.pop(name, None)
        elif st.query_params.get(name) != value:
            st.query_params[name] = value
