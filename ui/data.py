"""The one cached Store per process and bounded caches of its query results.

Pages ask these functions, never the store's SQL. Caches are keyed by the database path so
tests with different files never mix. ``clear_caches()`` is what an editor calls after a write.
"""

from __future__ import annotations

import geopandas as gpd
import streamlit as st

from passmap.config import load_settings
from passmap.store import Store

TTL_S = 60
MAX_ENTRIES = 64


def db_path() -> str:
    return str(load_settings().db_path)


@st.cache_resource(show_spinner=False, max_entries=4)
def _open_store(path: str) -> Store:
    # One read-write Store per process: DuckDB allows one writer per file (STACK.md).
    return Store(path)


def get_store() -> Store:
    """The process-wide Store of the configured database (PASSMAP_DB)."""
    return _open_store(db_path())


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def campuses(path: str, district_id: str | None = None) -> gpd.GeoDataFrame:
    return _open_store(path).list_campuses(district_id)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def districts(path: str) -> gpd.GeoDataFrame:
    return _open_store(path).list_districts()


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def buildings(path: str, campus_id: str | None = None) -> gpd.GeoDataFrame:
    return _open_store(path).list_buildings(campus_id)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def levels(path: str, building_id: str | None = None) -> gpd.GeoDataFrame:
    return _open_store(path).list_levels(building_id)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def zones(path: str, campus_id=None, building_id=None, level_id=None,
          site_only: bool = False) -> gpd.GeoDataFrame:
    return _open_store(path).list_zones(campus_id, building_id, level_id, site_only)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def openings(path: str, campus_id=None, building_id=None, level_id=None,
             site_only: bool = False) -> gpd.GeoDataFrame:
    return _open_store(path).list_openings(campus_id, building_id, level_id, site_only)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def controls(path: str, campus_id=None, building_id=None, level_id=None,
             site_only: bool = False) -> gpd.GeoDataFrame:
    return _open_store(path).list_controls(campus_id, building_id, level_id, site_only)


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def stats(path: str) -> dict:
    """Counts per campus (used for the district summary: devices are aggregated, not shipped)."""
    return _open_store(path).stats()


@st.cache_data(ttl=TTL_S, max_entries=MAX_ENTRIES, show_spinner=False)
def camera_views(path: str, campus_id: str) -> gpd.GeoDataFrame:
    """Every camera view of a campus, clipped by walls (control_id, geometry)."""
    from passmap.geometry import camera_views as views

    store = _open_store(path)
    cams = store.list_controls(campus_id)
    building_ids = set(store.list_buildings(campus_id)["id"])
    all_levels = store.list_levels()
    return views(cams[cams["type"] == "camera"], store.list_zones(campus_id),
                 store.list_openings(campus_id),
                 all_levels[all_levels["building_id"].isin(building_ids)])


def clear_caches() -> None:
    """Forget cached query results (call after any write to the site model)."""
    st.cache_data.clear()
