"""The share page's responder layers (ui/share_content.py, drawn by ui/share_page/viewer.js):
areas, exterior door strokes, one dot per device and number labels, as the share page was
built. The staff responder map draws with layers.responder (labels placed without collisions
over zoom steps, device symbols in the icon font); the share page's viewer does not yet honour
zoom steps nor load that font, so it keeps these builders until it does. Pure: no database.
"""

from __future__ import annotations

import pandas as pd
import pydeck as pdk

from layers.deck import (
    DIGITS,
    fill_layer,
    line_paths,
    point_xy,
    polygon_rings,
    text_rows_layer,
    tip_text,
)

LAYER_COLOUR = {
    "buildings": [224, 214, 200, 200],
    "rooms": [255, 255, 255, 230],
    "stairs": [180, 180, 180, 230],
    "grounds": [205, 225, 195, 160],
    "doors": [198, 40, 40, 255],
    "hazards": [242, 142, 43, 255],
    "shutoffs": [140, 86, 75, 255],
    "key_boxes": [231, 186, 0, 255],
    "aeds": [44, 160, 44, 255],
    "trauma_kits": [214, 39, 40, 255],
    "alarm_panels": [194, 24, 91, 255],
    "duress": [123, 31, 162, 255],
    "access_control": [31, 119, 180, 255],
    "cameras": [34, 34, 34, 255],
}
CORRIDOR = [255, 243, 196, 230]


def _tip(row) -> str:
    cell = row["cell"] if isinstance(row["cell"], str) and row["cell"] else "outside grid"
    return tip_text(row["label"], f"{row['layer']} - cell {cell}")


def area_layer(objs, layer_id: str = "responder-areas") -> pdk.Layer:
    rows = []
    for _, r in objs[objs.geom_type.isin(["Polygon", "MultiPolygon"])].iterrows():
        colour = CORRIDOR if r["category"] == "corridor" else LAYER_COLOUR.get(r["layer"])
        rows.append({"polygon": polygon_rings(r.geometry), "fill": colour, "tip": _tip(r)})
    return fill_layer(
        rows, layer_id, stroked=True, get_line_color=[60, 60, 60, 255], line_width_min_pixels=1
    )


def door_layer(objs, layer_id: str = "responder-doors") -> pdk.Layer:
    rows = [
        {"path": p, "tip": _tip(r)}
        for _, r in objs[objs["layer"] == "doors"].iterrows()
        for p in line_paths(r.geometry)
    ]
    return pdk.Layer(
        "PathLayer",
        rows,
        id=layer_id,
        get_path="path",
        get_color=LAYER_COLOUR["doors"],
        width_min_pixels=4,
        pickable=True,
    )


def point_layer(objs, layer_id: str = "responder-points") -> pdk.Layer:
    pts = objs[objs["source"] == "control"]
    rows = [
        {"position": point_xy(r.geometry), "colour": LAYER_COLOUR.get(r["layer"]), "tip": _tip(r)}
        for _, r in pts.iterrows()
    ]
    return pdk.Layer(
        "ScatterplotLayer",
        rows,
        id=layer_id,
        get_position="position",
        get_fill_color="colour",
        get_line_color=[0, 0, 0, 255],
        stroked=True,
        radius_min_pixels=6,
        radius_max_pixels=12,
        get_radius=0.8,
        line_width_min_pixels=1,
        pickable=True,
    )


def label_layer(objs, layer_id: str = "responder-labels") -> pdk.Layer:
    """Door numbers, then room numbers, as text (drawn as text, never HTML). The order is the
    priority the share viewer places them by when they would touch (exits first)."""
    doors = objs[objs["source"] == "opening"]
    rooms = objs[(objs["source"] == "zone") & (objs["number"] != "")]
    keep = pd.concat([doors, rooms])
    rows = [
        {"position": point_xy(r.geometry), "text": str(r["number"])} for _, r in keep.iterrows()
    ]
    return text_rows_layer(
        rows,
        layer_id,
        13,
        [20, 20, 20, 255],
        background=True,
        get_background_color=[255, 255, 255, 200],
    )


def grid_layers(cells, layer_id: str = "responder-grid") -> list[pdk.Layer]:
    """Cell outlines and one label per cell (A1, B1, ...)."""
    outlines = [
        {"path": line_paths(c.geometry)[0], "label": c["label"]} for _, c in cells.iterrows()
    ]
    # "cell": its bounds, so the share view may move the label inside the cell to keep it whole
    # where the cell is partly off-screen or under a control (ui/share_page/canvasmap.js)
    labels = [
        {
            "position": point_xy(c.geometry),
            "text": c["label"],
            "cell": [round(v, DIGITS) for v in c.geometry.bounds],
        }
        for _, c in cells.iterrows()
    ]
    return [
        pdk.Layer(
            "PathLayer",
            outlines,
            id=layer_id,
            get_path="path",
            get_color=[21, 101, 192, 150],
            width_min_pixels=1,
        ),
        text_rows_layer(labels, f"{layer_id}-labels", 14, [21, 101, 192, 160]),
    ]
