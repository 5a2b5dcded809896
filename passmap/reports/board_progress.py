"""Before/after of one building floor for the progress slide: the rooms whose attained tier moved
between the two latest recorded assessments, shaded by tier then and now.

Tiers come from the recorded assessments' summaries (written by ``passmap.compliance.record``);
nothing is recomputed here.
"""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from passmap.localtime import district_clock


@dataclass
class BeforeAfter:
    building_name: str
    level_name: str
    label_before: str
    label_after: str
    zones: gpd.GeoDataFrame  # id, name, tier_before, tier_after, geometry
    changed_zones: int


def before_after(store, history: pd.DataFrame, names: dict[str, str]) -> BeforeAfter | None:
    """The floor with the most rooms that changed tier between the last two assessments.

    ``history`` is the store's assessment history (oldest first) with its ``summary`` column.
    None with fewer than two assessments or when no room changed tier.
    """
    if len(history) < 2:
        return None
    old, new = history.iloc[-2], history.iloc[-1]
    tiers_old = (old["summary"] or {}).get("tiers", {})
    tiers_new = (new["summary"] or {}).get("tiers", {})
    zones = store.list_zones()
    zones = zones[zones["building_id"].notna()]
    zones = zones.assign(
        tier_before=zones["id"].map(tiers_old), tier_after=zones["id"].map(tiers_new)
    )
    moved = zones[
        zones["tier_before"].ne(zones["tier_after"])
        & zones["tier_before"].notna()
        & zones["tier_after"].notna()
    ]
    if moved.empty:
        return None
    building_id, level_id = moved.groupby(["building_id", "level_id"]).size().idxmax()
    floor = zones[(zones["building_id"] == building_id) & (zones["level_id"] == level_id)]
    levels = store.list_levels(building_id)
    level_name = levels.loc[levels["id"] == level_id, "name"]
    return BeforeAfter(
        building_name=str((store.get("building", building_id) or {}).get("name", building_id)),
        level_name=str(level_name.iloc[0]) if len(level_name) else str(level_id),
        label_before=_label(old),
        label_after=_label(new),
        zones=floor[["id", "name", "tier_before", "tier_after", "geometry"]].reset_index(drop=True),
        changed_zones=int(
            len(moved[(moved["building_id"] == building_id) & (moved["level_id"] == level_id)])
        ),
    )


def _label(row) -> str:
    when = f"{district_clock(row['created_utc']):%b %d, %Y}"
    return f"{row['label']} ({when})" if row.get("label") else when
