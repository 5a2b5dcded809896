"""District and campus layers: campus parcels, buildings, grounds, per-campus summaries.

Every builder takes GeoDataFrames from the store (never the store itself) and returns a
``pdk.Layer`` with a stable id; pickable rows carry ``id`` and ``kind`` so a click can be
resolved to the object, and ``tip`` (plain text; the frontend escapes it) for the tooltip.
"""

from __future__ import annotations

import pydeck as pdk

from layers.deck import (
    fill_layer,
    metres_per_pixel,
    polygon_parts,
    polygon_rings,
    ribbon_layer,
    ribbon_parts,
    tip_text,
)
from layers.labels import Mark, banded, place, text_layer
from passmap.palette import (
    BUILDING_OUTLINE,
    CAMPUS_OUTLINE,
    SITE_FILL_ALPHA,
    SITE_ZONE_COLOURS,
    SITE_ZONE_DEFAULT,
    tier_colour,
    tier_label,
)

UNASSESSED_BUILDING = [246, 246, 243, 255]  # footprints stay readable over a grey campus
CAMPUS_LABEL_PX = 13


def _tier_of(tiers: dict | None, scope_id: str):
    return None if not tiers else tiers.get(scope_id)


def _outline_rows(row: dict, part, width_m: float, colour: list[int]) -> list[dict]:
    """The outline of ``part`` as polygon rows that keep ``row``'s id and tip (a click on the
    edge picks the object too); strokes are polygons, see layers.deck.ribbon_parts."""
    return [
        {**row, "polygon": polygon_rings(edge), "fill": colour, "edge": True}
        for edge in ribbon_parts(part, width_m)
    ]


def campus_rows(
    campuses, tiers: dict | None, summary: dict | None = None, outline_m: float = 0.0
) -> list[dict]:
    rows = []
    for c in campuses.itertuples(index=False):
        tier = _tier_of(tiers, c.id)
        extra = (summary or {}).get(c.id, {})
        devices = extra.get("controls")
        tip = tip_text(
            c.name,
            getattr(c, "school_type", None),
            f"Attained: {tier_label(tier)}",
            f"{devices} controls" if devices is not None else None,
            "Click to open the campus",
        )
        for part in polygon_parts(c.geometry):
            row = {
                "id": c.id,
                "kind": "campus",
                "name": c.name,
                "tier": tier,
                "polygon": polygon_rings(part),
                "fill": tier_colour(tier, 150),
                "tip": tip,
            }
            rows += [row, *_outline_rows(row, part, outline_m, CAMPUS_OUTLINE)]
    return rows


def campus_layer(
    campuses,
    tiers: dict | None = None,
    summary: dict | None = None,
    layer_id: str = "campuses",
    outline_m: float = 1.5,
) -> pdk.Layer:
    """Campus parcels shaded by attained tier (grey when not assessed) with an ``outline_m``
    wide edge (size it to the view: ~2 px); click opens a campus."""
    return fill_layer(campus_rows(campuses, tiers, summary, outline_m), layer_id)


def outline_layers(
    frame,
    zoom: float,
    layer_id: str,
    colour: list[int],
    px: float = 2.0,
    bands: int = 3,
    ids: str | None = None,
) -> list[pdk.Layer]:
    """Outlines of ``frame``'s polygons about ``px`` pixels wide at every zoom from the first
    view ``zoom`` on: one polygon layer per band of two zoom levels, each drawn only in its band
    (a stroke in metres sized for a district's zoom would be tens of metres wide on a campus).
    ``ids``: a column of ``frame`` whose value each outline's rows carry as ``id`` (whose
    outline it is)."""
    out = []
    for band in range(bands):
        low, high = zoom + 2 * band, zoom + 2 * band + 2
        rows = []
        names = frame[ids] if ids else [None] * len(frame)
        for name, g in zip(names, frame.geometry):
            if g is None or g.is_empty:
                continue
            width_m = px * metres_per_pixel((g.bounds[1] + g.bounds[3]) / 2, low + 1)
            tag = {"id": name} if ids else {}
            rows += [
                {**tag, "polygon": polygon_rings(edge)}
                for part in polygon_parts(g)
                for edge in ribbon_parts(part, width_m)
            ]
        layer = ribbon_layer(rows, f"{layer_id}-{band}", colour)
        layer.min_zoom = -1.0 if band == 0 else round(low, 2)
        if band < bands - 1:
            layer.max_zoom = round(high, 2)
        out.append(layer)
    return out


def building_layer(
    buildings,
    tiers: dict | None = None,
    layer_id: str = "buildings",
    pickable: bool = True,
    simplify_deg: float = 0.0,
    outline_m: float = 0.6,
) -> pdk.Layer:
    """Building footprints shaded by tier with an ``outline_m`` wide edge (0: none);
    ``simplify_deg`` drops vertices at district zoom."""
    rows = []
    for b in buildings.itertuples(index=False):
        tier = _tier_of(tiers, b.id)
        tip = tip_text(b.name, f"Attained: {tier_label(tier)}") if pickable else ""
        geom = (
            b.geometry.simplify(simplify_deg)
            if simplify_deg and b.geometry is not None
            else b.geometry
        )
        for part in polygon_parts(geom):
            row = {
                "id": b.id,
                "kind": "building",
                "campus_id": b.campus_id,
                "name": b.name,
                "polygon": polygon_rings(part),
                "fill": tier_colour(tier, 235) if tier is not None else UNASSESSED_BUILDING,
                "tip": tip,
            }
            rows += [row, *_outline_rows(row, part, outline_m, BUILDING_OUTLINE)]
    return fill_layer(rows, layer_id, pickable=pickable)


def grounds_layer(site_zones, layer_id: str = "grounds") -> pdk.Layer:
    """Parking, drives, fields and other grounds zones, in muted map colours."""
    rows = []
    for z in site_zones.itertuples(index=False):
        colour = SITE_ZONE_COLOURS.get(z.kind, SITE_ZONE_DEFAULT) + [SITE_FILL_ALPHA + 60]
        label = z.name if isinstance(z.name, str) and z.name else str(z.kind).replace("_", " ")
        for part in polygon_parts(z.geometry):
            row = {
                "id": z.id,
                "kind": "zone",
                "name": z.name,
                "polygon": polygon_rings(part),
                "fill": colour,
                "tip": tip_text(label, z.kind),
            }
            rows += [row, *_outline_rows(row, part, 0.5, [255, 255, 255, 200])]
    return fill_layer(rows, layer_id)


def campus_label_rows(
    campuses, summary: dict | None = None, tiers: dict | None = None
) -> list[dict]:
    """Campus names with their tier and device count, biggest campuses first."""
    rows = []
    for c in campuses.itertuples(index=False):
        if c.geometry is None or c.geometry.is_empty:
            continue
        info = (summary or {}).get(c.id, {})
        second = tier_label(_tier_of(tiers, c.id))
        if info.get("controls") is not None:
            second += f" · {info['controls']} controls"
        minx, miny, maxx, _ = c.geometry.bounds
        rows.append(
            {
                "position": [round((minx + maxx) / 2, 6), round(miny, 6)],
                "text": f"{c.name}\n{second}",
                "_size": (maxx - minx) * (c.geometry.bounds[3] - miny),
            }
        )
    rows.sort(key=lambda r: -r.pop("_size"))
    return rows


def campus_label_layers(
    campuses,
    zoom: float,
    summary: dict | None = None,
    tiers: dict | None = None,
    layer_id: str = "campus-labels",
) -> list[pdk.Layer]:
    """Campus labels (the district view never ships devices: the count is in the label),
    placed so they never cover each other (layers.labels): one layer per zoom step from which
    a label fits, biggest campuses first."""
    rows = campus_label_rows(campuses, summary, tiers)
    marks = [
        Mark(tuple(r["position"]), r["text"], CAMPUS_LABEL_PX, k, baseline="top")
        for k, r in enumerate(rows)
    ]
    levels = place(marks, zoom)
    return banded(
        marks,
        levels,
        lambda part, suffix: text_layer(
            part, f"{layer_id}{suffix}", CAMPUS_LABEL_PX, baseline="top"
        ),
    )
