"""Turn a plan (rooms per level, building-local metres) into zones and doors with numbers.

Exterior doors get first-responder numbers: "1" at the main entrance, then clockwise seen from
above, ordered by their compass angle around the footprint centroid.

>>> clockwise_order([(0, -10), (10, 0), (-10, 0), (0, 10)], (0, 0), start=0)
[0, 2, 3, 1]
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import shapely
from shapely.geometry import MultiPoint, Point
from shapely.ops import linemerge, unary_union

from passmap.demo.plan import door_line, shared_wall

CLASSROOM_KINDS = {"classroom", "science_lab", "art", "music"}
WIDE_KINDS = {"gym", "cafeteria", "library", "auditorium", "lobby"}
DEFAULT_NAMES = {
    "main_office": "Main Office",
    "vestibule": "Secure Vestibule",
    "lobby": "Main Lobby",
    "nurse": "Health Room / Nurse",
    "library": "Library / Media Center",
    "gym": "Gymnasium",
    "cafeteria": "Cafeteria",
    "kitchen": "Kitchen",
    "stair": "Stair",
    "restroom": "Restroom",
    "mechanical": "Mechanical",
    "mdf_idf": "IDF",
    "storage": "Storage",
    "staff": "Staff Workroom",
    "sro_office": "SRO Office",
    "loading_dock": "Loading Dock",
    "locker_room": "Locker Room",
    "auditorium": "Auditorium",
    "music": "Music Room",
    "art": "Art Room",
    "elevator": "Elevator",
    "science_lab": "Science Lab",
}


@dataclass
class Door:
    key: str
    line: object  # LineString, building-local metres
    door_class: str
    zone: str  # room key served
    to_zone: str | None
    number: str | None = None
    ordinal: int = 0


@dataclass
class BuiltLevel:
    ordinal: int
    rooms: list
    doors: list = field(default_factory=list)
    names: dict = field(default_factory=dict)  # room key -> (name, room_number)


def clockwise_order(points, centre, start: int) -> list[int]:
    """Indices of ``points`` clockwise (from above) around ``centre``, from ``points[start]``."""

    def bearing(p):
        return math.degrees(math.atan2(p[0] - centre[0], p[1] - centre[1])) % 360

    b0 = bearing(points[start])
    return sorted(range(len(points)), key=lambda i: (bearing(points[i]) - b0) % 360)


def build_levels(
    plan: dict, subjects: list[str], numbering: tuple[str, int] | None = None
) -> tuple[list[BuiltLevel], object]:
    """Doors, names and numbers for every level of ``plan``; returns (levels, footprint).

    Rooms are numbered 101, 102... (201... upstairs) or, with ``numbering=("P", 3)``, P3, P4...
    """
    footprint = unary_union([r.rect for r in plan[0]]).buffer(0)
    levels = []
    for ordinal in sorted(plan):
        _node_walls(plan[ordinal])
        lvl = BuiltLevel(ordinal, plan[ordinal])
        _interior_doors(lvl)
        if ordinal == 0:
            _exterior_doors(lvl, footprint)
        _names(lvl, subjects, numbering)
        levels.append(lvl)
    return levels, footprint


def _node_walls(rooms) -> None:
    """Give every room the wall junctions that lie on its edges, so neighbours share vertices
    exactly and stay disjoint after projection and rounding."""
    corners = MultiPoint([c for r in rooms for c in r.rect.exterior.coords])
    for r in rooms:
        r.rect = shapely.snap(r.rect, corners, 1e-6)


def _interior_doors(lvl: BuiltLevel) -> None:
    by_key = {r.key: r for r in lvl.rooms}
    by_label = {r.label: r for r in lvl.rooms if r.label}
    for room in lvl.rooms:
        targets = [] if room.kind == "corridor" else [by_key.get(room.corridor)]
        targets += [by_label.get(lbl) for lbl in room.links]
        for other in filter(None, targets):
            wall = shared_wall(room.rect, other.rect)
            if wall is None or wall.length < 1.2:
                continue
            cls = "classroom" if room.kind in CLASSROOM_KINDS else "interior"
            width = 1.8 if room.kind in WIDE_KINDS else 0.9
            at = 0.12 if room.kind in CLASSROOM_KINDS else 0.5
            lvl.doors.append(
                Door(
                    f"d{len(lvl.doors) + 1:03d}",
                    door_line(wall, width, at),
                    cls,
                    room.key,
                    other.key,
                )
            )


def _exterior_doors(lvl: BuiltLevel, footprint) -> None:
    outline = footprint.exterior
    found = []
    for room in lvl.rooms:
        for door_class, hint in room.ext:
            inter = room.rect.boundary.intersection(outline)
            lines = [g for g in getattr(inter, "geoms", [inter]) if g.geom_type == "LineString"]
            if not lines:
                continue
            merged = linemerge(lines) if len(lines) > 1 else lines[0]
            pieces = list(getattr(merged, "geoms", [merged]))
            wall = min(pieces, key=lambda g: g.distance(Point(hint)))
            width = 0.9 if door_class == "exterior-tertiary" else 1.8
            found.append(Door("", door_line(wall, width, near=hint), door_class, room.key, None))
    mids = [d.line.interpolate(0.5, normalized=True).coords[0] for d in found]
    start = next(i for i, d in enumerate(found) if d.door_class == "exterior-primary")
    c = footprint.centroid
    for n, i in enumerate(clockwise_order(mids, (c.x, c.y), start), start=1):
        found[i].number, found[i].ordinal = str(n), n
        found[i].key = f"x{n:02d}"
    lvl.doors += sorted(found, key=lambda d: d.ordinal)


def _names(lvl: BuiltLevel, subjects: list[str], numbering=None) -> None:
    n, s = 0, 0
    for room in lvl.rooms:
        if room.kind == "corridor":
            name = room.label or f"Corridor {room.wing.upper()}"
            lvl.names[room.key] = (name, None)
            continue
        n += 1
        number = (
            f"{numbering[0]}{numbering[1] + n - 1}" if numbering else f"{lvl.ordinal + 1}{n:02d}"
        )
        if room.kind == "classroom" and not room.label:
            name = f"Room {number} - {subjects[s % len(subjects)]}"
            s += 1
        elif room.kind in CLASSROOM_KINDS:
            name = f"Room {number} - {room.label or DEFAULT_NAMES[room.kind]}"
        else:
            name = room.label or DEFAULT_NAMES.get(room.kind, room.kind.title())
        lvl.names[room.key] = (name, number)
