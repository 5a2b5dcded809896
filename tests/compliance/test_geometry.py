"""Metric geometry: UTM frames, camera wedges and wall occlusion, with hand-computed areas."""

import math

import geopandas as gpd
import numpy as np
import shapely

from passmap.geometry import (
    WGS84,
    camera_view_polygon,
    camera_views,
    local_crs,
    to_metric,
    to_wgs84,
    visible_pairs,
    wedge_polygon,
)


def test_local_crs_picks_the_utm_zone_and_hemisphere():
    # Atlanta is in UTM 16N (-90..-84 deg); Sydney in 56S.
    assert local_crs(-84.39, 33.75).to_epsg() == 32616
    assert local_crs(151.2, -33.9).to_epsg() == 32756
    assert local_crs(-83.99, 10).to_epsg() == 32617


def test_metric_round_trip_keeps_coordinates():
    g = gpd.GeoDataFrame(geometry=[shapely.Point(-84.39, 33.75)], crs=WGS84)
    m = to_metric(g)
    assert m.crs.to_epsg() == 32616
    back = to_wgs84(m).geometry.iloc[0]
    assert abs(back.x + 84.39) < 1e-9 and abs(back.y - 33.75) < 1e-9


def test_wedge_points_along_compass_bearing():
    # bearing 90 = east: a 90 deg wedge of 10 m sees (5, 0), not north or west.
    w = wedge_polygon(0, 0, 90, 90, 10)
    assert w.contains(shapely.Point(5, 0))
    assert not w.contains(shapely.Point(0, 5)) and not w.contains(shapely.Point(-5, 0))
    assert abs(w.area - math.pi * 100 / 4) < 0.2
    assert abs(wedge_polygon(0, 0, 0, 360, 2).area - math.pi * 4) < 0.05


def test_full_wall_leaves_the_triangle_in_front():
    # Wall y=5, x in [-5, 5]; the 90 deg wedge's edges hit the wall ends exactly, so what is
    # seen is the triangle (0,0) (-5,5) (5,5): area 25 m2.
    wall = shapely.LineString([(-5, 5), (5, 5)])
    seen = camera_view_polygon(0, 0, 0, 90, 10, walls=[wall])
    assert abs(seen.area - 25.0) < 0.05
    assert seen.contains(shapely.Point(0, 4)) and not seen.contains(shapely.Point(0, 6))


def test_half_wall_blocks_only_its_side():
    # Wall y=5 over x in [0, 5]: the right 45 deg half sees the triangle (0,0)(0,5)(5,5) =
    # 12.5 m2; the left half is open: an eighth of a 10 m disc = 39.27 m2. Total 51.77 m2.
    wall = shapely.LineString([(0, 5), (5, 5)])
    seen = camera_view_polygon(0, 0, 0, 90, 10, walls=[wall])
    assert abs(seen.area - (12.5 + math.pi * 100 / 8)) < 0.3
    assert seen.contains(shapely.Point(-1, 8)) and not seen.contains(shapely.Point(2, 8))


def test_the_wall_a_camera_hangs_on_hides_nothing_in_front():
    # Camera 0.1 m from a wall it is mounted on looks away from it: the view is unchanged.
    wall = shapely.LineString([(-5, -0.1), (5, -0.1)])
    seen = camera_view_polygon(0, 0, 0, 90, 10, walls=[wall])
    assert abs(seen.area - wedge_polygon(0, 0, 0, 90, 10).area) < 1e-6


def test_the_wall_a_camera_hangs_on_hides_everything_behind_it():
    # The same camera turned to face its wall sees only the 0.1 m strip before the wall; a
    # camera ON the wall's line sees the side its bearing points to, never the other.
    wall = shapely.LineString([(-5, -0.1), (5, -0.1)])
    seen = camera_view_polygon(0, 0, 180, 90, 10, walls=[wall])
    assert seen.area < 0.02 and not seen.contains(shapely.Point(0, -3))
    wide = camera_view_polygon(0, -0.1, 150, 120, 10, walls=[wall])
    assert abs(wide.area - math.pi * 100 / 3) < 0.5
    assert not wide.intersects(shapely.box(-10, -0.099, 10, 10))
    half = camera_view_polygon(0, -0.1, 90, 180, 10, walls=[wall])  # looks along the wall
    assert abs(half.area - math.pi * 100 / 4) < 0.3 and not half.contains(shapely.Point(3, -2))


def test_visible_pairs_agree_with_the_view_at_the_mounting_wall():
    # Camera 0.2 m in front of a wall (y = -0.2) turned toward it: targets behind are hidden,
    # in front visible, for the engine's sight lines as for the drawn polygon.
    walls = np.array([shapely.LineString([(-8, -0.2), (8, -0.2)])])
    pts = np.array([[0.0, -3.0], [2.0, -5.0], [3.0, 0.05], [-3.0, 0.0]])
    for bearing in (180.0, 90.0, 200.0):
        poly = camera_view_polygon(0, 0, bearing, 170, 10, walls=list(walls))
        _, seen = visible_pairs(
            np.zeros((1, 2)),
            np.array([bearing]),
            np.array([170.0]),
            np.array([10.0]),
            np.zeros(1),
            pts,
            np.zeros(len(pts)),
            walls,
            np.zeros(1),
        )
        inside = shapely.contains_xy(poly, pts[:, 0], pts[:, 1])
        assert np.isin(np.arange(len(pts)), seen).tolist() == inside.tolist()
        assert not inside[:2].any()


def test_far_shadow_covers_wide_walls():
    # A long wall close to the camera subtends ~170 deg; everything beyond it must be hidden.
    wall = shapely.LineString([(-100, 1), (100, 1)])
    seen = camera_view_polygon(0, 0, 0, 180, 30, walls=[wall])
    assert seen.area < 100 * 1 + 1  # only the strip below y=1 (at most 60 x 1 m)
    assert not seen.contains(shapely.Point(0, 29))


def _rooms_gdfs():
    """Two 10 x 10 m rooms A (x 0..10) and B (x 10..20) with a 1 m door at x=10, y 4.5..5.5.
    A camera in A at (2, 5) looks east (bearing 90), fov 60, range 30."""
    crs = local_crs(-84.39, 33.75)
    x0, y0 = 742000.0, 3738000.0

    def box(a, b, c, d):
        return shapely.box(x0 + a, y0 + b, x0 + c, y0 + d)

    zones = gpd.GeoDataFrame(
        {
            "id": ["A", "B"],
            "campus_id": ["c", "c"],
            "building_id": ["b", "b"],
            "level_id": ["L0", "L0"],
        },
        geometry=[box(0, 0, 10, 10), box(10, 0, 20, 10)],
        crs=crs,
    )
    door = shapely.LineString([(x0 + 10, y0 + 4.5), (x0 + 10, y0 + 5.5)])
    openings = gpd.GeoDataFrame(
        {"id": ["D1"], "campus_id": ["c"], "level_id": ["L0"]}, geometry=[door], crs=crs
    )
    cams = gpd.GeoDataFrame(
        {
            "id": ["CAM1"],
            "type": ["camera"],
            "campus_id": ["c"],
            "level_id": ["L0"],
            "bearing_deg": [90.0],
            "fov_deg": [60.0],
            "range_m": [30.0],
        },
        geometry=[shapely.Point(x0 + 2, y0 + 5)],
        crs=crs,
    )
    return x0, y0, to_wgs84(cams), to_wgs84(zones), to_wgs84(openings)


def test_camera_views_see_through_doors_only():
    x0, y0, cams, zones, openings = _rooms_gdfs()
    views = camera_views(cams, zones, openings)
    assert list(views["control_id"]) == ["CAM1"] and views.crs.to_string() == WGS84
    view_m = views.to_crs(local_crs(-84.39, 33.75)).geometry.iloc[0]
    # Straight through the door: (15, 5) is seen; (15, 8) is behind the wall between rooms;
    # (9, 7) is inside room A within the 60 deg wedge (angle 16 deg off axis).
    assert view_m.contains(shapely.Point(x0 + 15, y0 + 5))
    assert not view_m.contains(shapely.Point(x0 + 15, y0 + 8))
    assert view_m.contains(shapely.Point(x0 + 9, y0 + 7))
    # Nothing beyond room A's north wall (y=10) although within range and angle.
    assert not view_m.contains(shapely.Point(x0 + 14, y0 + 11.5))


def test_visible_pairs_agrees_with_view_polygon():
    rng = np.random.default_rng(7)
    walls = np.array([shapely.LineString([(3, -4), (3, 4)]), shapely.LineString([(6, 2), (9, 8)])])
    poly = camera_view_polygon(0, 0, 70, 80, 12, walls=list(walls))
    pts = rng.uniform(-2, 12, size=(400, 2))
    _, seen = visible_pairs(
        np.zeros((1, 2)),
        np.array([70.0]),
        np.array([80.0]),
        np.array([12.0]),
        np.zeros(1),
        pts,
        np.zeros(400),
        walls,
        np.zeros(2),
    )
    inside = shapely.contains_xy(poly, pts[:, 0], pts[:, 1])
    near_edge = shapely.distance(poly.boundary, shapely.points(pts)) < 0.05
    mismatch = (np.isin(np.arange(400), seen) != inside) & ~near_edge
    assert not mismatch.any()
    assert 20 < inside.sum() < 380  # the scenario does occlude and does see
