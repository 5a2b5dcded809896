"""Assemble one demo campus: plan -> zones, doors, grounds and controls as GeoJSON features."""

from __future__ import annotations

from dataclasses import dataclass, field

from shapely.affinity import scale
from shapely.ops import unary_union

from passmap.demo import devices, grounds, schools
from passmap.demo.building import CLASSROOM_KINDS, build_levels
from passmap.demo.frame import CampusFrame, feature
from passmap.demo.profiles import PROFILES
from passmap.demo.records import ControlIds, control_feature
from passmap.demo.site import Frontage, carve, front_zones, parcel

SUBJECTS = {
    "elementary": [
        f"{g}"
        for g in ("Kindergarten", "Grade 1", "Grade 2", "Grade 3", "Grade 4", "Grade 5")
        for _ in range(4)
    ]
    + ["Art", "Music", "Special Education", "ESL", "Reading Specialist", "STEM Lab", "Resource"],
    "middle": [
        f"Grade {g} {s}"
        for g in (6, 7, 8)
        for s in ("Math", "ELA", "Science", "Social Studies", "Math", "ELA")
    ]
    + ["Spanish", "Health", "Art", "Technology", "Resource"],
    "high": [
        "English",
        "Math",
        "Social Studies",
        "English",
        "Math",
        "World Languages",
        "Health",
        "Business",
        "Computer Science",
        "Special Education",
        "Math",
        "English",
    ],
}


@dataclass
class CampusResult:
    district_features: list = field(default_factory=list)
    level_files: list = field(default_factory=list)  # (building_id, level_id, features)
    parcel_utm: object = None


def _find_door(level0, pred):
    return next((d for d in level0.doors if pred(d)), None)


def _frontage(levels, spec, flip: bool) -> Frontage:
    """Where the grounds attach: main entrance, bus door, dock (x negated when ``flip``)."""
    lvl0 = levels[0]
    rooms = {r.key: r for r in lvl0.rooms}
    sign = -1 if flip else 1

    def mid(d):
        return (sign * d.line.centroid.x, d.line.centroid.y)

    ext = [d for d in lvl0.doors if d.number]
    primary = _find_door(lvl0, lambda d: d.door_class == "exterior-primary")
    bus = min((d for d in ext if rooms[d.zone].kind == "corridor"), key=lambda d: mid(d)[0])
    dock = _find_door(lvl0, lambda d: d.number and rooms[d.zone].kind == "loading_dock")
    sizes = {"elementary": (70, 24, 105.0), "middle": (110, 30, 120.0), "high": (160, 40, 150.0)}
    staff, visitors, depth = sizes[spec["school_type"]]
    return Frontage(mid(primary), mid(bus), mid(dock), staff, visitors, depth)


def _flip(geom, flip: bool):
    return scale(geom, xfact=-1, origin=(0, 0)) if flip else geom


def _grounds(levels, fp, spec, all_fp):
    """Grounds zones; laid out on the loading-dock side, mirrored when the dock is to the west."""
    lvl0 = levels[0]
    rooms = {r.key: r for r in lvl0.rooms}
    dock = _find_door(lvl0, lambda d: d.number and rooms[d.zone].kind == "loading_dock")
    primary = _find_door(lvl0, lambda d: d.door_class == "exterior-primary")
    flip = dock.line.centroid.x < primary.line.centroid.x
    front = _frontage(levels, spec, flip)
    fp_m = _flip(fp, flip)
    zones = front_zones(fp_m, front) + grounds.extras(spec["school_type"], fp_m)
    zones = [dict(z, geom=_flip(z["geom"], flip)) for z in zones]
    return carve(zones, all_fp), front


def build_campus(district_id: str, spec: dict, plan: dict, rng, frame=None) -> CampusResult:
    """All features of one campus; ``frame`` (default: the spec's place) maps local metres."""
    cid, p = spec["id"], PROFILES[spec["profile"]]
    levels, fp = build_levels(plan, SUBJECTS[spec["school_type"]])
    annexes = [_annex(a, spec) for a in spec.get("annexes", ())]
    all_fp = unary_union([fp] + [a[2] for a in annexes])
    site, front = _grounds(levels, fp, spec, all_fp)
    road_y = fp.bounds[1] - front.front_depth_m
    land = parcel(site, all_fp, road_y)
    frame = frame or CampusFrame(*spec["lonlat"], spec["rotation_deg"])
    ids = ControlIds(cid, spec["short"], p, rng)
    bid = f"{cid}-main"
    out = CampusResult(parcel_utm=frame.to_utm(land))
    out.district_features.append(
        feature(
            "campus",
            frame.to_wgs84(land),
            {
                "id": cid,
                "district_id": district_id,
                "name": spec["name"],
                "school_type": spec["school_type"],
                "address": spec["address"],
                "students": spec["students"],
                "props": {"grades": spec["grades"], "demo_profile": spec["profile"]},
            },
        )
    )
    out.district_features.append(
        feature(
            "building",
            frame.to_wgs84(fp),
            {
                "id": bid,
                "campus_id": cid,
                "name": f"{spec['name'].replace(' School', '')} Main Building",
                "props": {"storeys": len(levels), "year_built": spec.get("year_built")},
            },
        )
    )
    site_keys = []
    for i, z in enumerate(site):
        zid = f"{cid}-site-{z['kind'].replace('_', '-')}-{i + 1:02d}"
        site_keys.append((zid, z))
        out.district_features.append(
            feature(
                "zone",
                frame.to_wgs84(z["geom"]),
                {
                    "id": zid,
                    "campus_id": cid,
                    "kind": z["kind"],
                    "name": z["name"],
                    "props": z["props"],
                },
            )
        )
    for ctl in grounds.site_controls(site, fp, land, front, p):
        out.district_features.append(control_feature(ctl, ids, frame, cid, None, None, site_keys))
    for lvl in levels:
        out.level_files.append((bid, *_level_features(lvl, fp, bid, cid, p, frame, ids, rng)))
    for annex, a_levels, a_fp in annexes:
        a_bid = f"{cid}-{annex['id']}"
        out.district_features.append(
            feature(
                "building",
                frame.to_wgs84(a_fp),
                {
                    "id": a_bid,
                    "campus_id": cid,
                    "name": annex["name"],
                    "props": {"storeys": 1, "year_built": annex["year_built"], "portable": True},
                },
            )
        )
        a_p = dict(p, **ANNEX_PROFILE)
        for lvl in a_levels:
            out.level_files.append(
                (a_bid, *_level_features(lvl, a_fp, a_bid, cid, a_p, frame, ids, rng))
            )
    return out


# Portable classrooms typically lack what the main building has: no readers, contacts, cameras,
# PA or duress; their doors open straight outside.
ANNEX_PROFILE = {
    "reader_classes": (),
    "contact_classes": (),
    "camera_classes": (),
    "annex": True,
    "pa_classroom_share": 0.0,
    "intercom": False,
    "duress_kinds": (),
    "trauma_kinds": (),
    "motion": False,
    "wearable": False,
    "visitor_management": False,
    "strobes": False,
}


def _annex(annex: dict, spec: dict):
    """(annex spec, levels, footprint) of a portable classroom building."""
    plan = schools.portable(*annex["origin"], rooms=annex.get("rooms", 2))
    levels, fp = build_levels(
        plan, SUBJECTS[spec["school_type"]][12:], ("P", annex["first_number"])
    )
    return annex, levels, fp


def _level_features(lvl, fp, bid, cid, p, frame, ids, rng):
    lid = f"{bid}-l{lvl.ordinal + 1}"
    zone_id = {}
    feats = [
        feature(
            "level",
            frame.to_wgs84(unary_union([r.rect for r in lvl.rooms])),
            {
                "id": lid,
                "building_id": bid,
                "ordinal": lvl.ordinal,
                "name": "First Floor" if lvl.ordinal == 0 else "Second Floor",
            },
        )
    ]
    for room in lvl.rooms:
        name, number = lvl.names[room.key]
        zone_id[room.key] = f"{lid}-{number or room.key}"
        feats.append(
            feature(
                "zone",
                frame.to_wgs84(room.rect),
                {
                    "id": zone_id[room.key],
                    "campus_id": cid,
                    "building_id": bid,
                    "level_id": lid,
                    "kind": room.kind,
                    "name": name,
                    "room_number": number,
                    "props": {"area_m2": round(room.rect.area, 1)},
                },
            )
        )
    kinds = {r.key: r.kind for r in lvl.rooms}
    door_id = {}
    for door in lvl.doors:
        door_id[door.key] = f"{lid}-{door.key}"
        feats.append(
            feature(
                "opening",
                frame.to_wgs84(door.line),
                _door_props(door, door_id[door.key], kinds, zone_id, bid, lid, cid, p, rng),
            )
        )
    ctx = (ids, frame, cid, bid, lid, zone_id, door_id)
    for ctl in _level_controls(lvl, fp, p, rng):
        feats.append(control_feature(ctl, *ctx))
    return lid, feats


def _door_props(door, oid, kinds, zone_id, bid, lid, cid, p, rng) -> dict:
    kind = kinds[door.zone]
    props = {
        "id": oid,
        "campus_id": cid,
        "building_id": bid,
        "level_id": lid,
        "zone_id": zone_id[door.zone],
        "to_zone_id": zone_id.get(door.to_zone),
        "door_class": door.door_class,
    }
    if door.number:
        numbered = p["number_all"] or door.door_class == "exterior-primary"
        monitored = door.door_class in p["contact_classes"]
        props.update(
            number=door.number if numbered else None,
            lock_function="electrified" if door.door_class in p["reader_classes"] else "exit-only",
            lock_inside_operable=None,
            monitored=monitored,
            glazing_protection=p["glazing"]
            if door.door_class == "exterior-primary"
            else ("film" if p["glazing"] != "none" else "none"),
            props={"leaf_width_m": round(door.line.length, 1), "number_posted": numbered},
        )
    elif door.door_class == "classroom":
        inside = rng.random() < p["inside_lock_share"]
        props.update(
            lock_function="classroom-security" if inside else "classroom",
            lock_inside_operable=inside,
            monitored=False,
            glazing_protection="film" if p["glazing"] != "none" else "none",
        )
    else:
        lock = {
            "mechanical": "storeroom",
            "mdf_idf": "storeroom",
            "storage": "storeroom",
            "kitchen": "storeroom",
            "main_office": "office",
            "nurse": "office",
        }.get(kind, "passage")
        props.update(lock_function=lock, monitored=kind == "mdf_idf" and p["motion"])
    return props


def _level_controls(lvl, fp, p, rng) -> list[dict]:
    out = []
    names = {k: v[0] for k, v in lvl.names.items()}
    for door in lvl.doors:
        if door.number:
            out += devices.door_devices(door, fp, p, lvl.ordinal)
    out += devices.secured_room_readers(lvl, p)
    by_kind = {}
    for room in lvl.rooms:
        by_kind.setdefault(room.kind, room)
        if room.kind == "corridor":
            out += devices.corridor_cameras(room, p["corridor_camera_spacing_m"], lvl.ordinal)
            if p["motion"]:
                c = room.rect.centroid
                out.append(
                    devices._dev(
                        "motion_sensor",
                        f"Motion sensor - {names[room.key]}",
                        (c.x, c.y),
                        level=lvl.ordinal,
                        zone=room.key,
                    )
                )
        out += devices.room_devices(room, names[room.key], p, lvl.ordinal, rng)
        if room.kind in CLASSROOM_KINDS and p["motion"] and lvl.ordinal == 0 and rng.random() < 0.3:
            x0, y0, _, _ = room.rect.bounds
            out.append(
                devices._dev(
                    "glass_break",
                    f"Glass-break detector - {names[room.key]}",
                    (x0 + 0.5, y0 + 0.5),
                    level=lvl.ordinal,
                    zone=room.key,
                )
            )
    if lvl.ordinal == 0:
        out += devices.panel_devices(by_kind, p, lvl.ordinal)
    if p["wearable"]:
        out.append(
            {
                "type": "wearable_duress_coverage",
                "name": "Wearable panic badge coverage",
                "geom": unary_union([r.rect for r in lvl.rooms]).simplify(0.5),
                "level": lvl.ordinal,
                "attrs": {"kind": "wearable", "destination": "911-psap", "locating": "room-level"},
            }
        )
    return out
