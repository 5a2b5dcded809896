"""Shared state of the Edit page (session keys), who is editing (for the audit log), the camera
wedge preview and the zone under a point. The map is ``ui.edit_map``; the forms
``ui.edit_forms``."""

from __future__ import annotations

import shapely
from pyproj import Transformer

from ui.viewer import current_viewer

SEL_KEY, CLICK_KEY, VERSION_KEY = "edit_selected", "edit_click", "edit_versions"
DRAWN_KEY = "edit_drawn"


def actor() -> str:
    """The signed-in user name for the audit log. Every page that writes opens with
    ``require(...)`` (ui/guard.py), so someone is signed in; if not, that is a bug to show, not
    a change to record under a made-up name."""
    viewer = current_viewer()
    if viewer is None or not viewer.username:
        raise RuntimeError("A change was asked for with nobody signed in: it is not recorded.")
    return viewer.username


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


def zone_at(zones, lon: float, lat: float) -> str | None:
    if zones is None or zones.empty:
        return None
    hit = zones[zones.contains(shapely.Point(lon, lat))]
    return None if hit.empty else hit.iloc[0]["id"]
