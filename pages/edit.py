"""Edit a floor: click to place controls (camera wedge previewed), select to edit, move or
delete, draw zones and doors or reshape the selected one; every change audited; undo."""

import streamlit as st
from shapely.geometry import Point, shape
from streamlit_folium import st_folium

from passmap.model import CONTROL_TYPES, DOOR_CLASSES, ZONE_KINDS
from passmap.store import StoreError
from ui import data
from ui.edit_forms import attribute_form, new_id
from ui.editing import (
    CLICK_KEY,
    SEL_KEY,
    VERSION_KEY,
    actor,
    build_edit_map,
    camera_wedge,
    parse_tooltip,
    zone_at,
)
from ui.guard import require
from ui.pickers import current

require("edit")

store, pick, who = data.get_store(), current(), actor()
if not pick.level:
    st.info("Choose a campus, building and level in the sidebar.")
    st.stop()
level = store.get("level", pick.level) or {}
frames = {
    "zone": store.list_zones(level_id=pick.level),
    "opening": store.list_openings(level_id=pick.level),
    "control": store.list_controls(level_id=pick.level),
    "wall": store.list_walls(pick.level),
}
shown = [f for f in frames.values() if not f.empty]
bounds = (
    (
        min(f.total_bounds[0] for f in shown),
        min(f.total_bounds[1] for f in shown),
        max(f.total_bounds[2] for f in shown),
        max(f.total_bounds[3] for f in shown),
    )
    if shown
    else store.get("building", pick.building)["geometry"].bounds
)

st.title(f"Edit · {level.get('name', pick.level)}")
if st.session_state.get("edit_flash"):
    st.success(st.session_state.pop("edit_flash"))
mode = st.radio(
    "Mode",
    ["Place control", "Select and edit", "Draw zone or door"],
    horizontal=True,
    key="edit_mode",
)
top = st.columns([1, 1, 4])
if top[0].button("Undo my last change", key="edit_undo"):
    try:
        done = store.undo_last(who)
        st.success(f"Undid the {done['action']} of {done['entity_type']} {done['entity_id']}.")
        data.clear_caches()
    except StoreError as exc:
        st.error(str(exc))
    frames = {
        k: getattr(store, f"list_{k}s")(level_id=pick.level) if k != "wall" else v
        for k, v in frames.items()
    }

click = st.session_state.get(CLICK_KEY)
selected = st.session_state.get(SEL_KEY)
left, right = st.columns([3, 2])
with right:
    wedge = None
    if mode == "Place control":
        ctype = st.selectbox("Type", CONTROL_TYPES, key="edit_type")
        name = st.text_input("Name", key="edit_name")
        cam = {}
        if ctype == "camera":
            cam = {
                "bearing_deg": st.slider(
                    "Bearing (deg, 0 = north)", 0, 359, 90, key="edit_bearing"
                ),
                "fov_deg": st.slider("Field of view (deg)", 10, 360, 90, key="edit_fov"),
                "range_m": st.slider("Range (m)", 1, 100, 15, key="edit_range"),
            }
        if click is None:
            st.caption("Click on the plan where the control goes.")
        else:
            st.caption(f"Position: {click[0]:.6f}, {click[1]:.6f}")
            if cam:
                wedge = camera_wedge(click[1], click[0], **cam)
            if st.button("Place control here", type="primary", key="edit_place"):
                cid = new_id(store, pick.level, "control", ctype)
                try:
                    store.create_feature(
                        "control",
                        {
                            "id": cid,
                            "campus_id": pick.campus,
                            "building_id": pick.building,
                            "level_id": pick.level,
                            "type": ctype,
                            "name": name or None,
                            "zone_id": zone_at(frames["zone"], click[1], click[0]),
                            "geom": Point(click[1], click[0]),
                            **cam,
                        },
                        actor=who,
                    )
                    st.session_state.pop(CLICK_KEY, None)
                    st.session_state[SEL_KEY] = ("control", cid)
                    data.clear_caches()
                    st.session_state["edit_flash"] = f"Placed {ctype} {cid}."
                    st.rerun()
                except StoreError as exc:
                    st.error(str(exc))
    elif mode == "Select and edit":
        options = [f"{t} {i}" for t in ("control", "opening", "zone") for i in frames[t]["id"]]
        chosen = f"{selected[0]} {selected[1]}" if selected else None
        pick_obj = st.selectbox(
            "Object (or click it on the plan)",
            options,
            key="edit_obj",
            index=options.index(chosen) if chosen in options else None,
        )
        if pick_obj:
            selected = tuple(pick_obj.split(" ", 1))
            st.session_state[SEL_KEY] = selected
            attribute_form(store, selected, who, click)
    else:
        drawn = st.session_state.get("edit_drawn")
        if drawn is None:
            st.caption("Draw a polygon (zone) or a line (door) with the tools on the plan.")
        else:
            geom = shape(drawn)
            if geom.geom_type == "Polygon":
                kind = st.selectbox("Zone kind", ZONE_KINDS, key="edit_zkind")
                zname = st.text_input("Name", key="edit_zname")
                number = st.text_input("Room number", key="edit_znum")
                row = {"kind": kind, "name": zname or None, "room_number": number or None}
                table = "zone"
            else:
                row = {
                    "door_class": st.selectbox("Door class", DOOR_CLASSES, key="edit_dclass"),
                    "number": st.text_input("Door number", key="edit_dnum") or None,
                }
                table = "opening"
            if st.button(f"Save new {table}", type="primary", key="edit_save_drawn"):
                fid = new_id(store, pick.level, table)
                store.create_feature(
                    table,
                    {
                        "id": fid,
                        "campus_id": pick.campus,
                        "building_id": pick.building,
                        "level_id": pick.level,
                        "geom": geom,
                        **row,
                    },
                    actor=who,
                )
                st.session_state.pop("edit_drawn", None)
                data.clear_caches()
                st.success(f"Saved {table} {fid}.")
            if (
                selected
                and selected[0] != "control"
                and st.button(f"Reshape selected {selected[0]} {selected[1]}", key="edit_reshape")
            ):
                shown_v = frames[selected[0]].set_index("id")["version"].get(selected[1])
                version = st.session_state.get(VERSION_KEY, {}).get(
                    f"{selected[0]}:{selected[1]}", shown_v
                )
                try:
                    store.move_feature(selected[0], selected[1], geom, version, who)
                    st.success(f"Reshaped {selected[0]} {selected[1]}.")
                except StoreError as exc:
                    st.error(str(exc))
with left:
    m = build_edit_map(level, frames, bounds, click, wedge, selected)
    out = (
        st_folium(
            m,
            key="edit_map",
            height=560,
            use_container_width=True,
            returned_objects=["last_clicked", "last_object_clicked_tooltip", "last_active_drawing"],
        )
        or {}
    )
new_click = out.get("last_clicked")
new_click = (new_click["lat"], new_click["lng"]) if new_click else None
if new_click and new_click != st.session_state.get("edit_click_seen"):  # each click once
    st.session_state["edit_click_seen"] = st.session_state[CLICK_KEY] = new_click
    hit = parse_tooltip(out.get("last_object_clicked_tooltip"))
    if hit:
        st.session_state[SEL_KEY] = hit
    st.rerun()
drawing = (out.get("last_active_drawing") or {}).get("geometry")
if drawing and drawing != st.session_state.get("edit_drawn_seen"):
    st.session_state["edit_drawn_seen"] = st.session_state["edit_drawn"] = drawing
    st.rerun()
with st.expander("Recent changes"):
    st.dataframe(
        [
            {k: e[k] for k in ("at_utc", "actor", "action", "entity_type", "entity_id")}
            for e in store.audit_entries(limit=15)
        ],
        use_container_width=True,
    )
