"""The responder map's layers and legend, built from the frame of
passmap.reports.responder_data (already filtered to what the viewer may see) and the campus
grid cells. Pure: no database, no Streamlit; the app's responder page and a static share page
build the same map from them.

It follows the printed responder map (passmap.reports.responder*): rooms white, hallways pale
yellow, stairs grey, grounds in the PDF's colours, exterior doors red with their numbers outside
the wall, room numbers, one symbol per hazard and device class, the grid; labels placed so they
never cover each other (layers.plan). Tooltips are plain text.
"""

from __future__ import annotations

import geopandas as gpd
import pydeck as pdk

from layers.deck import (
    fill_layer,
    fit_view,
    polygon_parts,
    polygon_rings,
    ribbon_layer,
    ribbon_parts,
    tip_text,
)
from layers.floor import grid_layers, highlight_layer
from layers.labels import Mark
from layers.legend import control_section, door_number_section, section
from layers.plan import NAME_PX, device_marks, door_marks, mark_layers, room_marks
from passmap.reports.responder_draw import DOOR_COLOUR, ROOM_FILL, ZONE_FILL

BUILDING_FILL = [224, 214, 200, 255]
WALL = [60, 60, 60, 255]
DOOR_RED = [198, 40, 40, 255]
BUILDING_TEXT = [20, 20, 20, 255]
_AREA_LABELS = {
    "corridor": "Hallway",
    "stair": "Stairwell / elevator",
    "elevator": "Stairwell / elevator",
    "parking": "Parking",
    "field": "Field",
    "drive": "Road / drive",
    "bus_loop": "Road / drive",
    "road": "Road / drive",
}


def _rgb(hex_colour: str, alpha: int = 255) -> list[int]:
    h = hex_colour.lstrip("#")
    return [int(h[i : i + 2], 16) for i in (0, 2, 4)] + [alpha]


def _tip(row) -> str:
    cell = row["cell"] if isinstance(row["cell"], str) and row["cell"] else "outside the grid"
    return tip_text(row["label"], f"Grid cell {cell}")


def area_rows(objs) -> list[dict]:
    """Buildings, rooms and grounds as filled polygons in the printed map's colours."""
    rows = []
    areas = objs[objs.geom_type.isin(["Polygon", "MultiPolygon"])]
    order = {"buildings": 0, "grounds": 1}
    for _, r in sorted(areas.iterrows(), key=lambda ir: order.get(ir[1]["layer"], 2)):
        if r["layer"] == "buildings":
            fill = BUILDING_FILL
        else:
            fill = _rgb(ZONE_FILL.get(r["category"], ROOM_FILL))
        for part in polygon_parts(r.geometry):
            rows.append(
                {
                    "id": r["id"],
                    "kind": "zone" if r["source"] == "zone" else r["source"],
                    "polygon": polygon_rings(part),
                    "fill": fill,
                    "tip": _tip(r),
                }
            )
    return rows


def area_layer(objs, layer_id: str = "responder-areas") -> pdk.Layer:
    return fill_layer(area_rows(objs), layer_id)


def wall_layer(objs, layer_id: str = "responder-walls") -> pdk.Layer:
    """Room and building outlines as thin walls (strokes are polygons: layers.deck)."""
    areas = objs[objs.geom_type.isin(["Polygon", "MultiPolygon"]) & (objs["layer"] != "grounds")]
    rows = []
    for _, r in areas.iterrows():
        width = 0.6 if r["layer"] == "buildings" else 0.3
        rows += [{"polygon": polygon_rings(p)} for p in ribbon_parts(r.geometry, width)]
    return ribbon_layer(rows, layer_id, colour=WALL)


def door_layer(objs, layer_id: str = "responder-doors") -> pdk.Layer:
    """Exterior doors as red strokes on the wall (their numbers are marks)."""
    rows = []
    for _, r in objs[objs["layer"] == "doors"].iterrows():
        for part in ribbon_parts(r.geometry, 1.0):
            rows.append({"id": r["id"], "kind": "opening", "polygon": polygon_rings(part),
                         "colour": DOOR_RED, "tip": _tip(r)})  # fmt: skip
    return ribbon_layer(rows, layer_id, pickable=True)


def _frame(objs, source: str, **rename) -> gpd.GeoDataFrame:
    part = objs[objs["source"] == source].rename(columns=rename)
    return part.reset_index(drop=True)


def building_marks(objs) -> list[Mark]:
    """Building names (the site view), under every number."""
    out = []
    for _, b in objs[objs["layer"] == "buildings"].iterrows():
        p = b.geometry.representative_point()
        row = {"size": NAME_PX + 1, "colour": BUILDING_TEXT, "anchor": "middle",
               "baseline": "center", "offset": [0, 0]}  # fmt: skip
        out.append(Mark((round(p.x, 6), round(p.y, 6)), b["label"], NAME_PX + 1, 4, row=row))
    return out


def responder_marks(objs) -> list[Mark]:
    """Numbers, names and symbols of the responder map (layers.plan priorities)."""
    zones = _frame(objs, "zone", category="kind", number="room_number")
    zones = zones[zones["layer"] != "grounds"]
    doors = _frame(objs, "opening", category="door_class")
    devices = _frame(objs, "control", category="type")
    devices["external_id"] = None
    buildings = objs[objs["layer"] == "buildings"]
    footprints = dict(zip(buildings["id"], buildings.geometry))
    return (
        room_marks(zones)
        + door_marks(doors, footprints=footprints)
        + device_marks(devices)
        + building_marks(objs)
    )


def responder_layers(objs, zoom: float, grid_cells=None, focus=None) -> list[pdk.Layer]:
    """The whole responder map, bottom to top: areas, walls, exterior doors, the grid, the
    search ring, then symbols and labels placed around the first view ``zoom``."""
    layers = [area_layer(objs), wall_layer(objs), door_layer(objs)]
    if grid_cells is not None:
        layers += grid_layers(grid_cells, zoom, "responder-grid")
    if focus is not None:
        layers.append(highlight_layer(focus))
    return layers + mark_layers(responder_marks(objs), zoom, "responder-marks")


def responder_legend(objs, grid: bool = True) -> list[dict]:
    """The legend of responder_layers' drawing: what is on this map and nothing else."""
    kinds = set(objs.loc[objs["source"] == "zone", "category"])
    items = []
    if (objs["layer"] == "buildings").any():
        items.append({"kind": "swatch", "colour": BUILDING_FILL[:3], "label": "Building"})
    if (objs["layer"] == "rooms").any():
        items.append({"kind": "swatch", "colour": _rgb(ROOM_FILL)[:3], "label": "Room"})
    seen = set()
    for kind, label in _AREA_LABELS.items():
        if kind in kinds and label not in seen:
            seen.add(label)
            items.append({"kind": "swatch", "colour": _rgb(ZONE_FILL[kind])[:3], "label": label})
    if (objs["layer"] == "doors").any():
        items.append({"kind": "bar", "colour": _rgb(DOOR_COLOUR)[:3], "width": 6,
                      "label": "Exterior door"})  # fmt: skip
    if grid:
        items.append(
            {"kind": "outline", "colour": [21, 101, 192],
             "label": "Grid cell: letter along the top, number down the side"}
        )  # fmt: skip
    out = [section("Map", items)]
    numbers = door_number_section(rooms=(objs["number"].astype(str) != "").any())
    if not (objs["layer"] == "doors").any():
        numbers["items"] = numbers["items"][1:]
    out.append(numbers)
    devices = objs[objs["source"] == "control"]
    counts = devices["category"].value_counts().to_dict()
    out.append(control_section(set(devices["category"]), counts))
    return out


def view_objects(objs, level_id: str | None, building_id: str | None):
    """What one view of the responder map shows: the level's objects, everything on the
    grounds, and the other buildings' footprints (a site view without a level: grounds and
    footprints)."""
    site = objs["building_id"].isna()
    footprints = objs["layer"] == "buildings"
    if level_id is None:
        return objs[site | footprints]
    return objs[
        (objs["level_id"] == level_id) | site | (footprints & (objs["building_id"] != building_id))
    ]


def first_view(view_objs, building_id: str | None, width_px: int = 900, height_px: int = 640):
    """The first view: the school filling the map (the rooms and doors of the building shown,
    else every building's footprint; the grounds may run off the edges)."""
    inside = view_objs[view_objs["building_id"] == building_id] if building_id else view_objs[:0]
    buildings = view_objs[view_objs["layer"] == "buildings"]
    school = inside if len(inside) else buildings if len(buildings) else view_objs
    return fit_view(tuple(school.total_bounds), width_px, height_px, padding=1.08)
