"""What the map says is true: a control counts where it IS (not where a stored zone id says),
a camera's mounting wall hides what lies behind it, and CAD walls block sight lines and the
drawn views. Each test is a finding of issue 13 reproduced on the demo or the tiny school."""

from __future__ import annotations

import shapely

from passmap.compliance import assess
from passmap.store import Store
from tests.compliance.compliance_scenario import AS_OF, IN_B1, control, line, pt, status_of, wgs

OFFICE, OFFICE_DURESS = "ohes-main-l1-114", "ohes-ctl-0047"
ENTRY_HALL, ENTRY_CAMERA = "ohes-main-l1-a-R05", "ohes-ctl-0013"


def _finding(result, pid, scope):
    f = result.findings
    return f[(f["practice_id"] == pid) & (f["scope_id"] == scope)].iloc[0]


def test_a_moved_duress_button_leaves_the_office(demo_db):
    """The Edit page's Move changes only the geometry: the office loses its fixed duress
    button, the office, building and campus tiers follow, and the stored zone id follows."""
    with Store(demo_db) as store:
        before = assess(store)
        assert _finding(before, "CI-DA-01", OFFICE)["status"] == "in_place"
        zones = store.list_zones(level_id="ohes-main-l1").set_index("id")
        lobby = zones.loc[ENTRY_HALL, "geometry"].representative_point()
        store.move_feature("control", OFFICE_DURESS, lobby, None, "test")
        assert store.get("control", OFFICE_DURESS)["zone_id"] == ENTRY_HALL
        after = assess(store)
    row = _finding(after, "CI-DA-01", OFFICE)
    assert row["status"] == "needed" and OFFICE_DURESS not in row["evidence"]["satisfied_by"]
    assert after.tiers[OFFICE] == 0 < before.tiers[OFFICE]


def test_an_outdoor_camera_does_not_watch_the_hall(demo_db):
    """Oak Hollow's entrance camera hangs outside the building: it is not a camera of the
    Entry Hall (its stored zone id says it is), so the hall's corridor-camera practice fails
    until a camera is placed inside, and then passes on that camera."""
    with Store(demo_db) as store:
        result = assess(store)
        row = _finding(result, "CI-VS-01", ENTRY_HALL)
        assert row["status"] == "needed"
        assert ENTRY_CAMERA not in row["evidence"]["satisfied_by"]
        hall = store.get("zone", ENTRY_HALL)
        store.create_feature(
            "control",
            {
                "id": "hall-cam",
                "campus_id": "ohes",
                "building_id": "ohes-main",
                "level_id": "ohes-main-l1",
                "type": "camera",
                "geom": hall["geometry"].representative_point(),
            },
            "test",
        )
        row = _finding(assess(store), "CI-VS-01", ENTRY_HALL)
    assert row["status"] == "in_place" and row["evidence"]["satisfied_by"] == ["hall-cam"]


def test_a_camera_facing_its_own_wall_sees_nothing_behind_it(demo_db):
    """The entrance camera turned to face the exterior wall it hangs on: the door behind that
    wall is no longer covered, and its drawn view has nothing inside the building."""
    with Store(demo_db) as store:
        before = assess(store)
        assert ENTRY_CAMERA in _finding(before, "BP-VS-01", "ohes-main")["evidence"]["satisfied_by"]
        cam = store.get("control", ENTRY_CAMERA)
        store.update_feature(
            "control", ENTRY_CAMERA, {"bearing_deg": (cam["bearing_deg"] + 180) % 360}, None, "t"
        )
        after = assess(store)
        footprint = store.get("building", "ohes-main")["geometry"]
    row = _finding(after, "BP-VS-01", "ohes-main")
    assert ENTRY_CAMERA not in row["evidence"]["satisfied_by"]
    view = after.coverage_for("ohes").set_index("control_id").loc[ENTRY_CAMERA, "geometry"]
    inside_m2 = _area_m2(view.intersection(footprint))
    assert inside_m2 < 0.05, f"{inside_m2:.2f} m2 of view drawn inside the building"
    # Facing out again it sees the door and a real area outside.
    view_out = before.coverage_for("ohes").set_index("control_id").loc[ENTRY_CAMERA, "geometry"]
    assert _area_m2(view_out) > 20 and _area_m2(view_out.intersection(footprint)) < 0.05


def _area_m2(geom) -> float:
    import geopandas as gpd

    from passmap.geometry import to_metric

    if geom.is_empty:
        return 0.0
    return float(to_metric(gpd.GeoSeries([geom], crs="OGC:CRS84")).area.iloc[0])


def _cad_wall(store, wall_id, *pts):
    store.apply_import(
        {
            "wall": [
                {
                    "id": wall_id,
                    "campus_id": "C1",
                    **IN_B1,
                    "geom": line(*pts),
                }
            ]
        },
        "test",
        "cad walls",
    )


def test_cad_walls_block_sight_lines_and_drawn_views(school):
    """A CAD wall between the parking camera and the primary door (the ``wall`` table, as a
    DXF import writes it) hides the door from the engine and from the drawn view."""
    from tests.compliance.compliance_scenario import assess_with, practice

    rule = practice("VS", 1, "building", "camera_coverage", {"door_classes": ["exterior-primary"]})
    before = assess_with(school, [rule])
    assert status_of(before, "VS", "B1") == "in_place"
    seen_before = before.coverage_for("C1").geometry.iloc[0]
    assert seen_before.contains(pt(3, -2))
    _cad_wall(school, "W1", (-5, -4), (12, -4))
    after = assess_with(school, [rule])
    assert status_of(after, "VS", "B1") == "needed"
    seen = after.coverage_for("C1").geometry.iloc[0]
    assert not seen.contains(pt(3, -2)) and seen.contains(pt(3, -6))


def test_the_mounting_wall_blocks_behind_and_nothing_in_front(school):
    """A camera hung 0.25 m inside the west wall of the corridor: facing east it sees along the
    corridor (the wall it hangs on hides nothing in front); facing west, into its wall, it
    sees nothing of the door D3 in that wall's outside approach."""
    from tests.compliance.compliance_scenario import assess_with, practice

    rule = practice(
        "VS3", 1, "building", "camera_coverage", {"door_classes": ["exterior-tertiary"]}
    )
    cam = control("CAMW", "camera", (0.25, 6.5), **IN_B1, fov_deg=90.0, range_m=12.0)
    school.create_feature("control", dict(cam, bearing_deg=90.0), "t")
    east = assess_with(school, [rule])
    view = east.coverage_for("C1").set_index("control_id").loc["CAMW", "geometry"]
    assert view.contains(pt(6, 8)) and not view.contains(pt(-3, 8))
    school.update_feature("control", "CAMW", {"bearing_deg": 270.0}, None, "t")
    west = assess_with(school, [rule])
    view = west.coverage_for("C1").set_index("control_id").loc["CAMW", "geometry"]
    assert view.is_empty or not view.intersects(wgs(shapely.box(-12, 0, 0, 20)).buffer(-1e-7))
    assert (
        "CAMW" not in west.findings.set_index("practice_id").loc["VS3", "evidence"]["satisfied_by"]
    )
    assert AS_OF  # the scenario's date is used by assess_with
