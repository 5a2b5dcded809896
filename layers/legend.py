"""Legends as small HTML blocks built from the same palette entries the layers drew.

Pass what is actually on the map (tiers present, door classes present, control types shown) so
the legend never lists what is not drawn. The legend sits beside the map, never over it.

>>> "Tier 4" in tier_legend([4, None])
True
"""

from __future__ import annotations

import html

from passmap.palette import (
    DOOR_STYLES,
    FOV_FILL,
    ICON_FONT,
    SHAPE_GLYPHS,
    TIER_COLOURS,
    control_style,
    door_style,
    hex_colour,
    tier_label,
)

_ROW = '<div class="pm-legend-row" style="display:flex;align-items:center;gap:6px;margin:2px 0">'
_SORT = {None: -1}


def _swatch(colour: list[int], border: str = "#444") -> str:
    return (
        f'<span style="display:inline-block;width:18px;height:14px;background:'
        f'{hex_colour(colour)};border:1px solid {border}"></span>'
    )


def _block(title: str, rows: list[str]) -> str:
    body = "".join(f"{_ROW}{r}</div>" for r in rows)
    return (
        f'<div class="pm-legend" style="font-size:13px;line-height:1.3;margin-bottom:8px">'
        f'<div style="font-weight:600;margin-bottom:2px">{html.escape(title)}</div>{body}</div>'
    )


def tier_legend(tiers_drawn, title: str = "Attained tier") -> str:
    """Tier swatches, strongest first; 'not assessed' last."""
    keys = sorted(set(tiers_drawn) & set(TIER_COLOURS), key=lambda t: _SORT.get(t, t), reverse=True)
    return _block(title, [f"{_swatch(TIER_COLOURS[t])}<span>{tier_label(t)}</span>" for t in keys])


def door_legend(classes_drawn) -> str:
    order = [c for c in DOOR_STYLES if c in set(classes_drawn)]
    order += sorted(set(classes_drawn) - set(DOOR_STYLES), key=str)
    rows = []
    for cls in order:
        style = door_style(cls)
        bar = (
            f'<span style="display:inline-block;width:22px;height:{int(style.width_px)}px;'
            f"background:{hex_colour(style.colour)};border:1px solid #fff;"
            f'outline:1px solid #bbb"></span>'
        )
        rows.append(f"{bar}<span>{html.escape(style.label)}</span>")
    return _block("Doors", rows)


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
        f'<span style="position:absolute;left:0;right:0;top:0;font-size:{size_px * 0.46:.0f}px;'
        f'color:#fff;text-shadow:none;font-weight:700">{glyph}</span></span>'
    )


def control_legend(types_drawn, counts: dict[str, int] | None = None) -> str:
    rows = []
    for ctype in sorted(set(types_drawn), key=lambda t: control_style(t).label):
        n = f" ({counts[ctype]})" if counts and ctype in counts else ""
        rows.append(f"{icon_html(ctype)}<span>{html.escape(control_style(ctype).label)}{n}</span>")
    return _block("Controls", rows)


def fov_legend() -> str:
    return _block(
        "Cameras",
        [f"{_swatch(FOV_FILL, border='#0072b2')}<span>Field of view (clipped by walls)</span>"],
    )
