"""A large synthetic district for benchmarks: `passmap demo-large --campuses N --db PATH`.

The demo school plans are built once per (plan, protection profile) in local metres, densified
with the devices a fully instrumented district adds (classroom lock status, wall duress buttons,
motion and glass-break sensors, notification strobes), then copied onto a grid of campuses with
jittered positions and rotations and written in one transaction.
"""

from __future__ import annotations

import math
import random
import time
from pathlib import Path

import numpy as np
import shapely
from shapely.geometry import Point, shape

from passmap.demo import campus_build
from passmap.demo.frame import UTM_EPSG, LocalFrame
from passmap.demo.generate import CAMPUSES, plan_for
from passmap.store import Store

DISTRICT_ID = "large-synthetic-district"
ORIGIN_LONLAT = (-79.05, 35.55)  # central North Carolina, UTM 17N
SPACING_M = 2600.0
TYPE_WEIGHTS = (
    ("elementary_secure", 0.35),
    ("elementary_open", 0.2),
    ("middle", 0.25),
    ("high", 0.2),
)
PLAN_TYPE = {
    "elementary_secure": "elementary",
    "elementary_open": "elementary",
    "middle": "middle",
    "high": "high",
}
COPIES = {
    "elementary": 3,
    "middle": 3,
    "high": 2,
}  # schools sharing one campus (education complexes)
TABLES = ("campus", "building", "level", "zone", "opening", "control")


def _templates() -> dict:
    """Rows in local metres per (plan, profile), keyed by table; ids start with "tpl"."""
    out = {}
    base = {s["plan"]: s for s in CAMPUSES}
    for plan_name in PLAN_TYPE:
        for profile in ("strong", "partial", "weak"):
            spec = dict(base[plan_name], id="tpl", short="tpl", profile=profile)
            res = campus_build.build_campus(
                DISTRICT_ID,
                spec,
                plan_for(plan_name),
                random.Random(hash((plan_name, profile)) & 0xFFFF),
                frame=LocalFrame(),
            )
            feats = res.district_features + [f for _, _, fs in res.level_files for f in fs]
            rows = {t: [] for t in TABLES}
            for f in feats:
                props = dict(f["properties"])
                table = props.pop("feature_type")
                if table in rows:
                    props["geom"] = shape(f["geometry"]) if f["geometry"] else None
                    rows[table].append(props)
            rows["control"] += _dense_devices(rows)
            out[(plan_name, profile)] = rows
    return out


def _dense_devices(rows) -> list[dict]:
    """Per-room devices of a fully instrumented school (cheap to place, many of them)."""
    extra = []
    for z in rows["zone"]:
        if z.get("level_id") is None or z["kind"] in ("corridor", "stair", "elevator"):
            continue
        g = z["geom"]
        x0, y0, x1, y1 = g.bounds
        base = {
            "campus_id": z["campus_id"],
            "building_id": z["building_id"],
            "level_id": z["level_id"],
            "zone_id": z["id"],
        }
        for k, (ctype, xy) in enumerate(
            (
                ("motion_sensor", (x1 - 0.4, y1 - 0.4)),
                ("duress_button", (x0 + 0.4, y1 - 0.6)),
                ("strobe", ((x0 + x1) / 2, y1 - 0.3)),
                ("glass_break", (x1 - 0.5, y0 + 0.5)),
            )
        ):
            attrs = (
                {"kind": "fixed", "destination": "front-office"}
                if ctype == "duress_button"
                else None
            )
            extra.append(
                dict(
                    base,
                    id=f"{z['id']}-dx{k}",
                    type=ctype,
                    name=f"{ctype} - {z.get('name')}",
                    geom=Point(xy),
                    attrs=attrs,
                    external_id=f"{z['id']}-dx{k}",
                )
            )
    for o in rows["opening"]:
        if o["door_class"] in ("classroom", "interior"):
            mid = o["geom"].interpolate(0.5, normalized=True)
            extra.append(
                {
                    "id": f"{o['id']}-lock",
                    "campus_id": o["campus_id"],
                    "building_id": o["building_id"],
                    "level_id": o["level_id"],
                    "zone_id": o.get("zone_id"),
                    "opening_id": o["id"],
                    "type": "door_contact",
                    "name": "Lock status sensor",
                    "geom": mid,
                    "external_id": f"{o['id']}-lock",
                    "attrs": {"reports": "lock"},
                }
            )
    return extra


def _place(rows, cid, copy, angle_deg, east, north, transformer, shift_m) -> dict:
    """Copy template rows to campus ``cid`` (copy ``copy``) rotated and moved, as WGS84 WKB."""
    prefix = f"{cid}-s{copy}"
    move = _mover(shift_m, angle_deg, east, north, transformer)
    out = {}
    for table in TABLES[1:]:
        geoms = shapely.transform(np.array([r["geom"] for r in rows[table]], dtype=object), move)
        wkb = shapely.to_wkb(geoms)
        out[table] = [_renamed(r, prefix, cid, w, angle_deg) for r, w in zip(rows[table], wkb)]
    return out


_REF_KEYS = ("id", "building_id", "level_id", "zone_id", "to_zone_id", "opening_id", "external_id")


def _renamed(row, prefix, cid, wkb, angle_deg) -> dict:
    r = dict(row, geom=wkb)
    if "campus_id" in r:
        r["campus_id"] = cid
    for k in _REF_KEYS:
        v = r.get(k)
        if isinstance(v, str):
            r[k] = prefix + v[3:] if v.startswith("tpl") else f"{prefix}-{v}"
    if r.get("bearing_deg") is not None:
        r["bearing_deg"] = round((r["bearing_deg"] - angle_deg) % 360.0, 1)
    return r


def generate_large(db_path, campuses: int = 200, seed: int = 1) -> dict:
    """Write ``campuses`` synthetic campuses into ``db_path``; returns counts and seconds.

    >>> generate_large("/tmp/large.duckdb", campuses=200)["zone"] > 50_000  # doctest: +SKIP
    1
    """
    from pyproj import Transformer

    started = time.perf_counter()
    rng = random.Random(seed)
    templates = _templates()
    to_ll = Transformer.from_crs(UTM_EPSG, 4326, always_xy=True)
    e0, n0 = Transformer.from_crs(4326, UTM_EPSG, always_xy=True).transform(*ORIGIN_LONLAT)
    side = math.ceil(math.sqrt(campuses))
    bundle = {t: [] for t in ("district",) + TABLES}
    for i in range(campuses):
        _add_campus(
            bundle,
            templates,
            rng,
            i,
            e0 + (i % side) * SPACING_M * 1.6,
            n0 + (i // side) * SPACING_M,
            to_ll,
        )
    hull = shapely.MultiPoint([shapely.from_wkb(c["geom"]).centroid for c in bundle["campus"]])
    bundle["district"].append(
        {
            "id": DISTRICT_ID,
            "name": "Large Synthetic District",
            "state": "NC",
            "geom": hull.convex_hull.buffer(0.02),
            "props": {"synthetic": True},
        }
    )
    with Store(Path(db_path)) as store:
        counts = store.write_sites(bundle, actor="demo-large", label="demo-large")
    counts["seconds"] = round(time.perf_counter() - started, 1)
    return counts


def _add_campus(bundle, templates, rng, i, east, north, to_ll) -> None:
    names = [n for n, _ in TYPE_WEIGHTS]
    plan_name = rng.choices(names, weights=[w for _, w in TYPE_WEIGHTS])[0]
    profile = rng.choice(("strong", "partial", "partial", "weak"))
    rows = templates[(plan_name, profile)]
    cid = f"lg{i + 1:04d}"
    angle = rng.uniform(-25, 25)
    east, north = east + rng.uniform(-300, 300), north + rng.uniform(-300, 300)
    parcel = rows["campus"][0]["geom"]
    width = parcel.bounds[2] - parcel.bounds[0] + 40
    copies = COPIES[PLAN_TYPE[plan_name]]
    parcels = []
    for k in range(copies):
        placed = _place(rows, cid, k + 1, angle, east, north, to_ll, k * width - parcel.bounds[0])
        for table, items in placed.items():
            bundle[table] += items
        move = _mover(k * width - parcel.bounds[0], angle, east, north, to_ll)
        parcels.append(shapely.transform(parcel, move))
    school_type = PLAN_TYPE[plan_name]
    bundle["campus"].append(
        {
            "id": cid,
            "district_id": DISTRICT_ID,
            "name": f"Synthetic {school_type.title()} Complex {i + 1}",
            "school_type": school_type,
            "students": rng.randint(400, 2400) * copies,
            "geom": shapely.to_wkb(shapely.union_all(parcels).convex_hull),
            "props": {"demo_profile": profile, "template": plan_name, "schools": copies},
        }
    )


def _mover(shift_m, angle_deg, east, north, to_ll):
    """Local metres (shifted east by ``shift_m``, rotated) -> lon/lat, vectorised over coords."""
    a = math.radians(angle_deg)
    cos, sin = math.cos(a), math.sin(a)

    def move(coords):
        x, y = coords[:, 0] + shift_m, coords[:, 1]
        lon, lat = to_ll.transform(east + x * cos - y * sin, north + x * sin + y * cos)
        return np.column_stack([lon, lat])

    return move
