"""Floor-plan layers: zones by tier, walls, doors by class, camera views as outlines, the
campus grid, the search highlight, and the numbers, names and device icons placed without
collisions (layers.plan); ``floor_plan_layers`` assembles them for the floor page and the
editor, ``floor_legend`` describes what they drew."""

from __future__ import annotations

import pydeck as pdk

from layers.controls import control_line_layer
from layers.deck import (
    fill_layer,
    polygon_parts,
    polygon_rings,
    ribbon_layer,
    ribbon_parts,
    ribbon_rings,
    tip_text,
)
from layers.legend import (
    control_section,
    door_number_section,
    door_section,
    fov_section,
    tier_section,
)
from layers.plan import device_marks, door_marks, mark_layers, room_marks
from layers.site import outline_layers
from passmap.palette import (
    FOV_OUTLINE,
    GRID_COLOUR,
    HIGHLIGHT,
    WALL_COLOUR,
    ZONE_FILL_ALPHA,
    door_style,
    tier_colour,
    tier_label,
)
from passmap.search import room_label


def zone_rows(zones, tiers: dict | None) -> list[dict]:
    rows = []
    for z in zones.itertuples(index=False):
        tier = None if not tiers else tiers.get(z.id)
        number = z.room_number if isinstance(z.room_number, str) else ""
        name = z.name if isinstance(z.name, str) else ""
        title = room_label(number, name, str(z.kind))
        tip = tip_text(title, str(z.kind).replace("_", " "), f"Tier: {tier_label(tier)}")
        for part in polygon_parts(z.geometry):
            rows.append(
                {
                    "id": z.id,
                    "kind": "zone",
                    "zone_kind": z.kind,
                    "name": z.name,
                    "room_number": z.room_number,
                    "tier": tier,
                    "polygon": polygon_rings(part),
                    "fill": tier_colour(tier, ZONE_FILL_ALPHA),
                    "tip": tip,
                }
            )
    return rows


def zone_layer(zones, tiers: dict | None = None, layer_id: str = "zones") -> pdk.Layer:
    """Rooms and areas of one level shaded by tier (design or effective, as given)."""
    return fill_layer(zone_rows(zones, tiers), layer_id, highlight_color=[255, 255, 255, 90])


WALL_M = 0.3  # drawn wall thickness
DOOR_M_PER_PX = 0.12  # door strokes: palette widths (pixels at a typical plan zoom) in metres
CASING_M = 0.2  # white casing around a door, each side (across the wall)


def wall_layer(zones, layer_id: str = "walls") -> pdk.Layer:
    """Walls drawn as the room outlines (zones share walls, so the plan reads as walls)."""
    rows = [{"polygon": rings} for g in zones.geometry for rings in ribbon_rings(g, WALL_M)]
    return ribbon_layer(rows, layer_id, colour=WALL_COLOUR)


def door_rows(openings, extra_m: float = 0.0) -> list[dict]:
    """One row per door part: its class colour and a ribbon as wide as the class's stroke
    (plus ``extra_m``, for the casing)."""
    rows = []
    for o in openings.itertuples(index=False):
        style = door_style(o.door_class)
        number = o.number if isinstance(o.number, str) else ""
        lock = (
            o.lock_function if isinstance(o.lock_function, str) and o.lock_function else "unknown"
        )
        tip = tip_text(f"Door {number}".strip(), style.label, f"Lock: {lock}")
        width = round(style.width_px * DOOR_M_PER_PX + extra_m, 2)
        for rings in ribbon_rings(o.geometry, width):
            rows.append(
                {
                    "id": o.id,
                    "kind": "opening",
                    "door_class": o.door_class,
                    "number": o.number,
                    "polygon": rings,
                    "width_m": width,
                    "colour": style.colour,
                    "tip": tip,
                }
            )
    return rows


def door_layers(openings, layer_id: str = "doors") -> list[pdk.Layer]:
    """Doors as thick strokes on the walls, coloured and sized by class, over a white casing so
    they read on any tier colour."""
    casing = [{"polygon": r["polygon"]} for r in door_rows(openings, 2 * CASING_M)]
    return [
        ribbon_layer(casing, f"{layer_id}-casing", colour=[255, 255, 255, 255]),
        ribbon_layer(door_rows(openings), layer_id, pickable=True),
    ]


def fov_layers(views, zoom: float, layer_id: str = "fov") -> list[pdk.Layer]:
    """Camera fields of view (already clipped by walls, see passmap.geometry.camera_views) as
    outlines about 1.5 px wide at every zoom: never a fill, so a room's tier colour stays true
    under a camera's view."""
    return outline_layers(views, zoom, layer_id, FOV_OUTLINE, px=1.5, ids="control_id")


def grid_layers(cells, zoom: float, layer_id: str = "grid") -> list[pdk.Layer]:
    """The campus responder grid (passmap.grid.GridSpec.cells(): the labels of every printout)
    as ~1 px lines; its letters and numbers ride the map's edges (grid_overlay)."""
    return outline_layers(cells, zoom, layer_id, GRID_COLOUR, px=1.0)


def grid_overlay(cells) -> dict:
    """Column letters with their centre longitude and row numbers with their centre latitude,
    for the map component's edge rulers (the map's "grid" overlay).

    >>> import geopandas as gpd
    >>> from shapely.geometry import box
    >>> cells = gpd.GeoDataFrame({"label": ["A1", "B1", "A2"], "column": ["A", "B", "A"],
    ...     "row": [1, 1, 2]}, geometry=[box(0, 1, 1, 2), box(1, 1, 2, 2), box(0, 0, 1, 1)])
    >>> grid_overlay(cells)
    {'cols': [['A', 0.5], ['B', 1.5]], 'rows': [['1', 1.5], ['2', 0.5]]}
    """
    cols, rows = {}, {}
    for col, row, g in zip(cells["column"], cells["row"], cells.geometry):
        c = g.centroid
        cols.setdefault(col, round(c.x, 6))
        rows.setdefault(str(row), round(c.y, 6))
    return {"cols": [[k, v] for k, v in cols.items()], "rows": [[k, v] for k, v in rows.items()]}


def highlight_layer(geom, layer_id: str = "highlight") -> pdk.Layer:
    """A magenta ring around the object found by search (a disc ring around a point or door)."""
    if geom.geom_type not in ("Polygon", "MultiPolygon"):
        geom = ribbon_parts(geom.centroid, 5.0, "round")[0]
    rows = [{"polygon": polygon_rings(part)} for part in ribbon_parts(geom, 0.7)]
    return ribbon_layer(rows, layer_id, colour=HIGHLIGHT)


def underlay_layer(underlay: dict | None, layer_id: str = "underlay") -> pdk.Layer | None:
    """A floor-plan image placed by the importer (level props.underlay), under the zones.

    Only images served by Streamlit (a ``url`` under /app/static) are drawn; the image sits in
    its lon/lat bounding box. The URL is quoted so pydeck does not inline the file as base64.
    """
    if not underlay or not underlay.get("url") or not underlay.get("bounds"):
        return None
    (south, west), (north, east) = underlay["bounds"]
    return pdk.Layer(
        "BitmapLayer",
        None,
        id=layer_id,
        image=f"'{underlay['url']}'",
        bounds=[west, south, east, north],
        opacity=0.85,
        pickable=False,
    )


PLAN_LAYERS = ("Zones", "Devices", "Camera views", "Room labels", "Door numbers", "Grid")


ZONE_COLUMNS = ("id", "kind", "name", "room_number", "geometry")
DOOR_COLUMNS = ("id", "door_class", "number", "lock_function", "geometry")
DOOR_MARK_COLUMNS = ("id", "door_class", "number", "zone_id", "building_id", "geometry")
CONTROL_COLUMNS = ("id", "type", "name", "external_id", "geometry")


def _columns(frame, names) -> object:
    """``frame`` narrowed to the ``names`` it has (what a layer group reads)."""
    return frame[[c for c in names if c in frame.columns]]


def _built(name: str, frames: tuple, build, extra: tuple = ()) -> list:
    """floor_plan_layers' default ``cache``: build every group now."""
    return build(*frames)


def floor_plan_layers(
    zones,
    doors,
    controls,
    views,
    zoom: float,
    tiers: dict | None = None,
    shown=PLAN_LAYERS,
    types: set[str] | None = None,
    grid_cells=None,
    underlay: dict | None = None,
    focus=None,
    cache=None,
) -> list:
    """Everything a floor plan draws, bottom to top: the imported image, rooms by tier, walls,
    camera view outlines, doors, the grid, the search highlight, then device icons and the
    labels placed around the first view ``zoom`` (layers.plan). ``shown``: which of
    PLAN_LAYERS; ``types``: the device types drawn (None: all); ``focus``: a geometry to ring.

    ``cache(name, frames, build, extra) -> layers`` may keep each group of layers per content
    of the frames it reads (ui.maps.cached_group): each group is given exactly the columns
    it reads and ``extra`` (anything else it depends on), so an edit rebuilds only the groups
    whose inputs it changed (a new tier: the room fills; a lock: the doors). Without it every
    group is built."""
    cache = cache or _built
    shown = set(shown)
    drawn = controls if types is None else controls[controls["type"].isin(types)]
    zone_cols, door_cols = _columns(zones, ZONE_COLUMNS), _columns(doors, DOOR_COLUMNS)
    device_cols = _columns(drawn, CONTROL_COLUMNS)
    fills = {} if "Zones" not in shown else (tiers or {})
    zone_tiers = tuple((z, fills.get(z)) for z in zones["id"])
    layers = [
        underlay_layer(underlay),
        *cache("floor-zones", (zone_cols,), lambda z: [zone_layer(z, dict(zone_tiers))],
               zone_tiers),
        *cache("floor-walls", (zones[["geometry"]],), lambda z: [wall_layer(z)]),
    ]  # fmt: skip
    if "Camera views" in shown and views is not None and len(views):
        seen = views.loc[views["control_id"].isin(set(drawn["id"])), ["control_id", "geometry"]]
        layers += cache("floor-fov", (seen,), lambda v: fov_layers(v, zoom), (zoom,))
    layers += cache("floor-doors", (door_cols,), door_layers)
    if "Grid" in shown and grid_cells is not None:
        cells = grid_cells[["geometry"]]
        layers += cache("floor-grid", (cells,), lambda c: grid_layers(c, zoom), (zoom,))
    if focus is not None:
        layers.append(highlight_layer(focus))
    if "Devices" in shown:
        layers += cache("floor-lines", (device_cols,), lambda c: [control_line_layer(c)])
    marked = tuple(sorted(shown & {"Room labels", "Door numbers", "Devices"}))

    def marks(z, d, c) -> list:
        out = []
        if "Room labels" in marked:
            out += room_marks(z)
        if "Door numbers" in marked:
            out += door_marks(d, z)
        if "Devices" in marked:
            out += device_marks(c)
        return mark_layers(out, zoom)

    numbers = _columns(doors, DOOR_MARK_COLUMNS)
    layers += cache("floor-marks", (zone_cols, numbers, device_cols), marks, (zoom, marked))
    return [layer for layer in layers if layer is not None]


def floor_legend(zones, doors, controls, views, tiers, shown, types, live: bool = False) -> list:
    """The legend of floor_plan_layers' drawing (legend sections): only what is on the map."""
    shown = set(shown)
    drawn = controls if types is None else controls[controls["type"].isin(types)]
    out = []
    if "Zones" in shown:
        title = "Room tier" + (" (effective, live)" if live else " (design)")
        out.append(tier_section({(tiers or {}).get(z) for z in zones["id"]}, title))
    if {"Door numbers", "Room labels"} & shown:
        out.append(door_number_section(rooms="Room labels" in shown))
    out.append(door_section(set(doors["door_class"])))
    if "Devices" in shown:
        out.append(control_section(set(drawn["type"]), drawn["type"].value_counts().to_dict()))
    if "Camera views" in shown and views is not None and len(views):
        if views["control_id"].isin(set(drawn["id"])).any():
            out.append(fov_section())
    return out
