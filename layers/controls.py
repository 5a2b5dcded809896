"""Line and area controls: fences, gates drawn as lines and coverage areas drawn as outlines,
in their type's colour. Point devices are icons placed with the labels (layers.plan)."""

from __future__ import annotations

import pydeck as pdk

from layers.deck import polygon_rings, ribbon_layer, ribbon_parts, tip_text
from passmap.palette import control_style


def _tip(c) -> str:
    style = control_style(c.type)
    name = c.name if isinstance(c.name, str) and c.name else None
    ext = getattr(c, "external_id", None)
    return tip_text(
        style.label, name, f"Device id: {ext}" if isinstance(ext, str) and ext else None
    )


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
