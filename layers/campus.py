"""The campus map: parcel and buildings by tier, grounds, exterior doors with their numbers,
perimeter and exterior devices, camera views as outlines; building and grounds names, door
numbers and device icons placed without collisions (layers.labels / layers.plan)."""

from __future__ import annotations

import pydeck as pdk

from layers.controls import control_line_layer
from layers.floor import door_layers, fov_layers
from layers.labels import Mark
from layers.legend import (
    control_section,
    door_number_section,
    door_section,
    fov_section,
    section,
    tier_section,
)
from layers.plan import NAME_PX, NAME_TEXT, device_marks, door_marks, mark_layers
from layers.site import building_layer, campus_layer, grounds_layer
from passmap.palette import SITE_FILL_ALPHA, SITE_ZONE_COLOURS, SITE_ZONE_DEFAULT

CAMPUS_LAYERS = ("Grounds", "Devices", "Camera views", "Door numbers", "Names")
BUILDING_TEXT = [15, 15, 15, 255]


def _name_mark(geom, text: str, size: float, colour, priority: int) -> Mark:
    p = geom.representative_point()
    row = {"size": size, "colour": colour, "anchor": "middle", "baseline": "center",
           "offset": [0, 0]}  # fmt: skip
    return Mark((round(p.x, 6), round(p.y, 6)), text, size, priority, row=row)


def name_marks(buildings, grounds) -> list[Mark]:
    """Building names first, then the grounds (parking, fields, drives) by size."""
    out = [
        _name_mark(b.geometry, str(b.name), NAME_PX + 2, BUILDING_TEXT, 1)
        for b in buildings.itertuples(index=False)
        if b.geometry is not None and isinstance(b.name, str)
    ]
    by_size = sorted(
        (z for z in grounds.itertuples(index=False) if z.geometry is not None),
        key=lambda z: -z.geometry.area,
    )
    for z in by_size:
        name = z.name if isinstance(z.name, str) and z.name else str(z.kind).replace("_", " ")
        out.append(_name_mark(z.geometry, name, NAME_PX, NAME_TEXT, 6))
    return out


def campus_map_layers(
    campus, site, zoom: float, tiers: dict | None, shown=CAMPUS_LAYERS, types=None
) -> list[pdk.Layer]:
    """Everything the campus map draws (``site``: ui.sitedata.SiteObjects' frames), bottom to
    top: parcel, grounds, buildings, camera view outlines, doors, fences, then names, door
    numbers and device icons placed around the first view ``zoom``."""
    shown = set(shown)
    drawn = site.controls if types is None else site.controls[site.controls["type"].isin(types)]
    layers = [campus_layer(campus, tiers)]
    if "Grounds" in shown:
        layers.append(grounds_layer(site.grounds))
    layers.append(building_layer(site.buildings, tiers))
    if "Camera views" in shown and len(site.views):
        layers += fov_layers(site.views[site.views["control_id"].isin(set(drawn["id"]))], zoom)
    layers += door_layers(site.doors)
    marks = []
    if "Names" in shown:
        marks += name_marks(
            site.buildings, site.grounds if "Grounds" in shown else site.grounds[:0]
        )
    if "Door numbers" in shown:
        footprints = dict(zip(site.buildings["id"], site.buildings.geometry))
        marks += door_marks(site.doors, exterior_only=True, footprints=footprints)
    if "Devices" in shown:
        layers.append(control_line_layer(drawn))
        marks += device_marks(drawn)
    return layers + mark_layers(marks, zoom, "campus-marks")


def campus_legend(campus_id, site, tiers, shown, types, live: bool = False) -> list[dict]:
    """The legend of campus_map_layers' drawing: only what is on the map."""
    shown = set(shown)
    drawn = site.controls if types is None else site.controls[site.controls["type"].isin(types)]
    tiers = tiers or {}
    drawn_tiers = {tiers.get(b) for b in site.buildings["id"]} | {tiers.get(campus_id)}
    title = "Tier, campus and buildings" + (" (effective, live)" if live else " (design)")
    out = [tier_section(drawn_tiers, title, alpha=235)]
    if "Grounds" in shown and len(site.grounds):
        kinds = sorted(set(site.grounds["kind"]))
        out.append(
            section(
                "Grounds",
                [
                    {
                        "kind": "swatch",
                        "label": k.replace("_", " ").capitalize(),
                        "colour": SITE_ZONE_COLOURS.get(k, SITE_ZONE_DEFAULT),
                        "alpha": SITE_FILL_ALPHA + 60,
                    }
                    for k in kinds
                ],  # fmt: skip
            )
        )
    if "Door numbers" in shown and len(site.doors):
        out.append(door_number_section(rooms=False))
    out.append(door_section(set(site.doors["door_class"])))
    if "Devices" in shown:
        out.append(control_section(set(drawn["type"]), drawn["type"].value_counts().to_dict()))
    if "Camera views" in shown and site.views["control_id"].isin(set(drawn["id"])).any():
        out.append(fov_section())
    return out
