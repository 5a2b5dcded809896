"""Control layers: one icon per device by type (a coloured shape glyph with a white symbol on
it, from palette.CONTROL_STYLES), fences and other line/area controls, a live-state ring."""

from __future__ import annotations

import pydeck as pdk

from layers.deck import point_xy, polygon_rings, ribbon_layer, ribbon_parts, tip_text
from passmap.palette import ICON_FONT, SHAPE_GLYPHS, control_style

ICON_SIZE_M = 2.6  # icons grow with the zoom between these pixel sizes
ICON_MIN_PX, ICON_MAX_PX = 15, 34
GLYPH_RATIO = 0.5
ICON_SIZE_PX = 28  # live ring radius reference


def _tip(c) -> str:
    style = control_style(c.type)
    name = c.name if isinstance(c.name, str) and c.name else c.id
    ext = getattr(c, "external_id", None)
    return tip_text(style.label, name, f"device {ext}" if isinstance(ext, str) and ext else None)


def control_rows(controls, types: set[str] | None = None) -> list[dict]:
    """Every control as one row at its point (or a line's midpoint / an area's inner point)."""
    rows = []
    for c in controls.itertuples(index=False):
        if types is not None and c.type not in types or c.geometry is None:
            continue
        style = control_style(c.type)
        rows.append(
            {
                "id": c.id,
                "kind": "control",
                "type": c.type,
                "position": point_xy(c.geometry),
                "shape": SHAPE_GLYPHS[style.shape],
                "glyph": style.glyph,
                "colour": style.colour + [255],
                "tip": _tip(c),
            }
        )
    return rows


def _glyph_layer(rows, layer_id, text, colour, scale, pickable, outline_px):
    return pdk.Layer(
        "TextLayer",
        rows,
        id=layer_id,
        get_position="position",
        get_text=text,
        get_color=colour,
        get_size=ICON_SIZE_M * scale,
        size_units="'meters'",
        size_min_pixels=ICON_MIN_PX * scale,
        size_max_pixels=ICON_MAX_PX * scale,
        font_family=f"'{ICON_FONT}'",
        character_set="'auto'",
        font_settings={"sdf": True, "fontSize": 64, "buffer": 6},
        outline_width=outline_px,
        outline_color=[255, 255, 255, 255],
        get_text_anchor="'middle'",
        get_alignment_baseline="'center'",
        pickable=pickable,
        auto_highlight=pickable,
        highlight_color=[255, 0, 255, 200],
    )


def control_icon_layers(
    controls, types: set[str] | None = None, scale: float = 1.0, layer_id: str = "controls"
) -> list[pdk.Layer]:
    """Shape (pickable, id ``layer_id``) and white symbol (``<layer_id>-glyphs``) per control;
    ``scale`` enlarges them (campus view: the site is bigger than a floor)."""
    rows = control_rows(controls, types)
    shapes = _glyph_layer(rows, layer_id, "shape", "colour", scale, True, 2)
    glyphs = _glyph_layer(
        rows, f"{layer_id}-glyphs", "glyph", [255, 255, 255, 255], scale * GLYPH_RATIO, False, 0
    )
    return [shapes, glyphs]


def control_line_layer(
    controls, types: set[str] | None = None, layer_id: str = "control-lines"
) -> pdk.Layer:
    """Fences, gates drawn as lines and coverage areas drawn as outlines, in the type colour."""
    rows = []
    for c in controls.itertuples(index=False):
        if types is not None and c.type not in types or c.geometry is None:
            continue
        if c.geometry.geom_type == "Point":
            continue
        colour = control_style(c.type).colour + [230]
        area = c.geometry.geom_type in ("Polygon", "MultiPolygon")
        for part in ribbon_parts(c.geometry, 0.3 if area else 0.7):
            rows.append(
                {
                    "id": c.id,
                    "kind": "control",
                    "type": c.type,
                    "polygon": polygon_rings(part),
                    "colour": colour,
                    "tip": _tip(c),
                }
            )
    return ribbon_layer(rows, layer_id, pickable=True)
