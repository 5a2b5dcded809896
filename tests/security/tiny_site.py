"""A small, hand-made campus for the access tests: one two-storey building, grounds, doors and
every responder layer, with hostile names (HTML, script, mathtext, SQL) in rooms and devices."""

from __future__ import annotations

import math

import shapely

LON0, LAT0 = -84.0, 40.0
XSS = '<img src=x onerror="window.__pm_xss=1">'
SCRIPT = "<script>window.__pm_xss=2</script>"
SQLI = "x'); DROP TABLE app_user; --"


def ll(x_m: float, y_m: float) -> tuple[float, float]:
    """Metres east/north of (LON0, LAT0) -> lon/lat."""
    return (LON0 + x_m / (111320 * math.cos(math.radians(LAT0))), LAT0 + y_m / 110540)


def box(x0, y0, x1, y1):
    return shapely.Polygon([ll(x0, y0), ll(x1, y0), ll(x1, y1), ll(x0, y1)])


def pt(x, y):
    return shapely.Point(ll(x, y))


def line(x0, y0, x1, y1):
    return shapely.LineString([ll(x0, y0), ll(x1, y1)])


def _level(bundle, lid, ordinal, first_room):
    zones = bundle["zone"]
    for i in range(4):
        number = str(first_room + i)
        name = {0: XSS, 1: "Science Lab", 2: SCRIPT, 3: "Library $5 fund$"}[i]
        zones.append(
            {
                "id": f"{lid}-r{i}",
                "campus_id": "c1",
                "building_id": "b1",
                "level_id": lid,
                "kind": "classroom",
                "name": name,
                "room_number": number,
                "geom": box(i * 15, 20, i * 15 + 15, 40),
            }
        )
    zones.append(
        {
            "id": f"{lid}-hall",
            "campus_id": "c1",
            "building_id": "b1",
            "level_id": lid,
            "kind": "corridor",
            "name": "Main hallway",
            "geom": box(0, 12, 60, 20),
        }
    )
    zones.append(
        {
            "id": f"{lid}-stair",
            "campus_id": "c1",
            "building_id": "b1",
            "level_id": lid,
            "kind": "stair",
            "name": "Stair A",
            "geom": box(0, 0, 10, 12),
        }
    )
    zones.append(
        {
            "id": f"{lid}-office",
            "campus_id": "c1",
            "building_id": "b1",
            "level_id": lid,
            "kind": "main_office",
            "name": "Main office",
            "room_number": f"{ordinal}00",
            "geom": box(10, 0, 60, 12),
        }
    )


def tiny_site_bundle() -> dict:
    b = {t: [] for t in ("district", "campus", "building", "level", "zone", "opening", "control")}
    b["district"].append(
        {"id": "d1", "name": "Test District", "state": "OH", "geom": box(-300, -300, 400, 300)}
    )
    b["campus"].append(
        {
            "id": "c1",
            "district_id": "d1",
            "name": "Tiny High School",
            "school_type": "high",
            "geom": box(-60, -80, 140, 90),
        }
    )
    b["campus"].append(
        {
            "id": "c2",
            "district_id": "d1",
            "name": "Other Elementary",
            "school_type": "elementary",
            "geom": box(200, -80, 380, 90),
        }
    )
    b["building"].append(
        {"id": "b1", "campus_id": "c1", "name": "Main Building", "geom": box(0, 0, 60, 40)}
    )
    b["building"].append(
        {"id": "b2", "campus_id": "c2", "name": "Elementary Building", "geom": box(250, 0, 300, 40)}
    )
    for lid, ordinal, name in (("b1-l0", 0, "First floor"), ("b1-l1", 1, "Second floor")):
        b["level"].append(
            {
                "id": lid,
                "building_id": "b1",
                "ordinal": ordinal,
                "name": name,
                "geom": box(0, 0, 60, 40),
            }
        )
        _level(b, lid, ordinal, 101 + 100 * ordinal)
    b["level"].append(
        {
            "id": "b2-l0",
            "building_id": "b2",
            "ordinal": 0,
            "name": "Ground",
            "geom": box(250, 0, 300, 40),
        }
    )
    b["zone"] += [
        {
            "id": "c1-park",
            "campus_id": "c1",
            "kind": "parking",
            "name": "Staff parking",
            "geom": box(-50, -70, 40, -20),
        },
        {
            "id": "c1-field",
            "campus_id": "c1",
            "kind": "field",
            "name": "Football field",
            "geom": box(70, -70, 130, 80),
        },
        {
            "id": "c1-road",
            "campus_id": "c1",
            "kind": "road",
            "name": "School Road",
            "geom": box(-60, -80, 140, -72),
        },
        {
            "id": "c2-park",
            "campus_id": "c2",
            "kind": "parking",
            "name": "Elementary lot",
            "geom": box(210, -70, 300, -20),
        },
    ]
    for num, cls, geom in (
        ("1", "exterior-primary", line(25, 0, 30, 0)),
        ("2", "exterior-secondary", line(60, 15, 60, 19)),
        ("3", "exterior-tertiary", line(0, 14, 0, 18)),
    ):
        b["opening"].append(
            {
                "id": f"door-{num}",
                "campus_id": "c1",
                "building_id": "b1",
                "level_id": "b1-l0",
                "door_class": cls,
                "number": num,
                "geom": geom,
            }
        )
    b["opening"].append(
        {
            "id": "door-int",
            "campus_id": "c1",
            "building_id": "b1",
            "level_id": "b1-l0",
            "door_class": "classroom",
            "number": None,
            "zone_id": "b1-l0-r0",
            "geom": line(5, 20, 8, 20),
        }
    )
    devices = [
        ("aed-1", "aed", "AED lobby", 30, 5, "b1-l0", {}),
        ("tk-1", "trauma_kit", "Trauma kit office", 40, 5, "b1-l0", {}),
        ("kb-1", "key_box", "Knox box", 27, -2, None, {}),
        ("gas-1", "utility_shutoff", "Gas main", 58, 2, "b1-l0", {"utility": "gas"}),
        ("fap-1", "fire_alarm_panel", "FACP", 12, 5, "b1-l0", {}),
        ("hz-1", "hazard", "Chemical storage", 20, 30, "b1-l1", {}),
        ("cam-1", "camera", f"Camera {XSS}", 20, 15, "b1-l0", {}),
        ("rdr-1", "access_reader", "Reader door 1", 24, 1, "b1-l0", {}),
        ("duress-1", "duress_button", "Office panic", 45, 6, "b1-l0", {}),
        ("aed-2", "aed", "AED elementary", 270, 10, "b2-l0", {}),
    ]
    for did, dtype, name, x, y, lid, attrs in devices:
        bid = None if lid is None else ("b2" if lid.startswith("b2") else "b1")
        b["control"].append(
            {
                "id": did,
                "campus_id": "c2" if bid == "b2" else "c1",
                "building_id": bid,
                "level_id": lid,
                "type": dtype,
                "name": name,
                "geom": pt(x, y),
                "attrs": attrs,
            }
        )
    return b
