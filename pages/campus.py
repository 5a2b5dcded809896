"""Campus view: boundary, grounds, buildings by tier, perimeter and exterior devices, camera
views as outlines, exterior door numbers; names and numbers never cover each other; search
moves the map (a hit inside a building opens its floor plan). Click a building to open it."""

import streamlit as st

from layers.campus import CAMPUS_LAYERS, campus_legend, campus_map_layers
from layers.deck import fit_view
from layers.legend import legend_html
from passmap.palette import control_style
from ui import assessment, data
from ui.detail import render_map_detail
from ui.floorstate import take_map_focus
from ui.guard import require
from ui.live import live_map
from ui.maps import (
    forget_selection,
    layer_toggles,
    overlay,
    picked,
    picked_here,
    shade_mode,
    static_spec,
    type_toggles,
    viewer_key,
)
from ui.pickers import current, go_to
from ui.search import (
    answer_text,
    campus_index,
    find,
    focused,
    others_caption,
    search_box,
)
from ui.sitedata import campus_exterior
from ui.text import plain

require("view_maps")

MAP_KEY = "campus_map"
OPEN_FLOOR = "campus_open_floor"


def to_floor_if_inside() -> None:
    """Search callback (runs before the script, where widget values may change): a room, door
    or device inside a building is answered by its floor plan, with the query moved there."""
    query = st.session_state.get("campus_search", "")
    hits = find(query, campus_index(current().campus))
    if hits and hits[0]["level_id"]:
        st.session_state["floor_search"] = query
        st.session_state["campus_search"] = ""
        st.session_state[OPEN_FLOOR] = True
        st.session_state[OPEN_FLOOR + "_at"] = {
            "building": hits[0]["building_id"],
            "level": hits[0]["level_id"],
        }


path = data.db_path()
pick = current()
if not pick.campus:
    st.info("Choose a campus in the sidebar (or click one on the district map).")
    st.stop()
campus = data.campuses(path).set_index("id").loc[[pick.campus]].reset_index()
st.subheader(plain(campus["name"].iloc[0]))

site = campus_exterior(path, pick.campus)
campus_controls = data.controls(path, pick.campus)  # read once: a campus has thousands
campus_types = sorted(campus_controls["type"].unique())
left, right = st.columns([3.3, 1])
take_map_focus("campus_search", campus_controls)
with left:
    hits = find(
        search_box("campus_search", on_change=to_floor_if_inside), campus_index(pick.campus)
    )
if st.session_state.pop(OPEN_FLOOR, None):  # the hit is in a building: its floor plan shows it
    forget_selection(MAP_KEY)
    go_to("pages/floor.py", **st.session_state.pop(OPEN_FLOOR + "_at"))
focus = hits[0] if hits else None
with right:
    detail_box = st.container()
    live = shade_mode("campus_shade")
    shown = layer_toggles(list(CAMPUS_LAYERS), "campus_layers")
    here = site.controls["type"].value_counts().to_dict()
    labels = {t: control_style(t).label for t in campus_types}
    types = type_toggles(campus_types, here, labels, "campus_types")
tiers = assessment.tiers(live)
assessment.watch(live)  # rerun when an edit, import or status changes the tiers


# The click is the map's widget value, known before the map is drawn: a building opens its floor
# plan at once, and the panel is decided before the (slow) map, so another campus replaces the
# last campus's panel at once.
event = st.session_state.get(MAP_KEY)
hit = picked(event)
if hit and hit[0] == "buildings" and event.get("scope", pick.campus) == pick.campus:
    forget_selection(MAP_KEY)
    go_to("pages/floor.py", campus=pick.campus, building=hit[1]["id"])
drawn = set(site.grounds["id"]) | set(site.doors["id"]) | set(site.controls["id"])
hit = picked_here(event, MAP_KEY, pick.campus, drawn)
with detail_box:
    hint = "Click a building to open its floor plan, or a door or device for details."
    render_map_detail(hit, focus, live, hint)


def build():
    view = fit_view(tuple(campus.total_bounds), padding=1.05)
    return campus_map_layers(campus, site, view.zoom, tiers, shown, types), view


shown_tiers = tuple((b, tiers.get(b)) for b in [pick.campus, *site.buildings["id"]])
key = ("campus", path, pick.campus, live, tuple(sorted(shown)), tuple(sorted(types)), shown_tiers)
key += (data.version(path),)  # a moved device, a new door: redrawn at the next run
spec = focused(static_spec(key, build), focus, site.grounds, site.buildings)
with left:  # live overlay refreshed by a fragment (ui/live.py)
    others_caption(hits)
    live_map(
        spec,
        site.controls,
        pick.campus,
        MAP_KEY,
        ("campus", path, pick.campus, viewer_key(), data.version(path)),
        scope=pick.campus,
        overlay=overlay(answer_text(hits) if focus else None),
        name=f"campus:{pick.campus}",
    )

with right:
    st.html(legend_html(campus_legend(pick.campus, site, tiers, shown, types, live)))
