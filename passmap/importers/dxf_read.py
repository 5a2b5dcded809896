"""Reading a DXF into plain records, through GDAL (pyogrio, fast) or ezdxf (fallback).

Both readers give the same records (handle, layer, kind, geometry in drawing units, text,
block reference) so the importer does not care which one ran. GDAL's DXF driver parses a
50,000-entity drawing ~7x faster than ezdxf (bench/RESULTS.md); ezdxf reads what GDAL refuses.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import LineString, Point, Polygon


@dataclass
class Rec:
    handle: str
    layer: str
    kind: str  # line | polyline | curve | text | insert | other
    geom: object  # shapely, drawing units, 2D
    text: str | None = None
    block: str | None = None
    angle_deg: float = 0.0
    scale: tuple[float, float] = (1.0, 1.0)


@dataclass
class Drawing:
    layers: list[str]
    insunits: int
    records: list[Rec]
    block_sizes: dict[str, tuple[float, float]] = field(default_factory=dict)
    reader: str = "gdal"


def read_header(path: Path, limit_bytes: int = 2_000_000) -> dict[str, str]:
    """$ACADVER, $INSUNITS and $DWGCODEPAGE from the HEADER section, without parsing the rest."""
    with open(path, "rb") as fh:
        lines = fh.read(limit_bytes).decode("latin-1").splitlines()
    out: dict[str, str] = {}
    for i, line in enumerate(lines):
        key = line.strip()
        if key in ("$ACADVER", "$INSUNITS", "$DWGCODEPAGE") and i + 2 < len(lines):
            out[key] = lines[i + 2].strip()
        if key == "ENDSEC":
            break
    return out


def header_insunits(path: Path) -> int:
    """$INSUNITS (0 when absent or unreadable)."""
    try:
        return int(read_header(path).get("$INSUNITS", "0"))
    except ValueError:
        return 0


def is_utf8_version(acadver: str | None) -> bool:
    """DXF R2007 (AC1021) and later are UTF-8 whatever $DWGCODEPAGE says; older files use the
    code page. GDAL applies the code page to every version (garbling 'Pièces' in R2018 files),
    so the reader tells it UTF-8 for the new versions.

    >>> is_utf8_version("AC1032"), is_utf8_version("AC1015"), is_utf8_version(None)
    (True, False, False)
    """
    return bool(acadver) and acadver.upper() >= "AC1021"


_UNICODE_ESCAPE = re.compile(r"\\U\+([0-9A-Fa-f]{4})")


def decode_text(text):
    r"""DXF ``\U+XXXX`` escapes (written for characters outside the code page) -> characters.

    >>> decode_text(r"A\U+5899\U+4f53")
    'A墙体'
    """
    if not isinstance(text, str) or "\\U+" not in text:
        return text
    return _UNICODE_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


def _kind(subclasses: str | None) -> str:
    s = subclasses or ""
    if "AcDbBlockReference" in s:
        return "insert"
    if "AcDbText" in s or "AcDbMText" in s:
        return "text"
    if "AcDbHatch" in s:
        return "other"
    if "AcDbPolyline" in s or "AcDb2dPolyline" in s:
        return "polyline"
    if "AcDbLine" in s:
        return "line"
    if "AcDbCircle" in s or "AcDbEllipse" in s or "AcDbSpline" in s:
        return "curve"
    return "other"


def _closed_polylines_as_polygons(geoms, kinds):
    """Closed polylines (rooms) as polygons, every one at once (GDAL gives them as lines)."""
    geoms = np.asarray(geoms, dtype=object)
    closed = (
        (kinds == "polyline")
        & (shapely.get_type_id(geoms) == 1)  # LineString
        & shapely.is_closed(geoms)
        & (shapely.get_num_coordinates(geoms) >= 4)
    )
    if closed.any():
        xy, index = shapely.get_coordinates(geoms[closed], return_index=True)
        rings = shapely.linearrings(xy, indices=index)
        geoms = geoms.copy()
        geoms[closed] = shapely.polygons(rings)
    return geoms


def read_gdal(path: Path) -> Drawing:
    import warnings

    import pyogrio

    header = read_header(path)
    config = {"DXF_INLINE_BLOCKS": "FALSE"}  # INSERTs as points
    config["DXF_ENCODING"] = "UTF-8" if is_utf8_version(header.get("$ACADVER")) else None
    before = {k: pyogrio.get_gdal_config_option(k) for k in config}
    pyogrio.set_gdal_config_options(config)
    try:
        with warnings.catch_warnings():  # GDAL's notes on hatch polygons it reorganises
            warnings.simplefilter("ignore", RuntimeWarning)
            frame = pyogrio.read_dataframe(path, layer="entities")
            blocks = pyogrio.read_dataframe(path, layer="blocks")
    finally:
        pyogrio.set_gdal_config_options(before)
    extents: dict[str, list[float]] = {}
    for name, geom in zip(blocks["Block"], blocks.geometry):  # one row per block entity
        if name and geom is not None and not geom.is_empty:
            x0, y0, x1, y1 = geom.bounds
            e = extents.setdefault(name, [x0, y0, x1, y1])
            e[:] = [min(e[0], x0), min(e[1], y0), max(e[2], x1), max(e[3], y1)]
    sizes = {n: (e[2] - e[0], e[3] - e[1]) for n, e in extents.items()}
    kinds = frame["SubClasses"].map(_kind)
    geoms = _closed_polylines_as_polygons(shapely.force_2d(frame.geometry.values), kinds.to_numpy())
    recs = []
    layer_names = {n: decode_text(n) for n in frame["Layer"].dropna().unique()}
    cols = zip(
        frame["EntityHandle"],
        frame["Layer"].map(layer_names),
        kinds,
        frame["Text"].map(decode_text),
        frame["BlockName"].map(decode_text),
        frame["BlockAngle"],
        frame["BlockScale"],
        geoms,
    )
    for handle, layer, kind, text, block, angle, scale, geom in cols:
        sx, sy = (float(scale[0]), float(scale[1])) if scale is not None else (1.0, 1.0)
        recs.append(
            Rec(
                str(handle),
                str(layer),
                kind,
                geom,
                text,
                block,
                float(angle) if angle == angle and angle is not None else 0.0,
                (sx, sy),
            )
        )
    sizes = {decode_text(n): v for n, v in sizes.items()}
    insunits = int(header["$INSUNITS"]) if header.get("$INSUNITS", "").isdigit() else 0
    return Drawing(sorted(set(layer_names.values())), insunits, recs, sizes)


def _xy(v) -> tuple[float, float]:
    return (float(v[0]), float(v[1]))


def _ezdxf_geom(e):
    kind = e.dxftype()
    if kind == "LINE":
        return "line", LineString([_xy(e.dxf.start), _xy(e.dxf.end)])
    if kind in ("LWPOLYLINE", "POLYLINE"):
        pts = (
            [_xy(p) for p in e.get_points("xy")]
            if kind == "LWPOLYLINE"
            else [_xy(v.dxf.location) for v in e.vertices]
        )
        closed = e.closed if kind == "LWPOLYLINE" else e.is_closed
        if len(pts) < 2:
            return "other", None
        return "polyline", Polygon(pts) if closed and len(pts) >= 3 else LineString(pts)
    if kind in ("ARC", "CIRCLE", "ELLIPSE", "SPLINE"):
        size = getattr(e.dxf, "radius", None) or (
            e.dxf.major_axis.magnitude if kind == "ELLIPSE" else 100.0
        )
        return "curve", LineString([_xy(p) for p in e.flattening(max(size * 0.002, 1e-6))])
    return "other", None


def _ezdxf_rec(e, kind: str, geom, **kw) -> Rec:
    """An ezdxf entity as a Rec: its handle and decoded layer name, with ``kind`` and ``geom``."""
    return Rec(e.dxf.handle, decode_text(e.dxf.layer), kind, geom, **kw)


def read_ezdxf(path: Path) -> Drawing:
    import ezdxf
    from ezdxf import bbox

    doc = ezdxf.readfile(str(path))
    recs, sizes = [], {}
    for e in doc.modelspace():
        kind = e.dxftype()
        if kind in ("TEXT", "MTEXT"):
            text = e.plain_text() if kind == "MTEXT" else e.dxf.text
            recs.append(_ezdxf_rec(e, "text", Point(_xy(e.dxf.insert)), text=decode_text(text)))
        elif kind == "INSERT":
            name = e.dxf.name
            if decode_text(name) not in sizes:
                box = bbox.extents(doc.blocks.get(name), fast=True)
                sizes[decode_text(name)] = (box.size.x, box.size.y) if box.has_data else (0.0, 0.0)
            recs.append(
                _ezdxf_rec(
                    e,
                    "insert",
                    Point(_xy(e.dxf.insert)),
                    block=decode_text(name),
                    angle_deg=float(e.dxf.rotation),
                    scale=(float(e.dxf.xscale), float(e.dxf.yscale)),
                )
            )
        else:
            k, g = _ezdxf_geom(e)
            recs.append(_ezdxf_rec(e, k, g))
    layers = sorted(decode_text(layer.dxf.name) for layer in doc.layers)
    return Drawing(layers, int(doc.header.get("$INSUNITS", 0)), recs, sizes, "ezdxf")


def read_drawing(path: Path) -> Drawing:
    """GDAL first; ezdxf when GDAL cannot read the file. Raises ValueError for an unreadable one."""
    from ezdxf import DXFError

    try:
        return read_gdal(path)
    # pyogrio's errors are RuntimeErrors; a broken encoding is a UnicodeDecodeError
    except (RuntimeError, ValueError, KeyError) as gdal_exc:
        try:
            return read_ezdxf(path)
        except (DXFError, OSError, ValueError) as exc:
            raise ValueError(f"{type(exc).__name__}: {exc}; GDAL: {gdal_exc}") from None
