"""Demo build step: load the starter catalogs and the demo checklist, give the demo district the
devices the newer practices look for, record a first assessment."""

from __future__ import annotations

import numpy as np
import shapely
from pyproj import Transformer

from passmap.catalog import CATALOG_DIR, import_checklist, load_starter
from passmap.geometry import local_crs
from passmap.model import EDITION
from passmap.values import is_missing

DEMO_CHECKLIST = CATALOG_DIR / "demo-checklist.csv"
# The better-equipped demo campuses (Oak Hollow stays the weak one: the maps show a range).
EQUIPPED = ("cvhs", "cvms", "mres")
SIGN_OUT_M = 1.0  # a door sign hangs beside the door, about a metre out


def demo_step(store) -> str:
    """Used by ``passmap demo``; returns the id of the recorded assessment."""
    from passmap.compliance import assess, record

    load_starter(store, EDITION, actor="demo")
    load_starter(store, "v6", actor="demo")
    if DEMO_CHECKLIST.exists():
        import_checklist(store, DEMO_CHECKLIST, edition=EDITION, actor="demo")
    equip_demo(store)
    return record(store, assess(store, edition=EDITION), label="Demo baseline assessment")


def equip_demo(store) -> None:
    """At the equipped campuses: visitor check-in points that issue badges, silent duress
    buttons, and a 'visitors report to the main office' sign outside every secondary and
    exit-only door; responder radio coverage in the high school (the practices of issue 13
    the generated district predates)."""
    controls = store.list_controls()
    mine = controls[controls["campus_id"].isin(EQUIPPED)]
    rows = []
    for r in mine.to_dict("records"):
        attrs = dict(r["attrs"]) if isinstance(r["attrs"], dict) else {}
        if r["type"] == "visitor_management":
            attrs["issues_badges"] = True
        elif r["type"] == "duress_button":
            attrs["silent"] = True
        else:
            continue
        rows.append(dict(_row(r), attrs=attrs))
    rows += _door_signs(store)
    rows += [  # the high school has a responder radio system (ERRCS) in its building
        {
            "id": f"{b['id']}-errcs",
            "campus_id": b["campus_id"],
            "building_id": b["id"],
            "type": "radio_coverage",
            "name": "Responder radio coverage (ERRCS)",
            "attrs": {"for_responders": True},
            "geom": b["geometry"],
        }
        for b in store.list_buildings("cvhs").to_dict("records")
    ]
    store.write_sites({"control": rows}, actor="demo", replace=True, label="demo devices")


def _row(r: dict) -> dict:
    out = {k: v for k, v in r.items() if k not in ("geometry", "version")}
    out["geom"] = r["geometry"]
    return {k: (None if is_missing(v) else v) for k, v in out.items()}


def _door_signs(store) -> list[dict]:
    doors = store.list_openings()
    doors = doors[
        doors["campus_id"].isin(EQUIPPED)
        & doors["door_class"].isin(["exterior-secondary", "exterior-tertiary"])
    ]
    zones = store.list_zones()
    rooms = shapely.STRtree(np.asarray(zones[zones["building_id"].notna()].geometry.values))
    signs = []
    for d in doors.to_dict("records"):
        point = _outside(d["geometry"], rooms)
        if point is None:
            continue
        signs.append(
            {
                "id": f"{d['id']}-sign",
                "campus_id": d["campus_id"],
                "building_id": d["building_id"],
                "level_id": d["level_id"],
                "type": "signage",
                "name": f"Visitors report to the main office (door {d['number'] or d['id']})",
                "geom": point,
            }
        )
    return signs


def _outside(door, rooms) -> shapely.Point | None:
    """A point SIGN_OUT_M out from the door's middle on the side no room covers."""
    mid = door.interpolate(0.5, normalized=True)
    crs = local_crs(mid.x, mid.y)
    fwd = Transformer.from_crs("OGC:CRS84", crs, always_xy=True)
    back = Transformer.from_crs(crs, "OGC:CRS84", always_xy=True)
    (x0, x1), (y0, y1) = fwd.transform(*np.asarray(door.coords)[[0, -1]].T)
    mx, my = fwd.transform(mid.x, mid.y)
    length = float(np.hypot(x1 - x0, y1 - y0)) or 1.0
    nx, ny = -(y1 - y0) / length, (x1 - x0) / length
    for sign in (1, -1):
        lon, lat = back.transform(mx + sign * SIGN_OUT_M * nx, my + sign * SIGN_OUT_M * ny)
        p = shapely.Point(lon, lat)
        if not len(rooms.query(p, predicate="intersects")):
            return p
    return None
