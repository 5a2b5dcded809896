"""Map source categories and room names to our zone kinds (configurable per import).

>>> zone_kind("restroom.female"), zone_kind("Aula 102"), zone_kind("walkway")
('restroom', 'classroom', 'corridor')
>>> zone_kind("weird-thing", {"weird-thing": "storage"})
'storage'
"""

from __future__ import annotations

import re

from passmap.model import ZONE_KINDS

# IMDF unit categories and WRLD / OSM types, exact (before the dot).
EXACT = {
    "classroom": "classroom",
    "office": "staff",
    "restroom": "restroom",
    "toilets": "restroom",
    "bathroom": "restroom",
    "stairs": "stair",
    "stair": "stair",
    "steps": "stair",
    "elevator": "elevator",
    "escalator": "stair",
    "walkway": "corridor",
    "corridor": "corridor",
    "lobby": "lobby",
    "library": "library",
    "laboratory": "science_lab",
    "storage": "storage",
    "mechanical": "mechanical",
    "electrical": "mechanical",
    "auditorium": "auditorium",
    "fitnessroom": "gym",
    "foodservice": "cafeteria",
    "kitchen": "kitchen",
    "parking": "parking",
    "firstaid": "nurse",
    "conferenceroom": "staff",
    "lockerroom": "locker_room",
    "vestibule": "vestibule",
    "loadingdock": "loading_dock",
    "serverroom": "mdf_idf",
    "room": "other",
    "area": "other",
    "nonpublic": "other",
    "unspecified": "other",
    "inaccessible_space": "other",
    "floor_opening": "other",
    "opentobelow": "other",
}
# Keywords in names (English and Spanish, as in the real OSM file).
KEYWORDS = (
    (r"class|aula|salon", "classroom"),
    (r"corridor|hall|pasillo", "corridor"),
    (r"restroom|toilet|bath|ba[ñn]o|sanitar|\bwc\b", "restroom"),
    (r"stair|escaler", "stair"),
    (r"elevat|lift|elevador", "elevator"),
    (r"librar|bibliotec", "library"),
    (r"auditor", "auditorium"),
    (r"gym|gimnas", "gym"),
    (r"cafeter|dining|comedor", "cafeteria"),
    (r"kitchen|cocina", "kitchen"),
    (r"lab|c[oó]mputo|computer", "science_lab"),
    (r"storage|almac|bodega|closet", "storage"),
    (r"mechan|electric|boiler", "mechanical"),
    (r"lobby|vest[ií]bul|foyer", "lobby"),
    (r"nurse|health|enfermer", "nurse"),
    (r"main office|reception|recepci|front office", "main_office"),
    (r"office|oficina|direcci|secretar|cub[ií]culo", "staff"),
    (r"music|m[uú]sica", "music"),
    (r"\bart\b|arte", "art"),
    (r"parking|estacionamiento", "parking"),
    (r"court|cancha", "court"),
    (r"field|campo", "field"),
)


def zone_kind(
    text: str | None, overrides: dict[str, str] | None = None, default: str = "other"
) -> str:
    """Our zone kind for a source category or a room name."""
    if not text:
        return default
    raw = str(text).strip()
    low = raw.lower()
    for key in (raw, low, low.split(".")[0]):
        if overrides and key in overrides:
            return overrides[key]
    base = low.split(".")[0]
    if base in EXACT:
        return EXACT[base]
    if low in ZONE_KINDS:
        return low
    for pattern, kind in KEYWORDS:
        if re.search(pattern, low):
            return kind
    return default
