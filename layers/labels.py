"""Labels and icons that never cover each other: placement by priority over zoom steps.

Every label or icon on a map is a *mark*: a box of a fixed size in screen pixels at a lon/lat
anchor. ``place`` walks the marks in priority order (exit numbers and room numbers first, then
life-safety icons, room names, other devices) and gives each the first zoom step from which it
fits without covering a mark placed before it; the map draws it from that zoom on (one text
layer per step, ``minZoom``). As the user zooms in, anchors spread while boxes keep their pixel
size, so what fit at a step still fits above it: no zoom ever shows two marks overlapping, and
detail grows with the zoom. Steps are absolute zoom levels, so the rule holds on a phone and a
desk alike (a smaller screen simply shows fewer marks at its first view).

Computed here in Python, not in the browser: the same placement serves the app, the static
share page and the tests, costs the browser nothing (no collision pass in software WebGL), and
the map component reports the boxes it really drew so a test can count overlaps.

>>> a = Mark((0.0, 0.0), "101", 12, priority=1)
>>> b = Mark((0.00005, 0.0), "102", 12, priority=1)
>>> place([a, b], 17.0)  # 5.6 m apart: the second fits from ~zoom 18.5 (29 px apart)
[14.98, 18.98]
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import pydeck as pdk

from layers.deck import text_rows_layer, world_px
from passmap.palette import LABEL_COLOUR, LABEL_HALO

LABEL_FONT = "DejaVu Sans, Verdana, Arial, sans-serif"
STEP = 0.5  # zoom levels between placement steps (a factor of ~1.4)
BELOW, ABOVE = 2.0, 4.5  # steps span this many zoom levels below and above the first view
PAD_PX = 1.5  # room kept around every box (the white halo)
LINE = 1.15  # line height, in font sizes
FIRST_VIEW_MARGIN = 0.02  # the first view's step sits this much under its zoom (rounding)


@lru_cache(maxsize=2)
def _advances(bold: bool) -> tuple[dict[int, float], float]:
    """Advance widths (in ems) of DejaVu Sans (the label font), from matplotlib's copy: found
    without importing matplotlib (~0.5-1 s of CPU that the first map of a server paid)."""
    from importlib.util import find_spec

    from fontTools.ttLib import TTFont

    name = "DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf"
    data = Path(find_spec("matplotlib").origin).parent / "mpl-data"  # matplotlib.get_data_path()
    font = TTFont(data / "fonts" / "ttf" / name, lazy=True)
    em = font["head"].unitsPerEm
    hmtx, cmap = font["hmtx"], font.getBestCmap()
    widths = {code: hmtx[glyph][0] / em for code, glyph in cmap.items() if code < 0x2700}
    return widths, widths.get(ord("0"), 0.7)


def text_width_px(text: str, size_px: float, bold: bool = True) -> float:
    """Width of one line of ``text`` at ``size_px`` as the map draws it (DejaVu Sans).

    >>> round(text_width_px("114", 12))
    25
    """
    widths, default = _advances(bold)
    return sum(widths.get(ord(ch), default) for ch in text) * size_px


@dataclass
class Mark:
    """One label or icon: ``text`` drawn at ``size_px`` (an icon: ``box_px`` square) with its
    box anchored at ``position`` ("middle"/"center" = centred; "start" = left edge; "top")."""

    position: tuple[float, float]
    text: str
    size_px: float
    priority: int = 5
    bold: bool = True
    anchor: str = "middle"
    baseline: str = "center"
    offset_px: tuple[float, float] = (0.0, 0.0)
    box_px: float | None = None  # icons: a square box instead of the text's
    row: dict = field(default_factory=dict)
    candidates: list = field(default_factory=list)  # other anchors to try (lon, lat)
    follows: Mark | None = None  # anchored where this (higher-priority) mark was placed
    _size: tuple[float, float] | None = field(default=None, repr=False, compare=False)

    def size(self) -> tuple[float, float]:
        if self.box_px is not None:
            return self.box_px, self.box_px
        if self._size is None:
            lines = str(self.text).split("\n")
            width = max(text_width_px(line, self.size_px, self.bold) for line in lines)
            self._size = (width, len(lines) * self.size_px * LINE)
        return self._size

    def box(self, x: float, y: float) -> tuple[float, float, float, float]:
        """The box (x0, y0, x1, y1) in pixels for an anchor at pixel (x, y)."""
        w, h = self.size()
        x0 = x - w / 2 if self.anchor == "middle" else x if self.anchor == "start" else x - w
        y0 = y - h / 2 if self.baseline == "center" else y if self.baseline == "top" else y - h
        dx, dy = self.offset_px
        return x0 + dx, y0 + dy, x0 + dx + w, y0 + dy + h


def steps_around(zoom: float, below: float = BELOW, above: float = ABOVE) -> list[float]:
    """Zoom steps from ``below`` under the first view ``zoom`` to ``above`` over it, one of
    them just under ``zoom`` (what fits the first view is drawn in it).

    >>> steps_around(17.3, 1, 1)
    [16.28, 16.78, 17.28, 17.78, 18.28]
    """
    start = round(zoom - FIRST_VIEW_MARGIN, 2)
    lower = [round(start - k * STEP, 2) for k in range(int(below / STEP), 0, -1)]
    upper = [round(start + k * STEP, 2) for k in range(int(above / STEP) + 1)]
    return lower + upper


class _Grid:
    """Boxes placed at one zoom step, bucketed for quick overlap tests."""

    CELL = 64.0

    def __init__(self) -> None:
        self.cells: dict[tuple[int, int], list[tuple]] = {}

    def _keys(self, box):
        c = self.CELL
        for i in range(int(box[0] // c), int(box[2] // c) + 1):
            for j in range(int(box[1] // c), int(box[3] // c) + 1):
                yield i, j

    def hits(self, box) -> bool:
        x0, y0, x1, y1 = box
        cells, c = self.cells, self.CELL
        for i in range(int(x0 // c), int(x1 // c) + 1):
            for j in range(int(y0 // c), int(y1 // c) + 1):
                for b in cells.get((i, j), ()):
                    if x0 < b[2] and b[0] < x1 and y0 < b[3] and b[1] < y1:
                        return True
        return False

    def add(self, box) -> None:
        for key in self._keys(box):
            self.cells.setdefault(key, []).append(box)


def place(marks: list[Mark], zoom: float, steps: list[float] | None = None) -> list[float]:
    """The zoom from which each mark is drawn (see module docstring): marks are taken by
    ``priority`` (lower first, stable); at each step a mark tries its ``candidates`` (other
    anchors inside its room) in turn and keeps the first that fits (``position`` is set to
    it); a mark that fits nowhere gets the last step at its own position. A mark that
    ``follows`` another is anchored where that one was placed."""
    steps = steps or steps_around(zoom)
    grids = [_Grid() for _ in steps]
    out: list[float] = [steps[-1]] * len(marks)
    for i in sorted(range(len(marks)), key=lambda k: marks[k].priority):
        mark = marks[i]
        if mark.follows is not None:
            mark.position = mark.follows.position
            spots = [mark.position]
        else:
            spots = [mark.position, *mark.candidates]
        found = _first_fit(mark, [world_px(*p, 0) for p in spots], steps, grids)
        if found is not None:
            out[i], k = found
            mark.position = tuple(spots[k])
    return out


def _first_fit(mark: Mark, bases, steps, grids) -> tuple[float, int] | None:
    """(step, candidate index) of the first step where one of the anchors fits; the mark's
    boxes are then added to every step from there on."""
    n = len(steps)
    for s, step in enumerate(steps):
        scale = 2**step
        for k, base in enumerate(bases):
            x0, y0, x1, y1 = mark.box(base[0] * scale, base[1] * scale)
            box = (x0 - PAD_PX, y0 - PAD_PX, x1 + PAD_PX, y1 + PAD_PX)
            # shown from this step on: it must clear what every step above shows (a mark
            # placed before it may appear only there)
            if any(
                grids[t].hits(_moved(box, base, scale, 2 ** (steps[t] - step))) for t in range(s, n)
            ):
                continue
            for t in range(s, n):
                grids[t].add(_moved(box, base, scale, 2 ** (steps[t] - step)))
            return step, k
    return None


def _moved(box, base_xy, scale, k):
    """``box`` (pixels at ``scale``) after zooming by ``k``: the anchor moves, the size stays."""
    ax, ay = base_xy[0] * scale, base_xy[1] * scale
    dx, dy = ax * (k - 1), ay * (k - 1)
    return box[0] + dx, box[1] + dy, box[2] + dx, box[3] + dy


def halo_style(bold: bool = True, halo=LABEL_HALO, pm_kind: str = "label") -> dict:
    """TextLayer properties of the maps' labels: pixel sizes, the label font (SDF, so the white
    halo ``halo`` is drawn round each glyph), not picked; ``pm_kind`` tells the map component to
    report their boxes (tests count overlaps with them)."""
    return {
        "size_units": "'pixels'",
        "line_height": LINE,
        "font_family": f"'{LABEL_FONT}'",
        "font_weight": 700 if bold else 400,
        "character_set": "'auto'",
        "font_settings": {"sdf": True, "fontSize": 64, "buffer": 6},
        "outline_width": 3,
        "outline_color": halo,
        "pickable": False,
        "pm_kind": f"'{pm_kind}'",
    }


def text_layer(
    rows: list[dict],
    layer_id: str,
    size_px: float,
    colour=LABEL_COLOUR,
    bold: bool = True,
    anchor: str = "middle",
    baseline: str = "center",
    offset_px: tuple[float, float] = (0, 0),
    halo=LABEL_HALO,
    pm_kind: str = "label",
) -> pdk.Layer:
    """Labels of a fixed pixel size with a white halo (rows: "position", "text")."""
    return text_rows_layer(
        rows,
        layer_id,
        size_px,
        colour,
        get_text_anchor=f"'{anchor}'",
        get_alignment_baseline=f"'{baseline}'",
        get_pixel_offset=list(offset_px),
        **halo_style(bold, halo, pm_kind),
    )


def banded(marks: list[Mark], levels: list[float], build) -> list[pdk.Layer]:
    """One layer per zoom step (``build(rows, suffix) -> Layer``), drawn from that step."""
    by_step: dict[float, list[dict]] = {}
    for mark, level in zip(marks, levels):
        row = {"position": list(mark.position), "text": mark.text, **mark.row}
        by_step.setdefault(level, []).append(row)
    out = []
    for level in sorted(by_step):
        layer = build(by_step[level], f"@{level:g}")
        layer.min_zoom = level
        out.append(layer)
    return out
