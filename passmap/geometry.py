"""Metric geometry for the map: local UTM frames, camera views and walls that block them.

Geometry is stored in WGS84 lon/lat; anything measured in metres (ranges, areas, buffers) is
done in the local UTM zone of the site. Bearings are compass bearings: 0 = north, clockwise.

>>> view = camera_view_polygon(0, 0, bearing_deg=0, fov_deg=90, range_m=10)
>>> abs(view.area - math.pi * 100 / 4) < 0.2   # a quarter disc of radius 10 m (5 deg arc steps)
True
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from pyproj import CRS as ProjCRS

from passmap.values import optional_float

WGS84 = "OGC:CRS84"
# A wall this close to a camera (with the camera's foot on it) is the one it hangs on: it
# blocks everything behind its line and nothing in front of it (see ``mounting_walls``).
MOUNT_TOLERANCE_M = 0.3
_ON_LINE_M = 0.01  # a camera closer than this to its wall's line faces where its bearing points
DOOR_GAP_BUFFER_M = 0.25  # doors cut walls a little wider than drawn (digitising slack)
POINT_DOOR_HALF_WIDTH_M = 0.5
_ARC_STEP_DEG = 5.0
_FAR_FACTOR = 1.2  # shadow far edge beyond range; 4 rays at <= 60 deg: cos 30 = 0.866


def local_crs(lon: float, lat: float) -> ProjCRS:
    """The UTM CRS (WGS84 datum) of the zone containing ``lon, lat``.

    >>> local_crs(-84.39, 33.75).to_epsg()
    32616
    >>> local_crs(151.2, -33.9).to_epsg()
    32756
    """
    zone = min(60, int((lon + 180.0) // 6.0) + 1)
    return ProjCRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def to_metric(gdf: gpd.GeoDataFrame, crs: ProjCRS | None = None) -> gpd.GeoDataFrame:
    """Reproject a WGS84 GeoDataFrame to ``crs`` or to the UTM zone of its centre.

    >>> g = gpd.GeoDataFrame(geometry=[shapely.Point(-84.39, 33.75)], crs=WGS84)
    >>> to_metric(g).crs.to_epsg()
    32616
    """
    if crs is None:
        if gdf.empty:
            crs = local_crs(0.0, 0.0)
        else:
            x0, y0, x1, y1 = gdf.to_crs(WGS84).total_bounds
            crs = local_crs((x0 + x1) / 2, (y0 + y1) / 2)
    return gdf.to_crs(crs)


def to_wgs84(gdf: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Back to lon/lat (OGC:CRS84, the store's CRS)."""
    return gdf.to_crs(WGS84)


def wedge_polygon(
    x_m: float, y_m: float, bearing_deg: float, fov_deg: float, range_m: float
) -> shapely.Polygon:
    """The unobstructed field of view: a circular sector (a disc if ``fov_deg >= 360``).

    >>> round(wedge_polygon(0, 0, 90, 180, 1).area, 2)   # half disc of radius 1 (pi/2)
    1.57
    """
    if range_m <= 0 or fov_deg <= 0:
        return shapely.Polygon()
    if fov_deg >= 360:
        return shapely.Point(x_m, y_m).buffer(range_m, quad_segs=18)
    steps = max(2, math.ceil(fov_deg / _ARC_STEP_DEG) + 1)
    angles = np.radians(np.linspace(bearing_deg - fov_deg / 2, bearing_deg + fov_deg / 2, steps))
    arc = np.column_stack([x_m + range_m * np.sin(angles), y_m + range_m * np.cos(angles)])
    return shapely.Polygon(np.vstack([[x_m, y_m], arc]))


def wall_segments(walls) -> np.ndarray:
    """Split lines (LineString/MultiLineString/arrays of them) into 2-point segments."""
    if isinstance(walls, shapely.Geometry):
        walls = [walls]
    geoms = np.asarray(list(walls), dtype=object)
    if geoms.size == 0:
        return np.empty(0, dtype=object)
    parts = shapely.get_parts(geoms)
    parts = parts[~shapely.is_empty(parts)]
    coords, index = shapely.get_coordinates(parts, return_index=True)
    if len(coords) < 2:
        return np.empty(0, dtype=object)
    same = index[:-1] == index[1:]
    starts, ends = coords[:-1][same], coords[1:][same]
    keep = np.any(starts != ends, axis=1)
    return shapely.linestrings(np.stack([starts[keep], ends[keep]], axis=1))


def shadow_polygons(x_m: float, y_m: float, segments: np.ndarray, far_m: float) -> np.ndarray:
    """For each wall segment, the region it hides from a viewer at (x_m, y_m), out to far_m.

    Each shadow is the segment plus its far image along four rays, so the hidden sector is
    covered out to at least ``far_m * cos(30 deg)``.
    """
    if len(segments) == 0:
        return np.empty(0, dtype=object)
    xy = shapely.get_coordinates(segments).reshape(-1, 2, 2)
    a, b = xy[:, 0, :] - (x_m, y_m), xy[:, 1, :] - (x_m, y_m)
    ang_a, ang_b = np.arctan2(a[:, 1], a[:, 0]), np.arctan2(b[:, 1], b[:, 0])
    delta = (ang_b - ang_a + np.pi) % (2 * np.pi) - np.pi
    rays = ang_a[:, None] + delta[:, None] * np.array([1.0, 2 / 3, 1 / 3, 0.0])
    # Far points lie beyond the segment itself so the ring never crosses it.
    reach = np.maximum(far_m, np.maximum(np.hypot(*a.T), np.hypot(*b.T)) / 0.8)[:, None]
    far = np.stack([x_m + reach * np.cos(rays), y_m + reach * np.sin(rays)], axis=2)
    ring = np.concatenate([xy, far], axis=1)
    return shapely.polygons(ring)


def camera_view_polygon(
    x_m: float,
    y_m: float,
    bearing_deg: float,
    fov_deg: float,
    range_m: float,
    walls=None,
    mount_tolerance_m: float = MOUNT_TOLERANCE_M,
):
    """What a camera at (x_m, y_m) sees: its view wedge minus what lies behind walls.

    ``walls`` are lines in the same metric frame (shapely geometries or an array of them).
    A wall closer than ``mount_tolerance_m`` whose line passes by the camera is the one it is
    mounted on: the camera sees nothing behind that line and the wall hides nothing in front.

    >>> wall = shapely.LineString([(-5, 5), (5, 5)])        # a wall 5 m north, 10 m wide
    >>> open_view = camera_view_polygon(0, 0, 0, 90, 10)
    >>> seen = camera_view_polygon(0, 0, 0, 90, 10, walls=[wall])
    >>> seen.contains(shapely.Point(0, 4)), seen.contains(shapely.Point(0, 6))
    (True, False)
    >>> round(seen.area, 1)                                  # the triangle below the wall
    25.0
    """
    wedge = wedge_polygon(x_m, y_m, bearing_deg, fov_deg, range_m)
    if walls is None or wedge.is_empty:
        return wedge
    segs = wall_segments(walls)
    if len(segs) == 0:
        return wedge
    here = np.array([[x_m, y_m]])
    _, mount, normal, offset = mounting_walls(
        here, np.array([bearing_deg]), segs, np.ones(len(segs), dtype=bool), mount_tolerance_m
    )
    shadows = []
    if len(mount):
        reach = range_m * 2 + 1
        for n, c in zip(normal, offset):  # the half-plane behind the mounting wall's line
            shadows.append(_half_plane(n, c, x_m, y_m, reach))
    rest = np.setdiff1d(np.arange(len(segs)), mount)
    segs = segs[rest]
    segs = segs[shapely.intersects(segs, wedge)]
    if len(segs):
        far = range_m * _FAR_FACTOR / 0.866
        shadows.extend(shadow_polygons(x_m, y_m, segs, far))
    if not shadows:
        return wedge
    return polygonal(wedge.difference(shapely.union_all(np.asarray(shadows, dtype=object))))


def _half_plane(normal, offset: float, x_m: float, y_m: float, reach_m: float):
    """The square of side 2 x reach_m around (x_m, y_m) cut to where normal . p < offset."""
    nx, ny = normal
    foot = np.array([x_m, y_m]) - ((nx * x_m + ny * y_m) - offset) * np.array([nx, ny])
    along = np.array([-ny, nx]) * reach_m * 2
    back = -np.array([nx, ny]) * reach_m * 2
    return shapely.Polygon([foot - along, foot + along, foot + along + back, foot - along + back])


def mounting_walls(
    cam_xy: np.ndarray,
    bearing_deg: np.ndarray,
    segments: np.ndarray,
    same_plane,
    tolerance_m: float = MOUNT_TOLERANCE_M,
    wall_tree=None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The walls each camera hangs on: (camera index, wall index, front normal, offset) where
    ``front normal . p > offset`` is the side the camera looks from.

    A wall counts when it lies within ``tolerance_m`` of the camera and the camera's foot on its
    line falls on the wall (give or take the tolerance). The front is the side the camera is
    on; a camera on the line itself faces where its bearing points. ``same_plane`` is a
    callable(cam_idx, wall_idx) -> bool array, or an array over walls (one camera).

    >>> walls = np.array([shapely.LineString([(-5, -0.2), (5, -0.2)])])
    >>> ci, wi, n, c = mounting_walls(np.zeros((1, 2)), np.zeros(1), walls, np.ones(1, bool))
    >>> ci.tolist(), wi.tolist(), (n.round(3) + 0.0).tolist(), c.round(3).tolist()
    ([0], [0], [[0.0, 1.0]], [-0.2])
    """
    empty = np.empty(0, dtype=int)
    if len(cam_xy) == 0 or len(segments) == 0:
        return empty, empty, np.empty((0, 2)), np.empty(0)
    tree = wall_tree or shapely.STRtree(segments)
    ci, wi = tree.query(shapely.points(cam_xy), predicate="dwithin", distance=tolerance_m)
    keep = same_plane(ci, wi) if callable(same_plane) else np.asarray(same_plane)[wi]
    ci, wi = ci[keep], wi[keep]
    xy = shapely.get_coordinates(segments[wi]).reshape(-1, 2, 2)
    a, u = xy[:, 0], xy[:, 1] - xy[:, 0]
    length = np.hypot(u[:, 0], u[:, 1])
    ok = length > 0
    ci, wi, a, u, length = ci[ok], wi[ok], a[ok], u[ok], length[ok]
    p = cam_xy[ci]
    t = np.einsum("ij,ij->i", p - a, u) / length**2
    slack = tolerance_m / length
    on = (t >= -slack) & (t <= 1 + slack)
    ci, wi, a, u, length, p = ci[on], wi[on], a[on], u[on], length[on], p[on]
    n = np.column_stack([-u[:, 1], u[:, 0]]) / length[:, None]
    side = np.einsum("ij,ij->i", p - a, n)
    rad = np.radians(bearing_deg[ci])
    looks = np.column_stack([np.sin(rad), np.cos(rad)])
    facing = np.where(np.einsum("ij,ij->i", looks, n) >= 0, 1.0, -1.0)
    sign = np.where(np.abs(side) >= _ON_LINE_M, np.sign(side), facing)
    n = n * sign[:, None]
    # The wall's line itself counts as front: targets on it (a door in that wall) stay visible.
    return ci, wi, n, np.einsum("ij,ij->i", a, n)


def polygonal(geom, min_area: float = 1e-3):
    """Valid polygon parts of ``geom`` larger than ``min_area`` (slivers from overlay and
    reprojection dropped), as a Polygon or MultiPolygon (empty Polygon if nothing is left)."""
    parts = shapely.get_parts(shapely.make_valid(geom))
    parts = [p for p in parts if p.geom_type == "Polygon" and p.area > min_area]
    if not parts:
        return shapely.Polygon()
    return parts[0] if len(parts) == 1 else shapely.MultiPolygon(parts)


# -- whole sites ------------------------------------------------------------------------------


def plane_keys(frame: pd.DataFrame, ground_level_ids: Iterable[str] | None) -> pd.Series:
    """'<campus>|ground' for grounds and ground floors, '<campus>|<level>' above; views and
    walls only meet on the same plane."""
    level = frame["level_id"] if "level_id" in frame else pd.Series(None, index=frame.index)
    ground = set(ground_level_ids or ())
    is_ground = (level.isna() | level.isin(ground)).to_numpy()
    # Concatenate the distinct (campus, level) pairs only, then spread them back.
    campus, campus_names = pd.factorize(frame["campus_id"].astype(str).to_numpy())
    lvl, lvl_names = pd.factorize(np.where(is_ground, "ground", level.astype(str).to_numpy()))
    # pandas' factorize, not np.unique (which hashes and then sorts in numpy 2: ~5x slower)
    inverse, pair = pd.factorize(campus.astype(np.int64) * max(len(lvl_names), 1) + lvl)
    names = np.array(
        [
            f"{campus_names[p // max(len(lvl_names), 1)]}|{lvl_names[p % max(len(lvl_names), 1)]}"
            for p in pair
        ],
        dtype=object,
    )
    return pd.Series(
        names[inverse.reshape(-1)] if len(frame) else [], index=frame.index, dtype=object
    )


def door_gaps(openings_m: gpd.GeoDataFrame) -> np.ndarray:
    """Areas where walls are cut open by doors (metric frame): for a door line, a rectangle
    along it widened by DOOR_GAP_BUFFER_M on every side (built with numpy, no buffering);
    for a door point, a square of POINT_DOOR_HALF_WIDTH_M around it."""
    return door_gaps_of(np.asarray(openings_m.geometry.values))


def door_gaps_of(geoms: np.ndarray) -> np.ndarray:
    """``door_gaps`` of an array of door geometries (metric)."""
    if len(geoms) == 0:
        return np.empty(0, dtype=object)
    a = shapely.get_coordinates(shapely.get_point(geoms, 0))
    b = shapely.get_coordinates(shapely.get_point(geoms, -1))
    is_point = shapely.get_type_id(geoms) == 0
    if is_point.any():
        pts = shapely.get_coordinates(geoms[is_point])
        a[is_point], b[is_point] = pts, pts
    d = b - a
    length = np.hypot(d[:, 0], d[:, 1])
    u = np.where(length[:, None] > 0, d / np.where(length > 0, length, 1)[:, None], [1.0, 0.0])
    n = np.column_stack([-u[:, 1], u[:, 0]])
    w = np.where(is_point, POINT_DOOR_HALF_WIDTH_M, DOOR_GAP_BUFFER_M)[:, None]
    p0, p1 = a - u * w, b + u * w
    ring = np.stack([p0 - n * w, p1 - n * w, p1 + n * w, p0 + n * w], axis=1)
    return shapely.polygons(ring)


def site_walls(
    zones_m: gpd.GeoDataFrame, openings_m: gpd.GeoDataFrame, ground_level_ids=None
) -> gpd.GeoDataFrame:
    """Wall segments (metric) with their plane key: building-zone boundaries minus door gaps.

    Grounds zones (no building) have no walls; a wall shared by two rooms is kept once.
    Vectorised over all zones. Returns GeoDataFrame[plane, geometry].
    """
    rooms = zones_m[zones_m["building_id"].notna()] if "building_id" in zones_m else zones_m
    zone_plane = plane_keys(rooms, ground_level_ids).to_numpy() if len(rooms) else np.empty(0)
    door_plane = (
        plane_keys(openings_m, ground_level_ids).to_numpy() if len(openings_m) else np.empty(0)
    )
    segs, planes = site_wall_arrays(
        np.asarray(rooms.geometry.values),
        zone_plane,
        np.asarray(openings_m.geometry.values),
        door_plane,
    )
    return gpd.GeoDataFrame({"plane": planes}, geometry=segs, crs=zones_m.crs)


def site_wall_arrays(
    rooms: np.ndarray,
    room_plane: np.ndarray,
    doors: np.ndarray,
    door_plane: np.ndarray,
    cad_walls: np.ndarray | None = None,
    cad_plane: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``site_walls`` on plain arrays (room polygons of buildings and door geometries, metric,
    with their plane keys, plus optional CAD wall lines): (wall segments, their planes),
    without any GeoDataFrame. CAD walls are cut at doors like room boundaries."""
    parts, owner = shapely.get_parts(shapely.boundary(rooms), return_index=True)
    coords, idx = shapely.get_coordinates(parts, return_index=True)
    same = idx[:-1] == idx[1:]
    a, b, seg_plane = coords[:-1][same], coords[1:][same], room_plane[owner[idx[:-1][same]]]
    if cad_walls is not None and len(cad_walls):
        segs = wall_segments(cad_walls)
        cad_idx = _segment_owner(cad_walls)
        xy = shapely.get_coordinates(segs).reshape(-1, 2, 2)
        a, b = np.vstack([a, xy[:, 0]]), np.vstack([b, xy[:, 1]])
        seg_plane = np.concatenate([seg_plane, np.asarray(cad_plane, dtype=object)[cad_idx]])
    if len(a) == 0:
        return np.empty(0, dtype=object), np.empty(0, dtype=object)
    keep = np.any(a != b, axis=1) & _first_copy(a, b, seg_plane)
    a, b, seg_plane = a[keep], b[keep], seg_plane[keep]
    if len(doors) == 0:
        return shapely.linestrings(np.stack([a, b], axis=1)), seg_plane
    t0, t1, owner = _open_intervals(a, b, seg_plane, door_gaps_of(doors), door_plane)
    d = b - a
    start = a[owner] + t0[:, None] * d[owner]
    end = a[owner] + t1[:, None] * d[owner]
    return shapely.linestrings(np.stack([start, end], axis=1)), seg_plane[owner]


def _segment_owner(lines: np.ndarray) -> np.ndarray:
    """For ``wall_segments(lines)``: the index of the line each segment came from."""
    geoms = np.asarray(list(lines), dtype=object)
    parts, part_owner = shapely.get_parts(geoms, return_index=True)
    nonempty = ~shapely.is_empty(parts)
    parts, part_owner = parts[nonempty], part_owner[nonempty]
    coords, index = shapely.get_coordinates(parts, return_index=True)
    same = index[:-1] == index[1:]
    keep = np.any(coords[:-1][same] != coords[1:][same], axis=1)
    return part_owner[index[:-1][same][keep]]


def _open_intervals(a, b, seg_plane, gaps, gap_plane):
    """Parts of the segments a->b left after removing the door gaps of the same plane, as
    (t0, t1, segment index) with 0 <= t0 < t1 <= 1 along each segment.

    A gap is a convex quadrilateral, so a segment meets it in one interval (Cyrus-Beck
    clipping); the intervals are merged per segment and their complement kept. Vectorised;
    the same pieces as ``shapely.difference`` of each segment with its gaps, without GEOS
    overlays (which took ~0.4 s of the large district)."""
    n = len(a)
    segs = shapely.linestrings(np.stack([a, b], axis=1))
    si, gi = shapely.STRtree(gaps).query(segs, predicate="intersects")
    keep = seg_plane[si] == gap_plane[gi]
    si, gi = si[keep], gi[keep]
    t0, t1 = _clip_convex(
        a[si], b[si] - a[si], shapely.get_coordinates(gaps).reshape(len(gaps), 5, 2)[gi, :4]
    )
    cut = t1 > t0
    si, t0, t1 = si[cut], t0[cut], t1[cut]
    order = np.lexsort((t0, si))
    si, t0, t1 = si[order], t0[order], t1[order]
    reach = np.maximum.accumulate(si * 2.0 + t1) - si * 2.0  # covered up to, per segment
    first = np.r_[True, si[1:] != si[:-1]]
    last = np.r_[si[1:] != si[:-1], True]
    prev_end = np.where(first, 0.0, np.r_[0.0, reach[:-1]])
    before = t0 > prev_end  # open piece before interval
    after = last & (reach < 1.0)  # open piece after the last
    cut_open = np.zeros(n, dtype=bool)
    cut_open[si] = True  # segments no door touches (np.setdiff1d hashes: ~20x slower)
    whole = np.flatnonzero(~cut_open)
    starts = np.concatenate([np.zeros(len(whole)), prev_end[before], reach[after]])
    ends = np.concatenate([np.ones(len(whole)), t0[before], np.ones(after.sum())])
    owner = np.concatenate([whole, si[before], si[after]])
    order = np.lexsort((starts, owner))
    return starts[order], ends[order], owner[order]


def _clip_convex(origin, direction, quads):
    """Parameter interval [t0, t1] within [0, 1] of origin + t * direction inside each convex
    quadrilateral (t0 >= t1 when they do not overlap)."""
    edge = np.roll(quads, -1, axis=1) - quads
    normal = np.stack([edge[..., 1], -edge[..., 0]], axis=-1)
    centre = quads.mean(axis=1, keepdims=True)
    inward = np.einsum("mkd,mkd->mk", normal, centre - quads) > 0
    normal[inward] *= -1  # all normals point outward
    num = np.einsum("mkd,mkd->mk", normal, origin[:, None, :] - quads)
    den = np.einsum("mkd,md->mk", normal, direction)
    with np.errstate(divide="ignore", invalid="ignore"):
        t = -num / den
    t0 = np.maximum(np.where(den < 0, t, -np.inf).max(axis=1), 0.0)
    t1 = np.minimum(np.where(den > 0, t, np.inf).min(axis=1), 1.0)
    parallel_out = ((den == 0) & (num > 0)).any(axis=1)
    return t0, np.where(parallel_out, -1.0, t1)


def _first_copy(a: np.ndarray, b: np.ndarray, plane: np.ndarray) -> np.ndarray:
    """True for the first occurrence of each segment (either direction, cm precision, plane)."""
    swap = (a[:, 0] > b[:, 0]) | ((a[:, 0] == b[:, 0]) & (a[:, 1] > b[:, 1]))
    lo, hi = np.where(swap[:, None], b, a), np.where(swap[:, None], a, b)
    key = pd.DataFrame(np.round(np.hstack([lo, hi]) * 100).astype(np.int64))
    key["plane"] = pd.factorize(plane)[0]  # integer codes: a much faster duplicated()
    return ~key.duplicated().to_numpy()


def camera_views(
    controls_gdf: gpd.GeoDataFrame,
    zones_gdf: gpd.GeoDataFrame,
    openings_gdf: gpd.GeoDataFrame,
    levels_gdf: gpd.GeoDataFrame | None = None,
    walls_gdf: gpd.GeoDataFrame | None = None,
    crs=None,
) -> gpd.GeoDataFrame:
    """Camera views (WGS84) clipped by walls = building-zone boundaries and CAD walls
    (``walls_gdf``, the ``wall`` table: [campus_id, level_id, geometry]), minus door openings.

    Cameras are controls of type ``camera`` with ``bearing_deg``, ``fov_deg`` and ``range_m``
    (missing fov -> 90 deg, missing range -> 15 m). Cameras on the grounds share the plane of
    ground-floor walls when ``levels_gdf`` says which levels have ordinal 0 (else all building
    zones of the campus without a level count as ground). ``crs``: the metric frame (default:
    the UTM zone of the cameras).
    Returns GeoDataFrame[control_id, geometry] in OGC:CRS84.
    """
    cams = controls_gdf[controls_gdf["type"] == "camera"]
    if cams.empty:
        return gpd.GeoDataFrame({"control_id": []}, geometry=[], crs=WGS84)
    crs = crs or to_metric(cams[["geometry"]]).crs
    ground = ground_levels(levels_gdf)
    segs, wall_plane = all_walls(
        to_metric(zones_gdf, crs),
        to_metric(openings_gdf, crs),
        None if walls_gdf is None else to_metric(walls_gdf, crs),
        ground,
    )
    tree = shapely.STRtree(segs)
    cams_m = to_metric(cams, crs)
    cam_plane = plane_keys(cams_m, ground).to_numpy()
    pts = shapely.get_coordinates(shapely.centroid(np.asarray(cams_m.geometry.values)))
    views = []
    for i, row in enumerate(cams_m.itertuples(index=False)):
        params = camera_params(row)
        wedge = wedge_polygon(pts[i, 0], pts[i, 1], *params)
        hits = np.union1d(
            tree.query(wedge, predicate="intersects"),
            tree.query(shapely.Point(pts[i]), predicate="dwithin", distance=MOUNT_TOLERANCE_M),
        ).astype(int)
        hits = hits[wall_plane[hits] == cam_plane[i]]
        views.append(camera_view_polygon(pts[i, 0], pts[i, 1], *params, walls=segs[hits]))
    out = to_wgs84(gpd.GeoDataFrame({"control_id": cams["id"].to_numpy()}, geometry=views, crs=crs))
    out["geometry"] = [polygonal(g, 0.0) for g in out.geometry.values]
    return out


def all_walls(
    zones_m: gpd.GeoDataFrame,
    openings_m: gpd.GeoDataFrame,
    cad_walls_m: gpd.GeoDataFrame | None,
    ground_level_ids=None,
) -> tuple[np.ndarray, np.ndarray]:
    """Every wall segment that blocks a view (metric) and its plane key: building-zone
    boundaries and CAD walls, both cut open at doors of the same plane."""
    rooms = zones_m[zones_m["building_id"].notna()] if "building_id" in zones_m else zones_m
    room_plane = plane_keys(rooms, ground_level_ids).to_numpy() if len(rooms) else np.empty(0)
    door_plane = (
        plane_keys(openings_m, ground_level_ids).to_numpy() if len(openings_m) else np.empty(0)
    )
    cad, cad_plane = None, None
    if cad_walls_m is not None and len(cad_walls_m):
        cad = np.asarray(cad_walls_m.geometry.values)
        cad_plane = plane_keys(cad_walls_m, ground_level_ids).to_numpy()
    return site_wall_arrays(
        np.asarray(rooms.geometry.values),
        room_plane,
        np.asarray(openings_m.geometry.values),
        door_plane,
        cad,
        cad_plane,
    )


def camera_params(row) -> tuple[float, float, float]:
    """(bearing_deg, fov_deg, range_m) of a control row, with defaults for missing values."""

    def val(name, default):
        v = getattr(row, name, None)
        return optional_float(v, default)

    return val("bearing_deg", 0.0), val("fov_deg", 90.0), val("range_m", 15.0)


def ground_levels(levels_gdf) -> set[str]:
    if levels_gdf is None or len(levels_gdf) == 0:
        return set()
    return set(levels_gdf.loc[levels_gdf["ordinal"] == 0, "id"])


def camera_reach_tree(cam_xy: np.ndarray, range_m: np.ndarray) -> shapely.STRtree:
    """An STRtree of each camera's reach square (side 2 x range), for visible_pairs."""
    x, y = cam_xy[:, 0], cam_xy[:, 1]
    return shapely.STRtree(shapely.box(x - range_m, y - range_m, x + range_m, y + range_m))


def camera_mounts(
    cam_xy, bearing_deg, cam_plane, walls, wall_plane, wall_tree=None, tolerance_m=MOUNT_TOLERANCE_M
):
    """``mounting_walls`` of every camera on the walls of its own plane (what
    ``visible_pairs`` judges by side): the same for every target set of one assessment."""
    return mounting_walls(
        cam_xy,
        bearing_deg,
        walls,
        lambda c, w: wall_plane[w] == cam_plane[c],
        tolerance_m,
        wall_tree,
    )


def visible_pairs(
    cam_xy: np.ndarray,
    bearing_deg: np.ndarray,
    fov_deg: np.ndarray,
    range_m: np.ndarray,
    cam_plane: np.ndarray,
    target_xy: np.ndarray,
    target_plane: np.ndarray,
    walls: np.ndarray,
    wall_plane: np.ndarray,
    mount_tolerance_m: float = MOUNT_TOLERANCE_M,
    reach_tree=None,
    wall_tree=None,
    mounts=None,
) -> tuple[np.ndarray, np.ndarray]:
    """All (camera, target) index pairs where the target point is seen: within range and
    angle, same plane, and the sight line crosses no wall. Vectorised with STRtrees.

    This is the same test as "point inside camera_view_polygon" (a point is in a wall's shadow
    exactly when the sight line crosses that wall; a camera's mounting wall hides what lies
    behind its line), without building the polygons.

    >>> cam = np.array([[0.0, 0.0]]); one = np.ones(1)
    >>> tgt = np.array([[0.0, 4.0], [0.0, 6.0], [6.0, 0.0]])
    >>> wall = np.array([shapely.LineString([(-5, 5), (5, 5)])])
    >>> c, t = visible_pairs(cam, 0 * one, 90 * one, 10 * one, np.zeros(1), tgt,
    ...                      np.zeros(3), wall, np.zeros(1))
    >>> t.tolist()     # (0, 6) is behind the wall, (6, 0) outside the 90 deg view
    [0]
    """
    if len(cam_xy) == 0 or len(target_xy) == 0:
        return np.empty(0, dtype=int), np.empty(0, dtype=int)
    if reach_tree is None:  # callers assessing many target sets pass reach_tree(...) once
        reach_tree = camera_reach_tree(cam_xy, range_m)
    ti, ci = reach_tree.query(shapely.points(target_xy))
    d = target_xy[ti] - cam_xy[ci]
    near = (np.hypot(d[:, 0], d[:, 1]) <= range_m[ci]) & (cam_plane[ci] == target_plane[ti])
    ci, ti, d = ci[near], ti[near], d[near]
    toward = np.degrees(np.arctan2(d[:, 0], d[:, 1]))
    off = np.abs((toward - bearing_deg[ci] + 180.0) % 360.0 - 180.0)
    inside = (off <= fov_deg[ci] / 2 + 1e-9) | (fov_deg[ci] >= 360) | (np.hypot(*d.T) < 1e-9)
    ci, ti = ci[inside], ti[inside]
    if len(walls) == 0 or len(ci) == 0:
        return ci, ti
    tree = wall_tree or shapely.STRtree(walls)
    if mounts is None:  # callers assessing many target sets pass camera_mounts(...) once
        mounts = camera_mounts(
            cam_xy, bearing_deg, cam_plane, walls, wall_plane, tree, mount_tolerance_m
        )
    mci, mwi, normal, offset = mounts
    blocked = _behind_mount(ci, target_xy[ti], mci, normal, offset)
    lines = shapely.linestrings(np.stack([cam_xy[ci], target_xy[ti]], axis=1))
    li, wi = tree.query(lines, predicate="intersects")
    keep = wall_plane[wi] == cam_plane[ci[li]]
    li, wi = li[keep], wi[keep]
    if len(mci):  # a camera's own mounting walls were judged by side, above
        mounted = pd.MultiIndex.from_arrays([mci, mwi])
        own = pd.MultiIndex.from_arrays([ci[li], wi]).isin(mounted)
        li = li[~own]
    blocked[li] = True
    return ci[~blocked], ti[~blocked]


def _behind_mount(ci, target_xy, mount_cam, normal, offset) -> np.ndarray:
    """Per (camera, target) pair: is the target behind one of the camera's mounting walls?"""
    blocked = np.zeros(len(ci), dtype=bool)
    if len(mount_cam) == 0 or len(ci) == 0:
        return blocked
    order = np.argsort(mount_cam, kind="stable")
    mount_cam, normal, offset = mount_cam[order], normal[order], offset[order]
    start = np.searchsorted(mount_cam, ci, side="left")
    count = np.searchsorted(mount_cam, ci, side="right") - start
    pair = np.repeat(np.arange(len(ci)), count)
    if len(pair) == 0:
        return blocked
    which = np.repeat(start - np.cumsum(count) + count, count) + np.arange(len(pair))
    side = np.einsum("ij,ij->i", target_xy[pair], normal[which]) - offset[which]
    blocked[pair[side < -1e-6]] = True
    return blocked
