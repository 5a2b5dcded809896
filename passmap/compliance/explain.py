"""Plain words for explanations: distances in the district's units, dates without clock times,
device and door phrases that read as English ("3 monitored gates", "2 of 5 exterior doors").

Every distance an explanation prints goes through ``distance``; the unit (feet by default, as a
US district measures; metres with PASSMAP_UNITS=metric) is decided in ``units`` alone.

>>> distance(10.0, "imperial"), distance(10.0, "metric")
('33 ft', '10 m')
>>> plural(1, "gate"), plural(4, "monitored gate"), plural(2, "access reader")
('1 gate', '4 monitored gates', '2 access readers')
>>> device_phrase(["gate"], {"monitored": True})
'monitored gate'
>>> lacking(3, ["monitored"])
'are not monitored'
>>> day("2026-03-01 00:00:00"), day(None)
('2026-03-01', None)
"""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

import pandas as pd

from passmap.values import is_missing

FEET_PER_M = 3.280839895

# How a wanted attribute reads in a sentence: before the noun (an adjective) or after it.
_ATTR_BEFORE = {"monitored": "monitored", "silent": "silent", "outdoor": "outdoor"}
_ATTR_AFTER = {
    "destination": "reporting to a monitored destination",
    "issues_badges": "that issues visitor badges",
    "for_responders": "for first responders",
}
_TYPE_WORDS = {
    "pa_speaker": "PA speaker",
    "aed": "AED",
    "wearable_duress_coverage": "wearable duress coverage",
    "radio_coverage": "radio coverage",
    "visitor_management": "visitor check-in point",
}


def units() -> str:
    """'imperial' (feet, the default: districts are US) or 'metric' (PASSMAP_UNITS=metric, read
    by passmap.config as everywhere else)."""
    from passmap.config import unit_system
    from passmap.units import METRIC

    return "metric" if unit_system() == METRIC else "imperial"


def distance(metres: float, system: str | None = None) -> str:
    """A distance for people, rounded to a whole foot or metre."""
    system = system or units()
    if is_missing(metres):
        return "an unknown distance"
    if system == "metric":
        return f"{metres:.0f} m"
    return f"{metres * FEET_PER_M:.0f} ft"


def area(square_metres: float, system: str | None = None) -> str:
    system = system or units()
    if system == "metric":
        return f"{square_metres:,.0f} m²"
    return f"{square_metres * FEET_PER_M**2:,.0f} sq ft"


def day(value) -> str | None:
    """A date as YYYY-MM-DD (no midnight clock time); None for missing values."""
    if is_missing(value):
        return None
    if isinstance(value, (datetime, pd.Timestamp)):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value).strip()[:10] or None


def type_word(control_type: str) -> str:
    return _TYPE_WORDS.get(control_type, control_type.replace("_", " "))


def device_phrase(types, attrs: dict | None = None) -> str:
    """'gate', 'monitored gate', 'duress button or wearable duress coverage reporting to …'."""
    noun = " or ".join(type_word(t) for t in types)
    attrs = attrs or {}
    before = [_ATTR_BEFORE[k] for k in attrs if k in _ATTR_BEFORE]
    after = [
        _ATTR_AFTER.get(k, f"with {k.replace('_', ' ')}") for k in attrs if k not in _ATTR_BEFORE
    ]
    return " ".join([*before, noun, *after])


# What a device lacking a wanted attribute "is" (singular, plural): "1 gate here is not monitored".
_ATTR_NOT = {
    "monitored": ("is not monitored", "are not monitored"),
    "silent": ("is not silent", "are not silent"),
    "outdoor": ("is indoors", "are indoors"),
    "destination": (
        "does not report to a monitored destination",
        "do not report to a monitored destination",
    ),
    "issues_badges": ("does not issue visitor badges", "do not issue visitor badges"),
    "for_responders": ("is not for first responders", "are not for first responders"),
}


def lacking(n: int, attrs) -> str:
    """What ``n`` devices that do not count lack, as a predicate ("are not monitored").

    >>> lacking(3, ["monitored"]), lacking(1, ["silent", "destination"])
    ('are not monitored', 'is not silent or does not report to a monitored destination')
    >>> lacking(2, ["keypad_code"])
    'lack keypad code'
    """
    one = n == 1
    out = []
    for k in attrs:
        if k in _ATTR_NOT:
            out.append(_ATTR_NOT[k][0 if one else 1])
        else:
            out.append(("lacks " if one else "lack ") + k.replace("_", " "))
    return " or ".join(out)


_MASS_NOUNS = {"coverage"}


def plural(n: int, phrase: str) -> str:
    """'1 camera', '3 cameras', '2 monitored gates': the noun of the phrase is pluralised (the
    word before any 'reporting…'/'that…'/'with…'/'for…' clause), each noun of 'X or Y'.

    >>> plural(3, "outdoor PA speaker or strobe")
    '3 outdoor PA speakers or strobes'
    >>> plural(2, "duress button or wearable duress coverage reporting to a monitored destination")
    '2 duress buttons or wearable duress coverage reporting to a monitored destination'
    """
    if n == 1:
        return f"1 {phrase}"
    return f"{n} {_plural_phrase(phrase)}"


@lru_cache(maxsize=512)  # a catalog has a few dozen phrases; explanations ask ~200k times
def _plural_phrase(phrase: str) -> str:
    words = phrase.split(" ")
    cut = next(
        (i for i, w in enumerate(words) if i and w in ("reporting", "that", "with", "for")),
        len(words),
    )
    nouns = [i - 1 for i in range(1, cut) if words[i] == "or"] + [cut - 1]
    for i in nouns:
        noun = words[i]
        if noun in _MASS_NOUNS:  # "wearable duress coverage" stays as it is
            continue
        words[i] = noun + ("es" if noun.endswith(("s", "x", "ch")) else "s")
    return " ".join(words)


def door_phrase(classes) -> str:
    """'exterior-primary' -> 'primary entrance door'; several classes: 'exterior door'."""
    names = {
        "exterior-primary": "primary entrance door",
        "exterior-secondary": "secondary exterior door",
        "exterior-tertiary": "exit-only exterior door",
        "classroom": "classroom door",
        "interior": "interior door",
    }
    classes = list(classes)
    if len(classes) == 1:
        return names.get(classes[0], classes[0])
    if all(c.startswith("exterior") for c in classes):
        return "exterior door"
    return "door"
