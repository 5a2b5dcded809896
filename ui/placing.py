"""Place a plan by clicking: pick a point on the drawing or image, then the same point on the
campus map, two or more times; the fit (residual per pair, in metres) and the placed plan on
the campus map are shown before anything is imported.

The plan view is a Leaflet map in plain coordinates (CRS.Simple): the plan is scaled into a
1000-unit square so any drawing unit (mm, feet, pixels) gets a usable zoom.
"""

from __future__ import annotations

import base64
import html

import folium
import streamlit as st
from streamlit_folium import st_folium

from layers.folium_offline import offline_map
from passmap.config import load_settings
from passmap.importers.placement import Plan, as_georef_text, fit, plan_geojson

VIEW = 1000.0  # the plan view's square, in view units
STATE = "imp_place"  # session: {"plan": [(x, y)], "site": [(lon, lat)], "seen": {...}}


def _state() -> dict:
    return st.session_state.setdefault(STATE, {"plan": [], "site": [], "seen": {}})


def reset() -> None:
    st.session_state.pop(STATE, None)


def _scale(plan: Plan) -> tuple[float, float, float]:
    x0, y0, x1, y1 = plan.bounds
    return x0, y0, VIEW / max(x1 - x0, y1 - y0, 1e-12)


def to_view(plan: Plan, x: float, y: float) -> tuple[float, float]:
    """Plan units -> (lat, lng) of the plan view (image pixels have y down)."""
    x0, y0, k = _scale(plan)
    return ((-(y - y0) if plan.y_down else (y - y0)) * k, (x - x0) * k)


def from_view(plan: Plan, lat: float, lng: float) -> tuple[float, float]:
    x0, y0, k = _scale(plan)
    return (x0 + lng / k, y0 + (-lat if plan.y_down else lat) / k)


def _plan_map(plan: Plan, picked: list) -> folium.Map:
    m = offline_map([0, 0], zoom_start=0, crs="Simple", min_zoom=-3)
    x0, y0, x1, y1 = plan.bounds
    (a, b), (c, d) = to_view(plan, x0, y0), to_view(plan, x1, y1)
    box = [[min(a, c), min(b, d)], [max(a, c), max(b, d)]]
    if plan.kind == "image" and plan.image_path is not None:
        mime = "png" if plan.image_path.suffix.lower() == ".png" else "jpeg"
        data = base64.b64encode(plan.image_path.read_bytes()).decode()
        folium.raster_layers.ImageOverlay(f"data:image/{mime};base64,{data}", box).add_to(m)
    else:
        feats = plan_geojson(plan)["features"]
        for f in feats:
            f["geometry"] = _view_geometry(plan, f["geometry"])
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            style_function=lambda _: {"color": "#333333", "weight": 1, "fillOpacity": 0.05},
        ).add_to(m)
    for n, (x, y) in enumerate(picked, 1):
        _marker(m, to_view(plan, x, y), n, "#c0392b")
    m.fit_bounds(box)
    return m


def _view_geometry(plan: Plan, geometry: dict) -> dict:
    import shapely
    from shapely.geometry import mapping, shape

    def fn(c):  # GeoJSON order: x = the view's lng, y = the view's lat
        import numpy as np

        x0, y0, k = _scale(plan)
        ys = -(c[:, 1] - y0) if plan.y_down else (c[:, 1] - y0)
        return np.column_stack([(c[:, 0] - x0) * k, ys * k])

    return mapping(shapely.transform(shape(geometry), fn))


def _marker(m, latlng, n: int, colour: str) -> None:
    """Point ``n`` drawn so that a click on it (the next point is often a few pixels away)
    still reaches the map: the circle passes clicks on (bubblingMouseEvents), the number label
    is not interactive (a Leaflet marker keeps a click and the pick was lost)."""
    folium.CircleMarker(latlng, radius=7, color=colour, fill=True, fill_opacity=0.9).add_to(m)
    folium.Marker(
        latlng,
        icon=folium.DivIcon(html=f'<b style="color:{colour};font-size:14px">&nbsp;{n}</b>'),
        interactive=False,
    ).add_to(m)


def _site_map(campus: dict | None, buildings, picked: list, overlay: dict | None) -> folium.Map:
    settings = load_settings()
    geom = (campus or {}).get("geometry")
    centre = [geom.centroid.y, geom.centroid.x] if geom is not None else [39.8, -98.6]
    m = offline_map(
        centre,
        zoom_start=17 if geom is not None else 4,
        tile_url=settings.tile_url,
        attribution=settings.tile_attribution,
    )
    if geom is not None:
        folium.GeoJson(
            geom.__geo_interface__,
            style_function=lambda _: {"color": "#555555", "weight": 2, "fillOpacity": 0.03},
        ).add_to(m)
        b = geom.bounds
        m.fit_bounds([[b[1], b[0]], [b[3], b[2]]])
    for g in [] if buildings is None else list(buildings.geometry):
        if g is not None:
            folium.GeoJson(
                g.__geo_interface__,
                style_function=lambda _: {"color": "#333333", "weight": 1, "fillOpacity": 0.1},
            ).add_to(m)
    if overlay:
        folium.GeoJson(
            overlay, style_function=lambda _: {"color": "#1e6fd9", "weight": 2, "fillOpacity": 0}
        ).add_to(m)
    for n, (lon, lat) in enumerate(picked, 1):
        _marker(m, (lat, lon), n, "#1e6fd9")
    return m


def _take_click(key: str, value: dict | None) -> tuple[float, float] | None:
    """A new click on map ``key`` (the same one returned again on a rerun is ignored)."""
    click = (value or {}).get("last_clicked")
    if not click:
        return None
    point = (float(click["lat"]), float(click["lng"]))
    seen = _state()["seen"]
    if seen.get(key) == point:
        return None
    seen[key] = point
    return point


def pick_points(plan: Plan, campus: dict | None, buildings) -> str | None:
    """Draw both maps and the pairs; returns the control-point text once two pairs exist."""
    state = _state()
    pairs = list(zip(state["plan"], state["site"]))
    placed = fit(pairs) if len(pairs) >= 2 else None
    overlay = plan_geojson(plan, placed.transform) if placed else None
    step = "plan" if len(state["plan"]) == len(state["site"]) else "site"
    st.caption(
        f"Point {len(state['site']) + 1}: click it on the "
        + ("drawing (left)" if step == "plan" else "campus map (right), the same place")
    )
    left, right = st.columns(2)
    with left:
        got = st_folium(
            _plan_map(plan, state["plan"]),
            key="imp_plan_map",
            height=420,
            use_container_width=True,
            returned_objects=["last_clicked"],
        )
    with right:
        site = st_folium(
            _site_map(campus, buildings, state["site"], overlay),
            key="imp_site_map",
            height=420,
            use_container_width=True,
            returned_objects=["last_clicked"],
        )
    _record(plan, step, got, site)
    return _pairs_table(placed, pairs)


def _record(plan: Plan, step: str, got, site) -> None:
    state = _state()
    on_plan, on_site = _take_click("plan", got), _take_click("site", site)
    if step == "plan" and on_plan:
        state["plan"].append(from_view(plan, *on_plan))
        st.rerun()
    elif step == "site" and on_site:
        state["site"].append((on_site[1], on_site[0]))
        st.rerun()


def _pairs_table(placed, pairs) -> str | None:
    if not pairs:
        return None
    rows = [
        {
            "point": n,
            "plan x": round(x, 3),
            "plan y": round(y, 3),
            "lon": round(lon, 7),
            "lat": round(lat, 7),
            "residual (m)": None if placed is None else round(placed.residuals_m[n - 1], 2),
        }
        for n, ((x, y), (lon, lat)) in enumerate(pairs, 1)
    ]
    st.dataframe(rows, hide_index=True, width="stretch")
    if placed is None:
        st.info("Pick one more pair to see the plan placed on the campus map.")
        return None
    st.markdown(
        f"Fit: RMS **{placed.rms_m:.2f} m** over {len(pairs)} pairs "
        f"({html.escape(f'{placed.transform.scale_m_per_unit:.5f}')} m per plan unit)."
    )
    return as_georef_text(pairs)
