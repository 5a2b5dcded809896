"""Inputs of an assessment, read once from the store, and the site tables in the district's
metric frame (``to_frame``: reprojected, with planes and representative points).

A whole run reads the campuses and levels first, so each big site table is put in the metric
frame on its reader thread as soon as it arrives (``load_inputs(metric=True)``): the Python
side of one table overlaps DuckDB's scan of the next and the reprojection of a third.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import NamedTuple

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from passmap import geometry as geo

_READERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="passmap-assess-read")
# The site tables put in the metric frame: Inputs field -> the Context attribute.
METRIC = {"zones": "zones", "openings": "openings", "controls": "controls", "walls": "cad_walls"}


@dataclass
class Inputs:
    """Everything an assessment reads, as GeoDataFrames (WGS84) and DataFrames."""

    districts: gpd.GeoDataFrame
    campuses: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    levels: gpd.GeoDataFrame
    zones: gpd.GeoDataFrame
    openings: gpd.GeoDataFrame
    controls: gpd.GeoDataFrame
    attestations: pd.DataFrame
    device_status: pd.DataFrame | None = None
    walls: gpd.GeoDataFrame | None = None  # CAD walls (the ``wall`` table)
    procedures: pd.DataFrame | None = None  # written procedures per device type and scope
    # the store's kind_versions() read before the tables: the checklist's and procedures'
    # generations (None: unknown, compare the tables themselves)
    generations: dict | None = None
    # the site tables (``METRIC``) already in the metric frame ``frame``, taken over by the
    # Context built on these inputs (None: it reprojects them itself)
    metric: dict | None = None

    SITE = ("buildings", "levels", "zones", "openings", "controls", "walls")


class Frame(NamedTuple):
    """What putting a table in the metric frame needs: the CRS, the ground levels' ids (a
    plane key) and each campus's district."""

    crs: object
    ground: set
    campus_district: dict


def district_crs(campuses: gpd.GeoDataFrame, zones: gpd.GeoDataFrame | None = None):
    """The metric CRS of the campuses (else of the zones): the UTM zone of their centre."""
    base = campuses if len(campuses) or zones is None else zones
    return geo.to_metric(base[["geometry"]]).crs if len(base) else geo.local_crs(0, 0)


def frame_of(campuses: gpd.GeoDataFrame, levels: gpd.GeoDataFrame, crs) -> Frame:
    return Frame(crs, geo.ground_levels(levels), dict(zip(campuses["id"], campuses["district_id"])))


def to_frame(frame: gpd.GeoDataFrame, fr: Frame) -> gpd.GeoDataFrame:
    """A site table in the metric frame, with its plane key, district and representative
    point (``x_m``, ``y_m``), rows numbered from 0."""
    if len(frame):  # the columns shared, not copied as ``to_crs`` would (~0.05 s of the
        out = frame.copy(deep=False)  # district's controls): only new columns are set below
        out.to_crs(fr.crs, inplace=True)  # (a new geometry column, this frame's alone)
    else:
        out = frame.set_crs(fr.crs, allow_override=True)
    out.index = pd.RangeIndex(len(out))  # a new frame already: no reset_index copy
    out["plane"] = geo.plane_keys(out, fr.ground) if len(out) else pd.Series(dtype=object)
    out["district_id"] = out["campus_id"].map(fr.campus_district)
    xy = _centres(out)
    out["x_m"], out["y_m"] = (xy[:, 0], xy[:, 1]) if len(out) else ([], [])
    return out


def _centres(frame: gpd.GeoDataFrame) -> np.ndarray:
    """A representative point per geometry: the point itself, a door line's midpoint (the
    point a camera must see), a point inside an area."""
    geoms = np.asarray(frame.geometry.values)
    if len(geoms) == 0:
        return np.empty((0, 2))
    kind = shapely.get_type_id(geoms)
    pts = geoms.copy()
    lines, areas = kind == 1, kind >= 2
    if lines.any():
        pts[lines] = shapely.line_interpolate_point(geoms[lines], 0.5, normalized=True)
    if areas.any():
        pts[areas] = shapely.point_on_surface(geoms[areas])
    return shapely.get_coordinates(pts).reshape(-1, 2)


def load_inputs(
    store, campus_id: str | None = None, live: bool = False, metric: bool = False
) -> Inputs:
    """Read the site model (the district, or one campus), checklist statuses, procedures and,
    for a live assessment, the latest device statuses (of that campus's devices). With
    ``metric`` the campuses and levels are read first and each site table is also put in
    their metric frame on its reader thread (``Inputs.metric``)."""
    # The big reads overlap (per-thread cursors): the Python side of one (WKB, pandas)
    # runs while DuckDB scans the next.
    reads = {
        "controls": lambda: store.assessment_controls(campus_id, feed_ids=live),
        "zones": lambda: store.assessment_zones(campus_id),
        "openings": lambda: store.assessment_openings(campus_id),
        "buildings": lambda: store.assessment_buildings(campus_id),
        "levels": lambda: store.assessment_levels(campus_id=campus_id),
        "walls": lambda: store.assessment_walls(campus_id),
        "districts": store.list_districts,
        "campuses": lambda: store.list_campuses(campus_id=campus_id),
        "attestations": store.list_attestations,
        "procedures": store.list_type_procedures,
    }
    if live:
        reads["device_status"] = lambda: store.device_status_table(campus_id)
    generations = store.kind_versions()  # before the reads: a later write moves it past them
    early, fr = {}, None
    if metric:
        early["campuses"] = store.list_campuses(campus_id=campus_id)
        early["levels"] = reads.pop("levels")()
        del reads["campuses"]
        if len(early["campuses"]):  # else the zones decide the CRS: the Context's work
            fr = frame_of(early["campuses"], early["levels"], district_crs(early["campuses"]))
            for name in METRIC:
                reads[name] = _with_frame(reads[name], fr)
    # The district's controls (the longest read, then reprojected: alone for most of the
    # time otherwise) in two ranges of ids, one per core, joined in id order.
    cuts = store.id_cuts("control", 2) if fr is not None and campus_id is None else []
    if cuts:
        bounds = [None, *cuts, None]
        del reads["controls"]
        for k, ids in enumerate(zip(bounds[:-1], bounds[1:])):
            read = lambda ids=ids: store.assessment_controls(ids=ids, feed_ids=live)  # noqa: E731
            reads[f"controls{k}"] = _with_frame(read, fr)
    got = dict(zip(reads, _READERS.map(lambda read: read(), reads.values())))
    if cuts:
        parts = [got.pop(f"controls{k}") for k in range(len(cuts) + 1)]
        got["controls"] = tuple(_joined([p[i] for p in parts]) for i in (0, 1))
    prepared = None
    if fr is not None:
        prepared = {"frame": fr}
        for name in METRIC:
            got[name], prepared[name] = got[name]
    got.update(early)
    return Inputs(**got, generations=generations, metric=prepared)


def _joined(frames: list[gpd.GeoDataFrame]) -> gpd.GeoDataFrame:
    """Consecutive ranges of one table as one frame (rows numbered from 0); empty ranges
    left out (their columns may have other dtypes)."""
    frames = [f for f in frames if len(f)] or frames[:1]
    return frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)


def _with_frame(read, fr: Frame):
    """``read`` returning (its table, the table in the frame ``fr``; None for no table)."""

    def both():
        table = read()
        return table, None if table is None else to_frame(table, fr)

    return both
