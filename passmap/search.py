"""The one search of every map: rooms, doors, devices and grid cells of a campus.

Two steps, both pure and JSON-friendly so a static share bundle can use them as they are:

- ``search_index(...)`` turns the objects a viewer may see into a list of plain dicts (one
  *entry* per room, door, device, building and grid cell, with its label, level, grid cell,
  centre point and bounding box in lon/lat). Build it once per campus and data version.
- ``search(index, query)`` answers a query with ranked entries, each with a ``sentence`` for
  people ("Room 114 – Stair 3: First Floor, grid cell G7.").

What a query may be (case and spacing do not matter):

=====================  ==================================================================
``114``, ``Room 114``   a room number (``rm 114``, ``#114``); a bare number also finds door 114
``7``, ``D7``, ``Door 7``  a door number (``door #7``, ``exit 7``)
``nurse``, ``main office``  words of a room or device name, a room kind or a device type
``CAM-0007``            a device id: its words and numbers (leading zeros ignored) end the id,
                        so it finds ``cv-hs-cam-007``
``G7``                  a grid cell (after a door numbered G7, if there is one)
=====================  ==================================================================

>>> import geopandas as gpd
>>> from shapely.geometry import Point, box
>>> zones = gpd.GeoDataFrame({"id": ["z1", "z2"], "kind": ["stair", "nurse"],
...     "name": ["Stair 3", "Health Room / Nurse"], "room_number": ["114", "120"],
...     "building_id": ["b", "b"], "level_id": ["l1", "l1"]},
...     geometry=[box(0, 0, 0.0001, 0.0001), box(0.0001, 0, 0.0002, 0.0001)])
>>> doors = gpd.GeoDataFrame({"id": ["d7"], "door_class": ["exterior-secondary"],
...     "number": ["7"], "building_id": ["b"], "level_id": ["l1"]}, geometry=[Point(0, 0)])
>>> index = search_index(zones=zones, openings=doors, level_names={"l1": "First Floor"})
>>> [h["id"] for h in search(index, "Room 114")], [h["id"] for h in search(index, "D7")]
(['z1'], ['d7'])
>>> search(index, "nurse")[0]["sentence"]
'Room 120 – Health Room / Nurse: First Floor.'
>>> search(index, "door 7")[0]["label"]
'Door 7 (exterior secondary)'
"""

from __future__ import annotations

import re

from passmap.values import is_missing

KINDS = ("room", "door", "device", "area", "building", "cell")
_TOKEN = re.compile(r"[a-z]+|\d+")
_DOOR = re.compile(r"^(?:door|dr|exit|entrance|d)\s*#?\s*([a-z]?\d+[a-z]?)$")
_ROOM = re.compile(r"^(?:room|rm|classroom|rm\.)\s*#?\s*([a-z]?\d+[a-z]?|\w+)$")
_CELL = re.compile(r"^([a-z]{1,2})\s*(\d{1,3})$")
_KIND_WORDS = {"corridor": "hallway corridor", "nurse": "nurse health clinic"}


def _text(value) -> str:
    if is_missing(value):
        return ""
    return str(value).strip()


def tokens(text: str) -> list[str]:
    """Lower-case words and numbers (leading zeros dropped): how ids and names are compared.

    >>> tokens("CAM-0007"), tokens("cv-hs-cam-007"), tokens("Room 102 - English")
    (['cam', '7'], ['cv', 'hs', 'cam', '7'], ['room', '102', 'english'])
    """
    out = []
    for t in _TOKEN.findall(str(text).lower()):
        out.append(str(int(t)) if t.isdigit() else t)
    return out


def _number_key(text: str) -> str:
    """A door or room number as compared: lower case, no spaces or '#', no leading zeros."""
    t = re.sub(r"[\s#]", "", str(text).lower())
    return str(int(t)) if t.isdigit() else t


def _geo(geom) -> tuple[list[float], list[float]]:
    """(point, bbox) in lon/lat, 6 decimals: where to look and what to fit."""
    if geom.geom_type == "Point":
        p = geom
    elif geom.geom_type in ("LineString", "MultiLineString"):
        p = geom.interpolate(0.5, normalized=True)
    else:
        p = geom.representative_point()
    return [round(p.x, 6), round(p.y, 6)], [round(v, 6) for v in geom.bounds]


def _entry(kind, oid, label, words, geom, row, **extra) -> dict | None:
    if geom is None or geom.is_empty:
        return None
    point, bbox = _geo(geom)
    return {
        "kind": kind,
        "id": str(oid),
        "label": label,
        "words": " ".join(tokens(words)),
        "building_id": _text(getattr(row, "building_id", None)) or None,
        "level_id": _text(getattr(row, "level_id", None)) or None,
        "cell": None,  # filled for all entries at once (_fill_cells)
        "point": point,
        "bbox": bbox,
        **extra,
    }


def room_label(number: str, name: str, kind: str) -> str:
    """'Room 114 – Stair 3', 'Room 102 - English' (the name already says it), 'Main Lobby'.

    >>> room_label("114", "Stair 3", "stair"), room_label("102", "Room 102 - English", "classroom")
    ('Room 114 – Stair 3', 'Room 102 - English')
    >>> room_label("", "", "corridor")
    'Hallway'
    """
    if not name:
        name = "Hallway" if kind == "corridor" else kind.replace("_", " ").capitalize()
    if not number:
        return name
    if number in tokens(name) or number.lower() in name.lower():
        return name
    return f"Room {number} – {name}"


def _zone_entries(zones) -> list[dict]:
    out = []
    for z in zones.itertuples(index=False):
        number, name, kind = _text(z.room_number), _text(z.name), _text(z.kind)
        site = not _text(getattr(z, "building_id", None))
        words = f"{name} {kind.replace('_', ' ')} {_KIND_WORDS.get(kind, '')}"
        out.append(
            _entry(
                "area" if site else "room",
                z.id,
                room_label(number, name, kind),
                words,
                z.geometry,
                z,
                number=_number_key(number) if number else "",
            )
        )
    return out


def _door_entries(openings) -> list[dict]:
    out = []
    for o in openings.itertuples(index=False):
        number, cls = _text(o.number), _text(o.door_class).replace("-", " ")
        label = f"Door {number}" if number else "Door"
        out.append(
            _entry(
                "door",
                o.id,
                f"{label} ({cls})" if cls else label,
                f"door {cls}",
                o.geometry,
                o,
                number=_number_key(number) if number else "",
            )
        )
    return out


def _device_entries(controls, type_labels: dict[str, str]) -> list[dict]:
    out = []
    for c in controls.itertuples(index=False):
        ctype = _text(c.type)
        type_label = type_labels.get(ctype, ctype.replace("_", " ").capitalize())
        name, ext = _text(c.name), _text(getattr(c, "external_id", None))
        label = (
            f"{type_label}: {name}" if name and name.lower() != type_label.lower() else type_label
        )
        if ext:
            label += f" ({ext})"
        out.append(
            _entry(
                "device",
                c.id,
                label,
                f"{name} {type_label} {ctype.replace('_', ' ')}",
                c.geometry,
                c,
                device_id=" ".join(tokens(ext)) if ext else "",
                own_id=" ".join(tokens(c.id)),
                type=ctype,
            )
        )
    return out


def _fill_cells(entries: list[dict], grid) -> None:
    """Each entry's grid cell, from its point, in one coordinate transform."""
    if not entries:
        return
    lons, lats = zip(*(e["point"] for e in entries))
    xs, ys = grid.to_local_xy(list(lons), list(lats))
    for e, x, y in zip(entries, xs, ys):
        e["cell"] = grid.cell_of_xy(float(x), float(y))


def _cell_entries(grid) -> list[dict]:
    out = []
    for cell in grid.cells().itertuples(index=False):
        entry = _entry("cell", cell.label, f"Grid cell {cell.label}", "", cell.geometry, cell)
        entry["cell"] = cell.label
        out.append(entry)
    return out


def search_index(
    zones=None,
    openings=None,
    controls=None,
    buildings=None,
    grid=None,
    level_names: dict[str, str] | None = None,
    type_labels: dict[str, str] | None = None,
) -> list[dict]:
    """Search entries (plain, JSON-serialisable dicts) for the given frames (GeoDataFrames in
    lon/lat as the store returns them; pass only what the viewer may see), with grid cells when
    ``grid`` (a passmap.grid.GridSpec) is given; ``level_names`` (level id -> name) and
    ``type_labels`` (control type -> label) make the sentences read well."""
    entries: list[dict | None] = []
    if zones is not None:
        entries += _zone_entries(zones)
    if openings is not None:
        entries += _door_entries(openings)
    if controls is not None:
        entries += _device_entries(controls, type_labels or {})
    if buildings is not None:
        entries += [
            _entry("building", b.id, _text(b.name), _text(b.name), b.geometry, b)
            for b in buildings.itertuples(index=False)
        ]
    if grid is not None:
        entries += _cell_entries(grid)
    names = level_names or {}
    out = [e for e in entries if e is not None]
    if grid is not None:
        _fill_cells([e for e in out if e["kind"] != "cell"], grid)
    for e in out:
        e["level_name"] = names.get(e["level_id"] or "", "")
    return out


def _score(entry: dict, q: str, words: list[str]) -> int:
    """How well ``entry`` answers the normalised query (0: not at all)."""
    kind, number = entry["kind"], entry.get("number", "")
    door = _DOOR.match(q)
    room = _ROOM.match(q)
    if kind == "door" and number:
        if door and _number_key(door.group(1)) == number:
            return 100
        if _number_key(q) == number:
            return 90
    if kind in ("room", "area") and number:
        if room and _number_key(room.group(1)) == number:
            return 100
        if _number_key(q) == number:
            return 95
    if kind == "cell" and _CELL.match(q) and q.replace(" ", "") == entry["id"].lower():
        return 80
    if kind == "device" and words:
        for ids in (entry.get("device_id", ""), entry.get("own_id", "")):
            ident = ids.split()
            if ident and ident[-len(words) :] == words and (len(words) > 1 or ident == words):
                return 98
    return _word_score(entry, q, words)


def _word_score(entry: dict, q: str, words: list[str]) -> int:
    if not words or entry["kind"] == "cell":
        return 0
    have = entry["words"].split()
    if not all(any(h.startswith(w) for h in have) for w in words):
        return 0
    label = entry["label"].lower()
    if label == q or label.startswith(q + " ") or f": {q}" in label:
        return 85
    if " ".join(words) in entry["words"]:
        return 75
    return 60


def _natural(text: str) -> list:
    return [int(t) if t.isdigit() else t for t in re.findall(r"\d+|\D+", text.lower())]


def sentence(entry: dict) -> str:
    """One line for people: what it is, which floor, which grid cell."""
    where = []
    if entry["kind"] != "cell":
        where.append(entry.get("level_name") or ("grounds" if not entry["level_id"] else ""))
    if entry.get("cell") and entry["kind"] != "cell":
        where.append(f"grid cell {entry['cell']}")
    where = [w for w in where if w]
    return f"{entry['label']}: {', '.join(where)}." if where else f"{entry['label']}."


def search(index: list[dict], query: str, limit: int = 10) -> list[dict]:
    """The entries answering ``query``, best first (each a copy with ``score`` and
    ``sentence``); [] for a blank query or no match."""
    q = " ".join(str(query or "").lower().replace("#", " ").split())
    if not q:
        return []
    words = tokens(q)
    scored = [(_score(e, q, words), e) for e in index]
    hits = sorted(
        ((s, e) for s, e in scored if s > 0),
        key=lambda se: (-se[0], KINDS.index(se[1]["kind"]), _natural(se[1]["label"])),
    )
    return [dict(e, score=s, sentence=sentence(e)) for s, e in hits[:limit]]


def restrict(index: list[dict], ids) -> list[dict]:
    """The entries whose object id is in ``ids`` (grid cells always stay): a viewer's share."""
    keep = set(ids)
    return [e for e in index if e["kind"] == "cell" or e["id"] in keep]
