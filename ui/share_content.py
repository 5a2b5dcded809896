"""What a share link's page shows, built from the SAME pure builders as the staff responder map
(pages/responder.py): campus_grid + responder_objects for the content, layers.responder for the
layer JSON, so the two never drift. Called once per (link, data version) by
passmap.share_bundle.ShareService; nothing here imports Streamlit.

This module is the one adapter between the share page and the responder builders: when the
builders change names (issue 16), only the functions below change.
"""

from __future__ import annotations

import json

from layers.deck import layer_json
from layers.responder_share import (
    LAYER_COLOUR,
    area_layer,
    door_layer,
    grid_layers,
    label_layer,
    point_layer,
)
from passmap import search as find
from passmap.access import LAYERS, allowed, visible_layers
from passmap.config import load_settings
from passmap.grid import campus_grid
from passmap.localtime import local_day
from passmap.reports.responder import verification_status
from passmap.reports.responder_data import _TYPE_LABEL, responder_objects
from passmap.share_bundle import DOWNLOADS, BundleContent
from passmap.store.base import utc_now

M_PER_FT = 0.3048
# Legend wording and symbol kind per responder layer (the map draws areas, door strokes, dots).
_LEGEND = {
    "buildings": ("Building", "area"),
    "rooms": ("Room / hallway", "area"),
    "stairs": ("Stairs / elevator", "area"),
    "grounds": ("Parking, fields, drives", "area"),
    "doors": ("Exterior door (numbered)", "line"),
    "hazards": ("Hazard", "point"),
    "shutoffs": ("Utility shut-off", "point"),
    "key_boxes": ("Key box", "point"),
    "aeds": ("AED", "point"),
    "trauma_kits": ("Trauma kit", "point"),
    "alarm_panels": ("Alarm panel", "point"),
    "duress": ("Silent panic alarm", "point"),
    "access_control": ("Card reader / intercom / door contact", "point"),
    "cameras": ("Camera", "point"),
}
_DOWNLOAD_LABELS = {
    "pdf": "Printable map (PDF, one page per floor)",
    "geojson": "GeoJSON (with grid)",
    "imdf.zip": "IMDF (zip)",
}


def _json_layers(layers) -> list[dict]:
    """Each pydeck layer exactly as the staff map ships it (layers.deck.layer_json)."""
    return [json.loads(layer_json(layer)) for layer in layers if layer is not None]


def _view_layers(view) -> list:
    """What pages/responder.py draws for one view, minus the grid (shared by the views)."""
    return [area_layer(view), door_layer(view), point_layer(view), label_layer(view)]


def _legend(view) -> list[dict]:
    present = [name for name in LAYERS if name in set(view["layer"]) and name in _LEGEND]
    out = []
    if (view["category"] == "corridor").any():
        out.append({"label": "Hallway", "kind": "area", "rgba": [255, 243, 196, 230]})
    for name in present:
        label, kind = _LEGEND[name]
        out.append({"label": label, "kind": kind, "rgba": LAYER_COLOUR[name]})
    return out


def _bounds(frame, fallback) -> list[float]:
    bounds = frame.total_bounds if len(frame) else fallback
    return [round(float(b), 7) for b in bounds]


def _site_view(objs, campus) -> dict:
    view = objs[objs["building_id"].isna() | (objs["layer"] == "buildings")]
    return {
        "id": "site",
        "label": "Campus: grounds and buildings",
        "bounds": _bounds(objs, campus["geometry"].bounds),
        "layers": _json_layers(_view_layers(view)),
        "legend": _legend(view),
    }


def _level_view(objs, building, level, fallback) -> dict:
    """The same selection as the staff page's level view: the level, the grounds, and the
    footprints of the other buildings."""
    on_level = objs["level_id"] == level["id"]
    view = objs[
        on_level
        | objs["building_id"].isna()
        | ((objs["layer"] == "buildings") & (objs["building_id"] != building["id"]))
    ]
    return {
        "id": f"level:{level['id']}",
        "label": f"{building['name']}: {level['name']}",
        "bounds": _bounds(objs[on_level], fallback),
        "layers": _json_layers(_view_layers(view)),
        "legend": _legend(view),
    }


def _stamp(v) -> str:
    """The walk-through stamp WITHOUT the verifier's name (a share view shows no staff names)."""
    if v.verified_utc is None:
        return "Not verified by walk-through"
    flag = f" - changed since ({v.changes_since} edits)" if v.changes_since else ""
    day = local_day(v.verified_utc, load_settings().timezone)  # the district's day
    return f"Last verified by walk-through {day}{flag}"


def _grid_info(grid, shown: bool) -> dict | None:
    if not shown:
        return None
    last = grid.label(grid.n_cols - 1, grid.n_rows - 1)
    return {
        "cols": grid.n_cols,
        "rows": grid.n_rows,
        "cell_m": grid.cell_m,
        "cell_ft": round(grid.cell_m / M_PER_FT),
        "first": "A1",
        "last": last,
    }


def _campus(store, grant, campus_id: str, layers) -> tuple[dict, object]:
    campus = store.get("campus", campus_id)
    grid = campus_grid(store, campus_id)
    objs = responder_objects(store, campus_id, layers, grid)
    views = [_site_view(objs, campus)]
    buildings = store.list_buildings(campus_id=campus_id)
    levels = store.list_levels()
    for _, b in buildings.iterrows():
        for _, lv in levels[levels["building_id"] == b["id"]].sort_values("ordinal").iterrows():
            views.append(_level_view(objs, b, lv, views[0]["bounds"]))
    status = verification_status(store, campus_id)
    names = dict(zip(buildings["id"], buildings["name"]))
    found = _search_index(
        store, campus_id, objs, buildings, levels, grid if "grid" in layers else None
    )
    exportable = allowed("partner", "export", campus_id, grant.campuses)
    entry = {
        "id": campus_id,
        "name": campus["name"],
        "grid": _grid_info(grid, "grid" in layers),
        "base_layers": _json_layers(grid_layers(grid.cells())) if "grid" in layers else [],
        "views": views,
        "verification": [
            {"building": names.get(b, b), "stamp": _stamp(v)} for b, v in status.items()
        ],
        "downloads": [
            {"label": _DOWNLOAD_LABELS[s], "href": f"download/{campus_id}.{s}"} for s in DOWNLOADS
        ]
        if exportable
        else [],
    }
    return entry, found


def _search_index(store, campus_id, objs, buildings, levels, grid):
    """passmap.search's index of what this link shows (only the objects on the map; no device
    ids: a share view names none) and the geometries to highlight a hit."""
    controls = store.list_controls(campus_id=campus_id).assign(external_id=None)
    names = dict(zip(buildings["id"], buildings["name"]))
    level_names = {
        lv["id"]: f"{names.get(lv['building_id'], '')}: {lv['name']}".strip(": ")
        for _, lv in levels[levels["building_id"].isin(names)].iterrows()
    }
    index = find.search_index(
        zones=store.list_zones(campus_id=campus_id),
        openings=store.list_openings(campus_id=campus_id),
        controls=controls,
        buildings=buildings,
        grid=grid,
        level_names=level_names,
        type_labels=_TYPE_LABEL,
    )
    return find.restrict(index, objs["id"]), dict(zip(objs["id"], objs.geometry))


def build_content(store, grant) -> BundleContent:
    """The page payload of a link (its campuses, its layers only) and the frames behind it."""
    layers = list(visible_layers("partner", grant.layers))
    settings = load_settings()
    campuses, objects = [], {}
    for campus_id in grant.campuses:
        if store.get("campus", campus_id) is None:
            continue  # a campus removed since the link was made
        entry, found = _campus(store, grant, campus_id, layers)
        campuses.append(entry)
        objects[campus_id] = found
    payload = {
        "agency": grant.agency,
        "expires_utc": grant.expires_utc.replace(microsecond=0).isoformat() + "Z",
        "built_utc": utc_now().replace(microsecond=0).isoformat() + "Z",
        "units": "ft",
        "timezone": settings.timezone,  # the page shows every time in the district's zone
        "layers": [{"name": n, "label": LAYERS[n]} for n in layers],
        "tiles": {"url": settings.tile_url, "attribution": settings.tile_attribution}
        if settings.tile_url
        else None,
        "campuses": campuses,
    }
    return BundleContent(payload, objects)
