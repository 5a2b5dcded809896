"""Athletics, playgrounds and grounds controls (fence, gates, poles) of a demo campus.

Campus-local metres, front = south. Track dimensions follow a standard 400 m, 8-lane track
(84.39 m straights, 36.5 m inner radius): about 177 x 93 m overall.

>>> t = track_zones(0, 0)
>>> x0, y0, x1, y1 = t[0]["geom"].bounds
>>> round(x1 - x0), round(y1 - y0)
(177, 93)
"""

from __future__ import annotations

import math

from shapely.geometry import LineString, Point, Polygon, box

from passmap.demo.devices import _dev
from passmap.demo.site import _z, lot

STRAIGHT_M, INNER_R_M, LANES_M = 84.39, 36.5, 8 * 1.22


def track_zones(cx, cy) -> list[dict]:
    """The running track ring and the stadium field inside it."""
    axis = LineString([(cx - STRAIGHT_M / 2, cy), (cx + STRAIGHT_M / 2, cy)])
    inner = axis.buffer(INNER_R_M, quad_segs=12)
    outer = axis.buffer(INNER_R_M + LANES_M, quad_segs=12)
    return [
        _z("track", "Stadium Track (400 m, 8 lanes)", outer.difference(inner), lanes=8),
        _z("field", "Stadium Field (football / soccer)", inner, surface="synthetic turf"),
    ]


def diamond(home, bearing_deg, radius_m, name) -> dict:
    """A baseball/softball field: the 90-degree fan from home plate out to the fence."""
    pts = [home]
    for k in range(19):
        a = math.radians(bearing_deg - 45 + k * 5)
        pts.append((home[0] + radius_m * math.sin(a), home[1] + radius_m * math.cos(a)))
    return _z("field", name, Polygon(pts), fence_m=radius_m)


def courtyards(fp, label: str) -> list[dict]:
    """Open spaces enclosed by building wings on three sides (highest cut that finds some)."""
    x0, y0, x1, _y1 = fp.bounds
    free = fp.envelope.difference(fp)
    tops = sorted({round(y, 3) for y in (c[1] for c in fp.exterior.coords)}, reverse=True)
    for cut in tops:
        part = free.intersection(box(x0, y0, x1, cut))
        found = [
            g
            for g in getattr(part, "geoms", [part])
            if g.geom_type == "Polygon"
            and g.area > 600
            and g.bounds[0] > x0 + 1
            and g.bounds[2] < x1 - 1
            and g.bounds[1] > y0 + 1
        ]
        if found:
            kind = "courtyard" if label == "Courtyard" else "playground"
            return [
                _z(kind, label if len(found) == 1 else f"{label} {i + 1}", g.buffer(0))
                for i, g in enumerate(sorted(found, key=lambda g: g.bounds[0]))
            ]
    return []


def extras(school_type: str, fp) -> list[dict]:
    x0, y0, x1, y1 = fp.bounds
    if school_type == "elementary":
        return courtyards(fp, "K-2 Playground") + [
            _z("playground", "Grades 3-5 Playground", box(x0 - 55, y1 - 45, x0 - 12, y1 - 5)),
            _z("court", "Basketball Court", box(x1 - 50, y1 + 14, x1 - 20, y1 + 42)),
            _z("field", "Multipurpose Field", box(x0 - 20, y1 + 14, x0 + 100, y1 + 80)),
        ]
    if school_type == "middle":
        return (
            courtyards(fp, "Courtyard")
            + track_zones(x0 + 60, y1 + 70)
            + [
                _z("court", "Basketball Courts (2)", box(x1 - 45, y1 + 20, x1 - 5, y1 + 52)),
                _z("field", "Practice Field", box(x1 + 15, y1 + 20, x1 + 115, y1 + 90)),
            ]
        )
    return (
        courtyards(fp, "Courtyard")
        + track_zones(x0 + 90, y1 + 75)
        + [
            _z("court", "Tennis Courts (6)", box(x1 - 40, y1 + 20, x1 + 70, y1 + 57), courts=6),
            diamond((x1 - 30, y1 + 85), 45, 100, "Baseball Field"),
            diamond((x0 - 120, y1 - 20), 15, 70, "Softball Field"),
            _z("field", "Practice Field", box(x0 - 150, y1 + 80, x0 - 50, y1 + 150)),
            _z(
                "drive",
                "Student Parking Drive",
                LineString([(x0 - 150, y0 - 150), (x0 - 150, y0 - 128)]).buffer(
                    3.5, cap_style="flat"
                ),
            ),
            _student_lot(x0 - 240, y0 - 128, x0 - 80, y0 - 44),
        ]
    )


def _student_lot(*xy) -> dict:
    g, n = lot(*xy)
    return _z("parking", f"Student Parking ({n} spaces)", g, spaces=n, use="student")


def site_controls(site: list[dict], fp, land, front, p: dict) -> list[dict]:
    """Fence, gates, pole cameras, lighting and signage on the grounds."""
    out = []
    ring = list(land.exterior.coords)
    road_y = land.bounds[1]
    back = [c for c in ring if c[1] > road_y + 0.01]
    if back:
        out.append(
            {
                "type": "fence",
                "name": "Perimeter fence (chain link, 6 ft)",
                "geom": LineString(back),
                "attrs": {"height_ft": 6, "material": "chain link"},
            }
        )
    for z in site:
        out += _zone_controls(z, fp, p, road_y)
    return out


def _zone_controls(z, fp, p, road_y) -> list[dict]:
    g, kind, name = z["geom"], z["kind"], z["name"]
    out = []
    gx0, gy0, gx1, gy1 = g.bounds
    if kind in ("drive", "bus_loop") and gy0 <= road_y + 0.5:
        entry = g.intersection(box(gx0, road_y, gx1, road_y + 2)).centroid
        attrs = {"kind": "vehicle", "monitored": bool(p.get("gates_monitored"))}
        out.append(_dev("gate", f"Gate - {name}", (entry.x, entry.y + 1), attrs=attrs))
        if p.get("gate_cameras"):
            out.append(
                _dev(
                    "camera",
                    f"Gate camera - {name}",
                    (entry.x + 6, entry.y + 14),
                    target=(entry.x, entry.y + 1),
                    fov_deg=70.0,
                    range_m=30.0,
                    attrs={"mount": "pole", "covers": f"gate - {name}"},
                )
            )
        out.append(_dev("signage", f"Entrance sign - {name}", (gx1 + 2, road_y + 3)))
    if kind == "parking":
        out += _lot_poles(g, name, p)
    if kind == "bus_loop" and p["bus_cameras"]:
        c = g.centroid
        out.append(
            _dev(
                "camera",
                "Bus loop camera",
                (gx1 + 1.0, (gy0 + gy1) / 2 + 20),
                target=(c.x, c.y),
                fov_deg=90.0,
                range_m=60.0,
                attrs={"mount": "pole", "covers": "bus loop"},
            )
        )
    if name == "Parent Drop-off Loop" and p["parking_cameras"]:
        out.append(
            _dev(
                "camera",
                "Drop-off loop camera",
                ((gx0 + gx1) / 2, gy1 + 1.5),
                target=((gx0 + gx1) / 2, gy0 + 20),
                fov_deg=100.0,
                range_m=50.0,
                attrs={"mount": "pole", "covers": "parent drop-off"},
            )
        )
    if kind in ("playground", "field") and p.get("outdoor_pa"):
        horn = g.buffer(-3.0).representative_point()
        out.append(
            _dev(
                "pa_speaker",
                f"Outdoor PA horn - {name}",
                (horn.x, horn.y),
                attrs={"zone_call": True, "mount": "pole"},
            )
        )
    if kind in ("playground", "field") and p["parking_cameras"]:
        c = g.centroid
        out.append(
            _dev(
                "camera",
                f"Camera - {name}",
                (gx0 + 1, gy0 + 1),
                target=(c.x, c.y),
                fov_deg=90.0,
                range_m=min(80.0, round(Point(gx0, gy0).distance(c) * 1.6, 1)),
                attrs={"mount": "pole", "covers": name},
            )
        )
    return out


def _lot_poles(g, name, p) -> list[dict]:
    x0, y0, x1, y1 = g.bounds
    out = []
    nx, ny = max(1, round((x1 - x0) / 35)), max(1, round((y1 - y0) / 35))
    for i in range(nx):
        for j in range(ny):
            xy = (x0 + (i + 0.5) * (x1 - x0) / nx, y0 + (j + 0.5) * (y1 - y0) / ny)
            if g.contains(Point(xy)):
                out.append(
                    _dev("lighting", f"Light pole - {name}", xy, attrs={"fixture": "LED pole"})
                )
    if p["parking_cameras"]:
        corners = (
            [(x0 + 1, y1 - 1), (x1 - 1, y0 + 1)]
            if (x1 - x0) * (y1 - y0) > 4000
            else [(x0 + 1, y1 - 1)]
        )
        for k, (cx, cy) in enumerate(corners):
            far = max(Point(cx, cy).distance(Point(c)) for c in g.exterior.coords)
            out.append(
                _dev(
                    "camera",
                    f"Parking camera {k + 1} - {name}",
                    (cx, cy),
                    target=(g.centroid.x, g.centroid.y),
                    fov_deg=90.0,
                    range_m=round(min(far, 70.0), 1),
                    attrs={"mount": "pole", "covers": name},
                )
            )
    return out
