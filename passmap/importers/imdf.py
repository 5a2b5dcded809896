"""IMDF archive (zip or folder) -> campus, buildings, levels, zones, openings, controls.

venue -> campus, building (+ footprint geometry) -> building, level -> level, unit -> zone
(category mapped to a zone kind, configurable), opening -> opening (door class inferred from
category and whether the door is on the level outline), amenity -> control where the category
matches (defibrillator -> aed ...). PassMap's own extension (``properties.pass``) restores our
ids and attributes exactly. Quirks (``__MACOSX``, odd categories) produce warnings.
"""

from __future__ import annotations

import json
from pathlib import Path, PurePosixPath

import numpy as np
import shapely

from passmap.imdf_vocab import FEATURE_TYPES, control_type, names_of
from passmap.importers.base import ImportContext, read_bytes_limited, slug
from passmap.importers.kinds import named_kind, zone_kind
from passmap.importers.metres import to_local_m
from passmap.importers.validate import check_geometry, check_many, safe_zip_members
from passmap.model import CONTROL_TYPES

TOUCH_M = 0.2  # an opening this close to a unit opens into it
USED = ("manifest", *FEATURE_TYPES)


def read_archive(ctx: ImportContext, path: Path) -> dict[str, list[dict]]:
    """{feature file stem: features} from a zip or a folder, plus 'manifest'."""
    path = Path(path)
    if path.is_dir():
        files = {
            str(p.relative_to(path)): read_bytes_limited(p, ctx.options)
            for p in path.rglob("*")
            if p.is_file() and "__MACOSX" not in p.parts
        }
    else:
        files = safe_zip_members(ctx, read_bytes_limited(path, ctx.options), ctx.options)
    out: dict[str, list[dict]] = {}
    ignored = []
    for name, data in files.items():
        stem = PurePosixPath(name).name.rsplit(".", 1)[0].lower()
        if not name.lower().endswith((".json", ".geojson")):
            ignored.append(name)
            continue
        if stem not in USED:
            ignored.append(name)
            continue
        try:
            doc = json.loads(data)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise ctx.fail(f"{name}: not valid JSON ({exc}).") from None
        out[stem] = [doc] if stem == "manifest" else (doc.get("features") or [])
    if ignored:
        ctx.warn(
            f"ignored {len(ignored)} file(s) PassMap does not use: "
            f"{', '.join(sorted(ignored)[:6])}."
        )
    if "manifest" not in out:
        ctx.warn("no manifest.json; reading the feature files anyway.")
    if not out.get("level") and not out.get("pass_site"):
        raise ctx.fail("no level.geojson in the archive; is this an IMDF archive?")
    return out


def _name(value, ctx=None) -> str | None:
    """The shown name of an IMDF label (English, else the manifest's language, else the first)."""
    return names_of(value, getattr(ctx, "language", None))[0]


def _props_with_names(props: dict | None, value, ctx=None) -> dict | None:
    """Keep every language of an IMDF name (props.names) when there are several."""
    names = names_of(value, getattr(ctx, "language", None))[1]
    if not names:
        return props
    return {**(props or {}), "names": names}


def _ext(feat: dict) -> dict:
    ext = (feat.get("properties") or {}).get("pass")
    return ext if isinstance(ext, dict) else {}


class _Ids:
    """IMDF uuid -> our id (our own id from the extension when present)."""

    def __init__(self):
        self.map: dict[str, str] = {}

    def ours(self, table: str, feat: dict) -> str:
        fid = str(feat.get("id"))
        our = _ext(feat).get("id") or f"imdf-{fid}"
        self.map[fid] = our
        return our


def read_imdf(ctx: ImportContext, path: Path) -> None:
    files = read_archive(ctx, path)
    manifest = (files.get("manifest") or [{}])[0]
    ctx.language = manifest.get("language") if isinstance(manifest, dict) else None
    ids = _Ids()
    campus_of_building, building_of_level = {}, {}
    venues = [_venue(ctx, ids, feat) for feat in files.get("venue", [])]
    default_campus = ctx.options.campus_id or (venues[0] if venues else None)
    footprints = _footprints(ctx, files.get("footprint", []))
    for n, feat in enumerate(files.get("building", []), 1):
        ext, bid = _ext(feat), ids.ours("building", feat)
        cid = ctx.options.campus_id or ext.get("campus_id") or default_campus
        if not cid:
            raise ctx.fail(
                f"building {feat.get('id')}: the archive has no venue; choose the campus "
                "it belongs to (campus id)."
            )
        props = feat.get("properties") or {}
        name = ext.get("name") or _name(props.get("name"), ctx) or _name(props.get("alt_name"), ctx)
        row = {"id": bid, "campus_id": cid, "geom": footprints.get(str(feat.get("id")))}
        row["props"] = ext.get("props") or _props_with_names(None, props.get("name"), ctx)
        row["name"] = name or _unnamed_building(ctx, venues, cid, n)
        ctx.add("building", row, f"building {feat.get('id')}")
        campus_of_building[bid] = cid
    for feat in files.get("level", []):
        props, ext = feat.get("properties") or {}, _ext(feat)
        label = f"level {feat.get('id')}"
        b_uuid = (props.get("building_ids") or [None])[0]
        bid = ext.get("building_id") or ids.map.get(str(b_uuid))
        if bid is None:
            raise ctx.fail(f"{label}: refers to unknown building {b_uuid!r}.")
        lid = ids.ours("level", feat)
        geom = check_geometry(ctx, feat["geometry"], label) if feat.get("geometry") else None
        ctx.add(
            "level",
            {
                "id": lid,
                "building_id": bid,
                "ordinal": int(props.get("ordinal") or 0),
                "name": ext.get("name") or _name(props.get("name"), ctx) or lid,
                "geom": geom,
                "props": ext.get("props") or _props_with_names(None, props.get("name"), ctx),
            },
            label,
        )
        building_of_level[lid] = bid
    where = {"campus": campus_of_building, "level": building_of_level}
    _units(ctx, ids, files.get("unit", []), where)
    _openings(ctx, ids, files.get("opening", []), where)
    details = files.get("detail", [])
    walls = [f for f in details if _ext(f).get("table") == "wall"]
    _walls(ctx, ids, walls, where)
    files["detail"] = [f for f in details if _ext(f).get("table") != "wall"]
    for ftype in ("amenity", "fixture", "detail"):
        _controls(ctx, ids, ftype, files.get(ftype, []), where)
    if files.get("pass_site"):
        from passmap.importers.geojson_mapped import read_project_features

        read_project_features(ctx, "pass_site.geojson", files["pass_site"])


def _venue(ctx, ids, feat) -> None:
    ext = _ext(feat)
    cid = ctx.options.campus_id or ids.ours("campus", feat)
    ids.map[str(feat.get("id"))] = cid
    if ctx.store is not None and ctx.store.get("campus", cid):
        return cid  # re-importing a venue already in the database: its campus stays
    dist = ext.get("district") or {}
    did = dist.get("id") or ext.get("district_id") or "imported"
    if not ctx.has("district", did) and (ctx.store is None or not ctx.store.get("district", did)):
        ctx.add(
            "district",
            {
                "id": did,
                "name": dist.get("name") or "Imported",
                "state": dist.get("state"),
                "props": dist.get("props"),
            },
        )
    geom = (
        check_geometry(ctx, feat["geometry"], f"venue {feat.get('id')}")
        if feat.get("geometry")
        else None
    )
    keep = ("school_type", "address", "students", "props")
    ctx.add(
        "campus",
        {
            "id": cid,
            "district_id": did,
            "geom": geom,
            "name": ext.get("name") or _name(feat["properties"].get("name"), ctx) or cid,
            **{k: ext.get(k) for k in keep},
        },
        f"venue {feat.get('id')}",
    )
    return cid


def _unnamed_building(ctx, venues: list, cid: str, n: int) -> str:
    """A name for an IMDF building without one: the venue's name and its place in the file
    (never its UUID, which is all a picker would otherwise show)."""
    campus = next((r for r in ctx.bundle["campus"] if r["id"] == cid), None)
    if campus is None and ctx.store is not None:
        campus = ctx.store.get("campus", cid)
    return f"{(campus or {}).get('name') or 'Building'} {n}"


def _walls(ctx, ids, feats, where) -> None:
    for feat in feats:
        props, ext, label = feat.get("properties") or {}, _ext(feat), f"detail {feat.get('id')}"
        cid, bid, lid = _placement(ctx, ids, props, ext, where, label)
        geom = check_geometry(ctx, feat["geometry"], label)
        row = {"id": ids.ours("wall", feat), "campus_id": cid, "building_id": bid}
        ctx.add("wall", row | {"level_id": lid, "geom": geom, "props": ext.get("props")}, label)


def _footprints(ctx, feats) -> dict[str, object]:
    out: dict[str, list] = {}
    for feat in feats:
        props = feat.get("properties") or {}
        if props.get("category", "ground") != "ground" or not feat.get("geometry"):
            continue
        geom = check_geometry(ctx, feat["geometry"], f"footprint {feat.get('id')}")
        for b in props.get("building_ids") or []:
            out.setdefault(str(b), []).append(geom)
    return {k: v[0] if len(v) == 1 else shapely.union_all(v) for k, v in out.items()}


def _placement(ctx, ids, props, ext, where, label) -> tuple[str, str, str]:
    lid = ext.get("level_id") or ids.map.get(str(props.get("level_id")))
    if lid is None or lid not in where["level"]:
        raise ctx.fail(f"{label}: unknown level {props.get('level_id')!r}.")
    bid = where["level"][lid]
    return where["campus"][bid], bid, lid


def _geoms(ctx, ftype: str, feats) -> list:
    missing = next((f for f in feats if not f.get("geometry")), None)
    if missing is not None:
        raise ctx.fail(f"{ftype} {missing.get('id')}: has no geometry.")
    return check_many(
        ctx, [f["geometry"] for f in feats], [f"{ftype} {f.get('id')}" for f in feats]
    )


def _units(ctx, ids, feats, where) -> None:
    odd = set()
    geoms = _geoms(ctx, "unit", feats)
    for feat, geom in zip(feats, geoms):
        props, ext, label = feat.get("properties") or {}, _ext(feat), f"unit {feat.get('id')}"
        cid, bid, lid = _placement(ctx, ids, props, ext, where, label)
        name = ext.get("name") or _name(props.get("name"), ctx)
        kinds = ctx.options.zone_kind_map
        kind = (
            ext.get("kind")
            or named_kind(name, kinds)  # a --kinds key in the unit's name
            or zone_kind(props.get("category"), kinds)
        )
        if not ext and kind == "other" and props.get("category") not in ("room", "unspecified"):
            odd.add(str(props.get("category")))
        ctx.add(
            "zone",
            {
                "id": ids.ours("zone", feat),
                "campus_id": cid,
                "building_id": bid,
                "level_id": lid,
                "kind": kind,
                "name": name,
                "room_number": ext.get("room_number") or _name(props.get("alt_name"), ctx),
                "geom": geom,
                "props": ext.get("props")
                if ext
                else _props_with_names(
                    {"imdf_category": props.get("category")}, props.get("name"), ctx
                ),
            },
            label,
        )
    if odd:
        ctx.warn(
            f"unit categories {', '.join(sorted(odd))} have no zone kind; stored as "
            "'other' (map them with zone_kind_map)."
        )


def _openings(ctx, ids, feats, where) -> None:
    geoms = _geoms(ctx, "opening", feats)
    rows = []
    for feat, geom in zip(feats, geoms):
        props, ext, label = feat.get("properties") or {}, _ext(feat), f"opening {feat.get('id')}"
        cid, bid, lid = _placement(ctx, ids, props, ext, where, label)
        row = {
            "id": ids.ours("opening", feat),
            "campus_id": cid,
            "building_id": bid,
            "level_id": lid,
            "geom": geom,
        }
        if ext:
            keep = (
                "door_class",
                "number",
                "lock_function",
                "lock_inside_operable",
                "monitored",
                "glazing_protection",
                "zone_id",
                "to_zone_id",
                "props",
            )
            row.update({k: ext.get(k) for k in keep})
        rows.append((row, props, ext, label))
    touching = _touching(ctx, [r for r, _, ext, _ in rows if not ext])
    for row, props, ext, label in rows:
        if not ext:
            row.update(_infer_door(props, touching.get(row["id"], [])))
        ctx.add("opening", row, label)


def _touching(ctx, rows: list[dict]) -> dict[str, list[dict]]:
    """Opening id -> the zones of its level within 20 cm (one bulk STRtree query, in metres)."""
    if not rows or not ctx.bundle["zone"]:
        return {}
    zones = ctx.bundle["zone"]
    zone_geoms = np.array([z["geom"] for z in zones], dtype=object)
    lat = float(np.mean(shapely.bounds(zone_geoms)[:, [1, 3]]))
    tree = shapely.STRtree(to_local_m(zone_geoms, lat))
    doors = to_local_m(np.array([r["geom"] for r in rows], dtype=object), lat)
    src, dst = tree.query(doors, predicate="dwithin", distance=TOUCH_M)
    out: dict[str, list[dict]] = {}
    for i, j in sorted(zip(src.tolist(), dst.tolist())):
        row, zone = rows[i], zones[j]
        if zone["level_id"] == row["level_id"]:
            out.setdefault(row["id"], []).append(zone)
    return out


def _infer_door(props, touching: list[dict]) -> dict:
    category = str(props.get("category") or "")
    exterior = len(touching) < 2
    kinds = {z["kind"] for z in touching}
    door_class = (
        "exterior-primary"
        if category.endswith("principal")
        else "exterior-secondary"
        if exterior
        else "classroom"
        if "classroom" in kinds
        else "interior"
    )
    access = props.get("access_control") or []
    return {
        "door_class": door_class,
        "number": _name(props.get("name")),
        "zone_id": touching[0]["id"] if touching else None,
        "to_zone_id": touching[1]["id"] if len(touching) > 1 else None,
        "lock_function": "electrified" if access else None,
        "props": {"imdf": {k: props.get(k) for k in ("category", "door", "access_control")}},
    }


def _controls(ctx, ids, ftype, feats, where) -> None:
    unmatched = set()
    zone_level = {r["id"]: r for r in ctx.bundle["zone"]}
    for feat in feats:
        props, ext, label = feat.get("properties") or {}, _ext(feat), f"{ftype} {feat.get('id')}"
        ctype = ext.get("type") or props.get("passmap:type") or control_type(props.get("category"))
        if ctype is None or ctype not in CONTROL_TYPES:
            unmatched.add(f"{ftype}:{props.get('category')}")
            continue
        if ext.get("level_id"):
            cid, bid, lid = _placement(ctx, ids, props, ext, where, label)
            zid = ext.get("zone_id")
        else:
            unit = ids.map.get(str((props.get("unit_ids") or [None])[0]))
            z = zone_level.get(unit) if unit else None
            if z is None:
                unmatched.add(f"{ftype}:{props.get('category')} (no unit)")
                continue
            cid, bid, lid, zid = z["campus_id"], z["building_id"], z["level_id"], z["id"]
        keep = (
            "name",
            "opening_id",
            "bearing_deg",
            "fov_deg",
            "range_m",
            "external_id",
            "installed_on",
            "last_tested_on",
            "procedure_doc",
            "attrs",
        )
        row = {k: ext.get(k) for k in keep}
        row.update(
            {
                "id": ids.ours("control", feat),
                "campus_id": cid,
                "building_id": bid,
                "level_id": lid,
                "zone_id": zid,
                "type": ctype,
                "name": row["name"] or _name(props.get("name"), ctx),
                "geom": check_geometry(ctx, feat["geometry"], label),
            }
        )
        ctx.add("control", row, label)
    if unmatched:
        ctx.warn(
            f"{len(unmatched)} {ftype} categor(ies) not mapped to controls: "
            f"{', '.join(sorted(unmatched)[:5])}."
        )


__all__ = ["read_imdf", "read_archive", "slug"]
