"""Campus grounds around a building plan, in campus-local metres (front = south).

The front of every campus follows the same pattern seen at US schools: a parent drop-off loop
in front of the main entrance with visitor parking inside it, staff parking beside it, a bus
loop on its own driveway at the side entrance, and a service drive to the loading dock.
Fields, playgrounds and athletics go behind the building.

>>> z = [{"kind": "parking", "geom": box(0, 0, 10, 10)},
...      {"kind": "drive", "geom": box(5, 0, 15, 10)}]
>>> [round(g["geom"].area) for g in carve(z, box(100, 100, 101, 101))]
[100, 50]
"""

from __future__ import annotations

from dataclasses import dataclass

from shapely.geometry import LineString, box
from shapely.ops import unary_union

M2_PER_SPACE = 32.0  # stall plus its share of the aisle


@dataclass
class Frontage:
    entrance_xy: tuple  # outer face of the main entrance
    bus_door_xy: tuple  # the side door where buses load
    dock_xy: tuple  # loading dock door
    staff_spaces: int
    visitor_spaces: int
    front_depth_m: float


def drive(points, width_m: float) -> object:
    return LineString(points).buffer(width_m / 2, cap_style="flat", join_style="mitre")


def lot(x0, y0, x1, y1):
    g = box(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))
    return g, max(1, int(g.area / M2_PER_SPACE))


def front_zones(fp, f: Frontage) -> list[dict]:
    """Drop-off loop, visitor and staff parking, bus loop, walkways and drives."""
    bx0, by0, bx1, _by1 = fp.bounds
    ex, ey = f.entrance_xy
    road = by0 - f.front_depth_m
    top = ey - 14.0
    zones = [
        _z("walkway", "Main Entrance Walk", box(ex - 4, top + 3.5, ex + 4, ey)),
        _z(
            "drive",
            "Parent Drop-off Loop",
            drive([(ex - 22, road), (ex - 22, top), (ex + 22, top), (ex + 22, road)], 7.0),
        ),
    ]
    vis_h = f.visitor_spaces * M2_PER_SPACE / 30.0
    g, n = lot(ex - 16, top - 6, ex + 16, top - 6 - vis_h)
    zones.append(_z("parking", f"Visitor Parking ({n} spaces)", g, spaces=n, use="visitor"))
    staff_h = min(by0 - 14 - (road + 22), 70.0)
    staff_w = f.staff_spaces * M2_PER_SPACE / staff_h
    g, n = lot(ex + 34, by0 - 14, ex + 34 + staff_w, by0 - 14 - staff_h)
    zones.append(_z("parking", f"Staff Parking ({n} spaces)", g, spaces=n, use="staff"))
    sx = max(bx1 + 25, ex + 34 + staff_w + 10)
    dx, dy = f.dock_xy
    zones.append(
        _z(
            "drive",
            "Staff Parking and Service Drive",
            drive([(sx, road), (sx, dy + 10), (dx, dy + 10), (dx, dy)], 7.0),
        )
    )
    zones.append(
        _z(
            "drive",
            "Staff Parking Aisle",
            drive([(ex + 34 + staff_w, by0 - 14 - staff_h / 2), (sx, by0 - 14 - staff_h / 2)], 7.0),
        )
    )
    bdx, bdy = f.bus_door_xy
    zones.append(_z("walkway", "Bus Loading Walk", box(bx0 - 11, bdy - 3, bdx, bdy + 3)))
    zones.append(
        _z(
            "bus_loop",
            "Bus Loop",
            drive(
                [
                    (bx0 - 60, road),
                    (bx0 - 60, bdy + 12),
                    (bx0 - 15.5, bdy + 12),
                    (bx0 - 15.5, road),
                ],
                9.0,
            ),
        )
    )
    return zones


def _z(kind, name, geom, **props):
    return {"kind": kind, "name": name, "geom": geom, "props": props or None}


def carve(zones: list[dict], footprints) -> list[dict]:
    """Make grounds zones disjoint: each keeps what earlier ones and the buildings left free."""
    taken = footprints
    out = []
    for z in zones:
        g = z["geom"].difference(taken)
        if g.geom_type == "MultiPolygon":
            g = max(g.geoms, key=lambda p: p.area)
        if g.is_empty or g.area < 20:
            continue
        out.append(dict(z, geom=g.buffer(0)))
        taken = unary_union([taken, g])
    return out


def parcel(zones: list[dict], fp, road_y: float, margin_m: float = 18.0):
    """The parcel: the campus plus a margin, its front edge on the road, one corner cut."""
    x0, _y0, x1, y1 = unary_union([z["geom"] for z in zones] + [fp]).bounds
    x0, x1, y1 = x0 - margin_m, x1 + margin_m, y1 + margin_m
    cut = min(x1 - x0, y1 - road_y) * 0.18
    return LineString(
        [(x0, road_y), (x1, road_y), (x1, y1 - cut), (x1 - cut, y1), (x0, y1), (x0, road_y)]
    ).convex_hull
