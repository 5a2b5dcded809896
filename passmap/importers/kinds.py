"""Map source categories and room names to our zone kinds (configurable per import).

>>> zone_kind("restroom.female"), zone_kind("Aula 102"), zone_kind("walkway")
('restroom', 'classroom', 'corridor')
>>> zone_kind("weird-thing", {"weird-thing": "storage"})
'storage'
>>> zone_kind("Salle polyvalente 2", {"salle polyvalente": "cafeteria"})
'cafeteria'
>>> zone_kind("Gartenstadtschule"), zone_kind("Cartes"), zone_kind("Salle d'arts plastiques")
('other', 'other', 'art')
"""

from __future__ import annotations

import re
from functools import lru_cache

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
# Keywords in room names, English, Spanish and French. Each keyword starts at a word boundary
# (so "arte" never matches inside "Gartenstadtschule" or "Cartes"); most also end at one.
_KW = (
    ("main_office", r"main office|front office|reception|recepci[oó]n|accueil|secr[eé]tariat"),
    ("classroom", r"class(?:room)?s?|aula|sal[oó]n de clases?|salle de classe|classe"),
    ("corridor", r"corridor|hall(?:way)?|pasillo|couloir|circulation|d[eé]gagement"),
    (
        "restroom",
        r"restrooms?|toilets?|bath(?:room)?s?|ba[ñn]os?|sanitari\w*|wc|toilettes|lavabos?",
    ),
    ("stair", r"stair(?:s|case|well)?|escaleras?|escalier"),
    ("elevator", r"elevators?|lifts?|elevador|ascensor|ascenseur"),
    ("library", r"librar(?:y|ies)|biblioteca|biblioth[eè]que|cdi|m[eé]diath[eè]que"),
    ("auditorium", r"auditorium|auditorio|amphith[eé][aâ]tre|amphi"),
    ("gym", r"gym(?:nasium)?|gimnasio|gymnase|salle de sport"),
    ("cafeteria", r"cafeteria|cafet[eé]ria|dining|comedor|cantine|r[eé]fectoire"),
    ("kitchen", r"kitchen|cocina|cuisine"),
    ("science_lab", r"lab(?:s|oratory|oratorio|oratoire|o)?|c[oó]mputo|computer|informatique"),
    ("storage", r"storage|almac[eé]n|bodega|closet|rangement|r[eé]serve|stockage"),
    (
        "mechanical",
        r"mechanical|electrical|boiler|chaufferie|local technique|cuarto de m[aá]quinas",
    ),
    ("lobby", r"lobby|vest[ií]bulo|foyer|hall d'entr[eé]e"),
    ("nurse", r"nurse|health|enfermer[ií]a|infirmerie"),
    ("staff", r"offices?|oficina|direcci[oó]n|secretar[ií]a|cub[ií]culo|bureau|direction"),
    ("staff", r"salle des (?:profs|professeurs)|sala de (?:profesores|maestros)|staff ?room"),
    ("music", r"music|m[uú]sica|musique"),
    ("art", r"art|arts|arte|arts plastiques"),
    ("parking", r"parking|estacionamiento|aparcamiento"),
    ("court", r"court|cancha"),
    ("field", r"field|campo|terrain"),
    ("playground", r"playground|patio de juegos|cour de r[eé]cr[eé]ation"),
    ("classroom", r"(?:salle|sala|room|rm) ?\d+\w*"),  # "Salle 12", "Room 101": last resort
)
KEYWORDS = tuple((re.compile(rf"(?<!\w)(?:{words})(?!\w)", re.I), kind) for kind, words in _KW)


def zone_kind(
    text: str | None, overrides: dict[str, str] | None = None, default: str = "other"
) -> str:
    """Our zone kind for a source category or a room name."""
    if not text:
        return default
    raw = str(text).strip()
    if not overrides:  # the common case: the same few names and categories, over and over
        return _kind_of(raw, default)
    return _kind(raw, overrides, default)


@lru_cache(maxsize=4096)
def _kind_of(raw: str, default: str) -> str:
    return _kind(raw, None, default)


def _kind(raw: str, overrides: dict[str, str] | None, default: str) -> str:
    low = raw.lower()
    for key in (raw, low, low.split(".")[0]):
        if overrides and key in overrides:
            return overrides[key]
    named = named_kind(low, overrides)
    if named:
        return named
    base = low.split(".")[0]
    if base in EXACT:
        return EXACT[base]
    if low in ZONE_KINDS:
        return low
    for pattern, kind in KEYWORDS:
        if pattern.search(low):
            return kind
    return default


def named_kind(name: str | None, overrides: dict[str, str] | None) -> str | None:
    """The kind a ``--kinds`` key gives a room name containing it (whole words), else None.

    >>> named_kind("Salle polyvalente 2", {"salle polyvalente": "cafeteria"})
    'cafeteria'
    >>> named_kind("Polyvalente", {"salle polyvalente": "cafeteria"}) is None
    True
    """
    if not overrides:
        return None
    low = str(name or "").lower()
    for key, kind in (overrides or {}).items():
        if key and low and re.search(rf"(?<!\w){re.escape(key.lower())}(?!\w)", low):
            return kind
    return None
