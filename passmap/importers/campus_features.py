"""Campus grounds in OSM tags or plain properties -> our kinds: fences and gates are controls,
parking, drives, fields and paths are grounds zones. A line is a door only when its tags say so.

>>> classify({"barrier": "fence"}, "LineString"), classify({"amenity": "parking"}, "Polygon")
(('control', 'fence'), ('zone', 'parking'))
>>> classify({"highway": "service", "service": "driveway"}, "LineString")
('zone', 'drive')
>>> classify({"door": "hinged"}, "Point"), classify({"highway": "footway"}, "LineString")
(('opening', None), ('zone', 'walkway'))
>>> classify({"name": "something"}, "LineString") is None
True
"""

from __future__ import annotations

import math

import shapely

from passmap.model import CONTROL_TYPES, ZONE_KINDS

BARRIER_CONTROL = {
    "fence": "fence",
    "wall": "fence",
    "retaining_wall": "fence",
    "hedge": "fence",
    "guard_rail": "fence",
    "gate": "gate",
    "swing_gate": "gate",
    "sliding_gate": "gate",
    "lift_gate": "gate",
    "bollard": "bollard",
}
GROUNDS = {
    ("amenity", "parking"): "parking",
    ("amenity", "bicycle_parking"): "parking",
    ("amenity", "parking_space"): "parking",
    ("leisure", "pitch"): "field",
    ("leisure", "track"): "track",
    ("leisure", "playground"): "playground",
    ("leisure", "sports_centre"): "field",
    ("landuse", "grass"): "field",
    ("landuse", "recreation_ground"): "field",
    ("highway", "service"): "drive",
    ("highway", "footway"): "walkway",
    ("highway", "path"): "walkway",
    ("highway", "pedestrian"): "walkway",
    ("highway", "cycleway"): "walkway",
    ("highway", "steps"): "walkway",
    ("highway", "residential"): "road",
    ("highway", "unclassified"): "road",
    ("highway", "tertiary"): "road",
    ("area:highway", "service"): "drive",
    ("area:highway", "footway"): "walkway",
    ("place", "square"): "courtyard",
}
SERVICE_KIND = {"driveway": "drive", "parking_aisle": "parking", "drive-through": "drive"}
LINE_WIDTH_M = {"drive": 6.0, "road": 8.0, "walkway": 2.0, "parking": 5.0, "track": 6.0}
DOOR_WORDS = ("door", "puerta", "porte", "entrance", "entrada", "entrée", "opening", "gate_door")


GROUNDS_BY_KEY: dict[str, dict[str, str]] = {}
for (_key, _value), _kind in GROUNDS.items():  # in GROUNDS' order: the first key that matches
    GROUNDS_BY_KEY.setdefault(_key, {})[_value] = _kind
TYPE_KEYS = ("type", "kind", "category", "feature", "class")
READ_KEYS = frozenset(
    {"door", "entrance", "indoor", "barrier", "service", "sport", *TYPE_KEYS, *GROUNDS_BY_KEY}
)


def _plain(props: dict) -> dict[str, str]:
    """The properties ``classify`` reads, keys and values lower case (the others skipped: a
    room layer's own columns cost nothing)."""
    out = {}
    for k, v in props.items():
        if v is None:
            continue
        key = k if k in READ_KEYS else (k.lower() if isinstance(k, str) else str(k).lower())
        if key in READ_KEYS:
            out[key] = str(v).strip().lower()
    return out


def classify(props: dict, geom_type: str):
    """(table, kind) for a grounds or door feature, or None when the tags say neither."""
    p = _plain(props)
    if not p:
        return None  # a room layer's row: none of the tags read below
    if p.get("door") or p.get("entrance") or p.get("indoor") == "door":
        return ("opening", None)
    barrier = p.get("barrier")
    if barrier in BARRIER_CONTROL:
        return ("control", BARRIER_CONTROL[barrier])
    for key in TYPE_KEYS:
        value = p.get(key, "").replace(" ", "_")
        if value in CONTROL_TYPES and value in ("fence", "gate", "bollard"):
            return ("control", value)
        if value in ("parking", "drive", "field", "playground", "track", "court", "walkway"):
            return ("zone", value)
        if value in DOOR_WORDS:
            return ("opening", None)
    if p.get("highway") == "service" and p.get("service") in SERVICE_KIND:
        return ("zone", SERVICE_KIND[p["service"]])
    for key, kinds in GROUNDS_BY_KEY.items():
        if key in p and p[key] in kinds:
            return ("zone", kinds[p[key]])
    if p.get("sport") and geom_type in ("Polygon", "MultiPolygon"):
        return ("zone", "court" if p["sport"] in ("basketball", "tennis") else "field")
    return None


def as_zone_geometry(geom, kind: str):
    """A polygon for a grounds zone: areas as they are, lines buffered to a typical width."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    width_m = LINE_WIDTH_M.get(kind, 3.0)
    lat = shapely.centroid(geom).y
    kx = 1 / (111_320 * max(math.cos(math.radians(lat)), 0.01))  # degrees per metre east
    ky = 1 / 110_574
    metres = shapely.transform(geom, lambda c: c / [kx, ky])
    poly = metres.buffer(width_m / 2, cap_style="flat")
    return shapely.transform(poly, lambda c: c * [kx, ky])


def zone_kind_ok(kind: str) -> bool:
    return kind in ZONE_KINDS
