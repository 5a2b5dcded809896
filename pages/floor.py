"""Floor plan of one building level: rooms by tier, walls, doors by class, room and door numbers
and device icons placed so they never cover each other, camera views as outlines, the campus
grid; search moves the map to a room, door, device or grid cell; click anything for details."""

from dataclasses import replace

import streamlit as st

from layers.deck import fit_view
from layers.floor import PLAN_LAYERS, floor_legend, floor_plan_layers, grid_overlay
from layers.legend import legend_html
from passmap.importers.files import with_url
from passmap.palette import control_style
from ui import assessment, data
from ui.detail import render_map_detail
from ui.floorstate import level_switcher, search_hits, take_map_focus
from ui.guard import require
from ui.live import live_map
from ui.maps import (
    cached_group,
    layer_toggles,
    overlay,
    picked_here,
    shade_mode,
    static_spec,
    type_toggles,
    viewer_key,
)
from ui.pickers import current
from ui.search import answer_text, focused, level_grid_cells, others_caption, search_box
from ui.sitedata import level_objects
from ui.text import plain

require("view_maps")

MAP_KEY = "floor_map"

path = data.db_path()
pick = current()
if not pick.level:
    st.info("Choose a campus, building and level in the sidebar.")
    st.stop()
building = data.buildings(path, pick.campus).set_index("id").loc[pick.building]
head = st.columns([3, 2], vertical_alignment="bottom")
head[0].subheader(plain(building["name"]))
with head[1]:
    level_switcher(path, pick.building, pick.level)

left, right = st.columns([3.3, 1])
campus_controls = data.controls(path, pick.campus)  # read once: a campus has thousands
take_map_focus("floor_search", campus_controls)
with left:
    hits = search_hits(search_box("floor_search"), pick)
focus = next((h for h in hits if h["level_id"] == pick.level or h["kind"] == "cell"), None)
if hits and focus is None:
    st.info(f"{hits[0]['sentence']} It is on the grounds: see the campus view.")
plan = level_objects(path, pick.campus, pick.level)
campus_types = sorted(campus_controls["type"].unique())
labels = {t: control_style(t).label for t in campus_types}
with right:
    detail_box = st.container()
    live = shade_mode("floor_shade")
    shown = layer_toggles(list(PLAN_LAYERS), "floor_layers", default=list(PLAN_LAYERS[:-1]))
    here = plan.controls["type"].value_counts().to_dict()
    types = type_toggles(campus_types, here, labels, "floor_types")
tiers = assessment.tiers(live)
assessment.watch(live)  # rerun when an edit, import or status changes the tiers

level_props = data.levels(path, pick.building).set_index("id").loc[pick.level].get("props")
stored_underlay = level_props.get("underlay") if isinstance(level_props, dict) else None
underlay = with_url(stored_underlay)  # read only inside the underlay folder
if underlay and not (len(plan.zones) or len(plan.doors) or len(plan.controls)):
    (south, west), (north, east) = underlay["bounds"]  # an image-only level: fit the image
    plan = replace(plan, bounds=(west, south, east, north))
grid = "Grid" in shown  # the campus grid's cells are found only when it is drawn
cells = level_grid_cells(path, pick.campus, plan.zones) if grid else None


# The panel is decided before the map is drawn (the map's click is its widget value, known at
# the start of the run): a level switch replaces the old level's panel at once, not after the
# new plan is drawn (till then the old panel stayed on screen beside the new level).
drawn = set(plan.zones["id"]) | set(plan.doors["id"])
if "Devices" in shown:
    drawn |= set(plan.controls.loc[plan.controls["type"].isin(types), "id"])
hit = picked_here(st.session_state.get(MAP_KEY), MAP_KEY, pick.level, drawn)
with detail_box:
    render_map_detail(hit, focus, live, "Click a room, door or device for its details.")


def build():
    view = fit_view(plan.bounds)
    layers = floor_plan_layers(
        plan.zones, plan.doors, plan.controls, plan.views, view.zoom,
        tiers if "Zones" in shown else {}, shown, types, cells, underlay,
        cache=cached_group,  # an edit rebuilds only the layers whose inputs it changed
    )  # fmt: skip
    return layers, view


# Built once per everything it depends on; the live fragment only adds its overlay (ui/live.py).
zone_tiers = tuple((z, tiers.get(z)) for z in plan.zones["id"])
key = ("floor", path, pick.level, live, tuple(sorted(shown)), tuple(sorted(types)), zone_tiers)
key += (str(stored_underlay), data.version(path))  # a moved device, a new wall: redrawn
spec = focused(static_spec(key, build), focus, plan.zones)
with left:
    others_caption(hits)
    live_map(
        spec,
        plan.controls,
        pick.campus,
        MAP_KEY,
        ("floor", path, pick.level, viewer_key(), data.version(path)),
        height=640,
        basemap=False,  # a plan reads best on plain paper
        scope=pick.level,
        overlay=overlay(
            answer_text(hits) if focus else None,
            grid_overlay(cells) if grid else None,
        ),
        name=f"floor:{pick.level}",
    )

with right:
    legend = floor_legend(
        plan.zones, plan.doors, plan.controls, plan.views, tiers, shown, types, live
    )
    st.html(legend_html(legend))
