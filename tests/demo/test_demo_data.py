"""The committed demo district meets the spec of issue 2 (stats, rooms, doors, geometry)."""

from __future__ import annotations

import math

import pytest
from shapely.strtree import STRtree

from passmap.geometry import local_crs, to_metric
from passmap.store import Store

REQUIRED_ROOM_KINDS = {
    "classroom",
    "main_office",
    "vestibule",
    "nurse",
    "gym",
    "cafeteria",
    "library",
    "corridor",
    "stair",
    "restroom",
    "mechanical",
    "kitchen",
    "loading_dock",
    "mdf_idf",
}
REQUIRED_SITE_KINDS = {"parking", "drive", "bus_loop", "field", "playground", "track", "court"}


@pytest.fixture(scope="module")
def store(demo_db_shared):
    with Store(demo_db_shared, read_only=True) as s:
        yield s


@pytest.fixture(scope="module")
def crs(store):
    lon, lat = store.list_campuses().geometry.union_all().centroid.coords[0]
    return local_crs(lon, lat)


def test_stats_meet_the_spec(store):
    stats = store.stats()
    totals = stats["totals"]
    assert totals["campuses"] >= 4
    assert totals["controls"] >= 300
    assert len(totals["controls_by_type"]) >= 12
    for t in (
        "camera",
        "access_reader",
        "intercom",
        "visitor_management",
        "duress_button",
        "door_contact",
        "pa_speaker",
        "fence",
        "gate",
        "aed",
        "key_box",
        "utility_shutoff",
        "trauma_kit",
    ):
        assert totals["controls_by_type"].get(t, 0) >= 1, t
    types = store.list_campuses().school_type.value_counts().to_dict()
    assert types["elementary"] >= 2 and types["middle"] >= 1 and types["high"] >= 1
    hs = store.list_campuses().query("school_type == 'high'").id.iloc[0]
    assert next(c for c in stats["campuses"] if c["id"] == hs)["levels"] >= 2


def test_all_required_room_and_site_kinds_present(store):
    zones = store.list_zones()
    assert REQUIRED_ROOM_KINDS <= set(zones.kind)
    assert REQUIRED_SITE_KINDS <= set(zones[zones.level_id.isna()].kind)
    classrooms = zones[zones.kind == "classroom"]
    assert classrooms.room_number.notna().all()
    assert classrooms.name.str.match(r"^Room (\d{3}|P\d) - ").all()


def test_classrooms_and_corridors_have_real_sizes(store, crs):
    zones = to_metric(store.list_zones(), crs)
    areas = zones[zones.kind == "classroom"].area
    assert areas.median() == pytest.approx(85, abs=6)
    halls = zones[(zones.kind == "corridor") & zones.name.str.match(r"^Corridor [A-Z]$")]
    assert len(halls) >= 10
    for geom in halls.geometry:
        assert 2.5 <= min(_rect_sides(geom.minimum_rotated_rectangle)) <= 3.5


def test_high_school_stairs_line_up_on_both_levels(store, crs):
    zones = to_metric(store.list_zones(campus_id="cvhs"), crs)
    stairs = zones[zones.kind == "stair"]
    ground = stairs[stairs.level_id.str.endswith("-l1")].geometry
    upper = stairs[stairs.level_id.str.endswith("-l2")].geometry
    assert len(upper) >= 4 and len(ground) == len(upper)
    for geom in upper:
        best = max(geom.intersection(g).area / geom.union(g).area for g in ground)
        assert best > 0.99


def _rect_sides(rect):
    c = list(rect.exterior.coords)
    return [math.dist(c[0], c[1]), math.dist(c[1], c[2])]


def _bearing(centre, point):
    return math.degrees(math.atan2(point.x - centre.x, point.y - centre.y)) % 360


def test_exterior_doors_numbered_clockwise_from_main_entrance(store, crs):
    campuses = store.list_campuses().set_index("id")
    for _, b in to_metric(store.list_buildings(), crs).iterrows():
        doors = to_metric(store.list_openings(building_id=b.id), crs)
        ext = doors[doors.door_class.str.startswith("exterior")].copy()
        primary = ext[ext.door_class == "exterior-primary"]
        assert len(primary) == 1 and primary.number.iloc[0] == "1", b.id
        centre = b.geometry.centroid
        start = _bearing(centre, primary.geometry.iloc[0].centroid)
        ext["turn"] = [(_bearing(centre, g.centroid) - start) % 360 for g in ext.geometry]
        ordered = ext.sort_values("turn")
        if campuses.loc[b.campus_id, "props"]["demo_profile"] == "weak":
            # The failing campus: only the main entrance carries a number (a documented gap).
            assert ordered.number.iloc[1:].isna().all()
            continue
        assert list(ordered.number) == [str(n) for n in range(1, len(ordered) + 1)], b.id
        assert len(ordered) >= 10


def test_zones_of_a_level_do_not_overlap(store, crs):
    zones = to_metric(store.list_zones(), crs)
    groups = [g for _, g in zones[zones.level_id.notna()].groupby("level_id")]
    groups += [g for _, g in zones[zones.level_id.isna()].groupby("campus_id")]
    for group in groups:
        geoms = list(group.geometry)
        tree = STRtree(geoms)
        overlap = 0.0
        for i, j in zip(*tree.query(geoms, predicate="intersects")):
            if i < j:
                overlap += geoms[i].intersection(geoms[j]).area
        assert overlap < 0.5, (group.iloc[0].level_id or group.iloc[0].campus_id, overlap)


def test_grounds_do_not_cover_buildings(store, crs):
    zones = to_metric(store.list_zones(site_only=True), crs)
    for _, b in to_metric(store.list_buildings(), crs).iterrows():
        site = zones[zones.campus_id == b.campus_id]
        assert site.intersection(b.geometry).area.sum() < 0.5, b.id


def test_every_control_lies_inside_its_campus(store, crs):
    parcels = to_metric(store.list_campuses(), crs).set_index("id").geometry
    controls = to_metric(store.list_controls(), crs)
    outside = [
        c.id
        for _, c in controls.iterrows()
        if not parcels[c.campus_id].buffer(0.5).covers(c.geometry)
    ]
    assert outside == []


def test_cameras_have_a_realistic_view(store, crs):
    cams = to_metric(store.list_controls(), crs).query("type == 'camera'")
    assert len(cams) >= 60
    assert cams.bearing_deg.between(0, 360).all()
    assert cams.fov_deg.between(30, 120).all()
    assert cams.range_m.between(5, 100).all()
    assert cams.external_id.notna().all()
    levels = to_metric(store.list_levels(), crs).set_index("id").geometry
    inside = cams[cams["attrs"].map(lambda a: a.get("mount") == "interior")]
    assert len(inside) >= 20
    for _, c in inside.iterrows():
        assert levels[c.level_id].buffer(0.01).covers(c.geometry), c.id


def test_campuses_are_deliberately_uneven(store):
    campuses = store.list_campuses()
    profile = {r.id: r.props["demo_profile"] for r in campuses.itertuples()}
    strong = next(c for c, p in profile.items() if p == "strong")
    weak = next(c for c, p in profile.items() if p == "weak")
    ctl_s, ctl_w = store.list_controls(campus_id=strong), store.list_controls(campus_id=weak)
    doors_s, doors_w = store.list_openings(campus_id=strong), store.list_openings(campus_id=weak)
    ext_s = doors_s[doors_s.door_class.str.startswith("exterior")]
    read = set(ctl_s[ctl_s["type"] == "access_reader"].opening_id)
    assert set(ext_s.id) <= read and set(ext_s.id) <= set(
        ctl_s[ctl_s["type"] == "door_contact"].opening_id
    )
    assert {"intercom", "visitor_management"} <= set(ctl_s["type"])
    assert doors_s[doors_s.door_class == "classroom"].lock_inside_operable.all()
    assert "vestibule" in set(store.list_zones(campus_id=strong).kind)
    assert "vestibule" not in set(store.list_zones(campus_id=weak).kind)
    assert not doors_w[doors_w.door_class == "classroom"].lock_inside_operable.any()
    tertiary = set(doors_w[doors_w.door_class == "exterior-tertiary"].id)
    assert tertiary and not tertiary & set(ctl_w[ctl_w["type"] == "camera"].opening_id.dropna())
    assert set(
        ctl_w[ctl_w["type"] == "duress_button"].zone_id.map(
            store.list_zones(campus_id=weak).set_index("id").kind
        )
    ) == {"main_office"}
    tech = ctl_w[ctl_w.external_id.notna()]
    assert tech.last_tested_on.isna().all() and tech.procedure_doc.isna().all()
    assert ctl_s[ctl_s.external_id.notna()].procedure_doc.notna().all()
