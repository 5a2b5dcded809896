"""The map part of the Edit page (owner: maps), and the clicks and drawings it returns, kept in
session state for the forms (``ui.edit_forms``).

Placing, selecting and the procedures draw the floor plan's own map (ui.deckmap with
layers.floor: rooms by tier, walls, doors, room names and numbers, device symbols placed without
collisions), which keeps the user's pan and zoom between clicks; the pending position, the
camera's view and the selected object are drawn over it. Drawing a zone or a door uses the folium
map with the vendored Leaflet.draw tools (deck.gl has no drawing tools)."""

from __future__ import annotations

import html

import folium
import streamlit as st
from shapely.geometry import Point
from streamlit_folium import st_folium

from layers.deck import fit_view, polygon_rings, ribbon_layer, ribbon_parts
from layers.floor import PLAN_LAYERS, floor_plan_layers, highlight_layer
from layers.folium_offline import offline_draw, offline_map
from passmap.importers.files import with_url
from passmap.palette import control_style
from ui import assessment, data
from ui.editing import CLICK_KEY, DRAWN_KEY, SEL_KEY
from ui.maps import cached_group, layers_json, overlay, picked, show_spec, static_spec
from ui.pickers import current
from ui.sitedata import level_objects

DRAW_MODE = "Draw zone or door"  # ui.edit_forms.MODES: the one mode that needs drawing tools
MAP_KEY = "edit_deck_map"
PENDING = [243, 156, 18, 255]  # the orange of the position not yet saved
PENDING_FILL = [243, 156, 18, 70]

KIND_COLOURS = {"zone": "#4a6fa5", "opening": "#c0392b", "control": "#1e8449", "wall": "#555555"}


def tooltip(table: str, row) -> str:
    """What the drawing map's tooltip reads: the object as a person names it, then its table and
    id (the part a click is read back from, parse_tooltip)."""
    return html.escape(f"{row_label(table, row)} · {table} {row['id']}")


def parse_tooltip(text: str | None) -> tuple[str, str] | None:
    """'Camera · Hall · control cam1' -> ('control', 'cam1')."""
    if not text:
        return None
    parts = html.unescape(str(text)).rsplit(" · ", 1)[-1].split(" ", 1)
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
    if st.session_state.get("edit_mode") == DRAW_MODE:
        _show_folium(level, frames, bounds, click, wedge, selected)
    else:
        _show_deck(level, bounds, click, wedge, selected)


def _text(value) -> str:
    return value.strip() if isinstance(value, str) else ""


def row_label(table: str, row) -> str:
    """An object as a person names it: 'Camera · Hall camera', 'Room 114 · Nurse', 'Door 7 ·
    exterior primary'."""
    if table == "control":
        head, name = control_style(row.get("type")).label, _text(row.get("name"))
    elif table == "zone":
        number = _text(row.get("room_number"))
        head = f"Room {number}" if number else "Area"
        name = _text(row.get("name")) or _text(row.get("kind")).replace("_", " ")
    elif table == "opening":
        number = _text(row.get("number"))
        head = f"Door {number}" if number else "Door"
        name = _text(row.get("door_class")).replace("-", " ")
    else:
        head, name = table.capitalize(), ""
    return f"{head} · {name}" if name else head


_LABEL_COLUMNS = {
    "control": ["type", "name"],
    "zone": ["room_number", "name", "kind"],
    "opening": ["number", "door_class"],
}


def object_labels(frames: dict) -> dict[str, str]:
    """Every object of ``frames`` as the object picker shows it, by option ('control
    cvhs-ctl-0367' -> 'Camera · Hall camera (cvhs-ctl-0367)'). Built once per run: labelling
    each option by filtering its frame cost the Edit page ~1 s a run on the busiest floor."""
    out = {}
    for table, columns in _LABEL_COLUMNS.items():
        frame = frames.get(table)
        if frame is None or not len(frame):
            continue
        rows = frame[["id", *[c for c in columns if c in frame.columns]]].to_dict("records")
        for row in rows:
            out[f"{table} {row['id']}"] = f"{row_label(table, row)} ({row['id']})"
    return out


def _edit_layers(click, wedge, selected, frames: dict) -> list:
    """What the editor draws over the plan: the selected object ringed, the camera's view to
    be and the position not yet saved (a ring, so the plan under it stays readable)."""
    out = []
    if selected is not None:
        frame = frames.get(selected[0])
        hit = frame[frame["id"] == selected[1]] if frame is not None and len(frame) else []
        if len(hit):
            out.append(highlight_layer(hit.geometry.iloc[0], "edit-selected"))
    if wedge is not None and not wedge.is_empty:
        rows = [{"polygon": polygon_rings(wedge)}]
        out.append(ribbon_layer(rows, "edit-wedge", colour=PENDING_FILL))
    if click is not None:
        disc = ribbon_parts(Point(click[1], click[0]), 4.0, "round")[0]
        rows = [{"polygon": polygon_rings(part)} for part in ribbon_parts(disc, 0.8)]
        out.append(ribbon_layer(rows, "edit-click", colour=PENDING))
    return out


def _show_deck(level: dict, bounds, click, wedge, selected) -> None:
    path, pick = data.db_path(), current()
    plan = level_objects(path, pick.campus, pick.level)
    tiers = assessment.tiers(False)
    zone_tiers = tuple((z, tiers.get(z)) for z in plan.zones["id"])
    shown = [name for name in PLAN_LAYERS if name != "Grid"]

    stored_underlay = (level.get("props") or {}).get("underlay")

    def build():
        view = fit_view(bounds)
        layers = floor_plan_layers(
            plan.zones, plan.doors, plan.controls, plan.views, view.zoom, tiers, shown,
            underlay=with_url(stored_underlay),  # read only inside the underlay folder
            cache=cached_group,  # a save rebuilds only the layers whose inputs it changed
        )  # fmt: skip
        return layers, view

    key = ("edit", path, pick.level, data.version(path), zone_tiers, tuple(bounds))
    key = (*key, str(stored_underlay))
    frames = {"zone": plan.zones, "opening": plan.doors, "control": plan.controls}
    event = show_spec(
        static_spec(key, build),
        layers_json(_edit_layers(click, wedge, selected, frames)),
        MAP_KEY,
        height=560,
        basemap=False,
        scope=pick.level,
        overlay=overlay(),
        name=f"edit:{pick.level}",
        clicks="all",
    )
    if not isinstance(event, dict) or event.get("scope") != pick.level:
        return
    seen = (event.get("seq"), tuple(event.get("coordinate") or ()))
    if seen == st.session_state.get("edit_deck_seen") or not event.get("coordinate"):
        return
    st.session_state["edit_deck_seen"] = seen
    lon, lat = event["coordinate"]
    st.session_state["edit_click_seen"] = st.session_state[CLICK_KEY] = (lat, lon)
    hit = picked(event)
    if hit and hit[1].get("kind") in ("zone", "opening", "control") and hit[1].get("id"):
        st.session_state[SEL_KEY] = (hit[1]["kind"], hit[1]["id"])
    st.rerun()


def _show_folium(level: dict, frames: dict, bounds, click, wedge, selected) -> None:
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
