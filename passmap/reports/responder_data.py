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


def _zones(store, campus_id) -> list[dict]:
    out = []
    for _, z in store.list_zones(campus_id=campus_id).iterrows():
        out.append(
            {
                "id": z["id"],
                "source": "zone",
                "category": z["kind"],
                "layer": layer_of_zone(z["kind"], bool(_text(z["building_id"]))),
                "label": zone_label(z),
                "name": _text(z["name"]),
                "number": _text(z["room_number"]),
                "building_id": z["building_id"],
                "level_id": z["level_id"],
                "geometry": z["geometry"],
            }
        )
    return out


def _openings(store, campus_id) -> list[dict]:
    out = []
    for _, o in store.list_openings(campus_id=campus_id).iterrows():
        layer = layer_of_opening(o["door_class"])
        if layer:
            number = _text(o["number"])
            out.append(
                {
                    "id": o["id"],
                    "source": "opening",
                    "category": o["door_class"],
                    "layer": layer,
                    "label": f"Door {number}".strip(),
                    "name": "",
                    "number": number,
                    "building_id": o["building_id"],
                    "level_id": o["level_id"],
                    "geometry": o["geometry"],
                }
            )
    return out


def _controls(store, campus_id) -> list[dict]:
    out = []
    for _, c in store.list_controls(campus_id=campus_id).iterrows():
        layer = layer_of_control(c["type"])
        if layer:
            out.append(
                {
                    "id": c["id"],
                    "source": "control",
                    "category": c["type"],
                    "layer": layer,
                    "label": control_label(c),
                    "name": _text(c["name"]),
                    "number": "",
                    "building_id": c["building_id"],
                    "level_id": c["level_id"],
                    "geometry": c["geometry"],
                }
            )
    return out


def _buildings(store, campus_id) -> list[dict]:
    return [
        {
            "id": b["id"],
            "source": "building",
            "category": "building",
            "layer": "buildings",
            "label": _text(b["name"]),
            "name": _text(b["name"]),
            "number": "",
            "building_id": b["id"],
            "level_id": None,
            "geometry": b["geometry"],
        }
        for _, b in store.list_buildings(campus_id=campus_id).iterrows()
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
