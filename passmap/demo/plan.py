"""Floor-plan engine for the demo schools, in building-local metres (x east, y north).

A plan is built from *wings* (a corridor with a row of rooms on each side: a double-loaded
corridor) and *blocks* (large rooms placed as explicit rectangles). Rooms are axis-aligned
boxes that share walls, so the zones of a level tile the floor without overlapping.

>>> w = wing("a", (0, 0), "E", left=[Slot("classroom", 9.5)], right=[Slot("classroom", 9.5)])
>>> [r.kind for r in w.rooms], round(w.rooms[1].rect.area, 1)
(['corridor', 'classroom', 'classroom'], 85.5)
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shapely.geometry import LineString, Polygon, box

CORRIDOR_W_M = 3.0
ROOM_DEPTH_M = 9.0


@dataclass
class Slot:
    """One room position along a wing row; ``sub`` splits the depth (outer wall first)."""

    kind: str
    width: float
    depth: float | None = None
    label: str = ""
    ext: tuple = ()  # exterior door classes on the outer wall
    sub: tuple = ()  # ((kind, depth_m, label), ...) from the outer wall inward
    links: tuple = ()  # labels of neighbouring rooms it has a door to


@dataclass
class Room:
    key: str
    kind: str
    rect: Polygon
    label: str = ""
    corridor: str | None = None  # key of the corridor the room opens onto
    ext: list = field(default_factory=list)  # [(door_class, (x, y) hint), ...] on exterior walls
    links: list = field(default_factory=list)  # labels of rooms it has an interior door to
    wing: str = ""


@dataclass
class Wing:
    key: str
    rooms: list
    gaps: list  # local (x, y) where a perpendicular corridor joins
    corridor: Room


def _to_local(origin, direction, u, v):
    x0, y0 = origin
    return {
        "E": (x0 + u, y0 + v),
        "N": (x0 - v, y0 + u),
        "W": (x0 - u, y0 - v),
        "S": (x0 + v, y0 - u),
    }[direction]


def _uv_box(origin, direction, u1, u2, v1, v2) -> Polygon:
    a = _to_local(origin, direction, u1, v1)
    b = _to_local(origin, direction, u2, v2)
    return box(min(a[0], b[0]), min(a[1], b[1]), max(a[0], b[0]), max(a[1], b[1]))


def wing(
    key: str,
    origin,
    direction: str,
    left: list,
    right: list,
    start: float = 0.0,
    corridor_w: float = CORRIDOR_W_M,
    ends: tuple = ((), ()),
) -> Wing:
    """A double-loaded wing whose corridor centreline starts at ``origin`` going ``direction``.

    ``left``/``right`` are Slot lists (left = counter-clockwise side); rooms start at ``start``
    along the corridor. ``ends`` gives exterior door classes at the corridor's start and end.
    Kind "gap" leaves the slot empty for a perpendicular corridor and records where it joins.
    """
    length = start + max(sum(s.width for s in left), sum(s.width for s in right))
    half = corridor_w / 2
    corr = Room(
        f"{key}-corr", "corridor", _uv_box(origin, direction, 0, length, -half, half), wing=key
    )
    corr.ext = [(c, _to_local(origin, direction, 0, 0)) for c in ends[0]]
    corr.ext += [(c, _to_local(origin, direction, length, 0)) for c in ends[1]]
    rooms, gaps = [corr], []
    for side, slots in (("L", left), ("R", right)):
        u = start
        for i, slot in enumerate(slots):
            width = slot.width if i < len(slots) - 1 else length - u
            if slot.kind == "gap":
                gaps.append(
                    _to_local(origin, direction, u + width / 2, half if side == "L" else -half)
                )
            else:
                rooms += _slot_rooms(
                    f"{key}-{side}{i:02d}",
                    slot,
                    origin,
                    direction,
                    u,
                    width,
                    half,
                    side,
                    corr.key,
                    key,
                )
            u += width
    return Wing(key, rooms, gaps, corr)


def _slot_rooms(key, slot, origin, direction, u, width, half, side, corr_key, wing_key):
    depth = slot.depth or ROOM_DEPTH_M
    parts = slot.sub or ((slot.kind, depth, slot.label),)
    sign = 1 if side == "L" else -1
    out, outer = [], half + depth
    for j, (kind, d, label) in enumerate(parts):
        inner = outer - d if j < len(parts) - 1 else half
        v1, v2 = sorted((sign * outer, sign * inner))
        room = Room(
            f"{key}{'abcdef'[j] if slot.sub else ''}",
            kind,
            _uv_box(origin, direction, u, u + width, v1, v2),
            label=label,
            wing=wing_key,
        )
        if j == 0:
            mid = _to_local(origin, direction, u + width / 2, sign * (half + depth))
            room.ext = [(c, mid) for c in slot.ext]
        if j == len(parts) - 1:
            room.corridor = corr_key
        room.links = list(slot.links) + ([parts[j - 1][2]] if j else [])
        out.append(room)
        outer = inner
    return out


def block_room(
    key: str, kind: str, x1, y1, x2, y2, label: str = "", corridor=None, ext=(), links=()
) -> Room:
    """A room given as an explicit rectangle (gyms, cafeterias, auditoriums)."""
    return Room(
        key,
        kind,
        box(x1, y1, x2, y2),
        label=label,
        corridor=corridor,
        ext=list(ext),
        links=list(links),
    )


def shared_wall(a: Polygon, b: Polygon) -> LineString | None:
    """The longest straight wall two touching rooms share, or None."""
    inter = a.boundary.intersection(b.boundary)
    lines = [g for g in getattr(inter, "geoms", [inter]) if g.geom_type == "LineString"]
    if not lines:
        return None
    from shapely.ops import linemerge

    merged = linemerge(lines) if len(lines) > 1 else lines[0]
    parts = list(getattr(merged, "geoms", [merged]))
    return max(parts, key=lambda g: g.length)


def door_line(wall: LineString, width_m: float, at: float = 0.5, near=None) -> LineString:
    """A door leaf of ``width_m`` on ``wall`` centred at fraction ``at`` or nearest to ``near``."""
    from shapely.geometry import Point
    from shapely.ops import substring

    half = min(width_m, wall.length - 0.4) / 2
    centre = wall.project(Point(near)) if near is not None else wall.length * at
    centre = min(max(centre, half + 0.2), wall.length - half - 0.2)
    return substring(wall, centre - half, centre + half)
