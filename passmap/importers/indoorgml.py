"""OGC IndoorGML (1.0 / 1.1) -> rooms, corridors, doors on levels of one building.

Cells (``CellSpace``, ``GeneralSpace``, ``TransitionSpace``...) with a 2D polygon or a 3D solid
become zones (a solid's floor: its lowest face); ``ConnectionSpace`` cells and connection
boundaries become doors, ``AnchorSpace`` cells exterior doors. The level is the cell's
``level``/``storey`` element when present, else the floor height of a 3D cell, else 0.
Coordinates in a declared CRS are reprojected; coordinates in drawing or pixel units are placed
by control points (``--georef x,y,lon,lat;...``) or by corners like an image (y down).

The XML is parsed with lxml with entities, DTDs and network access off (no XML bombs, no XXE).
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Polygon

from passmap.importers.base import ImportContext, read_bytes_limited, slug
from passmap.importers.dxf_clean import repair_room
from passmap.importers.georef import corners_to_points, fit_transform
from passmap.importers.hierarchy import ensure_building, ensure_level
from passmap.importers.kinds import zone_kind
from passmap.importers.labels import split_label
from passmap.importers.plain import to_wgs84
from passmap.importers.validate import plausible_lonlat

ROOMS = ("CellSpace", "GeneralSpace", "NavigableSpace", "NonNavigableSpace")
CORRIDORS = ("TransitionSpace",)
DOORS = ("ConnectionSpace", "AnchorSpace")
BOUNDARIES = ("ConnectionBoundary", "AnchorBoundary")


def _local(tag) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def parse_xml(ctx: ImportContext, path: Path):
    from lxml import etree

    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        return etree.fromstring(read_bytes_limited(path, ctx.options), parser)
    except etree.XMLSyntaxError as exc:
        line = getattr(exc, "lineno", "?")
        raise ctx.fail(f"{path.name}: not well-formed XML (line {line}).") from None


def _pos_list(el) -> np.ndarray:
    """Coordinates of a gml:posList / gml:pos sequence as an (n, dim) array."""
    lists = [e for e in el.iter() if _local(e.tag) == "posList"]
    if lists:
        dim = int(lists[0].get("srsDimension") or lists[0].get("dimension") or 0) or None
        vals = np.array(lists[0].text.split(), dtype=float)
    else:
        pos = [e for e in el.iter() if _local(e.tag) == "pos"]
        rows = [np.array(p.text.split(), dtype=float) for p in pos]
        if not rows:
            return np.empty((0, 2))
        return np.vstack(rows)
    if dim is None:
        dim = 3 if len(vals) % 3 == 0 and len(vals) % 2 else 2
        if len(vals) % 6 == 0:  # both fit: 3D when every third value repeats a floor height
            z = vals[2::3]
            dim = 3 if np.ptp(z) < 0.01 * (np.ptp(vals) or 1) else 2
    return vals.reshape(-1, dim)


def _rings(el) -> list[np.ndarray]:
    return [_pos_list(r) for r in el.iter() if _local(r.tag) == "LinearRing"]


def _cell_geometry(cell):
    """(2D polygon, floor z or None) of a cell: its 2D polygon or its solid's lowest face."""
    for el in cell.iter():
        name = _local(el.tag)
        if name == "Polygon" and not any(_local(a.tag) == "Solid" for a in el.iterancestors()):
            rings = _rings(el)
            if rings and len(rings[0]) >= 3:
                z = float(rings[0][:, 2].min()) if rings[0].shape[1] > 2 else None
                return Polygon(rings[0][:, :2], [r[:, :2] for r in rings[1:]]), z
        if name == "Solid":
            faces = [r for r in _rings(el) if len(r) >= 3 and r.shape[1] > 2]
            flat = [r for r in faces if np.ptp(r[:, 2]) < 1e-6]
            if flat:
                low = min(flat, key=lambda r: r[0, 2])
                return Polygon(low[:, :2]), float(low[0, 2])
    return None, None


def _text(cell, names: tuple[str, ...]) -> str | None:
    for el in cell:
        if _local(el.tag) in names and el.text and el.text.strip():
            return el.text.strip()
    return None


def _srs(root) -> str | None:
    for el in root.iter():
        srs = el.get("srsName") if hasattr(el, "get") else None
        if srs:
            return srs
    return None


def read_indoorgml(ctx: ImportContext, path: Path) -> None:
    root = parse_xml(ctx, Path(path))
    cells, doors = [], []
    for el in root.iter():
        name = _local(el.tag)
        if name in ROOMS + CORRIDORS + DOORS:
            fid = cell_id(el) or f"c{len(cells)}"
            geom, z = read_cell(ctx, Path(path).name, el)
            if geom is None:
                continue
            level = _text(el, ("level", "storey", "floor"))
            row = (fid, name, geom, z, level, _label_texts(el))
            (doors if name in DOORS else cells).append(row)
        elif name in BOUNDARIES:
            fid = el.get("{http://www.opengis.net/gml/3.2}id") or f"b{len(doors)}"
            line = _read(ctx, f"{Path(path).name} boundary {fid}", _boundary_line, el)
            if line is not None:
                doors.append((fid, name, line, None, _text(el, ("level", "storey")), []))
    if not cells:
        raise ctx.fail(f"{Path(path).name}: no IndoorGML cells (CellSpace) with a geometry.")
    _place(ctx, Path(path), root, cells, doors)


def cell_id(el) -> str | None:
    return el.get("{http://www.opengis.net/gml/3.2}id") or el.get("id")


def read_cell(ctx: ImportContext, fname: str, el):
    """(2D polygon, floor z) of a cell, or a sentence naming it when its coordinates are not
    numbers."""
    return _read(ctx, f"{fname} cell {cell_id(el) or '?'}", _cell_geometry, el)


def _read(ctx: ImportContext, label: str, reader, el):
    """``reader(el)``, a coordinate list that is not numbers (or too short for its shape)
    refused in one sentence naming the cell."""
    try:
        return reader(el)
    except (ValueError, shapely.errors.GEOSException) as exc:
        raise ctx.fail(f"{label}: unreadable coordinates ({exc}).") from None


def _label_texts(cell) -> list[str]:
    return [t for t in (_text(cell, ("name",)), _text(cell, ("description",))) if t]


def _boundary_line(el):
    for g in el.iter():
        if _local(g.tag) == "LineString":
            c = _pos_list(g)
            if len(c) >= 2:
                return LineString(c[:, :2])
    return None


def _transform(ctx: ImportContext, path: Path, root, geoms: list) -> list:
    srs = _srs(root)
    b = shapely.total_bounds(np.array(geoms, dtype=object))
    if srs and not re.search(r"4326|CRS84", srs):
        return to_wgs84(ctx, srs, geoms, path.name)
    if srs and "4326" in srs and not plausible_lonlat(shapely.box(*b)):
        return [shapely.transform(g, lambda c: c[:, ::-1]) for g in geoms]  # GML lat, lon
    if plausible_lonlat(shapely.box(*b)) and not (ctx.options.georef or ctx.options.corners):
        return geoms
    points = list(ctx.options.georef)
    if not points and ctx.options.corners:
        try:
            points = corners_to_points(tuple(b), ctx.options.corners, y_down=True)
        except ValueError as exc:
            raise ctx.fail(str(exc)) from None
    if not points:
        raise ctx.fail(
            f"{path.name}: coordinates are in drawing or pixel units; place the plan with "
            "control points (x,y,lon,lat) or its corners."
        )
    try:
        t = fit_transform(points)
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    ctx.warn(f"{path.name}: placed by {len(points)} control point(s), RMS {t.rms_m:.2f} m.")
    return list(t.apply(np.array(geoms, dtype=object)))


def _levels(cells, doors) -> dict[int, int]:
    """Row index -> ordinal: explicit level text, else rank of the floor height, else 0."""
    rows = cells + doors
    heights = sorted({round(r[3], 2) for r in rows if r[3] is not None and r[4] is None})
    out = {}
    for i, r in enumerate(rows):
        if r[4] is not None and re.fullmatch(r"-?\d+", r[4]):
            out[i] = int(r[4])
        elif r[3] is not None and heights:
            out[i] = heights.index(round(r[3], 2))
        else:
            out[i] = 0
    return out


def _place(ctx: ImportContext, path: Path, root, cells, doors) -> None:
    rows = cells + doors
    geoms = _transform(ctx, path, root, [r[2] for r in rows])
    ordinals = _levels(cells, doors)
    name = ctx.options.building_name or path.stem
    bid, cid = ensure_building(ctx, name)
    lids: dict[int, str] = {}
    for i, (fid, kind, _, _, _, texts) in enumerate(rows):
        ordinal = ordinals[i]
        if ordinal not in lids:
            lids[ordinal] = ensure_level(ctx, bid, ordinal, f"Level {ordinal}")
        base = {"id": f"igml-{slug(fid)}", "campus_id": cid, "building_id": bid}
        base |= {"level_id": lids[ordinal]}
        label = f"{path.name} cell {fid}"
        g = geoms[i]
        if kind in DOORS or kind in BOUNDARIES:
            line = g if g.geom_type == "LineString" else _door_line(g)
            door_class = "exterior-secondary" if kind.startswith("Anchor") else "interior"
            ctx.add("opening", base | {"door_class": door_class, "geom": line}, label)
            continue
        number, name_ = split_label(texts)
        kind_ = (
            "corridor"
            if kind in CORRIDORS
            else zone_kind(name_ or number, ctx.options.zone_kind_map)
        )
        g = repair_room(ctx, g, label)
        if g is None:
            continue
        row = {"kind": kind_, "name": name_, "room_number": number, "geom": g}
        ctx.add("zone", base | row, label)


def _door_line(poly):
    from passmap.importers.wrld import _centre_line

    return _centre_line(poly)
