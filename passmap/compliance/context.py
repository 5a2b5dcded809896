"""The derived metric context the rules of an assessment share (planes, control-to-zone
joins, walls, cameras), built on its inputs (``passmap.compliance.inputs``, re-exported
here). No I/O after ``load_inputs``."""

from __future__ import annotations

import threading
from concurrent.futures import Future
from datetime import date
from functools import cached_property

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

from passmap import geometry as geo
from passmap.compliance.inputs import (  # noqa: F401 - re-exported: the inputs' old home
    _READERS,
    METRIC,
    Inputs,
    district_crs,
    frame_of,
    load_inputs,
    to_frame,
)
from passmap.geometry import WGS84

OFFLINE_STATES = {
    ("health", "offline"),
    ("health", "out_of_service"),
    ("health", "tamper"),
    ("camera", "offline"),
    ("camera", "video_loss"),
    ("camera", "tamper"),
    ("camera", "storage_fail"),
}
# A door held or forced open (or held open by its lock mode) breaks "locked and monitored";
# a merely unlocked primary entrance during the day does not.
BREACH_STATES = {
    ("door_alarm", "held_open"),
    ("door_alarm", "forced_open"),
    ("lock", "locked_open"),
}


def _level_codes(c: pd.DataFrame, z: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes of the controls' and zones' levels, shared between both (no level: -1
    on both sides, so two devices on the grounds compare equal)."""
    both = np.concatenate(
        [c["level_id"].to_numpy(dtype=object), z["level_id"].to_numpy(dtype=object)]
    )
    codes, _ = pd.factorize(both)
    return codes[: len(c)], codes[len(c) :]


def _scope_rows(
    scope_type: str, scope_id, scope_name, zone_id, building_id, campus_id, district_id
) -> pd.DataFrame:
    """One row per scope unit, in the column order `Context.units` promises.

    >>> _scope_rows("district", pd.Series(["d1"]), pd.Series(["North"]), None, None, None,
    ...             pd.Series(["d1"])).iloc[0].tolist()
    ['district', 'd1', 'North', None, None, None, 'd1']
    """
    return pd.DataFrame(
        {
            "scope_type": scope_type,
            "scope_id": scope_id,
            "scope_name": scope_name,
            "zone_id": zone_id,
            "building_id": building_id,
            "campus_id": campus_id,
            "district_id": district_id,
        }
    )


SPLIT_TARGETS = 20_000  # sight-line targets from which ``Context.seen`` uses two threads


class Context:
    """Metric frames and joins shared by all rules of one assessment."""

    def __init__(self, inputs: Inputs, as_of: date | None = None, live: bool = False, crs=None):
        self.inputs = inputs
        self.as_of = as_of or date.today()
        self.live = live
        metric, inputs.metric = inputs.metric or {}, None  # taken over (not kept twice)
        if metric and (crs is None or crs == metric["frame"].crs):
            fr = metric["frame"]
        else:  # the district's frame; a one-campus update passes the district's CRS
            crs = crs if crs is not None else district_crs(inputs.campuses, inputs.zones)
            fr, metric = frame_of(inputs.campuses, inputs.levels, crs), {}
        self.crs, self.ground, self.campus_district = fr
        walls = inputs.walls
        if walls is None:
            walls = gpd.GeoDataFrame(
                {"id": [], "campus_id": [], "level_id": []}, geometry=[], crs=WGS84
            )
        # Reprojected by load_inputs (metric=True) as the reads came in, else here: the four
        # overlap (pyproj and shapely release the GIL for most of it).
        tables = {"zones": inputs.zones, "openings": inputs.openings, "controls": inputs.controls}
        todo = {k: v for k, v in (tables | {"walls": walls}).items() if metric.get(k) is None}
        big = sum(map(len, todo.values())) > 20_000  # threads cost more for one campus
        done = dict(
            zip(todo, (_READERS.map if big else map)(lambda t: to_frame(t, fr), todo.values()))
        )
        for name, attr in METRIC.items():
            setattr(self, attr, metric.get(name) if metric.get(name) is not None else done[name])
        b = inputs.buildings
        portable = b["portable"].fillna(False).astype(bool) if "portable" in b else b["id"].isna()
        self.portable_buildings = set(b.loc[portable.to_numpy(), "id"])
        # Categorical vocabularies make the per-practice type/class filters cheap.
        self._categorical()
        self._plane_codes: dict[str, int] = {}
        self._plane_lock = threading.Lock()  # a prefetch thread may code planes too
        self._pending: dict[str, Future] = {}  # the shared tables (``_table``)
        self._tables_lock = threading.Lock()
        self.offline_controls, self.breached_openings = self._live_sets()

    def _categorical(self) -> None:
        self.controls["type"] = self.controls["type"].astype("category")
        self.openings["door_class"] = self.openings["door_class"].astype("category")
        self.zones["kind"] = self.zones["kind"].astype("category")

    def plane_code(self, planes) -> np.ndarray:
        """Integer code per plane key, stable within this context (factorised, then mapped)."""
        planes = np.asarray(planes, dtype=object)
        if len(planes) == 0:
            return np.empty(0, dtype=np.int64)
        local, uniques = pd.factorize(planes, use_na_sentinel=False)
        codes = self._plane_codes
        with self._plane_lock:
            table = np.array([codes.setdefault(p, len(codes)) for p in uniques], dtype=np.int64)
        return table[local]

    # -- shared tables (computed once, maybe on a reader thread) ------------------------------
    def prefetch(self, *chains: tuple[str, ...]) -> None:
        """Compute shared tables (``control_zone``, ``walls``, ``_camera_arrays``) on a reader
        thread while the rules run (their shapely work mostly releases the GIL, so it takes
        the second core): each chain in order on one thread, ``("walls", "_camera_arrays")``
        for one. A rule reading a table waits for it; one already computed or under way is
        not started again."""
        for chain in chains:
            _READERS.submit(lambda chain=chain: [self._table(name) for name in chain])

    def _table(self, name: str):
        """The shared table ``name``, computed by the first thread to ask (``_compute_<name>``)
        while the others wait for it: per context, so no lock is shared between contexts (as
        ``cached_property``'s was until Python 3.12) and nothing waits for a busy pool."""
        with self._tables_lock:
            fut = self._pending.get(name)
            mine = fut is None
            if mine:
                fut = self._pending[name] = Future()
        if mine:
            try:
                fut.set_result(getattr(self, "_compute_" + name.lstrip("_"))())
            except Exception as exc:  # noqa: BLE001 - raised to every reader of the table
                fut.set_exception(exc)
        return fut.result()

    # -- live ---------------------------------------------------------------------------------
    def _live_sets(self) -> tuple[set, set]:
        status = self.inputs.device_status
        if not self.live or status is None or status.empty:
            return set(), set()
        pairs = list(zip(status["aspect"], status["state"]))
        offline_dev = {d for d, p in zip(status["device_id"], pairs) if p in OFFLINE_STATES}
        breach_dev = {d for d, p in zip(status["device_id"], pairs) if p in BREACH_STATES}
        c = self.controls
        ext = c["external_id"]
        offline = set(c.loc[ext.isin(offline_dev), "id"])
        breached = set(c.loc[ext.isin(breach_dev) & c["opening_id"].notna(), "opening_id"])
        return offline, breached

    def attestations_for(self, practice_id: str) -> dict:
        """Checklist records of one practice by scope id."""
        if not hasattr(self, "_att"):
            self._att: dict = {}
            for r in self.inputs.attestations.to_dict("records"):  # one conversion, not one
                self._att.setdefault(r["practice_id"], {})[r["scope_id"]] = r  # per practice
        return self._att.get(practice_id, {})

    # -- joins --------------------------------------------------------------------------------
    @property
    def control_zone(self) -> pd.DataFrame:
        """See ``_compute_control_zone``."""
        return self._table("control_zone")

    def _compute_control_zone(self) -> pd.DataFrame:
        """Pairs [control_row, control_id, zone_id], derived from where each control IS (a
        stored zone_id is a cache for the maps and never trusted here): a point or line
        control belongs to the zone of its level containing its representative point, an area
        control to every zone of its level whose centre it covers. Controls without a level
        (the grounds) only meet zones without a level, so an outdoor device never counts for
        a room. ``control_row`` is the row position in ``self.controls``."""
        c, z = self.controls, self.zones
        rows, zone_rows = [np.empty(0, np.int64)], [np.empty(0, np.int64)]
        if len(c) and len(z):
            geoms = np.asarray(c.geometry.values)
            area = shapely.get_type_id(geoms) >= 3
            at = np.flatnonzero(~area)
            # A point device is its own representative point: its geometry is used as it is
            # (creating 300k new points holds the GIL that the rules' thread is waiting for).
            pts = geoms[at]
            lines = shapely.get_type_id(pts) != 0
            pts[lines] = shapely.points(c[["x_m", "y_m"]].to_numpy()[at[lines]])
            # The zones queried against a tree of the points, not 300k points against a tree
            # of the zones: the same pairs (sorted below) for three quarters of the time.
            zi, pi = shapely.STRtree(pts).query(
                np.asarray(z.geometry.values), predicate="intersects"
            )
            rows.append(at[pi]), zone_rows.append(zi)
            centres = shapely.STRtree(shapely.points(z[["x_m", "y_m"]].to_numpy()))
            at = np.flatnonzero(area)
            ai, zj = centres.query(geoms[at], predicate="contains")
            rows.append(at[ai]), zone_rows.append(zj)
        ci, zi = np.concatenate(rows).astype(np.int64), np.concatenate(zone_rows).astype(np.int64)
        if len(ci):
            c_level, z_level = _level_codes(c, z)
            same = c_level[ci] == z_level[zi]
            ci, zi = ci[same], zi[same]
        # Distinct pairs ordered by (control row, zone id): one integer key per pair, the
        # zone by its rank in id order, sorted (pandas' drop_duplicates + sort_values took
        # ~0.4 s; numpy 2's hash-based np.unique ~0.3 s where a sort takes 20 ms).
        ids = z["id"].to_numpy(dtype=object)
        by_id = np.argsort(ids, kind="stable")
        rank = np.empty(len(ids), dtype=np.int64)
        rank[by_id] = np.arange(len(ids))
        n = max(len(ids), 1)
        key = np.sort(ci * n + rank[zi])
        key = key[np.r_[True, key[1:] != key[:-1]]] if len(key) else key
        ci, zi = key // n, by_id[key % n]
        return pd.DataFrame(
            {
                "control_row": ci.astype(np.int64),
                "zone_id": ids[zi],
                "control_id": c["id"].to_numpy()[ci],
            }
        )

    @property
    def walls(self) -> tuple[np.ndarray, np.ndarray]:
        """Wall segments (room boundaries and CAD walls, cut at doors) and their plane codes."""
        return self._table("walls")

    def _compute_walls(self) -> tuple[np.ndarray, np.ndarray]:
        z, o, w = self.zones, self.openings, self.cad_walls
        rooms = z["building_id"].notna().to_numpy()
        segs, planes = geo.site_wall_arrays(
            np.asarray(z.geometry.values)[rooms],
            z["plane"].to_numpy()[rooms],
            np.asarray(o.geometry.values),
            o["plane"].to_numpy(),
            np.asarray(w.geometry.values),
            w["plane"].to_numpy(),
        )
        return segs, self.plane_code(planes)

    @cached_property
    def cameras(self) -> pd.DataFrame:
        c = self.controls
        cams = c[c["type"] == "camera"]
        if self.live and self.offline_controls:
            cams = cams[~cams["id"].isin(self.offline_controls)]
        cams = cams.copy()
        cams["bearing_deg"] = cams["bearing_deg"].fillna(0.0)
        cams["fov_deg"] = cams["fov_deg"].fillna(90.0)
        cams["range_m"] = cams["range_m"].fillna(15.0)
        return cams.reset_index(drop=True)

    @property
    def _camera_arrays(self) -> dict:
        return self._table("_camera_arrays")

    def _compute_camera_arrays(self) -> dict:
        cams = self.cameras
        xy = cams[["x_m", "y_m"]].to_numpy(float)
        rng = cams["range_m"].to_numpy(float)
        walls, wall_plane = self.walls
        bearing, plane = cams["bearing_deg"].to_numpy(float), self.plane_code(cams["plane"])
        wall_tree, reach = shapely.STRtree(walls), geo.camera_reach_tree(xy, rng)
        for tree in (wall_tree, reach):  # GEOS builds a tree at its first query: here, not
            tree.query(shapely.points([[0.0, 0.0]]))  # in two threads of ``seen`` at once
        return {
            "xy": xy,
            "bearing": bearing,
            "fov": cams["fov_deg"].to_numpy(float),
            "range": rng,
            "plane": plane,
            "reach": reach,
            "wall_tree": wall_tree,
            # the walls each camera hangs on: the same for every target set (was ~0.1 s per
            # sight-line practice on the large district)
            "mounts": geo.camera_mounts(xy, bearing, plane, walls, wall_plane, wall_tree),
        }

    def seen(self, target_xy: np.ndarray, target_planes) -> tuple[np.ndarray, np.ndarray]:
        """(camera row, target row) pairs where a camera sees the target point. Many targets
        (a district's doors or sample points) in two halves, one on a reader thread: the
        tree queries release the GIL, and a half's pairs are the whole's for its targets, in
        the same order."""
        a = self._camera_arrays
        walls, wall_plane = self.walls
        codes = self.plane_code(target_planes)

        def pairs(lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
            return geo.visible_pairs(
                a["xy"],
                a["bearing"],
                a["fov"],
                a["range"],
                a["plane"],
                target_xy[lo:hi],
                codes[lo:hi],
                walls,
                wall_plane,
                reach_tree=a["reach"],
                wall_tree=a["wall_tree"],
                mounts=a["mounts"],
            )

        n = len(target_xy)
        if n < SPLIT_TARGETS:
            return pairs(0, n)
        half = n // 2
        later = _READERS.submit(pairs, half, n)
        ci, ti = pairs(0, half)
        cj, tj = pairs(half, n) if later.cancel() else later.result()  # not started: here
        return np.concatenate([ci, cj]), np.concatenate([ti, tj + half])

    # -- scope units --------------------------------------------------------------------------
    @cached_property
    def _zone_units(self) -> pd.DataFrame:
        """The zone columns a scope unit reads, without the geometry (filtering the whole
        GeoDataFrame once per practice was most of a one-campus update's unit selection)."""
        cols = ["id", "name", "kind", "building_id", "campus_id", "district_id"]
        return pd.DataFrame({c: self.zones[c] for c in cols})

    def units(self, scope: dict) -> pd.DataFrame:
        """The scopes a practice applies to: [scope_type, scope_id, scope_name, zone_id,
        building_id, campus_id, district_id]."""
        level = scope["level"]
        if level == "zone":
            z = self._zone_units
            z = z[z["kind"].isin(scope.get("zone_kinds") or [])]
            names = z["name"].fillna(z["kind"]).astype(str)
            return _scope_rows(
                "zone", z["id"], names, z["id"], z["building_id"], z["campus_id"], z["district_id"]
            )
        return self.scope_frame(level)

    def scope_frame(self, level: str) -> pd.DataFrame:
        i = self.inputs
        if level == "building":
            b = i.buildings
            dist = b["campus_id"].map(self.campus_district)
            return _scope_rows("building", b["id"], b["name"], None, b["id"], b["campus_id"], dist)
        if level == "campus":
            c = i.campuses
            return _scope_rows("campus", c["id"], c["name"], None, None, c["id"], c["district_id"])
        d = i.districts
        return _scope_rows("district", d["id"], d["name"], None, None, None, d["id"])
