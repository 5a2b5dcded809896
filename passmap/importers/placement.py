"""Placing a plan by picked points: what to show of the plan, and the fit of the pairs.

The Import page shows the drawing (or image) in its own units, the person picks a point on it
and the same point on the campus map, two or more times; ``fit`` gives the transform, each
pair's residual in metres, and the plan drawn in lon/lat for the overlay before committing.

>>> pairs = [((0, 0), (-80.84, 35.22)), ((1000, 0), (-80.83989, 35.22))]
>>> pairs += [((0, 1000), (-80.84, 35.22009))]
>>> f = fit(pairs); [round(r, 2) for r in f.residuals_m], round(f.transform.scale_m_per_unit, 3)
([0.0, 0.0, 0.0], 0.01)
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import mapping

from passmap.geometry import local_crs
from passmap.importers.base import ImportContext, ImportFailed, ImportOptions
from passmap.importers.georef import GeoTransform, fit_transform

PLAN_FEATURE_LIMIT = 5000  # what the plan view draws (folium cost, STACK.md)


@dataclass
class Plan:
    """A plan in its own units: drawing x right / y up, or image pixels x right / y down."""

    kind: str  # drawing | image
    geoms: list  # shapely, plan units (drawings)
    bounds: tuple[float, float, float, float]
    image_path: Path | None = None
    y_down: bool = False


@dataclass
class Fit:
    transform: GeoTransform
    residuals_m: list[float]

    @property
    def rms_m(self) -> float:
        return self.transform.rms_m


def plan_of(path: Path, options: ImportOptions) -> Plan | None:
    """What to pick points on: a DXF's chosen layers, an image, IndoorGML cells in their units.
    None for formats that carry lon/lat themselves. A file that cannot be read is refused in
    one sentence naming it (no server folder), as the import itself would."""
    from passmap.importers.dispatch import scrub

    try:
        return _plan_of(path, options)
    except ImportFailed as exc:
        raise ImportFailed(scrub(str(exc), [Path(path)])) from None
    except Exception as exc:  # a library's surprise: one sentence, like import_path
        raise ImportFailed(
            f"{Path(path).name}: could not be read to place it ({type(exc).__name__}; the file "
            "may be damaged or in an unexpected shape)."
        ) from exc


def _plan_of(path: Path, options: ImportOptions) -> Plan | None:
    path = Path(path)
    suffix = Path(path).suffix.lower()
    ctx = ImportContext(options, Path(path).name)
    if suffix == ".dxf":
        from passmap.importers.dxf import choose_layers, collect, open_drawing

        drawing = open_drawing(ctx, path)
        found = collect(ctx, drawing, choose_layers(ctx, drawing))
        geoms = [it[1] for role in ("rooms", "walls", "doors") for it in found[role]]
        return _drawing(geoms)
    if suffix in (".png", ".jpg", ".jpeg"):
        from passmap.importers.image import image_size

        w, h = image_size(ctx, path)
        return Plan("image", [], (0.0, 0.0, float(w), float(h)), Path(path), y_down=True)
    if suffix == ".gml":
        from passmap.importers.indoorgml import ROOMS, _local, parse_xml, read_cell

        root = parse_xml(ctx, Path(path))
        cells = [read_cell(ctx, path.name, el)[0] for el in root.iter() if _local(el.tag) in ROOMS]
        plan = _drawing([g for g in cells if g is not None])
        plan.y_down = True
        return plan
    return None


def _drawing(geoms: list) -> Plan:
    if not geoms:
        return Plan("drawing", [], (0.0, 0.0, 1.0, 1.0))
    b = shapely.total_bounds(np.array(geoms, dtype=object))
    return Plan("drawing", geoms, tuple(float(v) for v in b))


def plan_geojson(plan: Plan, transform: GeoTransform | None = None) -> dict:
    """The plan's outlines as GeoJSON: in plan units (for the plan view) or placed in lon/lat."""
    geoms = plan.geoms[:PLAN_FEATURE_LIMIT]
    if plan.kind == "image":
        x0, y0, x1, y1 = plan.bounds
        geoms = [shapely.box(x0, y0, x1, y1).exterior]
    if transform is not None and geoms:
        geoms = list(transform.apply(np.array(geoms, dtype=object)))
    return {
        "type": "FeatureCollection",
        "features": [
            {"type": "Feature", "properties": {}, "geometry": mapping(g)} for g in geoms if g
        ],
    }


def fit(pairs: list[tuple[tuple[float, float], tuple[float, float]]]) -> Fit:
    """Transform and per-pair residuals (metres) from ((x, y), (lon, lat)) pairs; >= 2 pairs."""
    points = [(x, y, lon, lat) for (x, y), (lon, lat) in pairs]
    t = fit_transform(points)
    pts = np.array(points, dtype=float)
    crs = local_crs(pts[:, 2].mean(), pts[:, 3].mean())
    from pyproj import Transformer

    fwd = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    ex, ny = fwd.transform(pts[:, 2], pts[:, 3])
    pred = pts[:, :2] @ t.matrix[:, :2].T + t.matrix[:, 2]
    res = np.sqrt((pred[:, 0] - ex) ** 2 + (pred[:, 1] - ny) ** 2)
    return Fit(t, [float(r) for r in res])


def as_georef_text(pairs) -> str:
    """The pairs as the control-point text the import options read (x,y,lon,lat per line)."""
    return "\n".join(f"{x:.6f},{y:.6f},{lon:.8f},{lat:.8f}" for (x, y), (lon, lat) in pairs)
