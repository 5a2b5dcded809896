"""The one IMDF vocabulary of PassMap: zone kinds <-> unit categories, control types <->
amenity categories, names in every language. The IMDF exporter, the responder export and the
IMDF importer all use it, so what leaves as a category comes back as the same kind or type.

A category stands for at most one control type; types IMDF has no category for leave as
``unspecified`` and come back through PassMap's own property (``pass.type`` in the full export,
``passmap:type`` in the responder export).

>>> amenity_category("duress_button"), control_type("emergencyphone")
('emergencyphone', 'duress_button')
>>> amenity_category("camera"), control_type("unspecified"), control_type("vendingmachine")
('unspecified', None, None)
>>> unit_category("gym"), unit_category("sro_office"), unit_category("parking")
('fitnessroom', 'office', 'parking')
>>> names_of({"en": "Library", "ru": "Библиотека"}, "ru")
('Library', {'en': 'Library', 'ru': 'Библиотека'})
>>> names_of({"uk": "Бібліотека", "ru": "Библиотека"}, "ru")[0]
'Библиотека'
>>> label("Library", {"en": "Library", "ru": "Библиотека"})
{'en': 'Library', 'ru': 'Библиотека'}
"""

from __future__ import annotations

from passmap.model import CONTROL_TYPES

# The feature files PassMap writes and reads (<type>.geojson), pass_site being its extension's.
FEATURE_TYPES = (
    "venue",
    "building",
    "footprint",
    "level",
    "unit",
    "opening",
    "amenity",
    "fixture",
    "detail",
    "pass_site",
)

UNIT_CATEGORY = {
    "classroom": "classroom",
    "corridor": "walkway",
    "restroom": "restroom",
    "stair": "stairs",
    "elevator": "elevator",
    "library": "library",
    "lobby": "lobby",
    "storage": "storage",
    "mechanical": "mechanical",
    "auditorium": "auditorium",
    "gym": "fitnessroom",
    "cafeteria": "foodservice",
    "kitchen": "kitchen",
    "science_lab": "laboratory",
    "staff": "office",
    "main_office": "office",
    "sro_office": "office",
    "nurse": "firstaid",
    "vestibule": "vestibule",
    "locker_room": "lockerroom",
    "loading_dock": "loadingdock",
    "mdf_idf": "serverroom",
    "music": "room",
    "art": "room",
    "parking": "parking",
}
# Control type -> IMDF amenity category. Each category names ONE type (the reverse map).
AMENITY_CATEGORY = {
    "aed": "defibrillator",
    "trauma_kit": "firstaid",
    "duress_button": "emergencyphone",
}
_TYPE_OF = {cat: ctype for ctype, cat in AMENITY_CATEGORY.items()}
# Vendor categories that mean one of our types (one-way: they are never written).
_ALSO = {"aed": "aed", "intercom": "intercom", "security": "other"}
UNSPECIFIED = "unspecified"


def unit_category(kind: str | None) -> str:
    """The IMDF unit category of a zone kind (``room`` when IMDF has none)."""
    return UNIT_CATEGORY.get(kind or "", "room")


def amenity_category(control_type: str) -> str:
    return AMENITY_CATEGORY.get(control_type, UNSPECIFIED)


def control_type(category) -> str | None:
    """Our control type for an IMDF amenity category, None when it names none of ours."""
    cat = str(category or "")
    found = _TYPE_OF.get(cat) or _ALSO.get(cat)
    return found if found in CONTROL_TYPES else None


def names_of(value, language: str | None = None) -> tuple[str | None, dict | None]:
    """(the name to show, every language when there are several) of an IMDF label.

    The shown name is English when present, else the archive's language, else the first."""
    if not isinstance(value, dict):
        return (None if value in (None, "") else str(value)), None
    texts = {str(k): str(v) for k, v in value.items() if v not in (None, "")}
    if not texts:
        return None, None
    lang = (language or "").split("-")[0]
    shown = texts.get("en") or texts.get(language or "") or texts.get(lang)
    shown = shown or next(iter(texts.values()))
    return shown, (texts if len(texts) > 1 else None)


def label(text, names: dict | None = None, language: str = "en") -> dict | None:
    """An IMDF label: every stored language, with ``text`` as the shown one."""
    if text in (None, ""):
        return None
    out = dict(names or {})
    shown = next((k for k, v in out.items() if v == str(text)), None)
    if shown is None:
        out["en" if "en" in out or not out else language] = str(text)
    return out
