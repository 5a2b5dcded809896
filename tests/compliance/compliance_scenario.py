"""A tiny hand-drawn school for rule scenarios, built in metres and stored in WGS84.

Plan (metres, x east, y north; building 40 x 20 m, one ground level L0):

    y=20 +----------+----------+--------------------+
         |  R1      |  R2      |                    |   R1, R2 classrooms
    y=10 +--CR1-----+---CR2----+--------------------+   CR1 (x 4-6), CR2 (x 14-16)
      D3 |                 corridor C               | D2   D3 west (y 7-9), D2 east
    y=6  +------+-------+------+--------------------+
         |  V   |  O    |  N   |                       V vestibule, O main office, N nurse
    y=0  +-D1---+-------+------+                       D1 primary (x 2-4) into V
    parking P: x 0..40, y -40..-15 (grounds, no building)
"""

from __future__ import annotations

from datetime import date

import numpy as np
import shapely
from pyproj import Transformer

from passmap.geometry import local_crs

LON0, LAT0 = -84.39, 33.75
AS_OF = date(2026, 9, 1)
_CRS = local_crs(LON0, LAT0)
_FWD = Transformer.from_crs("OGC:CRS84", _CRS, always_xy=True)
_INV = Transformer.from_crs(_CRS, "OGC:CRS84", always_xy=True)
X0, Y0 = _FWD.transform(LON0, LAT0)
IN_B1 = {"building_id": "B1", "level_id": "L0"}  # a feature inside the building (its one level)


def wgs(geom):
    """Metric plan coordinates (relative to the origin) -> WGS84 shapely geometry."""

    def move(xy):
        lon, lat = _INV.transform(xy[:, 0] + X0, xy[:, 1] + Y0)
        return np.column_stack([lon, lat])

    return shapely.transform(geom, move)


def box(a, b, c, d):
    return wgs(shapely.box(a, b, c, d))


def line(*pts):
    return wgs(shapely.LineString(pts))


def pt(x, y):
    return wgs(shapely.Point(x, y))


def base_bundle() -> dict[str, list[dict]]:
    c = {"campus_id": "C1"}
    b = dict(c, **IN_B1)
    zones = [
        ("V", "vestibule", (0, 0, 6, 6)),
        ("O", "main_office", (6, 0, 14, 6)),
        ("N", "nurse", (14, 0, 20, 6)),
        ("C", "corridor", (0, 6, 40, 10)),
        ("R1", "classroom", (0, 10, 10, 20)),
        ("R2", "classroom", (10, 10, 20, 20)),
    ]
    exterior_doors = [  # id, class, number, into zone, monitored, lock function, wall segment
        ("D1", "exterior-primary", "1", "V", True, "electrified", line((2, 0), (4, 0))),
        ("D2", "exterior-secondary", "2", "C", True, "exit-only", line((40, 7), (40, 9))),
        ("D3", "exterior-tertiary", "3", "C", False, "exit-only", line((0, 7), (0, 9))),
    ]
    to_c = dict(b, to_zone_id="C")  # an inner door onto the corridor
    classroom_doors = [  # id, classroom, lockable from inside, wall segment
        ("CR1", "R1", True, line((4, 10), (6, 10))),
        ("CR2", "R2", False, line((14, 10), (16, 10))),
    ]
    return {
        "district": [{"id": "D", "name": "Test District", "geom": box(-100, -100, 200, 200)}],
        "campus": [
            {"id": "C1", "district_id": "D", "name": "Test School", "geom": box(-50, -60, 100, 100)}
        ],
        "building": [{"id": "B1", "campus_id": "C1", "name": "Main", "geom": box(0, 0, 40, 20)}],
        "level": [{"id": "L0", "building_id": "B1", "ordinal": 0, "name": "Ground"}],
        "zone": [dict(b, id=i, kind=k, name=i, geom=box(*xy)) for i, k, xy in zones]
        + [dict(c, id="P", kind="parking", name="Parking", geom=box(0, -40, 40, -15))],
        "opening": [
            dict(b, id=i, door_class=k, number=n, zone_id=z, monitored=m, lock_function=f, geom=g)
            for i, k, n, z, m, f, g in exterior_doors
        ]
        + [
            dict(to_c, id=i, door_class="classroom", zone_id=z, lock_inside_operable=x, geom=g)
            for i, z, x, g in classroom_doors
        ]
        + [dict(to_c, id="IV", door_class="interior", zone_id="V", geom=line((2, 6), (4, 6)))],
        "control": [
            dict(
                c,
                id="CAM1",
                type="camera",
                geom=pt(3, -8),
                bearing_deg=0.0,
                fov_deg=60.0,
                range_m=20.0,
                external_id="cam-1",
                procedure_doc="sop/cameras.pdf",
                last_tested_on=date(2026, 8, 1),
            ),
            dict(
                b,
                id="DUR1",
                type="duress_button",
                geom=pt(10, 3),
                attrs={"destination": "911-psap"},
                procedure_doc="sop/duress.pdf",
                last_tested_on=date(2026, 3, 1),
                external_id="dur-1",
            ),
            dict(
                c,
                id="ICM1",
                type="intercom",
                geom=pt(3, -0.5),
                opening_id="D1",
                procedure_doc="sop/intercom.pdf",
            ),
            dict(
                b,
                id="VM1",
                type="visitor_management",
                geom=pt(3, 3),
                procedure_doc="sop/visitors.pdf",
            ),
            dict(b, id="PA1", type="pa_speaker", geom=pt(5, 15), procedure_doc="sop/pa.pdf"),
            dict(
                b,
                id="DC2",
                type="door_contact",
                geom=pt(39.8, 8),
                opening_id="D2",
                external_id="dc-2",
                procedure_doc="sop/doors.pdf",
            ),
        ],
    }


def practice(pid, tier, scope, kind, params=None, **kw) -> dict:
    """A practice row for the store (edition 't'), one rule at a time."""
    if isinstance(scope, str):
        scope = {"level": scope}
    return {
        "id": pid,
        "edition": "t",
        "layer": kw.get("layer", "Building Perimeter"),
        "component": kw.get("component", "Access Control"),
        "tier": str(tier),
        "title": kw.get("title", pid),
        "scope": scope,
        "check_kind": kind,
        "check_params": params or {},
        "criticality": kw.get("criticality", 3),
        "feasibility": 3,
        "unit_cost_usd": kw.get("cost", 100.0),
        "cost_per": kw.get("cost_per", "scope"),
        "tier_verified": True,
        "source": "test",
    }


def needs_control_in(pid, tier, zone_kinds, control_types, attrs=None, **kw) -> dict:
    """A ``control_in_zone`` practice: every zone of ``zone_kinds`` holds one of ``control_types``
    (with ``attrs``, one whose attributes match)."""
    params = {"control_types": list(control_types)}
    if attrs is not None:
        params["attrs"] = attrs
    scope = {"level": "zone", "zone_kinds": list(zone_kinds)}
    return practice(pid, tier, scope, "control_in_zone", params, **kw)


def control(cid, ctype, xy, **attrs) -> dict:
    """A control row at plan point ``xy`` of campus C1, on the grounds unless ``attrs`` place it
    in the building (``**IN_B1``)."""
    return {"campus_id": "C1", "id": cid, "type": ctype, "geom": pt(*xy), **attrs}


def assess_with(store, practices, **kw):
    from passmap.compliance import assess

    store.save_practices(practices, "t", replace=True)
    return assess(store, edition="t", as_of=kw.pop("as_of", AS_OF), **kw)


def status_of(result, pid, scope_id) -> str:
    f = result.findings
    row = f[(f["practice_id"] == pid) & (f["scope_id"] == scope_id)]
    assert len(row) == 1, f"expected one finding for {pid} at {scope_id}, got {len(row)}"
    return row.iloc[0]["status"]


def evidence_of(result, pid, scope_id) -> dict:
    f = result.findings
    return f[(f["practice_id"] == pid) & (f["scope_id"] == scope_id)].iloc[0]["evidence"]
