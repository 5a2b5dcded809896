"""Plain features (GeoJSON, Shapefile, GeoPackage, FlatGeobuf) with a property mapping.

Polygons become rooms, points controls and door-like lines openings on the chosen building;
campus grounds (fences, gates, parking, drives, fields, paths) become their own kinds, never
doors. Several files in one command are one level each (the floor number read from the file
name when it has one: ``floor-2.geojson`` -> 2). Coordinates in a declared CRS are reprojected
to WGS84 with pyproj.

>>> level_from_name("westport-floor-2"), level_from_name("planta_baja"), level_from_name("B1")
(2, 0, -1)
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import shapely
from pyproj import CRS, Transformer
from pyproj.exceptions import CRSError

from passmap.importers.base import ImportContext
from passmap.importers.campus_features import READ_KEYS, as_zone_geometry, classify
from passmap.importers.hierarchy import ensure_building, ensure_level
from passmap.importers.kinds import named_kind, zone_kind
from passmap.importers.labels import split_label
from passmap.importers.validate import LINEAL, POLYGONAL, check_geometry, geom_types, sound
from passmap.model import CONTROL_TYPES

GROUND_NAMES = r"ground|gf|rdc|rez|planta[- ]?baja|pb|erdgeschoss|eg"
DOOR_LENGTH_M = (0.4, 4.0)


def level_from_name(stem: str) -> int | None:
    """A floor number in a file name: floor-2, level_1, L3, -1, B1 (basement), ground, gf."""
    low = stem.lower().replace("_", "-")
    if re.search(rf"(?<![a-z])(?:{GROUND_NAMES})(?![a-z])", low):
        return 0
    m = re.search(r"(?<![a-z])b(\d)(?!\d)", low)
    if m:
        return -int(m.group(1))
    m = re.search(r"(?:floor|level|lvl|etage|planta|piso|niveau|l|f)[- ]?(-?\d{1,2})(?!\d)", low)
    if m:
        return int(m.group(1))
    return None


def to_wgs84(ctx: ImportContext, crs_text: str | None, geoms: list, fname: str) -> list:
    """Reproject shapely geometries from a declared CRS (None or WGS84: unchanged)."""
    if not crs_text:
        return geoms
    try:
        crs = CRS.from_user_input(crs_text)
    except CRSError:
        raise ctx.fail(f"{fname}: unknown coordinate reference system {crs_text!r}.") from None
    if crs.equals(CRS.from_epsg(4326), ignore_axis_order=True) or crs == CRS("OGC:CRS84"):
        return geoms
    t = Transformer.from_crs(crs, "EPSG:4326", always_xy=True)

    def fn(c):
        return np.column_stack(t.transform(c[:, 0], c[:, 1]))

    ctx.warn(f"{fname}: reprojected from {crs.name} to WGS84 lon/lat.")
    return list(shapely.transform(np.array(geoms, dtype=object), fn))  # every vertex at once


def geojson_crs(doc: dict) -> str | None:
    """The CRS a GeoJSON file declares (the 2008 ``crs`` member GDAL and QGIS still write)."""
    crs = doc.get("crs")
    if isinstance(crs, dict):
        name = (crs.get("properties") or {}).get("name")
        return str(name) if name else None
    return None


def read_plain_files(ctx: ImportContext, files: list[tuple[str, list[dict]]]) -> None:
    """``files``: (file name, [feature dicts with shapely or GeoJSON geometry]) each."""
    opts = ctx.options
    name = opts.building_name or opts.building_id or Path(files[0][0]).stem
    bid, cid = ensure_building(ctx, name)
    levels = levels_for_files(ctx, bid, [f for f, _ in files])
    for (fname, feats), lid in zip(files, levels):
        geoms = [f.get("geometry") for f in feats]
        stem, ok = Path(fname).stem, sound(geoms).tolist()
        shaped = [isinstance(g, shapely.Geometry) for g in geoms]
        types = geom_types(g if s else None for g, s in zip(geoms, shaped))
        file = _File(ctx, fname, stem, (cid, bid, lid))
        for i, feat in enumerate(feats):
            gtype = types[i] if shaped[i] and ok[i] else None  # else: the one checked below
            _feature(ctx, file, i, feat, ok[i], gtype)


def levels_for_files(ctx: ImportContext, bid: str, names: list[str]) -> list[str]:
    """One level per file: the floor number in its name (or in file order), or the options'
    level for a single file."""
    opts = ctx.options
    if len(names) == 1:
        return [ensure_level(ctx, bid, opts.level_ordinal, opts.level_name, opts.level_id)]
    if opts.level_id:
        raise ctx.fail("several files are one level each; leave the level id empty.")
    found = [level_from_name(Path(n).stem) for n in names]
    if None in found or len(set(found)) < len(found):
        found = [opts.level_ordinal + i for i in range(len(names))]
    out = []
    for n, ordinal in zip(names, found):
        out.append(ensure_level(ctx, bid, ordinal, f"Level {ordinal}"))
        ctx.warn(f"{n}: level {ordinal}.")
    return out


FIELDS = ("id", "name", "kind", "room_number", "door_class", "number", "type")


class _File:
    """What the features of one file share: its names and level, the source column each of our
    fields reads (``column_map``), and which property-name sets hold a tag ``classify`` reads
    (a GIS layer's rows all have the same columns: asked once, not once a row)."""

    def __init__(self, ctx: ImportContext, fname: str, stem: str, ids: tuple):
        self.fname, self.stem = fname, stem
        self.cid, self.bid, self.lid = ids
        cmap = ctx.options.column_map
        self.col = {f: cmap.get(f, f) for f in FIELDS}
        self._tagged: dict[tuple, bool] = {}

    def tagged(self, props: dict) -> bool:
        names = tuple(props)
        found = self._tagged.get(names)
        if found is None:
            found = self._tagged[names] = any(
                k in READ_KEYS or (k.lower() if isinstance(k, str) else str(k).lower()) in READ_KEYS
                for k in names
            )
        return found


def _feature(ctx, file: _File, i, feat, sound: bool, gtype: str | None = None) -> None:
    """``gtype``: the geometry's type when it is already known sound (``geom_types``)."""
    cid, bid, lid, col = file.cid, file.bid, file.lid, file.col
    props = feat.get("properties") or {}
    fid = str(props.get(col["id"]) or f"{file.stem}-{i}")
    geom = feat.get("geometry")
    if geom is None:
        ctx.warn(f"{file.fname} feature {fid}: has no geometry; skipped.")
        return
    if not sound:
        geom = check_geometry(ctx, geom, f"{file.fname} feature {fid}")
    gtype = gtype or geom.geom_type
    source = {k: v for k, v in props.items() if v is None or type(v) in _JSON_TYPES}
    if len(source) < len(props):  # a subclass (numpy.str_...) or a value JSON cannot hold
        source = {k: v for k, v in props.items() if _jsonable(v)}
    src = {"source": source}
    what = classify(props, gtype) if file.tagged(props) else None  # else: no tag it reads
    if what and what[0] == "zone":
        zone = {"id": fid, "campus_id": cid, "kind": what[1], "name": props.get(col["name"])}
        zone |= {"props": src, "geom": as_zone_geometry(geom, what[1])}
        ctx.add("zone", zone, f"{file.fname} feature {fid}")
        return
    if what and what[0] == "control":
        row = {"id": fid, "campus_id": cid, "type": what[1], "name": props.get(col["name"])}
        ctx.add("control", row | {"attrs": src, "geom": geom}, f"{file.fname} feature {fid}")
        return
    if gtype in POLYGONAL:  # a room, most rows of a plan: one dict, no label made
        name = props.get(col["name"])
        number, name = split_label([name]) if name else (None, None)
        kinds = ctx.options.zone_kind_map  # a --kinds key in the name wins over the file's kind
        kind = named_kind(name, kinds) or zone_kind(props.get(col["kind"]) or name or number, kinds)
        number = _str(props.get(col["room_number"])) or number
        room = {"id": fid, "campus_id": cid, "building_id": bid, "level_id": lid, "geom": geom}
        ctx.add("zone", room | {"kind": kind, "name": name, "room_number": number, "props": src})
        return
    label = f"{file.fname} feature {fid}"
    base = {"id": fid, "campus_id": cid, "building_id": bid, "level_id": lid, "geom": geom}
    if gtype in LINEAL:
        if not (what or _door_sized(geom)):
            ctx.warn(f"{label}: a line that is neither a door nor a campus feature; skipped.")
            return
        door_class = props.get(col["door_class"]) or "interior"
        base |= {"door_class": door_class, "number": _str(props.get(col["number"]))}
        ctx.add("opening", base | {"props": src}, label)
    else:
        ctype = str(props.get(col["type"]) or "other").lower()
        if ctype not in CONTROL_TYPES:
            ctx.warn(f"{label}: control type {ctype!r} unknown; stored as 'other'.")
            ctype = "other"
        ctx.add(
            "control", base | {"type": ctype, "name": props.get(col["name"]), "attrs": src}, label
        )


def _door_sized(geom) -> bool:
    """A line of door length (0.4-4 m): a door drawn as a line in a plain file."""
    lat = geom.centroid.y
    kx = 111_320 * math.cos(math.radians(lat))
    metres = shapely.transform(geom, lambda c: c * [kx, 110_574])
    return DOOR_LENGTH_M[0] <= metres.length <= DOOR_LENGTH_M[1]


_JSON_TYPES = frozenset({str, int, float, bool, list, dict})


def _jsonable(v) -> bool:
    return v is None or isinstance(v, (str, int, float, bool, list, dict))


def _str(v):
    return None if v is None or v == "" else str(v)
