"""Campus view: boundary, grounds, buildings by tier, perimeter controls, exterior cameras with
their views, exterior door numbers. Click a building to open its floor plan."""

import streamlit as st

from layers.controls import control_icon_layers, control_line_layer
from layers.deck import fit_view
from layers.floor import door_label_layer, door_layers, fov_layer
from layers.legend import control_legend, door_legend, fov_legend, tier_legend
from layers.site import building_layer, campus_layer, grounds_layer
from passmap.palette import control_style
from ui import assessment, data
from ui.detail import render_detail
from ui.guard import require
from ui.live import live_map
from ui.maps import (
    forget_selection,
    layer_toggles,
    picked,
    shade_mode,
    static_spec,
    type_toggles,
    viewer_key,
)
from ui.pickers import current, go_to
from ui.sitedata import campus_exterior
from ui.text import plain

require("view_maps")

MAP_KEY = "campus_map"

path = data.db_path()
pick = current()
if not pick.campus:
    st.info("Choose a campus in the sidebar (or click one on the district map).")
    st.stop()
campus = data.campuses(path).set_index("id").loc[[pick.campus]].reset_index()
st.subheader(plain(campus["name"].iloc[0]))

site = campus_exterior(path, pick.campus)
types = sorted(site.controls["type"].unique())
labels = {t: control_style(t).label for t in types}
left, right = st.columns([4, 1])
with right:
    live = shade_mode("campus_shade")
    shown = layer_toggles(["Grounds", "Controls", "Camera views", "Door numbers"], "campus_layers")
    visible = type_toggles(types, labels, "campus_types") if "Controls" in shown else set()
tiers = assessment.tiers(live)
assessment.watch(live)  # rerun when an edit, import or status changes the tiers


def build():
    layers = [campus_layer(campus, tiers)]
    if "Grounds" in shown:
        layers.append(grounds_layer(site.grounds))
    layers.append(building_layer(site.buildings, tiers))
    if "Camera views" in shown:
        layers.append(
            fov_layer(
                site.views[
                    site.views["control_id"].isin(
                        site.controls.loc[site.controls["type"].isin(visible), "id"]
                    )
                ]
            )
        )
    layers += door_layers(site.doors)
    if "Door numbers" in shown:
        layers.append(door_label_layer(site.doors, exterior_only=True))
    layers += [
        control_line_layer(site.controls, visible),
        *control_icon_layers(site.controls, visible, scale=1.6),
    ]
    return layers, fit_view(tuple(campus.total_bounds))


shown_tiers = tuple((b, tiers.get(b)) for b in [pick.campus, *site.buildings["id"]])
spec = static_spec(
    (
        "campus",
        path,
        pick.campus,
        live,
        tuple(sorted(shown)),
        tuple(sorted(visible)),
        shown_tiers,
        data.version(path),  # a moved device, a new door: redrawn at the next run
    ),
    build,
)
with left:  # live overlay refreshed by a fragment (ui/live.py)
    event = live_map(
        spec,
        site.controls,
        pick.campus,
        MAP_KEY,
        ("campus", path, pick.campus, viewer_key(), data.version(path)),
    )

hit = picked(event)
if hit and hit[0] == "buildings":
    forget_selection(MAP_KEY)
    go_to("pages/floor.py", campus=pick.campus, building=hit[1]["id"])
with right:
    if hit and hit[1].get("kind") in ("opening", "control", "zone"):
        render_detail(data.get_store(), hit[1]["kind"], hit[1]["id"], live)
    drawn_tiers = {tiers.get(b) for b in site.buildings["id"]} | {tiers.get(pick.campus)}
    st.html(tier_legend(drawn_tiers, "Tier (campus and buildings)"))
    st.html(door_legend(set(site.doors["door_class"])))
    st.html(control_legend(visible, site.controls["type"].value_counts().to_dict()))
    if "Camera views" in shown and len(site.views):
        st.html(fov_legend())
    st.caption("Click a building to open its floor plan.")
