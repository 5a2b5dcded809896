"""Responder exports for first-responder software: GeoJSON (one FeatureCollection, the grid as a
layer) and a minimal IMDF zip (manifest, venue, building, level, unit, opening, amenity, plus
the grid as an extension file). Both honour the layers a viewer may see.

The IMDF zip is written through passmap/exporters/imdf_archive.py, like the full IMDF export:
the same ids (``imdf_uuid(table, id)``), feature envelope and manifest, so a system importing
both matches their features. What is the responder's own: the viewer's layers, the grid file
(``passmap_grid``) and the ``passmap:layer`` / ``passmap:cell`` properties.

Categories come from the one IMDF vocabulary (passmap/imdf_vocab.py), which the IMDF importer
reads back; ``passmap:type`` keeps the control type IMDF has no category for.

>>> unit_category("cafeteria"), amenity_category("duress_button")
('foodservice', 'emergencyphone')
"""

from __future__ import annotations

import io
from pathlib import Path

import shapely

from passmap.access import LAYERS
from passmap.exporters.common import feature
from passmap.exporters.imdf_archive import imdf_feature, imdf_uuid, write_imdf_zip
from passmap.grid import campus_grid
from passmap.imdf_vocab import amenity_category, unit_category
from passmap.reports.responder_data import COLUMNS, responder_objects
from passmap.values import is_missing

_PROPERTIES = [k for k in COLUMNS if k not in ("source", "geometry")]  # a feature's properties


def responder_geojson(store, campus_id: str, layers=None) -> dict:
    """One FeatureCollection: the grid cells (layer 'grid') and every visible responder object."""
    layers = tuple(LAYERS) if layers is None else tuple(layers)
    grid = campus_grid(store, campus_id)
    objs = responder_objects(store, campus_id, layers, grid)
    feats = []
    if "grid" in layers:
        for _, c in grid.cells().iterrows():
            feats.append(
                feature(
                    {
                        "layer": "grid",
                        "label": c["label"],
                        "column": c["column"],
                        "row": int(c["row"]),
                    },
                    c.geometry,
                )
            )
    for _, o in objs.iterrows():
        props = {k: (None if is_missing(o[k]) else o[k]) for k in _PROPERTIES}
        feats.append(feature(props, o.geometry))
    return {
        "type": "FeatureCollection",
        "name": f"responder-{campus_id}",
        "passmap:grid": grid.as_dict(),
        "features": feats,
    }


def _imdf_props(o, levels_known, units: list[dict]) -> tuple[str, dict] | None:
    """The IMDF feature type of one responder object and its own properties (None: IMDF has
    no place for it: a building, or a zone or door off every exported level)."""
    placed = o["level_id"] in levels_known
    if o["source"] == "zone" and placed:
        return "unit", {
            "category": unit_category(o["category"]),
            "restriction": None,
            "accessibility": None,
            "level_id": imdf_uuid("level", o["level_id"]),
            "display_point": None,
        }
    if o["source"] == "opening" and placed:
        return "opening", {
            "category": "pedestrian",
            "accessibility": None,
            "access_control": None,
            "door": {"type": "door", "automatic": False, "material": None},
            "level_id": imdf_uuid("level", o["level_id"]),
            "display_point": None,
            "passmap:number": o["number"],
        }
    if o["source"] == "control":
        return "amenity", {
            "category": amenity_category(o["category"]),
            "unit_ids": _unit_of(units, o),
            "accessibility": None,
            "hours": None,
            "phone": None,
            "website": None,
            "address_id": None,
            "correlation_id": None,
            "passmap:type": o["category"],
        }
    return None


def _imdf_units(objs, levels_known) -> tuple[list, list, list]:
    out: dict[str, list[dict]] = {"unit": [], "opening": [], "amenity": []}
    for _, o in objs.iterrows():
        kind = _imdf_props(o, levels_known, out["unit"])
        if kind is None:
            continue
        ftype, own = kind
        props = {
            "name": {"en": o["label"]} if o["label"] else None,
            "alt_name": None,
            "passmap:layer": o["layer"],
            "passmap:cell": o["cell"],
        }
        out[ftype].append(imdf_feature(o["source"], o["id"], ftype, props | own, o.geometry))
    return out["unit"], out["opening"], out["amenity"]


def _unit_of(units: list[dict], o) -> list[str]:
    """The unit holding a control (IMDF places amenities by unit): the importer reads it back."""
    if o["level_id"] is None or o["level_id"] != o["level_id"] or o.geometry is None:
        return []
    level = imdf_uuid("level", o["level_id"])
    p = o.geometry.representative_point()
    for u in units:
        if u["properties"]["level_id"] == level and shapely.geometry.shape(u["geometry"]).covers(p):
            return [u["id"]]
    return []


def _site_files(campus: dict, buildings, levels, layers) -> dict[str, list[dict]]:
    """The venue, building (layer 'buildings') and level files of the campus."""
    venue = {
        "category": "university",  # IMDF has no K-12 venue category; the full export uses the same
        "name": {"en": campus["name"]},
        "restriction": "restricted",
        "address_id": None,
        "display_point": None,
    }
    building = {
        "category": "unspecified",
        "restriction": "restricted",
        "address_id": None,
        "display_point": None,
    }
    return {
        "venue": [imdf_feature("campus", campus["id"], "venue", venue, campus["geometry"])],
        "building": [
            imdf_feature(
                "building", b["id"], "building", building | {"name": {"en": b["name"]}}, None
            )
            for _, b in buildings.iterrows()
            if "buildings" in layers
        ],
        "level": [
            imdf_feature(
                "level",
                lv["id"],
                "level",
                {
                    "category": "unspecified",
                    "restriction": None,
                    "ordinal": int(lv["ordinal"]),
                    "outdoor": False,
                    "name": {"en": lv["name"]},
                    "short_name": {"en": str(lv["ordinal"])},
                    "building_ids": [imdf_uuid("building", lv["building_id"])],
                    "display_point": None,
                },
                lv.geometry,
            )
            for _, lv in levels.iterrows()
        ],
    }


def responder_imdf(store, campus_id: str, out: str | Path | io.BytesIO, layers=None) -> dict:
    """Write an IMDF-style zip; returns the count of features per file.

    Ids are the full IMDF export's (``imdf_uuid``): the same zone has the same id in both.
    """
    layers = tuple(LAYERS) if layers is None else tuple(layers)
    campus = store.get("campus", campus_id)
    if campus is None:
        raise ValueError(f"Unknown campus id {campus_id!r}.")
    grid = campus_grid(store, campus_id)
    objs = responder_objects(store, campus_id, layers, grid)
    buildings = store.list_buildings(campus_id=campus_id)
    levels = store.list_levels()
    levels = levels[levels["building_id"].isin(buildings["id"])]
    files = _site_files(dict(campus, id=campus_id), buildings, levels, layers)
    files["unit"], files["opening"], files["amenity"] = _imdf_units(objs, set(levels["id"]))
    if "grid" in layers:
        files["passmap_grid"] = [
            feature({"label": c["label"]}, c.geometry) for _, c in grid.cells().iterrows()
        ]
    return write_imdf_zip(out, files, ["passmap_grid"] if "grid" in layers else [])
