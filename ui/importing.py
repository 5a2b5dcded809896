"""Helpers of the Import page: options from the form, the preview map of a dry-run bundle."""

from __future__ import annotations

import html

import folium
import shapely

from layers.folium_offline import offline_map
from passmap.importers.base import ImportOptions
from passmap.importers.georef import parse_corners, parse_points

PREVIEW_LIMIT = 3000  # features per layer drawn in the preview (STACK.md: folium cost)
COLOURS = {
    "building": "#333333",
    "zone": "#4a6fa5",
    "opening": "#c0392b",
    "control": "#1e8449",
    "wall": "#555555",
    "level": "#999999",
}


def _pairs(text: str, sep: str = ",") -> dict[str, str]:
    out = {}
    for part in (text or "").split(sep):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def build_options(form: dict, dry_run: bool, actor: str) -> ImportOptions:
    """ImportOptions from the page's form values (same meaning as the CLI flags)."""
    layers = {
        k: [n.strip() for n in v.split(",") if n.strip()]
        for k, v in _pairs(form.get("layers", ""), ";").items()
    }
    georef = parse_points(form.get("georef") or "")
    if form.get("georef", "").strip() and len(georef) < 2:
        raise ValueError("Control points: give at least two lines x,y,lon,lat.")
    return ImportOptions(
        format=None if form.get("format") in (None, "detect") else form["format"],
        campus_id=form.get("campus") or None,
        building_id=form.get("building") or None,
        building_name=form.get("building_name") or None,
        level_id=form.get("level") or None,
        level_ordinal=int(form.get("ordinal") or 0),
        layers=layers,
        georef=georef,
        corners=parse_corners(form["corners"]) if form.get("corners") else [],
        column_map=_pairs(form.get("columns", "")),
        zone_kind_map=_pairs(form.get("kinds", "")),
        dry_run=dry_run,
        actor=actor,
    )


def preview_map(bundle: dict[str, list[dict]]):
    """A folium map of what the import would write (each layer capped at PREVIEW_LIMIT)."""
    geoms = [r["geom"] for rows in bundle.values() for r in rows if r.get("geom") is not None]
    if not geoms:
        return None
    minx, miny, maxx, maxy = shapely.union_all(geoms[:20000]).bounds
    m = offline_map([(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=18)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    for table in ("building", "zone", "wall", "opening", "control"):
        rows = [r for r in bundle.get(table, []) if r.get("geom") is not None][:PREVIEW_LIMIT]
        if not rows:
            continue
        feats = [
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(r["geom"]),
                "properties": {
                    "label": html.escape(
                        f"{table} {r['id']} {r.get('name') or r.get('kind') or ''}"
                    )
                },
            }
            for r in rows
        ]
        colour = COLOURS[table]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            name=table,
            style_function=lambda _, c=colour: {"color": c, "weight": 2, "fillOpacity": 0.1},
            tooltip=folium.GeoJsonTooltip(["label"], labels=False),
        ).add_to(m)
    return m
