"""Responder map: the school filling the view with room and exit numbers, one symbol per hazard
and device class, the campus grid, legend, north arrow and scale as on the printed map; search
answers on the map with the grid cell. On a phone the map comes first. Walk-through
verification; PDF / GeoJSON / IMDF downloads. Partners (share links) see only their campuses and
layers, read-only."""

import streamlit as st

from layers.floor import grid_overlay
from layers.legend import legend_html
from layers.responder import first_view, responder_layers, responder_legend, view_objects
from passmap import share
from passmap.access import LAYERS
from passmap.reports.responder_data import responder_objects
from ui import data
from ui.auth import client_id
from ui.floorstate import level_switcher, search_hits
from ui.guard import require
from ui.maps import overlay, picked_here, show_spec, static_spec, units
from ui.pickers import current
from ui.responder_panels import exports, grid_caption, objects_table, walkthrough
from ui.search import answer_text, campus_grid_spec, focused, others_caption, search_box
from ui.text import plain

MAP_KEY = "responder_map"
viewer = require("view_responder")
store = data.get_store()
pick = current()
if not pick.campus or not viewer.can("view_responder", pick.campus):
    st.error("No campus you may see is selected.")
    st.stop()

campus = store.get("campus", pick.campus)
st.subheader(f"Responder map: {plain(campus['name'])}")
if pick.building:
    level_switcher(data.db_path(), pick.building, pick.level, key="responder_level_switch")
chosen = [n for n in st.session_state.get("responder_layers", viewer.layers) if n in viewer.layers]
grid = campus_grid_spec(data.db_path(), pick.campus)
objs = responder_objects(store, pick.campus, chosen, grid)
view = view_objects(objs, pick.level, pick.building)
view_name = f"level:{pick.level}" if pick.level else "site"
if viewer.grant is not None and st.session_state.get("responder_logged") != (
    pick.campus,
    view_name,
):
    share.record_use(store, viewer.grant, pick.campus, f"responder:{view_name}", client_id())
    st.session_state["responder_logged"] = (pick.campus, view_name)

hits = search_hits(search_box("responder_q"), pick, restrict_to=set(objs["id"]), box="responder_q")
focus = next((h for h in hits if h["level_id"] in (None, pick.level)), None)
left, right = st.columns([3.3, 1])
cells = grid.cells() if "grid" in chosen else None
# The side panel first (the click is the map's widget value, known before the map is drawn):
# another level replaces the last level's answer at once, not after the new map is drawn.
hit = picked_here(st.session_state.get(MAP_KEY), MAP_KEY, view_name, set(view["id"]))
with right:
    if hit:
        row = view[view["id"] == hit[1]["id"]].iloc[0]
        st.markdown(f"**{plain(row['label'])}**  \nGrid cell {row['cell'] or 'outside the grid'}")
    st.html(legend_html(responder_legend(view, grid="grid" in chosen)))
    st.multiselect(
        "Layers",
        list(viewer.layers),
        default=list(viewer.layers),
        format_func=lambda n: LAYERS[n],
        key="responder_layers",
    )


def build():
    first = first_view(view, pick.building)
    return responder_layers(view, first.zoom, cells), first


key = ("responder", data.db_path(), pick.campus, pick.level, tuple(chosen), len(view))
spec = focused(static_spec(key, build), focus, view)
with left:
    others_caption(hits)
    show_spec(
        spec,
        [],
        MAP_KEY,
        height=600,
        scope=view_name,
        overlay=overlay(
            answer_text(hits) if focus else None,
            grid_overlay(cells) if cells is not None else None,
        ),
        name=f"responder:{view_name}",
    )
    st.caption(grid_caption(grid, units()))

walkthrough(store, viewer, pick.campus)
objects_table(view)
exports(store, viewer, pick.campus, chosen)
