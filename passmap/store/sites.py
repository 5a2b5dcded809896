"""Named queries for the site model: district, campus, building, level, zone, opening, control."""

from __future__ import annotations

import json
from typing import Any

import geopandas as gpd
import pandas as pd

from passmap.store.base import CRS, StoreError

SITE_TABLES = ("district", "campus", "building", "level", "zone", "opening", "control")
# Children first, so a wipe never violates a foreign key.

_SELECT = {t: f"SELECT * EXCLUDE (geom), geom AS geometry FROM {t}" for t in SITE_TABLES}


def _parse_json_columns(frame: pd.DataFrame, cols: set[str]) -> pd.DataFrame:
    for c in cols & set(frame.columns):
        frame[c] = [json.loads(v) if isinstance(v, str) else v for v in frame[c]]
    return frame


class SitesMixin:
    # -- reading ------------------------------------------------------------------------------
    def _gdf(
        self, table: str, where: str = "", params: list | None = None, order: str = "id"
    ) -> gpd.GeoDataFrame:
        sql = f"{_SELECT[table]} {where} ORDER BY {order}"
        arrow = self.cursor().execute(sql, params or []).to_arrow_table()
        frame = gpd.GeoDataFrame.from_arrow(arrow)
        if frame.crs is None:
            frame = frame.set_crs(CRS, allow_override=True)
        return _parse_json_columns(frame, self._json_columns(table))

    def list_districts(self) -> gpd.GeoDataFrame:
        return self._gdf("district")

    def list_campuses(
        self, district_id: str | None = None, campus_id: str | None = None
    ) -> gpd.GeoDataFrame:
        return self._gdf(
            "campus",
            "WHERE (?::VARCHAR IS NULL OR district_id = ?) AND (?::VARCHAR IS NULL OR id = ?)",
            [district_id, district_id, campus_id, campus_id],
        )

    def list_buildings(self, campus_id: str | None = None) -> gpd.GeoDataFrame:
        return self._gdf(
            "building", "WHERE (?::VARCHAR IS NULL OR campus_id = ?)", [campus_id, campus_id]
        )

    def list_levels(self, building_id: str | None = None) -> gpd.GeoDataFrame:
        return self._gdf(
            "level",
            "WHERE (?::VARCHAR IS NULL OR building_id = ?)",
            [building_id, building_id],
            order="building_id, ordinal",
        )

    def _placed(self, table: str, campus_id, building_id, level_id, site_only) -> gpd.GeoDataFrame:
        where = (
            "WHERE (?::VARCHAR IS NULL OR campus_id = ?) "
            "AND (?::VARCHAR IS NULL OR building_id = ?)"
            " AND (?::VARCHAR IS NULL OR level_id = ?) AND (NOT ? OR level_id IS NULL)"
        )
        return self._gdf(
            table,
            where,
            [campus_id, campus_id, building_id, building_id, level_id, level_id, site_only],
        )

    def list_zones(
        self, campus_id=None, building_id=None, level_id=None, site_only: bool = False
    ) -> gpd.GeoDataFrame:
        """Zones filtered by campus / building / level; ``site_only`` keeps grounds zones."""
        return self._placed("zone", campus_id, building_id, level_id, site_only)

    def list_openings(
        self, campus_id=None, building_id=None, level_id=None, site_only: bool = False
    ) -> gpd.GeoDataFrame:
        return self._placed("opening", campus_id, building_id, level_id, site_only)

    def list_controls(
        self, campus_id=None, building_id=None, level_id=None, site_only: bool = False
    ) -> gpd.GeoDataFrame:
        return self._placed("control", campus_id, building_id, level_id, site_only)

    def list_site_table(self, table: str) -> gpd.GeoDataFrame:
        """Every row of site table ``table`` (one of SITE_TABLES), as its list_* reader gives
        them (the exporters and the round-trip test read any table through this)."""
        readers = {
            "district": self.list_districts,
            "campus": self.list_campuses,
            "building": self.list_buildings,
            "level": self.list_levels,
            "zone": self.list_zones,
            "opening": self.list_openings,
            "control": self.list_controls,
        }
        if table not in readers:
            raise StoreError(f"Unknown site table {table!r}.")
        return readers[table]()

    def get(self, table: str, entity_id: str) -> dict[str, Any] | None:
        """One row of a site table as a dict with a shapely ``geometry``, or None."""
        if table not in SITE_TABLES:
            raise StoreError(f"Unknown site table {table!r}.")
        # Importers ask for ids that are mostly absent: a bare lookup first (the frame with
        # geometry and parsed JSON costs ~20-30 ms a call).
        found = self.cursor().execute(f"SELECT 1 FROM {table} WHERE id = ? LIMIT 1", [entity_id])
        if found.fetchone() is None:
            return None
        frame = self._gdf(table, "WHERE id = ?", [entity_id])
        if frame.empty:
            return None
        return frame.iloc[0].to_dict()

    # -- writing ------------------------------------------------------------------------------
    def write_sites(
        self,
        bundle: dict[str, list[dict]],
        actor: str = "system",
        replace: bool = False,
        label: str = "import",
    ) -> dict[str, int]:
        """Write a bundle ``{table: [row, ...]}`` in one transaction; all or nothing.

        Rows are dicts of column values with the geometry under ``geom`` (shapely, GeoJSON or
        WKB). ``replace`` upserts rows whose id exists. Returns the count written per table.
        """
        unknown = set(bundle) - set(SITE_TABLES)
        if unknown:
            raise StoreError(f"Unknown site table(s) in bundle: {', '.join(sorted(unknown))}.")
        counts = {}
        with self.transaction() as cur:
            for table in SITE_TABLES:
                counts[table] = self._insert_rows(cur, table, bundle.get(table, []), upsert=replace)
            self.record_bundle_change(cur, bundle)
            self.audit(cur, actor, label, after={"counts": counts})
        return counts

    # -- counting -----------------------------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        """Counts per campus and in total, in the shape `passmap stats --format json` prints."""
        cur = self.cursor()
        campuses = cur.execute("SELECT id, name FROM campus ORDER BY id").fetchall()
        per = {
            cid: {"id": cid, "name": name, **dict.fromkeys(_COUNTED, 0), "controls_by_type": {}}
            for cid, name in campuses
        }
        for key, sql in _COUNTED.items():
            for cid, n in cur.execute(sql).fetchall():
                per[cid][key] = n
        for cid, ctype, n in cur.execute(
            "SELECT campus_id, type, count(*) FROM control GROUP BY 1, 2 ORDER BY 1, 2"
        ).fetchall():
            per[cid]["controls_by_type"][ctype] = n
        return {"totals": stats_totals(list(per.values())), "campuses": list(per.values())}


# What Store.stats counts per campus, and how.
_COUNTED = {
    "buildings": "SELECT campus_id, count(*) FROM building GROUP BY 1",
    "levels": "SELECT b.campus_id, count(*) FROM level l JOIN building b "
    "ON l.building_id = b.id GROUP BY 1",
    "zones": "SELECT campus_id, count(*) FROM zone GROUP BY 1",
    "openings": "SELECT campus_id, count(*) FROM opening GROUP BY 1",
    "controls": "SELECT campus_id, count(*) FROM control GROUP BY 1",
}


def stats_totals(campuses: list[dict[str, Any]]) -> dict[str, Any]:
    """The district totals of per-campus counts (Store.stats' "campuses"; the app passes the
    campuses a viewer may see, with the device types they may see).

    >>> stats_totals([{"buildings": 2, "levels": 3, "zones": 9, "openings": 4, "controls": 3,
    ...                "controls_by_type": {"camera": 2, "aed": 1}},
    ...               {"buildings": 1, "levels": 1, "zones": 2, "openings": 1, "controls": 1,
    ...                "controls_by_type": {"camera": 1}}])
    ... # doctest: +NORMALIZE_WHITESPACE
    {'campuses': 2, 'buildings': 3, 'levels': 4, 'zones': 11, 'openings': 5, 'controls': 4,
     'controls_by_type': {'aed': 1, 'camera': 3}}
    """
    totals: dict[str, Any] = {"campuses": len(campuses)}
    for key in _COUNTED:
        totals[key] = sum(c[key] for c in campuses)
    by_type: dict[str, int] = {}
    for c in campuses:
        for t, n in c["controls_by_type"].items():
            by_type[t] = by_type.get(t, 0) + n
    totals["controls_by_type"] = dict(sorted(by_type.items()))
    return totals
