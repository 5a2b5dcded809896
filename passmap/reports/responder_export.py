"""Responder exports for first-responder software: GeoJSON (one FeatureCollection, the grid as a
layer) and a minimal IMDF zip (manifest, venue, building, level, unit, opening, amenity, plus
the grid as an extension file). Both honour the layers a viewer may see.

Categories come from the one IMDF vocabulary (passmap/imdf_vocab.py), which the IMDF importer
reads back; ``passmap:type`` keeps the control type IMDF has no category for.

>>> unit_category("cafeteria"), amenity_category("duress_button")
('foodservice', 'emergencyphone')
"""

from __future__ import annotations

import io
import json
import uuid
import zipfile
from pathlib import Path

import shapely

from passmap.access import LAYERS
from passmap.grid import campus_grid
from passmap.imdf_vocab import amenity_category, unit_category
from passmap.reports.responder_data import COLUMNS, responder_objects
from passmap.values import is_missing

_PROPERTIES = [k for k in COLUMNS if k not in ("source", "geometry")]  # a feature's properties

IMDF_VERSION = "1.0.0"
_NS = uuid.UUID("6f1c0d1e-5a0e-4c55-9d8e-2f6b8f1f0a11")  # stable uuid5 ids per PassMap id


def _uid(pid: str) -> str:
    return str(uuid.uuid5(_NS, str(pid)))


def _feature(geom, props: dict, fid: str | None = None, ftype: str | None = None) -> dict:
    feat = {
        "type": "Feature",
        "geometry": None if geom is None else shapely.geometry.mapping(geom),
        "properties": props,
    }
    if fid:
        feat["id"] = fid
    if ftype:
        feat["feature_type"] = ftype
    return feat


def responder_geojson(store, campus_id: str, layers=None) -> dict:
    """One FeatureCollection: the grid cells (layer 'grid') and every visible responder object."""
    layers = tuple(LAYERS) if layers is None else tuple(layers)
    grid = campus_grid(store, campus_id)
    objs = responder_objects(store, campus_id, layers, grid)
    feats = []
    if "grid" in layers:
        for _, c in grid.cells().iterrows():
            feats.append(
                _feature(
                    c.geometry,
                    {
                        "layer": "grid",
                        "label": c["label"],
                        "column": c["column"],
                        "row": int(c["row"]),
                    },
                )
            )
    for _, o in objs.iterrows():
        props = {k: (None if is_missing(o[k]) else o[k]) for k in _PROPERTIES}
        feats.append(_feature(o.geometry, props))
    return {
        "type": "FeatureCollection",
        "name": f"responder-{campus_id}",
        "passmap:grid": grid.as_dict(),
        "features": feats,
    }


def _imdf_units(objs, levels_known) -> tuple[list, list, list]:
    units, openings, amenities = [], [], []
    for _, o in objs.iterrows():
        props = {
            "name": {"en": o["label"]} if o["label"] else None,
            "alt_name": None,
            "passmap:layer": o["layer"],
            "passmap:cell": o["cell"],
        }
        if o["source"] == "zone" and o["level_id"] in levels_known:
            units.append(
                _feature(
                    o.geometry,
                    dict(
                        props,
                        category=unit_category(o["category"]),
                        restriction=None,
                        accessibility=None,
                        level_id=_uid(o["level_id"]),
                        display_point=None,
                    ),
                    _uid(o["id"]),
                    "unit",
                )
            )
        elif o["source"] == "opening" and o["level_id"] in levels_known:
            openings.append(
                _feature(
                    o.geometry,
                    dict(
                        props,
                        category="pedestrian",
                        accessibility=None,
                        access_control=None,
                        door={"type": "door", "automatic": False, "material": None},
                        level_id=_uid(o["level_id"]),
                        display_point=None,
                        **{"passmap:number": o["number"]},
                    ),
                    _uid(o["id"]),
                    "opening",
                )
            )
        elif o["source"] == "control":
            unit_ids = _unit_of(units, o)
            amenities.append(
                _feature(
                    o.geometry,
                    dict(
                        props,
                        category=amenity_category(o["category"]),
                        unit_ids=unit_ids,
                        accessibility=None,
                        hours=None,
                        phone=None,
                        website=None,
                        address_id=None,
                        correlation_id=None,
                        **{"passmap:type": o["category"]},
                    ),
                    _uid(o["id"]),
                    "amenity",
                )
            )
    return units, openings, amenities


def _unit_of(units: list[dict], o) -> list[str]:
    """The unit holding a control (IMDF places amenities by unit): the importer reads it back."""
    if o["level_id"] is None or o["level_id"] != o["level_id"] or o.geometry is None:
        return []
    level = _uid(o["level_id"])
    p = o.geometry.representative_point()
    for u in units:
        if u["properties"]["level_id"] == level and shapely.geometry.shape(u["geometry"]).covers(p):
            return [u["id"]]
    return []


def responder_imdf(store, campus_id: str, out: str | Path | io.BytesIO, layers=None) -> dict:
    """Write an IMDF-style zip; returns the count of features per file."""
    layers = tuple(LAYERS) if layers is None else tuple(layers)
    campus = store.get("campus", campus_id)
    if campus is None:
        raise ValueError(f"Unknown campus id {campus_id!r}.")
    grid = campus_grid(store, campus_id)
    objs = responder_objects(store, campus_id, layers, grid)
    buildings = store.list_buildings(campus_id=campus_id)
    levels = store.list_levels()
    levels = levels[levels["building_id"].isin(buildings["id"])]
    venue = [
        _feature(
            campus["geometry"],
            {
                "category": "school",
                "name": {"en": campus["name"]},
                "restriction": "restricted",
                "address_id": None,
                "display_point": None,
            },
            _uid(campus_id),
            "venue",
        )
    ]
    bfeats = (
        [
            _feature(
                None,
                {
                    "category": "unspecified",
                    "name": {"en": b["name"]},
                    "restriction": "restricted",
                    "address_id": None,
                    "display_point": None,
                },
                _uid(b["id"]),
                "building",
            )
            for _, b in buildings.iterrows()
        ]
        if "buildings" in layers
        else []
    )
    lfeats = [
        _feature(
            lv.geometry,
            {
                "category": "unspecified",
                "restriction": None,
                "ordinal": int(lv["ordinal"]),
                "outdoor": False,
                "name": {"en": lv["name"]},
                "short_name": {"en": str(lv["ordinal"])},
                "building_ids": [_uid(lv["building_id"])],
                "display_point": None,
            },
            _uid(lv["id"]),
            "level",
        )
        for _, lv in levels.iterrows()
    ]
    units, openings, amenities = _imdf_units(objs, set(levels["id"]))
    files = {
        "venue": venue,
        "building": bfeats,
        "level": lfeats,
        "unit": units,
        "opening": openings,
        "amenity": amenities,
    }
    if "grid" in layers:
        files["passmap_grid"] = [
            _feature(c.geometry, {"label": c["label"]}) for _, c in grid.cells().iterrows()
        ]
    manifest = {
        "version": IMDF_VERSION,
        "created": None,
        "generated_by": "PassMap",
        "language": "en-US",
        "extensions": ["passmap_grid"] if "grid" in layers else [],
    }
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=1))
        for name, feats in files.items():
            zf.writestr(
                f"{name}.geojson",
                json.dumps(
                    {"type": "FeatureCollection", "name": name, "features": feats}, default=str
                ),
            )
    return {name: len(feats) for name, feats in files.items()}
