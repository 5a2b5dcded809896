"""The one cached Store per process and bounded caches of its query results.

Pages ask these functions, never the store's SQL. Caches are keyed by the database path (so
tests with different files never mix) and by its data version (so every committed write is seen
at the next run, whoever made it); ``clear_caches()`` only frees memory.

What the viewer may see is applied HERE, on the data, before any layer, panel or search is built
(so hidden objects never reach the browser): the cached queries (``_name``) are shared by
everyone; the public accessors filter their result for the signed-in viewer by the core rules
``passmap.access.filter_controls`` (role layers: no cameras, access control or duress for the
board) and ``passmap.access.visible_campuses`` (campus-scoped accounts and share links). Nobody
signed in sees no campus and no device (fail closed).
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from passmap import access
from passmap.config import load_settings
from passmap.store import Store
from passmap.store.shared import shared_store
from passmap.store.sites import stats_totals
from ui.viewer import current_viewer

TTL_S = 60
MAX_ENTRIES = 64


def db_path() -> str:
    return str(load_settings().db_path)


def _open_store(path: str) -> Store:
    # One read-write Store per process (DuckDB allows one writer per file, STACK.md), kept in the
    # core's registry rather than st.cache_resource: a client's "clear cache" cannot drop it.
    return shared_store(path)


def get_store() -> Store:
    """The process-wide Store of the configured database (PASSMAP_DB)."""
    return _open_store(db_path())


def version(path: str) -> int:
    """The data version of the database (a number in memory): part of every cached query's
    key, so any committed write (this session's, another user's, an import, a checklist)
    is seen at the next run instead of after the time-to-live."""
    return _open_store(path).data_version()


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _campuses(path: str, district_id: str | None = None, data_v: int = 0) -> gpd.GeoDataFrame:
    return _open_store(path).list_campuses(district_id)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _districts(path: str, data_v: int = 0) -> gpd.GeoDataFrame:
    return _open_store(path).list_districts()


def districts(path: str) -> gpd.GeoDataFrame:
    return _districts(path, version(path))


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _buildings(path: str, campus_id: str | None = None, data_v: int = 0) -> gpd.GeoDataFrame:
    return _open_store(path).list_buildings(campus_id)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _levels(path: str, building_id: str | None = None, data_v: int = 0) -> gpd.GeoDataFrame:
    return _open_store(path).list_levels(building_id)


def levels(path: str, building_id: str | None = None) -> gpd.GeoDataFrame:
    return _levels(path, building_id, version(path))


_PLACED = {"zone": "list_zones", "opening": "list_openings", "control": "list_controls"}


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _placed(
    path: str, table: str, campus_id, building_id, level_id, site_only, data_v: int
) -> gpd.GeoDataFrame:
    """Zones, openings or controls of a campus, building or level (the store's readers)."""
    read = getattr(_open_store(path), _PLACED[table])
    return read(campus_id, building_id, level_id, site_only)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _stats(path: str, data_v: int = 0) -> dict:
    """Counts per campus (used for the district summary: devices are aggregated, not shipped)."""
    return _open_store(path).stats()


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _camera_views(path: str, campus_id: str, data_v: int = 0) -> gpd.GeoDataFrame:
    """Every camera view of a campus, clipped by walls (control_id, geometry)."""
    from passmap.geometry import camera_views as views

    store = _open_store(path)  # every camera: the viewer's filter is in camera_views()
    cams = store.list_controls(campus_id)
    return views(
        cams[cams["type"] == "camera"],
        store.list_zones(campus_id),
        store.list_openings(campus_id),
        _campus_levels(store, campus_id),
    )


def _campus_levels(store, campus_id: str) -> gpd.GeoDataFrame:
    levels = store.list_levels()
    return levels[levels["building_id"].isin(set(store.list_buildings(campus_id)["id"]))]


def _scope():
    """(role, layers, campus scope) of the viewer; nobody signed in -> no role, empty scope."""
    viewer = current_viewer()
    if viewer is None:
        return "", (), ()
    return viewer.role, viewer.layers, viewer.campus_scope


def campuses(path: str, district_id: str | None = None) -> gpd.GeoDataFrame:
    return access.visible_campuses(_campuses(path, district_id, version(path)), _scope()[2])


def buildings(path: str, campus_id: str | None = None) -> gpd.GeoDataFrame:
    return access.visible_campuses(
        _buildings(path, campus_id, version(path)), _scope()[2], "campus_id"
    )


def zones(
    path: str, campus_id=None, building_id=None, level_id=None, site_only: bool = False
) -> gpd.GeoDataFrame:
    frame = _placed(path, "zone", campus_id, building_id, level_id, site_only, version(path))
    return access.visible_campuses(frame, _scope()[2], "campus_id")


def openings(
    path: str, campus_id=None, building_id=None, level_id=None, site_only: bool = False
) -> gpd.GeoDataFrame:
    frame = _placed(path, "opening", campus_id, building_id, level_id, site_only, version(path))
    return access.visible_campuses(frame, _scope()[2], "campus_id")


def controls(
    path: str, campus_id=None, building_id=None, level_id=None, site_only: bool = False
) -> gpd.GeoDataFrame:
    """The controls the viewer's role may see (board: no cameras, readers, duress)."""
    role, layers, scope = _scope()
    frame = access.visible_campuses(
        _placed(path, "control", campus_id, building_id, level_id, site_only, version(path)),
        scope,
        "campus_id",
    )
    return access.filter_controls(frame, role, layers)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def _level_camera_views(
    path: str, campus_id: str, level_id: str, data_v: int = 0
) -> gpd.GeoDataFrame:
    """The views of one level's cameras: the same walls as _camera_views for that level's plane
    (a ground floor shares its plane with every ground floor of the campus and the grounds),
    without computing the other levels' cameras (a floor's first draw waits for this)."""
    from passmap.geometry import camera_views as views

    store = _open_store(path)
    cams = store.list_controls(level_id=level_id)
    levels = _campus_levels(store, campus_id)
    own = levels[levels["id"] == level_id]
    if len(own) and own["ordinal"].iloc[0] != 0:
        zones, openings = (
            store.list_zones(level_id=level_id),
            store.list_openings(level_id=level_id),
        )
    else:
        plane = set(levels.loc[levels["ordinal"] == 0, "id"])
        zones, openings = store.list_zones(campus_id), store.list_openings(campus_id)
        zones = zones[zones["level_id"].isna() | zones["level_id"].isin(plane)]
        openings = openings[openings["level_id"].isna() | openings["level_id"].isin(plane)]
    return views(cams[cams["type"] == "camera"], zones, openings, levels)


def _visible_views(views: gpd.GeoDataFrame, campus_id: str) -> gpd.GeoDataFrame:
    """``views`` of ``campus_id``, or none when the viewer may not see cameras or the campus."""
    role, layers, scope = _scope()
    if not access.control_visible("camera", layers, role) or not access.in_scope(campus_id, scope):
        return views.iloc[0:0]
    return views


def visible_views(views: gpd.GeoDataFrame, campus_id: str) -> gpd.GeoDataFrame:
    """``views`` (any source, e.g. the assessment's) as the viewer may see them."""
    return _visible_views(views, campus_id)


def level_camera_views(path: str, campus_id: str, level_id: str) -> gpd.GeoDataFrame:
    """Camera views of one level, or none when the viewer may not see cameras or the campus."""
    views = _level_camera_views(path, campus_id, level_id, version(path))
    return _visible_views(views, campus_id)


def camera_views(path: str, campus_id: str) -> gpd.GeoDataFrame:
    """Camera views of a campus, or none when the viewer may not see cameras or the campus."""
    return _visible_views(_camera_views(path, campus_id, version(path)), campus_id)


def stats(path: str) -> dict:
    """Counts per campus in the viewer's scope; device counts only of types the role sees."""
    role, layers, scope = _scope()
    stats = _stats(path, version(path))  # new dicts below: the cached copy is never changed
    campuses = []
    for c in stats["campuses"]:
        if not access.in_scope(c["id"], scope):
            continue
        by_type = {
            t: n
            for t, n in c["controls_by_type"].items()
            if access.control_visible(t, layers, role)
        }
        campuses.append({**c, "controls_by_type": by_type, "controls": sum(by_type.values())})
    return {**stats, "campuses": campuses, "totals": stats_totals(campuses)}


def clear_caches() -> None:
    """Forget this module's cached query results (after a write: they are keyed by the data
    version, so this only frees memory). Not ``st.cache_data.clear()``: that would also drop
    every page's map layers, kept per content (ui.maps), and make each open floor plan
    rebuild its whole map after an edit instead of the layers the edit changed."""
    for cached in (
        _campuses,
        _districts,
        _buildings,
        _levels,
        _placed,
        _stats,
        _camera_views,
        _level_camera_views,
    ):
        cached.clear()


def visible_object(kind: str, object_id) -> dict | None:
    """The stored row of a zone, opening or control the signed-in viewer may see, else None.

    Every (kind, id) that comes back from the browser (a map pick, a tooltip, a component value)
    goes through here before anything about it is shown or changed: the browser can send any id,
    and an id of another campus or of a hidden layer gets the same None as an id that does not
    exist (passmap.access.object_visible)."""
    viewer = current_viewer()
    if viewer is None or kind not in access.OBJECT_KINDS or not isinstance(object_id, str):
        return None
    row = get_store().get(kind, object_id[:200])
    if not access.object_visible(kind, row, viewer.role, viewer.layers, viewer.campus_scope):
        return None
    return row
