"""District overview: campuses shaded by attained tier, buildings, KPIs. Click opens a campus.

Devices are never shipped at this zoom: each campus carries its count (aggregate), details load
on the campus and floor views. Level of detail: in a district of more than 40 campuses the
building footprints appear only once the user zooms in (a few pixels each before that).
"""

import streamlit as st

from layers.deck import fit_view
from layers.legend import tier_legend
from layers.site import building_layer, campus_label_layers, campus_layer, outline_layers
from passmap.palette import CAMPUS_OUTLINE
from ui import assessment, data
from ui.guard import require
from ui.kpis import kpi_strip
from ui.maps import forget_selection, picked, shade_mode, show_spec, static_spec
from ui.pickers import current, go_to

require("view_maps")

MAP_KEY = "district_map"
FOOTPRINTS_UP_TO = 40  # campuses; above that footprints wait for the user to zoom in
FOOTPRINT_ZOOM_IN = 2.0  # ... by this much (4x) from the first view

path = data.db_path()
pick = current()
campuses = data.campuses(path, pick.district)
st.subheader("District overview")
if campuses.empty:
    st.info("No campuses yet. Build the demo with `passmap demo` or import your district.")
    st.stop()

kpis = st.container()
left, right = st.columns([4, 1])
with right:
    live = shade_mode("district_shade")
tiers = assessment.tiers(live)
assessment.watch(live)  # rerun when an edit, import or status changes the tiers
summary = {c["id"]: c for c in data.stats(path)["campuses"]}
with kpis:
    kpi_strip(list(campuses["id"]), live)
buildings = data.buildings(path)
buildings = buildings[buildings["campus_id"].isin(set(campuses["id"]))]


def build():
    view = fit_view(tuple(campuses.total_bounds), padding=1.4)
    layers = [
        campus_layer(campuses, tiers, summary, outline_m=0),
        *outline_layers(campuses, view.zoom, "campus-outlines", CAMPUS_OUTLINE),
        *campus_label_layers(campuses, view.zoom, summary, tiers),
    ]
    footprints = building_layer(
        buildings,
        tiers,
        pickable=False,
        simplify_deg=2e-5,  # ~2 m
        outline_m=0,
    )
    if len(campuses) > FOOTPRINTS_UP_TO:
        footprints.min_zoom = view.zoom + FOOTPRINT_ZOOM_IN
    layers.insert(1, footprints)
    return layers, view


drawn_tiers = tuple((i, tiers.get(i)) for i in [*campuses["id"], *buildings["id"]])
spec = static_spec(("district", path, pick.district, live, drawn_tiers, data.version(path)), build)
with left:
    event = show_spec(spec, [], MAP_KEY)
with right:
    drawn = {tiers.get(c) for c in campuses["id"]}
    st.html(tier_legend(drawn, "Campus tier" + (" (effective)" if live else "")))
    st.caption("Click a campus to open it.")
    choice = st.selectbox(
        "Open campus",
        campuses["id"],
        key="district_open",
        format_func=dict(zip(campuses["id"], campuses["name"])).get,
        index=None,
        placeholder="Choose a campus",
    )

hit = picked(event)
target = hit[1]["id"] if hit and hit[0] == "campuses" else choice
if target:
    forget_selection(MAP_KEY)
    forget_selection("district_open")
    go_to("pages/campus.py", campus=target)
