"""Room labels as drawings write them: number and name apart, area text removed.

A DXF room often carries one MTEXT "101\\PClassroom\\P24.5 m²" or separate TEXTs; GeoJSON and
OSM give a name that may start with the number. ``split_label`` returns (number, name) so the
floor plan can show a number, or the name where there is no number.

>>> split_label(["101", "Classroom", "24.5 m²"])
('101', 'Classroom')
>>> split_label(["B-204 Salle de réunion\\n32,5 m2"])
('B-204', 'Salle de réunion')
>>> split_label(["Aula Magna", "Área: 120 m2"])
(None, 'Aula Magna')
>>> split_label(["Room 12"]), split_label(["250 SF"]), split_label([])
(('12', 'Room 12'), (None, None), (None, None))
"""

from __future__ import annotations

import re

ROOM_NUMBER = re.compile(r"^(?:[A-Za-z]{1,2}[-.]?)?\d{1,4}[A-Za-z]?$")
_AREA = re.compile(
    r"(?:\b(?:area|[áa]rea|surface|superficie|sup)\.?\s*[:=]?\s*)?"
    r"\d+(?:[.,]\d+)?\s*(?:m²|m2|m\^2|sq\.?\s*ft|ft²|ft2|sf|nsf|gsf)(?!\w)",
    re.I,
)
_NUMBERED = re.compile(r"^(?:room|rm|salle|sala|aula|local)\.?\s+(\S+)$", re.I)
# Every unit _AREA knows contains one of these: a line without any has no area figure.
_UNIT_HINT = re.compile(r"m[²2^]|ft|sf", re.I)
_SPACES = re.compile(r"\s{2,}")
_BREAKS = re.compile(r"\n|\\P")


def strip_area(text: str) -> str:
    """Remove area figures ("24.5 m²", "Área: 120 m2", "250 SF") from a label line.

    >>> strip_area("Classroom 24.5 m²"), strip_area("Área: 120 m2")
    ('Classroom', '')
    """
    if _UNIT_HINT.search(text):
        text = _AREA.sub("", text)
    return _SPACES.sub(" ", text).strip(" ,;:-|")


def _lines(texts) -> list[str]:
    out = []
    for text in texts:
        text = str(text or "")
        for line in _BREAKS.split(text) if "\n" in text or "\\P" in text else (text,):
            line = strip_area(line.strip())
            if line:
                out.append(line)
    return out


def split_label(texts) -> tuple[str | None, str | None]:
    """(room number, name) from the label texts of one room (either may be None)."""
    number, names = None, []
    for line in _lines(texts):
        head, _, rest = line.partition(" ")
        if number is None and ROOM_NUMBER.match(line):
            number = line
        elif number is None and rest and ROOM_NUMBER.match(head) and any(c.isalpha() for c in rest):
            number, names = head, names + [rest.strip()]
        else:
            names.append(line)
    name = " ".join(names) or None
    if number is None and name:
        m = _NUMBERED.match(name)
        if m and ROOM_NUMBER.match(m.group(1)):
            number = m.group(1)
    return number, name
