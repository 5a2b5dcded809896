"""Drawing primitives of the responder PDF (matplotlib, no pyplot, no browser): symbols per
layer, grid with edge labels, north arrow, scale bar, legend, stamps.

User text is drawn with ``parse_math=False`` so names holding '$' or markup stay literal text.
"""

from __future__ import annotations

import math

from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from passmap.grid import GridSpec, column_letters

# layer -> (marker, face colour, legend text)
SYMBOLS = {
    "hazards": ("^", "#f28e2b", "Hazard"),
    "shutoffs": ("D", "#8c564b", "Utility shut-off"),
    "key_boxes": ("s", "#e7ba00", "Key box"),
    "aeds": ("P", "#2ca02c", "AED"),
    "trauma_kits": ("X", "#d62728", "Trauma kit"),
    "alarm_panels": ("p", "#c2185b", "Alarm panel"),
    "duress": ("v", "#7b1fa2", "Panic alarm"),
    "access_control": ("o", "#1f77b4", "Access control"),
    "cameras": ("^", "#222222", "Camera"),
}
ZONE_FILL = {
    "corridor": "#fff3c4",
    "stair": "#c9c9c9",
    "elevator": "#c9c9c9",
    "parking": "#d9d9d9",
    "drive": "#bdbdbd",
    "bus_loop": "#bdbdbd",
    "road": "#9e9e9e",
    "field": "#cfe8c0",
    "track": "#e8b9a0",
    "court": "#cfe8c0",
    "playground": "#e6f2d9",
    "courtyard": "#eef5e6",
    "walkway": "#eeeeee",
    "mechanical": "#f2dede",
}
ROOM_FILL = "#ffffff"
DOOR_COLOUR = "#c62828"
GRID_COLOUR = "#1565c0"


def text(ax, x, y, s, **kw):
    """Literal text (no mathtext): a room called '$5 room' prints as written."""
    return ax.text(x, y, s, parse_math=False, **kw)


def map_label(ax, x, y, s, **kw):
    """A label centred on its point of the map and clipped to the map (literal, as ``text``)."""
    return text(ax, x, y, s, ha="center", va="center", clip_on=True, **kw)


def draw_grid(ax, grid: GridSpec, extent) -> None:
    """Grid lines over the extent, column letters along the top, row numbers on the left."""
    x0, x1, y0, y1 = extent
    step = grid.cell_m
    c_first, c_last = max(0, math.floor(x0 / step)), min(grid.n_cols, math.ceil(x1 / step))
    r_first, r_last = max(0, math.floor(-y1 / step)), min(grid.n_rows, math.ceil(-y0 / step))
    top, bottom = -r_first * step, -r_last * step
    left, right = c_first * step, c_last * step
    for c in range(c_first, c_last + 1):
        ax.plot([c * step] * 2, [bottom, top], color=GRID_COLOUR, lw=0.6, alpha=0.6, zorder=5)
    for r in range(r_first, r_last + 1):
        ax.plot([left, right], [-r * step] * 2, color=GRID_COLOUR, lw=0.6, alpha=0.6, zorder=5)
    kw = dict(
        color=GRID_COLOUR,
        fontsize=8,
        fontweight="bold",
        zorder=9,
        bbox=dict(boxstyle="round,pad=0.15", fc="white", ec="none", alpha=0.8),
    )
    ytop = min(top, y1) - 0.03 * (y1 - y0)
    for c in range(c_first, c_last):
        cx = (c + 0.5) * step
        if x0 <= cx <= x1:
            map_label(ax, cx, ytop, column_letters(c), **kw)
    xleft = max(left, x0) + 0.02 * (x1 - x0)
    for r in range(r_first, r_last):
        cy = -(r + 0.5) * step
        if y0 <= cy <= y1:
            map_label(ax, xleft, cy, str(r + 1), **kw)


def draw_north_arrow(ax) -> None:
    ax.annotate(
        "",
        xy=(0.95, 0.95),
        xytext=(0.95, 0.86),
        xycoords="axes fraction",
        arrowprops=dict(facecolor="black", width=4, headwidth=12, headlength=10),
        zorder=12,
    )
    ax.text(
        0.95,
        0.97,
        "N",
        transform=ax.transAxes,
        ha="center",
        va="bottom",
        fontsize=13,
        fontweight="bold",
        zorder=12,
    )


def nice_length(span_m: float) -> float:
    """A round scale-bar length about a fifth of the span: 5, 10, 20, 25, 50, 100... m."""
    target = span_m / 5
    for n in (1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000):
        if n >= target:
            return float(n)
    return 5000.0


def draw_scale_bar(ax, extent) -> None:
    x0, x1, y0, y1 = extent
    length = nice_length(x1 - x0)
    bx, by = x0 + 0.04 * (x1 - x0), y0 + 0.05 * (y1 - y0)
    ax.plot([bx, bx + length], [by, by], color="black", lw=4, solid_capstyle="butt", zorder=12)
    ax.plot([bx, bx + length / 2], [by, by], color="white", lw=2, solid_capstyle="butt", zorder=13)
    ax.text(
        bx + length / 2,
        by + 0.015 * (y1 - y0),
        f"{length:g} m",
        ha="center",
        va="bottom",
        fontsize=8,
        zorder=12,
        bbox=dict(boxstyle="round,pad=0.1", fc="white", ec="none", alpha=0.8),
    )


def legend_handles(layers_present, zone_kinds) -> list:
    handles = [Line2D([], [], color=GRID_COLOUR, lw=1, label="Grid (cell label = column+row)")]
    if "doors" in layers_present:
        handles.append(
            Line2D(
                [],
                [],
                marker="s",
                ls="",
                mfc="white",
                mec=DOOR_COLOUR,
                ms=9,
                label="Exterior door number",
            )
        )
    for kind, label in (
        ("corridor", "Hallway"),
        ("stair", "Stairwell / elevator"),
        ("parking", "Parking"),
        ("field", "Field"),
        ("road", "Road / drive"),
    ):
        if kind in zone_kinds or (kind == "road" and {"drive", "bus_loop"} & set(zone_kinds)):
            handles.append(Patch(fc=ZONE_FILL[kind], ec="#555555", label=label))
    for layer, (marker, colour, label) in SYMBOLS.items():
        if layer in layers_present:
            handles.append(
                Line2D([], [], marker=marker, ls="", mfc=colour, mec="black", ms=8, label=label)
            )
    return handles


def draw_stamps(fig, title: str, subtitle: str, printed: str, verified: str, changed: bool) -> None:
    fig.text(0.02, 0.965, title, fontsize=15, fontweight="bold", va="top", parse_math=False)
    fig.text(0.02, 0.925, subtitle, fontsize=10, va="top", parse_math=False)
    fig.text(0.98, 0.965, f"Printed {printed}", fontsize=9, ha="right", va="top")
    colour = "#b71c1c" if changed or verified.startswith("NOT") else "#1b5e20"
    fig.text(
        0.98,
        0.935,
        verified,
        fontsize=9,
        ha="right",
        va="top",
        color=colour,
        fontweight="bold",
        parse_math=False,
    )
    fig.text(
        0.02,
        0.015,
        "Critical incident map - confidential - for public-safety use. "
        "Grid labels are identical on every printout of this campus.",
        fontsize=7,
        color="#555555",
    )
