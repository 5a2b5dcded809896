"""Legends: a description of what a map draws (sections of items, plain data a static page can
render too) and its HTML, built from the same palette entries the layers used.

Pass what is actually on the map (tiers present, door classes present, control types shown) so
the legend never lists what is not drawn. The legend sits beside (or under) the map, never over it.

>>> "Tier 4" in tier_legend([4, None])
True
>>> section_html(door_number_section())[:25]
'<div class="pm-legend" st'
"""

from __future__ import annotations

import html

from passmap.palette import (
    DOOR_STYLES,
    FOV_OUTLINE,
    ICON_FONT,
    SHAPE_GLYPHS,
    TIER_COLOURS,
    ZONE_FILL_ALPHA,
    control_style,
    door_style,
    hex_colour,
    tier_label,
)

_ROW = '<div class="pm-legend-row" style="display:flex;align-items:center;gap:6px;margin:2px 0">'
_SORT = {None: -1}
DOOR_NUMBER_COLOUR = [170, 0, 0]  # layers.plan.DOOR_TEXT


def section(title: str, items: list[dict]) -> dict:
    """A legend section: {"title", "items"}. An item is {"kind", "label", "colour"} (colour: an
    RGB list) where kind is "swatch" (a filled box; "alpha" 0-255 as drawn), "bar" (a door's
    stroke; "width" px), "outline" (an unfilled box), "text" (a sample "text" drawn in the
    colour: door and room numbers) or "icon" (a device: "type", the "shape" glyph drawn in the
    colour with the white "glyph" on it, as the map draws it)."""
    return {"title": title, "items": items}


def tier_section(tiers_drawn, title: str = "Attained tier", alpha: int = ZONE_FILL_ALPHA) -> dict:
    """Tier swatches, strongest first; 'not assessed' last. ``alpha``: the fill as drawn."""
    keys = sorted(set(tiers_drawn) & set(TIER_COLOURS), key=lambda t: _SORT.get(t, t), reverse=True)
    return section(
        title,
        [
            {"kind": "swatch", "colour": TIER_COLOURS[t], "alpha": alpha, "label": tier_label(t)}
            for t in keys
        ],
    )


def door_section(classes_drawn) -> dict:
    order = [c for c in DOOR_STYLES if c in set(classes_drawn)]
    order += sorted(set(classes_drawn) - set(DOOR_STYLES), key=str)
    items = []
    for cls in order:
        style = door_style(cls)
        items.append(
            {
                "kind": "bar",
                "colour": style.colour[:3],
                "width": style.width_px,
                "label": style.label,
            }
        )
    return section("Doors", items)


def door_number_section(rooms: bool = True) -> dict:
    items = [
        {
            "kind": "text",
            "text": "12",
            "colour": DOOR_NUMBER_COLOUR,
            "label": "Exterior door number",
        }
    ]
    if rooms:
        items.append(
            {"kind": "text", "text": "114", "colour": [25, 25, 25], "label": "Room number"}
        )
    return section("Numbers", items)


def control_section(types_drawn, counts: dict[str, int] | None = None) -> dict:
    items = []
    for ctype in sorted(set(types_drawn), key=lambda t: control_style(t).label):
        n = f" ({counts[ctype]})" if counts and ctype in counts else ""
        style = control_style(ctype)
        items.append(
            {"kind": "icon", "type": ctype, "label": style.label + n, "colour": style.colour[:3],
             "shape": SHAPE_GLYPHS[style.shape], "glyph": style.glyph}
        )  # fmt: skip
    return section("Devices", items)


def fov_section() -> dict:
    return section(
        "Cameras",
        [
            {
                "kind": "outline",
                "colour": FOV_OUTLINE[:3],
                "label": "Field of view (outline, clipped by walls)",
            }
        ],
    )


def _swatch(colour: list[int], alpha: int = 255, border: str = "#444") -> str:
    r, g, b = colour[:3]
    return (
        f'<span style="display:inline-block;width:18px;height:14px;background:'
        f'rgba({r},{g},{b},{alpha / 255:.2f});border:1px solid {border}"></span>'
    )


def icon_html(control_type: str, size_px: int = 22) -> str:
    """The control's icon as the map draws it: its shape glyph with the white symbol on top."""
    style = control_style(control_type)
    shape, glyph = SHAPE_GLYPHS[style.shape], html.escape(style.glyph)
    halo = "-1px 0 #fff,1px 0 #fff,0 -1px #fff,0 1px #fff"
    return (
        f'<span class="pm-icon pm-icon-{html.escape(control_type)}" style="position:relative;'
        f"display:inline-block;width:{size_px}px;height:{size_px}px;line-height:{size_px}px;"
        f"text-align:center;font-family:{ICON_FONT};font-size:{size_px}px;"
        f'color:{hex_colour(style.colour)};text-shadow:{halo}">{shape}'
        f'<span style="position:absolute;left:0;right:0;top:0;font-size:{size_px * 0.5:.0f}px;'
        f'color:#fff;text-shadow:none;font-weight:700">{glyph}</span></span>'
    )


def _item_html(item: dict) -> str:
    kind, colour = item["kind"], item.get("colour", [0, 0, 0])
    if kind == "swatch":
        mark = _swatch(colour, item.get("alpha", 255))
    elif kind == "bar":
        mark = (
            f'<span style="display:inline-block;width:22px;height:{int(item["width"])}px;'
            f"background:{hex_colour(colour)};border:1px solid #fff;"
            f'outline:1px solid #bbb"></span>'
        )
    elif kind == "outline":
        mark = (
            '<span style="display:inline-block;width:16px;height:12px;'
            f'border:2px solid {hex_colour(colour)}"></span>'
        )
    elif kind == "icon":
        mark = icon_html(item["type"])
    else:
        mark = (
            f'<span style="display:inline-block;min-width:22px;text-align:center;font-weight:700;'
            f'color:{hex_colour(colour)}">{html.escape(item.get("text", ""))}</span>'
        )
    return f"{mark}<span>{html.escape(item['label'])}</span>"


def section_html(sec: dict) -> str:
    body = "".join(f"{_ROW}{_item_html(i)}</div>" for i in sec["items"])
    return (
        f'<div class="pm-legend" style="font-size:13px;line-height:1.3;margin-bottom:8px">'
        f'<div style="font-weight:600;margin-bottom:2px">{html.escape(sec["title"])}</div>'
        f"{body}</div>"
    )


def legend_html(sections: list[dict]) -> str:
    """The HTML of a whole legend (sections without items are left out)."""
    return "".join(section_html(s) for s in sections if s["items"])


def tier_legend(tiers_drawn, title: str = "Attained tier") -> str:
    return section_html(tier_section(tiers_drawn, title))


def door_legend(classes_drawn) -> str:
    return section_html(door_section(classes_drawn))


def control_legend(types_drawn, counts: dict[str, int] | None = None) -> str:
    return section_html(control_section(types_drawn, counts))


def fov_legend() -> str:
    return section_html(fov_section())
