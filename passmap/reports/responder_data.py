"""The responder map's content for one campus: every object a responder needs, each with its
layer, a label, its building/level and its grid cell, filtered to the layers a viewer may see.

Screens, the PDF and the exports all read this one frame, so a hidden layer can never leak
through one of them.
"""

from __future__ import annotations

import geopandas as gpd

from passmap.access import LAYERS, layer_of_control, layer_of_opening, layer_of_zone
from passmap.grid import GridSpec
from passmap.values import text_or_empty

COLUMNS = [
    "id",
    "source",
    "layer",
    "category",
    "label",
    "name",
    "number",
    "building_id",
    "level_id",
    "cell",
    "geometry",
]
_TYPE_LABEL = {
    "aed": "AED",
    "trauma_kit": "Trauma kit",
    "key_box": "Key box",
    "hazard": "Hazard",
    "fire_alarm_panel": "Fire alarm panel",
    "intrusion_panel": "Intrusion alarm panel",
    "duress_button": "Panic alarm",
    "wearable_duress_coverage": "Wearable panic coverage",
    "camera": "Camera",
    "access_reader": "Card reader",
    "intercom": "Intercom",
    "door_contact": "Door contact",
    "visitor_management": "Visitor management",
}


def _text(value) -> str:
    return text_or_empty(value)


def control_label(row) -> str:
    """'Gas shut-off', 'AED', or the device's own name when it has one."""
    attrs = row.get("attrs") if isinstance(row.get("attrs"), dict) else {}
    if row["type"] == "utility_shutoff":
        base = f"{str(attrs.get('utility', 'utility')).capitalize()} shut-off"
    else:
        base = _TYPE_LABEL.get(row["type"], row["type"].replace("_", " ").capitalize())
    name = _text(row.get("name"))
    return f"{base}: {name}" if name and name.lower() != base.lower() else base


def zone_label(row) -> str:
    """'114 Science Lab', 'Hallway', 'Stair B', 'Staff parking'."""
    number, name = _text(row.get("room_number")), _text(row.get("name"))
    if not name:
        name = (
            "Hallway" if row["kind"] == "corridor" else row["kind"].replace("_", " ").capitalize()
        )
    return f"{number} {name}".strip()


def _object(row, source: str, category, layer: str, label: str, name="", number="") -> dict:
    """One responder object (every column but its grid cell), on the row's building and level."""
    return {
        "id": row["id"],
        "source": source,
        "category": category,
        "layer": layer,
        "label": label,
        "name": name,
        "number": number,
        "building_id": row.get("building_id"),
        "level_id": row.get("level_id"),
        "geometry": row["geometry"],
    }


def _zones(store, campus_id) -> list[dict]:
    out = []
    for _, z in store.list_zones(campus_id=campus_id).iterrows():
        layer = layer_of_zone(z["kind"], bool(_text(z["building_id"])))
        name, number = _text(z["name"]), _text(z["room_number"])
        out.append(_object(z, "zone", z["kind"], layer, zone_label(z), name, number))
    return out


def _openings(store, campus_id) -> list[dict]:
    out = []
    for _, o in store.list_openings(campus_id=campus_id).iterrows():
        layer = layer_of_opening(o["door_class"])
        if layer:
            number = _text(o["number"])
            label = f"Door {number}".strip()
            out.append(_object(o, "opening", o["door_class"], layer, label, number=number))
    return out


def _controls(store, campus_id) -> list[dict]:
    out = []
    for _, c in store.list_controls(campus_id=campus_id).iterrows():
        layer = layer_of_control(c["type"])
        if layer:
            label, name = control_label(c), _text(c["name"])
            out.append(_object(c, "control", c["type"], layer, label, name))
    return out


def _buildings(store, campus_id) -> list[dict]:
    return [
        dict(_object(b, "building", "building", "buildings", name, name), building_id=b["id"])
        for _, b in store.list_buildings(campus_id=campus_id).iterrows()
        for name in [_text(b["name"])]
    ]


def responder_objects(
    store, campus_id: str, layers, grid: GridSpec | None = None
) -> gpd.GeoDataFrame:
    """Every responder object of a campus on one of ``layers``, with its grid cell."""
    wanted = [name for name in layers if name in LAYERS]
    rows = (
        _buildings(store, campus_id)
        + _zones(store, campus_id)
        + _openings(store, campus_id)
        + _controls(store, campus_id)
    )
    rows = [r for r in rows if r["layer"] in wanted]
    frame = gpd.GeoDataFrame(
        rows, columns=[c for c in COLUMNS if c != "cell"], geometry="geometry", crs="OGC:CRS84"
    )
    frame["cell"] = [grid.cell_of_geometry(g) if grid else None for g in frame.geometry]
    return frame[COLUMNS]


def locate(frame: gpd.GeoDataFrame, query: str, limit: int = 20) -> list[dict]:
    """Objects whose label, name or number contains ``query`` (case-insensitive), with cell.

    Each answer carries a sentence like "Room 114 Science Lab is in D4."
    """
    q = (query or "").strip().lower()
    if not q or frame.empty:
        return []
    hay = (
        frame["label"].fillna("")
        + " "
        + frame["name"].fillna("")
        + " "
        + frame["number"].fillna("")
    ).str.lower()
    hits = frame[hay.str.contains(q, regex=False)].head(limit)
    answers = []
    for _, r in hits.iterrows():
        noun = "Room " if r["source"] == "zone" and r["number"] else ""
        where = f"in {r['cell']}" if r["cell"] else "outside the grid"
        answers.append(
            {
                "id": r["id"],
                "label": r["label"],
                "layer": r["layer"],
                "cell": r["cell"],
                "building_id": r["building_id"],
                "level_id": r["level_id"],
                "sentence": f"{noun}{r['label']} is {where}.",
            }
        )
    return answers
