"""Find a room number, door number or device id among one campus's objects."""

from __future__ import annotations

from dataclasses import dataclass

from passmap.values import text_or_empty


@dataclass(frozen=True)
class Hit:
    kind: str  # zone | opening | control
    id: str
    label: str
    building_id: str | None
    level_id: str | None
    geometry: object


def _norm(v) -> str:
    return text_or_empty(v).strip().lower()


def _candidates(kind: str, frame, columns: tuple[str, ...]):
    for row in frame.itertuples(index=False):
        values = [_norm(getattr(row, c, None)) for c in columns]
        yield kind, row, values


def find(query: str, zones, openings, controls, limit: int = 10) -> list[Hit]:
    """Exact matches first (room 114, door D3 or 3, device CAM-12), then prefix matches.

    >>> import geopandas as gpd
    >>> z = gpd.GeoDataFrame({"id": ["z1"], "room_number": ["114"], "name": ["Art"],
    ...     "building_id": ["b"], "level_id": ["l"]}, geometry=[None])
    >>> empty = gpd.GeoDataFrame({"id": []}, geometry=[])
    >>> [h.id for h in find("114", z, empty, empty)]
    ['z1']
    """
    q = _norm(query)
    if q.startswith("d") and q[1:].isdigit():
        q_door = q[1:]
    else:
        q_door = q
    if not q:
        return []
    exact, prefix = [], []
    sources = [
        ("zone", zones, ("room_number", "name", "id")),
        ("opening", openings, ("number", "id")),
        ("control", controls, ("external_id", "id", "name")),
    ]
    for kind, frame, cols in sources:
        if frame is None or len(frame) == 0:
            continue
        for _, row, values in _candidates(kind, frame, cols):
            needle = q_door if kind == "opening" else q
            hit = Hit(
                kind,
                row.id,
                next((v for v in values if v), row.id).upper(),
                getattr(row, "building_id", None),
                getattr(row, "level_id", None),
                row.geometry,
            )
            if needle in values:
                exact.append(hit)
            elif any(v.startswith(needle) for v in values if v):
                prefix.append(hit)
    return (exact + prefix)[:limit]
