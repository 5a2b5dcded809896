"""Export the store as an IMDF archive (zip) with PASS properties as an extension.

Layout: manifest.json (version 1.0.0, extension ``imdf:extension:passmap:pass#1.0.0``),
venue (campus), building, footprint, level, unit (zone), opening, amenity (point controls),
fixture (polygon controls), detail (line controls on a level), and ``pass_site.geojson`` for the
grounds zones and controls IMDF cannot hold (no level), in the project schema.

Ids: IMDF needs UUIDs; ours are mapped stably with ``imdf_uuid`` (imdf_archive.py, shared with
the responder export) and kept in each feature's ``pass`` object (``pass.id``), which the IMDF
importer reads back.

>>> imdf_uuid("zone", "r101") == imdf_uuid("zone", "r101")
True
"""

from __future__ import annotations

from pathlib import Path

from passmap.exporters.common import feature, table_rows
from passmap.exporters.imdf_archive import imdf_feature, imdf_uuid, write_imdf_zip
from passmap.imdf_vocab import FEATURE_TYPES, amenity_category, label, unit_category

EXTENSION = "imdf:extension:passmap:pass#1.0.0"


def _label(text, row: dict | None = None):
    """Every language the import kept (props.names), with the current name shown."""
    names = ((row or {}).get("props") or {}).get("names")
    return label(text, names if isinstance(names, dict) else None)


def _ext(row: dict, skip=("geometry",)) -> dict:
    return {k: v for k, v in row.items() if k not in skip and v is not None}


def build_collections(store) -> dict[str, list[dict]]:
    """{imdf feature type: [Feature, ...]} plus 'pass_site' for grounds features."""
    rows = {
        t: table_rows(store, t)
        for t in ("district", "campus", "building", "level", "zone", "opening", "control")
    }
    districts = {d["id"]: d for d in rows["district"]}
    out: dict[str, list[dict]] = {k: [] for k in FEATURE_TYPES}
    for c in rows["campus"]:
        d = districts.get(c["district_id"], {})
        ext = _ext(c) | {"district": _ext(d)}
        out["venue"].append(
            _feat(
                "campus",
                c,
                "venue",
                {
                    "category": "university",  # IMDF has no K-12 category; the closest campus kind
                    "restriction": None,
                    "name": _label(c["name"], c),
                    "alt_name": None,
                    "hours": None,
                    "website": None,
                    "phone": None,
                    "display_point": _point(c["geometry"]),
                    "address_id": None,
                },
                ext,
            )
        )
    for b in rows["building"]:
        out["building"].append(
            _feat(
                "building",
                b,
                "building",
                {
                    "name": _label(b["name"], b),
                    "alt_name": None,
                    "category": "unspecified",
                    "restriction": None,
                    "display_point": _point(b["geometry"]),
                    "address_id": None,
                },
                _ext(b),
                geometry=False,
            )
        )
        if b["geometry"] is not None:
            props = {
                "category": "ground",
                "name": None,
                "building_ids": [imdf_uuid("building", b["id"])],
            }
            out["footprint"].append(
                imdf_feature("footprint", b["id"], "footprint", props, b["geometry"])
            )
    for lv in rows["level"]:
        out["level"].append(
            _feat(
                "level",
                lv,
                "level",
                {
                    "category": "unspecified",
                    "restriction": None,
                    "outdoor": False,
                    "ordinal": lv["ordinal"],
                    "name": _label(lv["name"], lv),
                    "short_name": _label(lv["ordinal"]),
                    "display_point": _point(lv["geometry"]),
                    "address_id": None,
                    "building_ids": [imdf_uuid("building", lv["building_id"])],
                },
                _ext(lv),
            )
        )
    _placed(rows, out)
    _walls(store, out)
    return out


def _placed(rows, out) -> None:
    for z in rows["zone"]:
        if not z.get("level_id"):
            out["pass_site"].append(_site("zone", z))
            continue
        out["unit"].append(
            _feat(
                "zone",
                z,
                "unit",
                {
                    "category": unit_category(z["kind"]),
                    "restriction": None,
                    "accessibility": None,
                    "name": _label(z.get("name"), z),
                    "alt_name": _label(z.get("room_number")),
                    "display_point": _point(z["geometry"]),
                    "level_id": imdf_uuid("level", z["level_id"]),
                },
                _ext(z),
            )
        )
    for o in rows["opening"]:
        if not o.get("level_id") or o["geometry"].geom_type != "LineString":
            out["pass_site"].append(_site("opening", o))
            continue
        out["opening"].append(
            _feat(
                "opening",
                o,
                "opening",
                {
                    "category": "pedestrian.principal"
                    if o["door_class"] == "exterior-primary"
                    else "pedestrian",
                    "accessibility": None,
                    "access_control": ["cardaccess"]
                    if o.get("lock_function") == "electrified"
                    else None,
                    "door": {"type": "door", "automatic": False, "material": None},
                    "name": _label(o.get("number")),
                    "alt_name": None,
                    "display_point": _point(o["geometry"]),
                    "level_id": imdf_uuid("level", o["level_id"]),
                },
                _ext(o),
            )
        )
    for c in rows["control"]:
        kind = c["geometry"].geom_type
        if not c.get("level_id") or kind not in ("Point", "Polygon", "LineString"):
            out["pass_site"].append(_site("control", c))
            continue
        ext = _ext(c) | ({"tier": c["attrs"]["tier"]} if (c.get("attrs") or {}).get("tier") else {})
        level = imdf_uuid("level", c["level_id"])
        if kind == "Point":
            units = [imdf_uuid("zone", c["zone_id"])] if c.get("zone_id") else []
            out["amenity"].append(
                _feat(
                    "control",
                    c,
                    "amenity",
                    {
                        "category": amenity_category(c["type"]),
                        "accessibility": None,
                        "name": _label(c.get("name")),
                        "alt_name": None,
                        "hours": None,
                        "phone": None,
                        "website": None,
                        "unit_ids": units,
                        "address_id": None,
                        "correlation_id": None,
                    },
                    ext,
                )
            )
        elif kind == "Polygon":
            out["fixture"].append(
                _feat(
                    "control",
                    c,
                    "fixture",
                    {
                        "category": "equipment",
                        "name": _label(c.get("name")),
                        "alt_name": None,
                        "anchor_id": None,
                        "display_point": _point(c["geometry"]),
                        "level_id": level,
                    },
                    ext,
                )
            )
        else:
            out["detail"].append(_feat("control", c, "detail", {"level_id": level}, ext))


def _walls(store, out) -> None:
    """CAD walls as IMDF details on their level, marked ``pass.table = "wall"`` (PassMap's
    extension, like the controls): IMDF has no wall feature, the importer reads them back."""
    for row, geom in store.wall_rows():
        row = {**row, "geometry": geom}
        if not row.get("level_id") or geom is None:
            continue
        ext = _ext(row) | {"table": "wall"}
        props = {"level_id": imdf_uuid("level", row["level_id"])}
        out["detail"].append(_feat("wall", row, "detail", props, ext))


def _point(geom):
    if geom is None:
        return None
    p = geom.representative_point()
    return {"type": "Point", "coordinates": [p.x, p.y]}


def _feat(table, row, ftype, props, ext, geometry=True) -> dict:
    geom = row["geometry"] if geometry else None
    return imdf_feature(table, row["id"], ftype, {**props, "pass": ext}, geom)


def _site(table, row) -> dict:
    return feature({"feature_type": table, **_ext(row)}, row["geometry"])


def export_imdf(store, out_path: Path) -> dict[str, int]:
    """Write the archive; returns the feature count per file."""
    return write_imdf_zip(Path(out_path), build_collections(store), [EXTENSION])
