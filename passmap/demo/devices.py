"""Place the security controls of one demo building, in building-local metres.

Every camera carries a ``target`` point it looks at; the generator turns it into ``bearing_deg``
after projecting to the campus frame. Interior devices sit inside their room near a wall;
door devices sit beside their door (readers and intercoms outside, contacts inside).

>>> from shapely.geometry import box
>>> outward_normal(LineString([(0, 0), (2, 0)]), box(0, 0, 10, 10))
(0.0, -1.0)
"""

from __future__ import annotations

import math

from shapely.geometry import LineString, Point

from passmap.demo.building import CLASSROOM_KINDS


def outward_normal(line: LineString, footprint) -> tuple[float, float]:
    """Unit normal of a door on the footprint edge, pointing outside the building."""
    (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    mx, my = (x0 + x1) / 2, (y0 + y1) / 2
    if footprint.contains(Point(mx + nx * 0.5, my + ny * 0.5)):
        nx, ny = -nx, -ny
    return (round(nx, 6) + 0.0, round(ny, 6) + 0.0)


def _along(line):
    (x0, y0), (x1, y1) = line.coords[0], line.coords[-1]
    length = math.hypot(x1 - x0, y1 - y0)
    return (x1 - x0) / length, (y1 - y0) / length, (x0 + x1) / 2, (y0 + y1) / 2, length


def _dev(ctype, name, xy, **kw) -> dict:
    return dict({"type": ctype, "name": name, "geom": Point(xy)}, **kw)


def door_devices(door, footprint, p: dict, level: int) -> list[dict]:
    """Reader, contact, camera, light (and intercom, key box at the main entrance) of a door."""
    ax, ay, mx, my, w = _along(door.line)
    nx, ny = outward_normal(door.line, footprint)
    label = f"Door {door.number}" if door.number else "Unnumbered door"
    kw = {"level": level, "opening": door.key, "zone": door.zone}
    out = []

    def at(s, n):
        return (mx + ax * s + nx * n, my + ay * s + ny * n)

    if door.door_class in p["reader_classes"]:
        out.append(_dev("access_reader", f"Card reader - {label}", at(w / 2 + 0.4, 0.15), **kw))
    if door.door_class in p["contact_classes"]:
        out.append(_dev("door_contact", f"Door position switch - {label}", at(0, -0.15), **kw))
    if door.door_class in p["camera_classes"]:
        out.append(
            _dev(
                "camera",
                f"Exterior camera - {label}",
                at(-(w / 2 + 1.5), 0.25),
                target=at(0, 14.0),
                fov_deg=90.0,
                range_m=22.0,
                attrs={"mount": "exterior", "covers": "door approach"},
                **kw,
            )
        )
    out.append(
        _dev(
            "lighting",
            f"Wall pack - {label}",
            at(w / 2 + 1.2, 0.2),
            level=level,
            opening=door.key,
            attrs={"fixture": "LED wall pack"},
        )
    )
    if door.door_class == "exterior-primary" and not p.get("annex"):
        if p["intercom"]:
            out.append(
                _dev("intercom", "Main entrance video intercom", at(-(w / 2 + 0.6), 0.15), **kw)
            )
        out.append(
            _dev(
                "key_box",
                "Knox box",
                at(w / 2 + 1.0, 0.15),
                level=level,
                opening=door.key,
                attrs={"holder": "fire department"},
            )
        )
        out.append(
            _dev(
                "signage",
                "Visitors must report to the main office",
                at(-(w / 2 + 2.5), 0.2),
                level=level,
                opening=door.key,
            )
        )
        for i, s in enumerate((-3.0, 0.0, 3.0)):
            out.append(_dev("bollard", f"Entrance bollard {i + 1}", at(s, 5.0), level=level))
    return out


def secured_room_readers(lvl, p: dict) -> list[dict]:
    """Card readers on the doors of network closets (MDF/IDF), just inside the door."""
    if not p.get("idf_readers"):
        return []
    kinds = {r.key: r.kind for r in lvl.rooms}
    out = []
    for door in lvl.doors:
        if door.number is None and kinds.get(door.zone) == "mdf_idf":
            ax, ay, mx, my, w = _along(door.line)
            room = next(r for r in lvl.rooms if r.key == door.zone)
            nx, ny = outward_normal(door.line, room.rect)
            out.append(
                _dev(
                    "access_reader",
                    "Card reader - network closet",
                    (mx + ax * (w / 2 + 0.3) - nx * 0.15, my + ay * (w / 2 + 0.3) - ny * 0.15),
                    level=lvl.ordinal,
                    zone=door.zone,
                    opening=door.key,
                )
            )
    return out


def corridor_cameras(room, spacing_m: float, level: int) -> list[dict]:
    """Cameras at the ends of a corridor (and every ``spacing_m``) looking along it."""
    if spacing_m <= 0:
        return []
    x0, y0, x1, y1 = room.rect.bounds
    horizontal = (x1 - x0) >= (y1 - y0)
    length = max(x1 - x0, y1 - y0)
    if length < 12:
        return []
    count = max(1, round(length / spacing_m))
    out = []
    for i in range(count + 1 if count > 1 else 2):
        s = min(length - 0.4, max(0.4, i * length / max(count, 1)))
        forward = s < length / 2
        pos = (x0 + s, y1 - 0.3) if horizontal else (x1 - 0.3, y0 + s)
        reach = min(length, 45.0)
        tgt = (
            (x0 + s + (reach if forward else -reach), (y0 + y1) / 2)
            if horizontal
            else ((x0 + x1) / 2, y0 + s + (reach if forward else -reach))
        )
        out.append(
            _dev(
                "camera",
                f"Corridor camera {i + 1}",
                pos,
                level=level,
                zone=room.key,
                target=tgt,
                fov_deg=60.0,
                range_m=round(reach, 1),
                attrs={"mount": "interior", "covers": "corridor"},
            )
        )
    return out


def room_devices(room, name: str, p: dict, level: int, rng) -> list[dict]:
    """Speakers, duress buttons, AEDs, trauma kits, panels and shut-offs in one room."""
    x0, y0, x1, y1 = room.rect.bounds
    cx, cy = (x0 + x1) / 2, (y0 + y1) / 2
    kw = {"level": level, "zone": room.key}
    out = []
    kind = room.kind
    speaker = kind in ("gym", "cafeteria", "library", "auditorium", "main_office", "lobby")
    if kind in CLASSROOM_KINDS and rng.random() < p["pa_classroom_share"]:
        speaker = True
    if speaker:
        out.append(
            _dev("pa_speaker", f"PA speaker - {name}", (cx, cy), attrs={"zone_call": True}, **kw)
        )
    if kind == "corridor":
        length = max(x1 - x0, y1 - y0)
        for i in range(max(1, int(length // 18))):
            s = (i + 0.5) * length / max(1, int(length // 18))
            xy = (x0 + s, cy) if (x1 - x0) >= (y1 - y0) else (cx, y0 + s)
            out.append(_dev("pa_speaker", f"PA speaker - {name} {i + 1}", xy, **kw))
    if kind in p["duress_kinds"]:
        out.append(
            _dev(
                "duress_button",
                f"Duress button - {name}",
                (x0 + 0.4, cy + 0.5),
                attrs={"kind": "fixed", "destination": "911-psap"},
                **kw,
            )
        )
    if kind in ("main_office", "gym", "cafeteria", "auditorium"):
        out.append(_dev("aed", f"AED - {name}", (x1 - 0.4, cy), **kw))
    if kind in p["trauma_kinds"]:
        out.append(_dev("trauma_kit", f"Bleeding control kit - {name}", (x1 - 0.4, cy - 1.0), **kw))
    if kind in ("gym", "cafeteria") and p["strobes"]:
        out.append(_dev("strobe", f"Lockdown strobe - {name}", (cx, y1 - 0.4), **kw))
    if kind in ("gym", "cafeteria", "library", "auditorium", "vestibule"):
        out += _room_camera(room, name, kw)
    if kind == "mechanical":
        for i, util in enumerate(("gas", "water", "electric")):
            out.append(
                _dev(
                    "utility_shutoff",
                    f"{util.title()} shut-off",
                    (x0 + 0.4, y0 + 1.0 + i),
                    attrs={"utility": util},
                    **kw,
                )
            )
    if kind in CLASSROOM_KINDS and p.get("classroom_intercom"):
        out.append(
            _dev(
                "intercom",
                f"Call switch - {name}",
                (x0 + 0.4, cy - 1.0),
                attrs={"kind": "classroom call-in", "two_way": True},
                **kw,
            )
        )
    if kind == "mdf_idf" and "MDF" in name:
        out.append(_dev("intrusion_panel", "Intrusion alarm panel", (x0 + 0.4, cy), **kw))
    return out


def _room_camera(room, name, kw) -> list[dict]:
    """A camera in a corner of a large room looking at its far corner."""
    x0, y0, x1, y1 = room.rect.bounds
    reach = math.hypot(x1 - x0, y1 - y0)
    return [
        _dev(
            "camera",
            f"Camera - {name}",
            (x0 + 0.4, y0 + 0.4),
            target=(x1, y1),
            fov_deg=80.0,
            range_m=round(min(reach, 50.0), 1),
            attrs={"mount": "interior", "covers": name},
            **kw,
        )
    ]


def panel_devices(rooms: dict, p: dict, level: int) -> list[dict]:
    """Fire alarm panel and visitor management at the front desk."""
    out = []
    front = rooms.get("lobby") or rooms.get("corridor")
    office = rooms.get("main_office")
    if front is not None:
        out.append(_near_corner(front, "fire_alarm_panel", "Fire alarm control panel", 0.3, level))
    if office is not None and p["visitor_management"]:
        name = "Visitor management station (ID scan)"
        out.append(_near_corner(office, "visitor_management", name, 1.0, level))
    return out


def _near_corner(room, ctype, name, inset_x_m: float, level: int) -> dict:
    """A device of ``room`` by its (max x, min y) corner: ``inset_x_m`` in from the max-x wall,
    1 m in from the min-y wall (building-local metres)."""
    _x0, y0, x1, _y1 = room.rect.bounds
    return _dev(ctype, name, (x1 - inset_x_m, y0 + 1.0), level=level, zone=room.key)
