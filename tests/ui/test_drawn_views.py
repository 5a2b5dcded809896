"""The floor plan draws the camera views the assessment judged (issue 13: CAD walls block
"neither compliance sight lines nor the camera views drawn on the map"): a CAD wall imported
in front of a camera cuts its drawn view at the next run, as it cuts the engine's."""

from __future__ import annotations

import math

import shapely

from layers.deck import polygon_parts
from passmap.compliance.service import service_for
from passmap.store.shared import shared_store
from tests.ui.conftest import deck_spec, layer, show_page

PICK = {"campus": "ohes", "building": "ohes-main", "level": "ohes-main-l1"}
M_PER_DEG = 111_320.0


def _drawn_view(at, camera_id: str):
    show_page(at, "floor", PICK)
    # The view is drawn as its outline (layers.floor.fov_layers: ribbons along each ring, in
    # the first view's band "fov-0"): the area drawn is what the outline's outer edge encloses.
    rows = [r for r in layer(deck_spec(at), "fov-0")["data"] if r.get("id") == camera_id]
    assert rows, f"no drawn view of {camera_id}"
    ribbons = shapely.union_all([shapely.Polygon(r["polygon"][0], r["polygon"][1:]) for r in rows])
    return shapely.union_all([shapely.Polygon(part.exterior) for part in polygon_parts(ribbons)])


def test_a_cad_wall_in_front_of_a_camera_cuts_its_drawn_view(maps_app, demo_db):
    store = shared_store(str(demo_db))
    cams = store.list_controls(level_id=PICK["level"])
    cams = cams[(cams["type"] == "camera") & (cams["range_m"].fillna(15.0) >= 8.0)]
    cam = cams.iloc[0]
    at = maps_app()
    at.run()
    before = _drawn_view(at, cam["id"])

    # A 30 m CAD wall across the view, 3 m in front of the camera, on its level.
    p, b = cam["geometry"].centroid, math.radians(float(cam["bearing_deg"] or 0.0))
    kx = 1.0 / (M_PER_DEG * math.cos(math.radians(p.y)))
    ky = 1.0 / M_PER_DEG
    cx, cy = p.x + 3.0 * math.sin(b) * kx, p.y + 3.0 * math.cos(b) * ky
    dx, dy = 15.0 * math.cos(b) * kx, -15.0 * math.sin(b) * ky
    wall = shapely.LineString([(cx - dx, cy - dy), (cx + dx, cy + dy)])
    store.apply_import(
        {
            "wall": [
                {
                    "id": "test-wall-1",
                    "campus_id": PICK["campus"],
                    "building_id": PICK["building"],
                    "level_id": PICK["level"],
                    "geom": wall,
                }
            ]
        },
        "test",
        "cad wall in front of a camera",
    )
    after = _drawn_view(at, cam["id"])
    engine = service_for(store).current().coverage_for(PICK["campus"])
    judged = engine.loc[engine["control_id"] == cam["id"], "geometry"].iloc[0]

    assert after.area < 0.7 * before.area, (before.area, after.area)
    assert not after.buffer(1e-7).intersects(
        shapely.Point(p.x + 1.5 * (cx - p.x), p.y + 1.5 * (cy - p.y))
    )
    # What is drawn is what the engine judged (same walls, same mounting rule), to ~1 m.
    assert after.hausdorff_distance(judged) < 1e-5, after.hausdorff_distance(judged)
