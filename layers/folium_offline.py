"""folium maps that load Leaflet & co. from our own server (static/vendor), never a CDN.

folium pulls Leaflet, jQuery, Bootstrap and awesome-markers from public CDNs by default; offline
the map is blank (STACK.md). ``offline_map`` points the map's assets at /app/static/vendor and
pins Leaflet's default marker images there too.

>>> m = offline_map([40.0, -75.0], zoom_start=17)
>>> all(url.startswith("/app/static/vendor/") for _, url in m.default_js + m.default_css)
True
"""

from __future__ import annotations

import folium
from branca.element import MacroElement
from jinja2 import Template

VENDOR = "/app/static/vendor"
OFFLINE_JS = [
    ("leaflet", f"{VENDOR}/leaflet/leaflet.js"),
    ("jquery", f"{VENDOR}/jquery/jquery.min.js"),
    ("bootstrap", f"{VENDOR}/bootstrap/bootstrap.bundle.min.js"),
    ("awesome_markers", f"{VENDOR}/awesome-markers/leaflet.awesome-markers.js"),
]
OFFLINE_CSS = [
    ("leaflet_css", f"{VENDOR}/leaflet/leaflet.css"),
    ("bootstrap_css", f"{VENDOR}/bootstrap/bootstrap.min.css"),
    ("awesome_markers_font_css", f"{VENDOR}/fontawesome/css/all.min.css"),
    ("awesome_markers_css", f"{VENDOR}/awesome-markers/leaflet.awesome-markers.css"),
]
DRAW_JS = [("leaflet_draw_js", f"{VENDOR}/leaflet-draw/leaflet.draw.js")]
DRAW_CSS = [("leaflet_draw_css", f"{VENDOR}/leaflet-draw/leaflet.draw.css")]


class _ImagePath(MacroElement):
    """Sets L.Icon.Default.imagePath before any marker is created (else markers 404)."""

    _template = Template(
        "{% macro script(this, kwargs) %}"
        "L.Icon.Default.imagePath = '" + VENDOR + "/leaflet/images/';"
        "{% endmacro %}"
    )


def offline_map(
    location,
    zoom_start: int = 18,
    tile_url: str | None = None,
    attribution: str = "Configured tile source",
    min_zoom: float | None = None,
    **kwargs,
) -> folium.Map:
    """A folium Map using only vendored assets; tiles only when ``tile_url`` is configured.

    ``min_zoom`` is the map's own (folium gives min/max zoom to a tile layer only, and an
    offline map may have none: a plan view in plain units needs negative zooms to fit). A plan
    in plain units (``crs="Simple"``) gets no scale bar: its units are not metres.
    """
    m = folium.Map(
        location=location,
        zoom_start=zoom_start,
        tiles=None,
        max_zoom=23,
        control_scale=kwargs.get("crs") != "Simple",
        **kwargs,
    )
    if min_zoom is not None:
        m.options["min_zoom"] = min_zoom
    m.default_js = list(OFFLINE_JS)
    m.default_css = list(OFFLINE_CSS)
    m.add_child(_ImagePath(), index=0)
    if tile_url:
        folium.TileLayer(
            tiles=tile_url, attr=attribution, max_zoom=23, max_native_zoom=19, name="Basemap"
        ).add_to(m)
    return m


def offline_draw(**kwargs):
    """folium.plugins.Draw using the vendored Leaflet.draw (for the editor)."""
    from folium.plugins import Draw

    draw = Draw(**kwargs)
    draw.default_js = list(DRAW_JS)
    draw.default_css = list(DRAW_CSS)
    return draw
