"""What the campus and floor views draw, gathered from the cached queries."""

from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd

from passmap.model import EXTERIOR_DOOR_CLASSES
from ui import assessment, data


@dataclass
class SiteObjects:
    grounds: gpd.GeoDataFrame
    buildings: gpd.GeoDataFrame
    doors: gpd.GeoDataFrame
    controls: gpd.GeoDataFrame
    views: gpd.GeoDataFrame


def _engine_views(path: str, campus_id: str) -> gpd.GeoDataFrame | None:
    """The assessment's camera views of the campus, as the viewer may see them: the views the
    tiers were judged on (room walls, CAD walls, the mounting wall), kept by the assessment
    across edits that change no view. None when the app's database is not assessed."""
    if path != data.db_path():
        return None
    views = assessment.camera_views(campus_id)
    return None if views is None else data.visible_views(views, campus_id)


def _is_exterior_mount(attrs) -> bool:
    return isinstance(attrs, dict) and str(attrs.get("mount", "")).lower() == "exterior"


def campus_exterior(path: str, campus_id: str) -> SiteObjects:
    """Grounds zones, buildings, ground-floor exterior doors, perimeter and exterior controls."""
    levels = data.levels(path)
    buildings = data.buildings(path, campus_id)
    ground = set(
        levels.loc[
            (levels["ordinal"] == 0) & levels["building_id"].isin(set(buildings["id"])), "id"
        ]
    )
    doors = data.openings(path, campus_id)
    doors = doors[
        doors["door_class"].isin(EXTERIOR_DOOR_CLASSES)
        & (doors["level_id"].isna() | doors["level_id"].isin(ground))
    ]
    controls = data.controls(path, campus_id)
    outside = controls["level_id"].isna() | controls["attrs"].map(_is_exterior_mount)
    controls = controls[outside]
    views = _engine_views(path, campus_id)
    if views is None:
        views = data.camera_views(path, campus_id)
    views = views[views["control_id"].isin(set(controls["id"]))]
    return SiteObjects(
        data.zones(path, campus_id, site_only=True),
        buildings,
        doors.reset_index(drop=True),
        controls.reset_index(drop=True),
        views.reset_index(drop=True),
    )


@dataclass
class LevelObjects:
    zones: gpd.GeoDataFrame
    doors: gpd.GeoDataFrame
    controls: gpd.GeoDataFrame
    views: gpd.GeoDataFrame
    bounds: tuple[float, float, float, float]


def level_objects(path: str, campus_id: str, level_id: str) -> LevelObjects:
    zones = data.zones(path, level_id=level_id)
    doors = data.openings(path, level_id=level_id)
    controls = data.controls(path, level_id=level_id)
    views = _engine_views(path, campus_id)
    if views is None:
        views = data.level_camera_views(path, campus_id, level_id)
    views = views[views["control_id"].isin(set(controls["id"]))].reset_index(drop=True)
    # Fit the rooms (exterior cameras' views may reach far beyond the building).
    frames = [f for f in (zones, doors, controls) if len(f)]
    bounds = (
        tuple(zones.total_bounds)
        if len(zones)
        else tuple(pd.concat([f.geometry for f in frames]).total_bounds)
        if frames
        else (0, 0, 0, 0)
    )
    return LevelObjects(zones, doors, controls, views, bounds)
