"""The printable responder map of a campus: a site page, then one page per building floor.

North-up (local azimuthal frame centred on the grid origin), with the campus grid, exterior door
numbers, stairwells, rooms, hallways, hazards, shut-offs, key boxes, AEDs, trauma kits, alarm
panels; parking, fields and roads on the site page; legend, north arrow, scale bar, print date
and the last walk-through verification. Drawn server-side with matplotlib: no browser.

>>> nice_length(180.0)
50.0
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import geopandas as gpd
import pandas as pd
from matplotlib.backends.backend_pdf import PdfPages
from matplotlib.figure import Figure

from passmap.access import LAYERS
from passmap.config import load_settings
from passmap.grid import campus_grid
from passmap.localtime import local_day
from passmap.reports.basemap import draw_basemap
from passmap.reports.responder_data import responder_objects
from passmap.reports.responder_draw import (
    DOOR_COLOUR,
    ROOM_FILL,
    SYMBOLS,
    ZONE_FILL,
    draw_grid,
    draw_north_arrow,
    draw_scale_bar,
    draw_stamps,
    legend_handles,
    map_label,
    nice_length,
)
from passmap.store.base import utc_now

__all__ = ["render_responder_pdf", "verification_status", "nice_length"]
PAGE_IN = (11.0, 8.5)  # US letter, landscape
MAP_RECT = [0.02, 0.05, 0.74, 0.85]


@dataclass(frozen=True)
class Verification:
    building_id: str
    verified_by: str | None
    verified_utc: datetime | None
    changes_since: int

    def stamp(self, tz_name: str | None = None) -> str:
        """The walk-through stamp; its date in the district's time zone."""
        if self.verified_utc is None:
            return "NOT VERIFIED by walk-through"
        when = local_day(self.verified_utc, tz_name or load_settings().timezone)
        flag = f" - CHANGED SINCE ({self.changes_since} edits)" if self.changes_since else ""
        by = f" by {self.verified_by}" if self.verified_by else ""
        return f"Last verified {when}{by}{flag}"


def verification_status(store, campus_id: str, staff_names: bool = True) -> dict[str, Verification]:
    """Per building: the last walk-through and how many audited edits happened since. Without
    ``staff_names`` (anything a share link hands out) the verifier's name is left out."""
    last = store.last_verifications(campus_id)
    out = {}
    for bid in store.list_buildings(campus_id=campus_id)["id"]:
        v = last.get(bid)
        if v is None:
            out[bid] = Verification(bid, None, None, 0)
        else:
            out[bid] = Verification(
                bid,
                v["verified_by"] if staff_names else None,
                v["verified_utc"],
                store.changes_since(bid, v["verified_utc"]),
            )
    return out


def _fit_aspect(extent):
    """Grow the extent to the map frame's width/height so metres stay square and fill it."""
    x0, x1, y0, y1 = extent
    frame = (PAGE_IN[0] * MAP_RECT[2]) / (PAGE_IN[1] * MAP_RECT[3])
    w, h = x1 - x0, y1 - y0
    if w / h < frame:
        grow = (h * frame - w) / 2
        return (x0 - grow, x1 + grow, y0, y1)
    grow = (w / frame - h) / 2
    return (x0, x1, y0 - grow, y1 + grow)


def _new_page(extent):
    fig = Figure(figsize=PAGE_IN)
    ax = fig.add_axes(MAP_RECT)
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    ax.set_aspect("equal", adjustable="box")
    ax.set_xticks([])
    ax.set_yticks([])
    return fig, ax


def _extent(geoms: gpd.GeoSeries, pad_frac: float = 0.08):
    minx, miny, maxx, maxy = geoms.total_bounds
    pad = max(maxx - minx, maxy - miny) * pad_frac + 5
    return _fit_aspect((minx - pad, maxx + pad, miny - pad, maxy + pad))


def _fitting_label(zone, fontsize: float, m_per_in: float) -> str:
    """Number and name if they fit the room's width, else the number, else the first word."""
    minx, miny, maxx, maxy = zone.geometry.bounds
    along, across = sorted((maxx - minx, maxy - miny), reverse=True)  # text runs the long way
    char_m = fontsize * 0.6 / 72 * m_per_in
    options = [zone["label"]]
    if " " in zone["label"] and across > 3 * char_m:
        options.append(zone["label"].replace(" ", "\n", 1))
    options += [zone["number"]] if zone["number"] else [zone["label"].split(" ")[0]]
    for option in options:
        if max(len(line) for line in option.split("\n")) * char_m < along * 0.95:
            return option
    return options[-1]


def _draw_zones(ax, zones: gpd.GeoDataFrame, labels: bool, fontsize: float) -> None:
    x0, x1 = ax.get_xlim()
    m_per_in = (x1 - x0) / (PAGE_IN[0] * MAP_RECT[2])
    for _, z in zones.iterrows():
        fill = ZONE_FILL.get(z["category"], ROOM_FILL)
        hatch = "////" if z["layer"] == "stairs" else None
        gpd.GeoSeries([z.geometry]).plot(
            ax=ax, color=fill, edgecolor="#333333", lw=0.6, hatch=hatch, zorder=2
        )
        if labels and z["label"]:
            p = z.geometry.representative_point()
            bounds = z.geometry.bounds
            vertical = (bounds[3] - bounds[1]) > 1.6 * (bounds[2] - bounds[0])
            label = _fitting_label(z, fontsize, m_per_in)
            rotation = 90 if vertical else 0
            map_label(ax, p.x, p.y, label, fontsize=fontsize, zorder=6, rotation=rotation)


def _draw_doors(ax, doors: gpd.GeoDataFrame) -> None:
    for _, d in doors.iterrows():
        gpd.GeoSeries([d.geometry]).plot(ax=ax, color=DOOR_COLOUR, lw=3, markersize=20, zorder=7)
        p = d.geometry.centroid
        map_label(
            ax,
            p.x,
            p.y,
            d["number"] or "?",
            fontsize=7,
            fontweight="bold",
            color=DOOR_COLOUR,
            zorder=11,
            bbox=dict(boxstyle="square,pad=0.2", fc="white", ec=DOOR_COLOUR, lw=1),
        )


def _draw_points(ax, points: gpd.GeoDataFrame) -> None:
    for layer, group in points.groupby("layer"):
        marker, colour, _ = SYMBOLS[layer]
        pts = group.geometry.representative_point()
        ax.scatter(
            pts.x,
            pts.y,
            marker=marker,
            c=colour,
            edgecolors="black",
            s=60,
            zorder=10,
            linewidths=0.6,
        )


def _finish(
    fig, ax, grid, extent, objects, zone_kinds, title, subtitle, printed, stamp, changed, pdf
) -> None:
    ax.set_xlabel("")
    ax.set_ylabel("")
    ax.set_xlim(extent[0], extent[1])
    ax.set_ylim(extent[2], extent[3])
    draw_grid(ax, grid, extent)
    draw_north_arrow(ax)
    draw_scale_bar(ax, extent)
    handles = legend_handles(set(objects["layer"]), set(zone_kinds))
    fig.legend(
        handles=handles,
        loc="upper left",
        bbox_to_anchor=(0.775, 0.88),
        fontsize=8,
        title="Legend",
        frameon=True,
    )
    draw_stamps(fig, title, subtitle, printed, stamp, changed)
    pdf.savefig(fig)


def _site_page(pdf, campus, objs, grid, status, printed, ground_ids, tile_url) -> None:
    site = objs[objs["building_id"].isna() | (objs["layer"] == "buildings")]
    extent = _extent(gpd.GeoSeries([campus["geometry"]], crs="OGC:CRS84").to_crs(grid.crs))
    fig, ax = _new_page(extent)
    draw_basemap(ax, tile_url, grid, extent)
    gpd.GeoSeries([campus["geometry"]], crs="OGC:CRS84").to_crs(grid.crs).boundary.plot(
        ax=ax, color="#444444", lw=1, linestyle="--", zorder=1
    )
    grounds = site[site["source"] == "zone"]
    _draw_zones(ax, grounds, labels=True, fontsize=6)
    for _, b in site[site["layer"] == "buildings"].iterrows():
        gpd.GeoSeries([b.geometry]).plot(
            ax=ax, color="#e0d6c8", edgecolor="black", lw=1.2, zorder=3
        )
        p = b.geometry.representative_point()
        map_label(ax, p.x, p.y, b["label"], fontsize=9, fontweight="bold", zorder=6)
    doors = objs[objs["layer"] == "doors"]
    doors = doors[doors["level_id"].isin(ground_ids) | doors["level_id"].isna()]
    _draw_doors(ax, doors)
    _draw_points(ax, site[site["layer"].isin(SYMBOLS)])
    stamps = [v.stamp() for v in status.values()]
    stamp = stamps[0] if len(set(stamps)) == 1 and stamps else _site_stamp(status)
    changed = any(v.changes_since for v in status.values())
    _finish(
        fig,
        ax,
        grid,
        extent,
        pd.concat([site, doors]),
        grounds["category"],
        campus["name"],
        f"Site plan - grid {grid.cell_m:g} m cells",
        printed,
        stamp,
        changed,
        pdf,
    )


def _site_stamp(status) -> str:
    dates = [v.verified_utc for v in status.values() if v.verified_utc]
    if not dates:
        return "NOT VERIFIED by walk-through"
    unverified = sum(1 for v in status.values() if v.verified_utc is None)
    tail = f", {unverified} building(s) not verified" if unverified else ""
    tz = load_settings().timezone
    first, last = local_day(min(dates), tz), local_day(max(dates), tz)
    return f"Buildings last verified {first} to {last}{tail}"


def _floor_page(pdf, campus, building, level, objs, grid, verification, printed, tile_url) -> None:
    on_level = objs[objs["level_id"] == level["id"]]
    footprint = gpd.GeoSeries([building["geometry"]], crs="OGC:CRS84").to_crs(grid.crs)
    extent = _extent(footprint, 0.12)
    fig, ax = _new_page(extent)
    draw_basemap(ax, tile_url, grid, extent)
    footprint.plot(ax=ax, color="#f5f5f5", edgecolor="black", lw=1.5, zorder=1)
    zones = on_level[on_level["source"] == "zone"]
    _draw_zones(ax, zones, labels=True, fontsize=5)
    _draw_doors(ax, on_level[on_level["layer"] == "doors"])
    _draw_points(ax, on_level[on_level["layer"].isin(SYMBOLS)])
    _finish(
        fig,
        ax,
        grid,
        extent,
        on_level,
        zones["category"],
        campus["name"],
        f"{building['name']} - {level['name']} (floor {int(level['ordinal'])})",
        printed,
        verification.stamp(),
        bool(verification.changes_since),
        pdf,
    )


def render_responder_pdf(
    store,
    campus_id: str,
    out: str | Path | io.BytesIO,
    layers=None,
    now: datetime | None = None,
    tile_url: str | None = "settings",
    staff_names: bool = True,
) -> dict:
    """Write the campus responder PDF; returns {"pages": n, "floors": [...]}.

    ``layers`` limits what is drawn (a partner's share); None means every layer. The aerial
    basemap comes from PASSMAP_TILE_URL unless ``tile_url`` is given (None: no basemap).
    ``staff_names=False`` (a share link's download) prints walk-through stamps without the
    verifier's name.
    """
    if tile_url == "settings":
        tile_url = load_settings().tile_url
    campus = store.get("campus", campus_id)
    if campus is None:
        raise ValueError(f"Unknown campus id {campus_id!r}.")
    layers = tuple(LAYERS) if layers is None else tuple(layers)
    grid = campus_grid(store, campus_id)
    objs = responder_objects(store, campus_id, layers, grid).to_crs(grid.crs)
    status = verification_status(store, campus_id, staff_names)
    levels = store.list_levels()
    buildings = store.list_buildings(campus_id=campus_id)
    levels = levels[levels["building_id"].isin(buildings["id"])]
    printed = local_day(now or utc_now(), load_settings().timezone)  # the district's day
    floors = []
    with PdfPages(
        out, metadata={"Title": f"Responder map - {campus['name']}", "Creator": "PassMap"}
    ) as pdf:
        _site_page(
            pdf,
            campus,
            objs,
            grid,
            status,
            printed,
            set(levels[levels["ordinal"] == 0]["id"]),
            tile_url,
        )
        for _, b in buildings.iterrows():
            for _, lv in levels[levels["building_id"] == b["id"]].sort_values("ordinal").iterrows():
                _floor_page(pdf, campus, b, lv, objs, grid, status[b["id"]], printed, tile_url)
                floors.append(f"{b['name']} / {lv['name']}")
    return {"pages": 1 + len(floors), "floors": floors, "grid": grid.as_dict()}


def record_demo_walkthroughs(store) -> None:
    """Demo post-step: every demo building walked on a past date by a labelled demo inspector."""
    from datetime import timedelta

    when = utc_now() - timedelta(days=120)
    for bid in store.list_buildings()["id"]:
        store.record_verification(bid, "Facilities walk-through (DEMO)", "demo record", when)
