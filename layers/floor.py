"""Floor-plan layers: zones by tier, walls, doors by class with numbers, room labels, camera
views, the responder grid and the search highlight."""

from __future__ import annotations

import math

import pydeck as pdk
from shapely.geometry import LineString

from layers.deck import (
    point_xy,
    polygon_parts,
    polygon_rings,
    ribbon_layer,
    ribbon_parts,
    ribbon_rings,
    tip_text,
)
from layers.site import text_layer
from passmap.palette import (
    FOV_FILL,
    FOV_OUTLINE,
    GRID_COLOUR,
    HIGHLIGHT,
    WALL_COLOUR,
    ZONE_FILL_ALPHA,
    door_style,
    tier_colour,
    tier_label,
)

# Rooms whose name is worth a label (responders and administrators look for these first).
NAMED_KINDS = {
    "main_office",
    "vestibule",
    "lobby",
    "nurse",
    "library",
    "gym",
    "cafeteria",
    "auditorium",
    "sro_office",
    "kitchen",
    "mdf_idf",
    "locker_room",
    "loading_dock",
}


def zone_rows(zones, tiers: dict | None) -> list[dict]:
    rows = []
    for z in zones.itertuples(index=False):
        tier = None if not tiers else tiers.get(z.id)
        title = " ".join(str(x) for x in (z.room_number, z.name) if isinstance(x, str) and x)
        tip = tip_text(title or z.kind, str(z.kind).replace("_", " "), f"Tier: {tier_label(tier)}")
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
    return pdk.Layer(
        "PolygonLayer",
        zone_rows(zones, tiers),
        id=layer_id,
        get_polygon="polygon",
        get_fill_color="fill",
        stroked=False,
        filled=True,
        pickable=True,
        auto_highlight=True,
        highlight_color=[255, 255, 255, 90],
    )


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


def door_label_layer(
    openings, exterior_only: bool = False, layer_id: str = "door-labels"
) -> pdk.Layer:
    """Door numbers next to the door (responders read them)."""
    rows = []
    for o in openings.itertuples(index=False):
        if not o.number or (exterior_only and not str(o.door_class).startswith("exterior")):
            continue
        exterior = str(o.door_class).startswith("exterior")
        rows.append(
            {
                "position": point_xy(o.geometry),
                "text": f"D{o.number}" if exterior else str(o.number),
            }
        )
    return text_layer(rows, layer_id, size_m=1.4, max_px=15, min_px=9, anchor="start")


def room_label_layer(zones, layer_id: str = "room-labels") -> pdk.Layer:
    """Room number, and the name for rooms without a number and rooms people look for first
    (imported plans often name rooms without numbering them: "Biblioteca", "Salle des profs")."""
    rows = []
    for z in zones.itertuples(index=False):
        if z.geometry is None or z.geometry.is_empty:
            continue
        number = z.room_number if isinstance(z.room_number, str) else ""
        name = z.name if isinstance(z.name, str) else ""
        if z.kind in NAMED_KINDS:
            name = name or z.kind.replace("_", " ")
        elif number:
            name = ""
        text = "\n".join(x for x in (str(number), str(name)) if x)
        if text:
            rows.append({"position": point_xy(z.geometry), "text": text})
    return text_layer(rows, layer_id, size_m=1.9, max_px=17, min_px=10)


def fov_layer(views, layer_id: str = "fov") -> pdk.Layer:
    """Camera fields of view (already clipped by walls, see passmap.geometry.camera_views):
    a translucent fill with a thin outline, both as polygons."""
    rows = []
    for v in views.itertuples(index=False):
        for part in polygon_parts(v.geometry):
            rows.append({"id": v.control_id, "polygon": polygon_rings(part), "colour": FOV_FILL})
            rows += [
                {"id": v.control_id, "polygon": polygon_rings(edge), "colour": FOV_OUTLINE}
                for edge in ribbon_parts(part, 0.15)
            ]
    return ribbon_layer(rows, layer_id)


def grid_cells(bounds, cell_m: float = 20.0) -> tuple[list[dict], list[dict]]:
    """Responder grid lines every ``cell_m`` metres and their labels (columns A.., rows 1..)."""
    minx, miny, maxx, maxy = bounds
    m_per_deg_lat = 111_320.0
    m_per_deg_lon = m_per_deg_lat * math.cos(math.radians((miny + maxy) / 2))
    dx, dy = cell_m / m_per_deg_lon, cell_m / m_per_deg_lat
    ncols = max(1, min(26, math.ceil((maxx - minx) / dx)))
    nrows = max(1, min(60, math.ceil((maxy - miny) / dy)))
    right, bottom = minx + ncols * dx, maxy - nrows * dy
    lines = [{"path": [[minx + i * dx, maxy], [minx + i * dx, bottom]]} for i in range(ncols + 1)]
    lines += [{"path": [[minx, maxy - j * dy], [right, maxy - j * dy]]} for j in range(nrows + 1)]
    labels = [
        {"position": [minx + (i + 0.5) * dx, maxy + dy * 0.25], "text": chr(65 + i)}
        for i in range(ncols)
    ]
    labels += [
        {"position": [minx - dx * 0.25, maxy - (j + 0.5) * dy], "text": str(j + 1)}
        for j in range(nrows)
    ]
    return lines, labels


def grid_layers(bounds, cell_m: float = 20.0, layer_id: str = "grid") -> list[pdk.Layer]:
    lines, labels = grid_cells(bounds, cell_m)
    rows = [
        {"polygon": polygon_rings(part)}
        for line in lines
        for part in ribbon_parts(LineString(line["path"]), 0.2)
    ]
    return [
        ribbon_layer(rows, layer_id, colour=GRID_COLOUR),
        text_layer(labels, f"{layer_id}-labels", size_px=14),
    ]


def highlight_layer(geom, layer_id: str = "highlight") -> pdk.Layer:
    """A magenta ring around the object found by search or clicked (a disc ring for a point)."""
    if geom.geom_type in ("Point", "MultiPoint"):
        geom = ribbon_parts(geom, 3.0, "round")[0]
    rows = [{"polygon": polygon_rings(part)} for part in ribbon_parts(geom, 0.8)]
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
