"""Floor plan of one building level: zones by tier, walls, doors by class with numbers, every
control by type, camera views clipped by walls, room labels, grid; click or search for details."""

from dataclasses import replace

import streamlit as st

from layers.controls import control_icon_layers, control_line_layer
from layers.deck import fit_view
from layers.floor import (
    door_label_layer,
    door_layers,
    fov_layer,
    grid_layers,
    highlight_layer,
    room_label_layer,
    underlay_layer,
    wall_layer,
    zone_layer,
)
from layers.legend import control_legend, door_legend, fov_legend, tier_legend
from passmap.importers.files import with_url
from passmap.palette import control_style
from ui import assessment, data
from ui.detail import render_detail
from ui.floorstate import focus_from_search, level_switcher
from ui.guard import require
from ui.live import live_map
from ui.maps import (
    cached_layers,
    layer_toggles,
    picked,
    shade_mode,
    static_spec,
    type_toggles,
    viewer_key,
)
from ui.pickers import current
from ui.sitedata import level_objects
from ui.text import plain

require("view_maps")

MAP_KEY = "floor_map"
LAYERS = ["Zones", "Controls", "Camera views", "Room labels", "Door numbers", "Grid"]

path = data.db_path()
pick = current()
if not pick.level:
    st.info("Choose a campus, building and level in the sidebar.")
    st.stop()
building = data.buildings(path, pick.campus).set_index("id").loc[pick.building]
head = st.columns([3, 3, 2], vertical_alignment="bottom")
head[0].subheader(plain(building["name"]))
with head[1]:
    level_switcher(path, pick.building, pick.level)
with head[2]:
    query = st.text_input(
        "Find room, door or device", key="floor_search", placeholder="e.g. 114, D3, CAM-0007"
    )

plan = level_objects(path, pick.campus, pick.level)
focus = focus_from_search(query, plan, pick)
types = sorted(plan.controls["type"].unique())
left, right = st.columns([3, 1.25])
with right:
    live = shade_mode("floor_shade")
    shown = layer_toggles(LAYERS, "floor_layers", default=LAYERS[:-1])
    visible = (
        type_toggles(types, {t: control_style(t).label for t in types}, "floor_types")
        if "Controls" in shown
        else set()
    )
tiers = assessment.tiers(live)
assessment.watch(live)  # rerun when an edit, import or status changes the tiers

level_props = data.levels(path, pick.building).set_index("id").loc[pick.level].get("props")
stored_underlay = level_props.get("underlay") if isinstance(level_props, dict) else None
underlay = with_url(stored_underlay)  # read only inside the underlay folder
if underlay and not (len(plan.zones) or len(plan.doors) or len(plan.controls)):
    (south, west), (north, east) = underlay["bounds"]  # an image-only level: fit the image
    plan = replace(plan, bounds=(west, south, east, north))


ZONE_COLS = ["id", "kind", "name", "room_number", "geometry"]
DOOR_COLS = ["id", "door_class", "number", "lock_function", "geometry"]
CONTROL_COLS = ["id", "type", "name", "external_id", "geometry"]
zone_tiers = tuple((z, tiers.get(z)) for z in plan.zones["id"]) if "Zones" in shown else ()
controls_shown = plan.controls.loc[plan.controls["type"].isin(visible), CONTROL_COLS]


def build():
    # Each layer is kept per content of exactly the columns it reads (ui.maps.cached_layers):
    # an edit rebuilds only the layers whose inputs it changed (a new tier: the zones; a lock:
    # the doors), not the walls, labels, grid and devices of the whole floor.
    layers = [
        underlay_layer(underlay),
        *cached_layers(
            "floor-zones",
            plan.zones[ZONE_COLS],
            lambda z: [zone_layer(z, dict(zone_tiers))],
            extra=zone_tiers,
        ),
        *cached_layers("floor-walls", plan.zones[["geometry"]], lambda z: [wall_layer(z)]),
    ]
    if "Camera views" in shown:
        views = plan.views.loc[
            plan.views["control_id"].isin(controls_shown["id"]), ["control_id", "geometry"]
        ]
        layers += cached_layers("floor-fov", views, lambda v: [fov_layer(v)])
    layers += cached_layers("floor-doors", plan.doors[DOOR_COLS], door_layers)
    if "Grid" in shown:
        layers += cached_layers(
            "floor-grid", plan.zones[[]], lambda _: grid_layers(plan.bounds), extra=plan.bounds
        )
    if "Room labels" in shown:
        layers += cached_layers(
            "floor-room-labels", plan.zones[ZONE_COLS], lambda z: [room_label_layer(z)]
        )
    if "Door numbers" in shown:
        layers += cached_layers(
            "floor-door-labels",
            plan.doors[["number", "door_class", "geometry"]],
            lambda d: [door_label_layer(d)],
        )
    layers += cached_layers(
        "floor-controls",
        controls_shown,
        lambda c: [control_line_layer(c), *control_icon_layers(c)],
    )
    if focus is None:
        return layers, fit_view(plan.bounds)
    return layers + [highlight_layer(focus.geometry)], fit_view(
        tuple(focus.geometry.buffer(0.0003).bounds)
    )


# Built once per everything it depends on; the live fragment only adds its overlay (ui/live.py).
spec = static_spec(
    (
        "floor",
        path,
        pick.level,
        live,
        tuple(sorted(shown)),
        tuple(sorted(visible)),
        focus.id if focus is not None else None,
        zone_tiers,
        str(stored_underlay),
        data.version(path),  # a moved device, a new wall: redrawn at the next run
    ),
    build,
)
with left:
    event = live_map(
        spec,
        plan.controls,
        pick.campus,
        MAP_KEY,
        ("floor", path, pick.level, viewer_key(), data.version(path)),
        height=680,
        basemap=False,
    )  # a plan reads best on plain paper

hit = picked(event)
with right:
    if hit and hit[1].get("kind") in ("zone", "opening", "control"):
        render_detail(data.get_store(), hit[1]["kind"], hit[1]["id"], live)
    elif focus is not None:
        render_detail(data.get_store(), focus.kind, focus.id, live)
    else:
        st.caption("Click a room, door or device for its details.")
    if "Zones" in shown:
        st.html(
            tier_legend(
                {tiers.get(z) for z in plan.zones["id"]},
                "Zone tier" + (" (effective)" if live else ""),
            )
        )
    st.html(door_legend(set(plan.doors["door_class"])))
    st.html(control_legend(visible, plan.controls["type"].value_counts().to_dict()))
    if "Camera views" in shown and len(plan.views):
        st.html(fov_legend())
