"""Room numbers, door numbers, room names and device icons of a plan, placed without collisions
(layers.labels): what floor plans, the campus, the responder map and the editor all draw.

Priorities (lower first): exterior door numbers, room numbers, other door numbers, life-safety
devices (AED, trauma kit, panic alarm, shut-offs, panels, key box, hazards), room names, other
devices, classroom subjects. Door numbers are drawn last, above every other glyph.

>>> import geopandas as gpd
>>> from shapely.geometry import box
>>> zones = gpd.GeoDataFrame({"id": ["z"], "kind": ["nurse"], "name": ["Nurse"],
...     "room_number": ["120"]}, geometry=[box(0, 0, 0.0002, 0.0001)])
>>> [(m.text, m.priority) for m in room_marks(zones)]
[('120', 1), ('Nurse', 4)]
"""

from __future__ import annotations

import math
import re

import pydeck as pdk
from shapely.geometry import Point

from layers.deck import M_PER_DEG_LAT, point_xy, text_rows_layer, tip_text
from layers.labels import LINE, PAD_PX, Mark, banded, halo_style, place
from passmap.palette import ICON_FONT, SHAPE_GLYPHS, control_style

ROOM_NUMBER_PX, NAME_PX, DOOR_PX = 12, 11, 13
ICON_PX, ICON_BOX_PX, GLYPH_RATIO = 22, 17, 0.5
DOOR_OFFSET_PX = 19  # an exterior door's number sits outside, clear of an icon on the door
ROOM_TEXT = [25, 25, 25, 255]
NAME_TEXT = [60, 60, 60, 255]
DOOR_TEXT = [170, 0, 0, 255]  # exit numbers: the responder PDF's red
INTERIOR_DOOR_TEXT = [110, 60, 60, 255]
LIFE_SAFETY = {
    "aed",
    "trauma_kit",
    "duress_button",
    "utility_shutoff",
    "fire_alarm_panel",
    "intrusion_panel",
    "key_box",
    "hazard",
}
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
    "stair",
    "elevator",
    "staff",
    "science_lab",
    "music",
    "shop",
    "mechanical",
}


def _text(v) -> str:
    return "" if v is None or (isinstance(v, float) and math.isnan(v)) else str(v).strip()


def subject(number: str, name: str) -> str:
    """What a room's name adds to its number: 'Room 102 - English' -> 'English'.

    >>> subject("102", "Room 102 - English"), subject("121", "Main Office"), subject("5", "Room 5")
    ('English', 'Main Office', '')
    """
    if number:
        name = re.sub(
            rf"^\s*(room|rm)?\s*#?\s*{re.escape(number)}\s*[-–:·]?\s*", "", name, flags=re.I
        )
    return name.strip()


def _label_row(size, colour, anchor="middle", baseline="center", offset=(0, 0)) -> dict:
    return {"size": size, "colour": colour, "anchor": anchor, "baseline": baseline,
            "offset": list(offset)}  # fmt: skip


def inner_spots(geom) -> list[tuple[float, float]]:
    """Other anchors inside a room for its label, nearest the middle first: up and down a
    quarter of its height, then left and right (neighbours' labels stagger instead of
    hiding each other)."""
    minx, miny, maxx, maxy = geom.bounds
    cx, cy = (minx + maxx) / 2, (miny + maxy) / 2
    w, h = maxx - minx, maxy - miny
    spots = [(cx, cy + h / 4), (cx, cy - h / 4), (cx - w / 4, cy), (cx + w / 4, cy)]
    return [(round(x, 6), round(y, 6)) for x, y in spots if geom.contains(Point(x, y))]


def room_marks(zones, names: bool = True) -> list[Mark]:
    """A room's number at its inner point (or another spot inside it when that is taken) and,
    below it, its name (named kinds; a classroom's subject later); rooms without a number
    show the name alone."""
    marks = []
    for z in zones.itertuples(index=False):
        if z.geometry is None or z.geometry.is_empty:
            continue
        pos = tuple(point_xy(z.geometry))
        spots = inner_spots(z.geometry)
        number, kind = _text(z.room_number), _text(z.kind)
        name = subject(number, _text(z.name))
        head = None
        if number:
            row = _label_row(ROOM_NUMBER_PX, ROOM_TEXT)
            head = Mark(pos, number, ROOM_NUMBER_PX, 1, row=row, candidates=spots)
            marks.append(head)
        if not names or not name or kind == "corridor":
            continue
        below = (0, round(ROOM_NUMBER_PX * LINE / 2 + 2 * PAD_PX + 1, 1)) if number else (0, 0)
        baseline = "top" if number else "center"
        marks.append(
            Mark(
                pos,
                name,
                NAME_PX,
                4 if kind in NAMED_KINDS or not number else 6,
                baseline=baseline,
                offset_px=below,
                row=_label_row(NAME_PX, NAME_TEXT, baseline=baseline, offset=below),
                candidates=[] if head else spots,
                follows=head,
            )
        )
    return marks


def outward_px(door, zone, distance_px: float = DOOR_OFFSET_PX) -> tuple[float, float]:
    """Screen offset (x right, y down) pointing out of ``zone`` across ``door`` (a line on the
    zone's edge, or a point); (0, 0) when there is no zone to point away from."""
    if zone is None or door is None or door.is_empty:
        return 0.0, 0.0
    mid = door.interpolate(0.5, normalized=True) if door.geom_type == "LineString" else door
    k = max(math.cos(math.radians(mid.y)), 0.01)
    if door.geom_type == "LineString" and door.length > 0:
        (x0, y0), (x1, y1) = door.coords[0], door.coords[-1]
        ex, ny = (x1 - x0) * k, y1 - y0  # along the door, in ~metres
        normals = [(-ny, ex), (ny, -ex)]
    else:
        c = zone.representative_point()
        normals = [((mid.x - c.x) * k, mid.y - c.y)]
    for nx, ny in normals:
        norm = math.hypot(nx, ny) or 1.0
        step = 0.5 / M_PER_DEG_LAT  # half a metre out
        probe = Point(mid.x + nx / norm * step / k, mid.y + ny / norm * step)
        if not zone.contains(probe):
            return round(nx / norm * distance_px, 1), round(-ny / norm * distance_px, 1)
    return 0.0, 0.0


def door_marks(openings, zones=None, exterior_only: bool = False, footprints=None) -> list[Mark]:
    """Door numbers: exterior ones in the exit red just outside the wall (responders come from
    outside: away from the room the door serves, else from its building's ``footprints``,
    id -> geometry), others in a muted red on the door."""
    rooms = {} if zones is None else dict(zip(zones["id"], zones.geometry))
    footprints = footprints or {}
    marks = []
    for o in openings.itertuples(index=False):
        number, cls = _text(o.number), _text(o.door_class)
        exterior = cls.startswith("exterior")
        if not number or (exterior_only and not exterior) or o.geometry is None:
            continue
        pos = tuple(point_xy(o.geometry))
        if exterior:
            inside = rooms.get(getattr(o, "zone_id", None))
            if inside is None:
                inside = footprints.get(getattr(o, "building_id", None))
            offset = outward_px(o.geometry, inside)
            row = _label_row(DOOR_PX, DOOR_TEXT, offset=offset)
            marks.append(Mark(pos, number, DOOR_PX, 0, offset_px=offset, row=row))
        else:
            marks.append(Mark(pos, number, NAME_PX, 2, row=_label_row(NAME_PX, INTERIOR_DOOR_TEXT)))
    return marks


def _device_tip(c) -> str:
    style = control_style(c.type)
    name = _text(c.name)
    ext = _text(getattr(c, "external_id", None))
    return tip_text(style.label, name or None, f"Device id: {ext}" if ext else None)


STACK_M = 0.6  # devices closer than this share a spot: their icons fan out around it


def _stacks(controls) -> dict[str, tuple[float, float]]:
    """Pixel offsets that fan out devices placed at (nearly) the same spot, such as a reader
    and a door contact on one door: each keeps its own icon instead of hiding under the other."""
    spots: list[tuple[float, float, list[str]]] = []
    for c in controls.itertuples(index=False):
        if c.geometry is None:
            continue
        x, y = point_xy(c.geometry)
        k = math.cos(math.radians(y)) * M_PER_DEG_LAT
        near = next(
            (
                sp
                for sp in spots
                if math.hypot((x - sp[0]) * k, (y - sp[1]) * M_PER_DEG_LAT) < STACK_M
            ),
            None,
        )
        if near is None:
            spots.append((x, y, [c.id]))
        else:
            near[2].append(c.id)
    out = {}
    for _, _, ids in spots:
        if len(ids) < 2:
            continue
        radius = ICON_BOX_PX * (0.6 if len(ids) == 2 else 0.75)
        for i, cid in enumerate(ids):
            a = 2 * math.pi * i / len(ids)
            out[cid] = (round(radius * math.cos(a), 1), round(radius * math.sin(a), 1))
    return out


def device_marks(controls, types: set[str] | None = None) -> list[Mark]:
    """One icon per device (its type's shape and symbol), life-safety devices first."""
    if types is not None:
        controls = controls[controls["type"].isin(types)]
    fanned = _stacks(controls)
    marks = []
    for c in controls.itertuples(index=False):
        if c.geometry is None:
            continue
        style = control_style(c.type)
        offset = fanned.get(c.id, (0.0, 0.0))
        row = {
            "id": c.id,
            "kind": "control",
            "type": c.type,
            "name": _text(c.name),
            "shape": SHAPE_GLYPHS[style.shape],
            "glyph": style.glyph,
            "colour": style.colour + [255],
            "offset": list(offset),
            "tip": _device_tip(c),
        }
        prio = 3 if c.type in LIFE_SAFETY else 5
        marks.append(
            Mark(
                tuple(point_xy(c.geometry)),
                style.glyph,
                ICON_PX,
                prio,
                offset_px=offset,
                box_px=ICON_BOX_PX,
                row=row,
            )
        )
    return marks


def _labels(rows: list[dict], suffix: str, layer_id: str) -> pdk.Layer:
    """Labels with their own size, colour, anchor and offset (row fields), white halo."""
    rows.sort(key=lambda r: r["colour"] == DOOR_TEXT)  # door numbers last: drawn on top
    return text_rows_layer(
        rows,
        f"{layer_id}{suffix}",
        "size",
        "colour",
        get_text_anchor="anchor",
        get_alignment_baseline="baseline",
        get_pixel_offset="offset",
        **halo_style(),
    )


def _icons(rows: list[dict], suffix: str, layer_id: str, text: str, size: float, pickable: bool):
    return pdk.Layer(
        "TextLayer",
        rows,
        id=f"{layer_id}{suffix}",
        get_position="position",
        get_text=text,
        get_color="colour" if pickable else [255, 255, 255, 255],
        get_size=size,
        size_units="'pixels'",
        font_family=f"'{ICON_FONT}'",
        character_set="'auto'",
        font_settings={"sdf": True, "fontSize": 64, "buffer": 6},
        outline_width=2 if pickable else 0,
        outline_color=[255, 255, 255, 255],
        get_text_anchor="'middle'",
        get_alignment_baseline="'center'",
        get_pixel_offset="offset",
        pickable=pickable,
        pm_kind="'icon'" if pickable else "'glyph'",
    )


def mark_layers(marks: list[Mark], zoom: float, layer_id: str = "marks") -> list[pdk.Layer]:
    """Place ``marks`` around the first view ``zoom`` and draw them: device icons (shape, then
    the white symbol) under every label; one layer per zoom step of each."""
    levels = place(marks, zoom)
    icons = [(m, lv) for m, lv in zip(marks, levels) if m.box_px is not None]
    labels = [(m, lv) for m, lv in zip(marks, levels) if m.box_px is None]
    out = []
    if icons:
        ms, lvs = zip(*icons)
        out += banded(
            list(ms), list(lvs), lambda r, s: _icons(r, s, "devices", "shape", ICON_PX, True)
        )
        out += banded(
            list(ms), list(lvs),
            lambda r, s: _icons(r, s, "devices-glyphs", "glyph", ICON_PX * GLYPH_RATIO, False),
        )  # fmt: skip
    if labels:
        ms, lvs = zip(*labels)
        out += banded(list(ms), list(lvs), lambda r, s: _labels(r, s, layer_id))
    return out
