"""Helpers of the Edit page: the folium edit map (vendored Leaflet + Leaflet.draw), the camera
wedge preview, click/selection state, and who is editing (for the audit log)."""

from __future__ import annotations

import base64
import html
from pathlib import Path

import folium
import shapely
from pyproj import Transformer

from layers.folium_offline import offline_draw, offline_map
from passmap.config import ROOT
from ui.viewer import current_viewer

SEL_KEY, CLICK_KEY, VERSION_KEY = "edit_selected", "edit_click", "edit_versions"
KIND_COLOURS = {"zone": "#4a6fa5", "opening": "#c0392b", "control": "#1e8449", "wall": "#555555"}


def actor() -> str:
    """The signed-in user name for the audit log; "local" when nobody is signed in (a page run
    outside the gate, as the page tests do)."""
    viewer = current_viewer()
    return viewer.username if viewer and viewer.username else "local"


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


def camera_wedge(lon: float, lat: float, bearing_deg: float, fov_deg: float, range_m: float):
    """The camera's view wedge in lon/lat (compliance engineer's camera_view_polygon)."""
    from passmap.geometry import camera_view_polygon, local_crs

    crs = local_crs(lon, lat)
    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    back = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)
    x, y = fwd.transform(lon, lat)
    wedge = camera_view_polygon(x, y, bearing_deg, fov_deg, range_m)
    return _to_lonlat(wedge, back)


def _to_lonlat(geom, back):
    import numpy as np

    def fn(c):
        lon, lat = back.transform(c[:, 0], c[:, 1])
        return np.column_stack([lon, lat])

    return shapely.transform(geom, fn)


def _underlay(m, level: dict) -> None:
    under = (level.get("props") or {}).get("underlay")
    if not under:
        return
    url = under.get("url")
    if not url:
        path = Path(under["path"])
        path = path if path.is_absolute() else ROOT / path
        if not path.exists():
            return
        mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
        url = f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()
    folium.raster_layers.ImageOverlay(
        url, bounds=under["bounds"], opacity=0.6, name="Underlay"
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


def zone_at(zones, lon: float, lat: float) -> str | None:
    if zones is None or zones.empty:
        return None
    hit = zones[zones.contains(shapely.Point(lon, lat))]
    return None if hit.empty else hit.iloc[0]["id"]
