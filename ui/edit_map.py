"""The map part of the Edit page (owner: maps): the folium edit map (vendored Leaflet +
Leaflet.draw) with the floor's walls, zones, doors and controls, and the clicks and drawings it
returns, kept in session state for the forms (``ui.edit_forms``)."""

from __future__ import annotations

import html

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.folium_offline import offline_draw, offline_map
from passmap.importers.files import with_url
from ui.editing import CLICK_KEY, DRAWN_KEY, SEL_KEY

KIND_COLOURS = {"zone": "#4a6fa5", "opening": "#c0392b", "control": "#1e8449", "wall": "#555555"}


def tooltip(table: str, row) -> str:
    extra = row.get("type") or row.get("kind") or row.get("door_class") or ""
    name = row.get("name") or row.get("number") or row.get("room_number") or ""
    return html.escape(f"{table} {row['id']} · {extra} {name}".strip())


def parse_tooltip(text: str | None) -> tuple[str, str] | None:
    """'control cam1 · camera Hall' -> ('control', 'cam1')."""
    if not text:
        return None
    parts = html.unescape(str(text)).split(" · ")[0].split(" ", 1)
    if len(parts) == 2 and parts[0] in ("zone", "opening", "control"):
        return parts[0], parts[1].strip()
    return None


def plan_bounds(store, frames: dict, building_id: str) -> tuple:
    """Bounds of everything drawn on the level (else the building footprint)."""
    shown = [f for f in frames.values() if not f.empty]
    if not shown:
        return store.get("building", building_id)["geometry"].bounds
    return (
        min(f.total_bounds[0] for f in shown),
        min(f.total_bounds[1] for f in shown),
        max(f.total_bounds[2] for f in shown),
        max(f.total_bounds[3] for f in shown),
    )


def _underlay(m, level: dict) -> None:
    # read only inside the underlay folder (PASSMAP_UNDERLAY_DIR), like the Floor plan
    under = with_url((level.get("props") or {}).get("underlay"))
    if not under or not under.get("bounds"):
        return
    folium.raster_layers.ImageOverlay(
        under["url"], bounds=under["bounds"], opacity=0.6, name="Underlay"
    ).add_to(m)


def build_edit_map(level: dict, frames: dict, bounds, click=None, wedge=None, selected=None):
    """The edit map: underlay, walls, zones, doors, controls (tooltips carry ids), draw tools."""
    minx, miny, maxx, maxy = bounds
    m = offline_map([(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=19)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    _underlay(m, level)
    for table in ("wall", "zone", "opening", "control"):
        frame = frames.get(table)
        if frame is None or frame.empty:
            continue
        for row in frame.to_dict("records"):
            _draw(m, table, row, selected == (table, row["id"]))
    if wedge is not None:
        folium.GeoJson(
            wedge.__geo_interface__,
            style_function=lambda _: {"color": "#f39c12", "fillOpacity": 0.3, "weight": 1},
        ).add_to(m)
    if click is not None:
        folium.CircleMarker(
            click,
            radius=6,
            color="#f39c12",
            fill=True,
            tooltip="new position",
            class_name="pm-pending",
        ).add_to(m)
    offline_draw(
        export=False,
        draw_options={
            "polyline": True,
            "polygon": True,
            "rectangle": True,
            "circle": False,
            "marker": False,
            "circlemarker": False,
        },
        edit_options={"edit": False},
    ).add_to(m)
    return m


def _draw(m, table: str, row: dict, selected: bool) -> None:
    geom = row["geometry"]
    colour = "#f1c40f" if selected else KIND_COLOURS[table]
    if table == "wall":
        folium.GeoJson(
            geom.__geo_interface__,
            style_function=lambda _: {"color": colour, "weight": 2},
            interactive=False,
        ).add_to(m)
        return
    tip = tooltip(table, row)
    if geom.geom_type == "Point":
        folium.CircleMarker(
            [geom.y, geom.x],
            radius=7 if table == "control" else 5,
            color=colour,
            fill=True,
            fill_opacity=0.9,
            tooltip=tip,
            class_name=f"pm-{table}",
        ).add_to(m)
    else:
        style = {
            "color": colour,
            "weight": 3 if table == "opening" else 1,
            "fillOpacity": 0.15,
            "className": f"pm-{table}",
        }
        folium.GeoJson(
            geom.__geo_interface__, tooltip=tip, style_function=lambda _, s=style: s
        ).add_to(m)


def show_edit_map(level: dict, frames: dict, bounds, click, wedge, selected) -> None:
    """Draw the map and turn what it returns into session state: each new click once (and the
    object under it selected), each new drawing once; either reruns the page."""
    m = build_edit_map(level, frames, bounds, click, wedge, selected)
    out = (
        st_folium(
            m,
            key="edit_map",
            height=560,
            use_container_width=True,
            returned_objects=["last_clicked", "last_object_clicked_tooltip", "last_active_drawing"],
            # st_folium renders the whole figure and then the map again; the map's own render
            # gives the same page (checked: identical HTML, header and script) in half the CPU,
            # which an open floor plan shares with this page after a save (one process).
            render=False,
        )
        or {}
    )
    new_click = out.get("last_clicked")
    new_click = (new_click["lat"], new_click["lng"]) if new_click else None
    if new_click and new_click != st.session_state.get("edit_click_seen"):
        st.session_state["edit_click_seen"] = st.session_state[CLICK_KEY] = new_click
        hit = parse_tooltip(out.get("last_object_clicked_tooltip"))
        if hit:
            st.session_state[SEL_KEY] = hit
        st.rerun()
    drawing = (out.get("last_active_drawing") or {}).get("geometry")
    if drawing and drawing != st.session_state.get("edit_drawn_seen"):
        st.session_state["edit_drawn_seen"] = st.session_state[DRAWN_KEY] = drawing
        st.rerun()
