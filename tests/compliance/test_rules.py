"""Every rule kind on the tiny hand-drawn school of conftest.py, tiers worked out by hand."""

from __future__ import annotations

from datetime import date

import shapely

from passmap.geometry import local_crs
from tests.compliance.compliance_scenario import (
    IN_B1,
    assess_with,
    base_bundle,
    control,
    evidence_of,
    needs_control_in,
    practice,
    pt,
    status_of,
)


def test_control_in_zone_and_zone_tiers(school):
    # T1: a duress button with a destination in the main office -> O has DUR1: in place.
    # T2: a PA speaker in every classroom -> R1 has PA1 (in place), R2 has none (needed).
    # Tiers by hand: O: only a T1 practice, in place -> 4. R1: T2 in place -> 4.
    # R2: no T1 practice applies, T2 blocks -> 1. Building (rolls up all zones): T1 ok,
    # T2 blocked by R2 -> 1. Corridor C has no practice -> shows the building's tier, 1.
    r = assess_with(
        school,
        [
            needs_control_in(
                "P-DUR", 1, ["main_office"], ["duress_button"], attrs={"destination": "*"}
            ),
            needs_control_in("P-PA", 2, ["classroom"], ["pa_speaker"]),
        ],
    )
    assert status_of(r, "P-DUR", "O") == "in_place"
    assert evidence_of(r, "P-DUR", "O")["satisfied_by"] == ["DUR1"]
    assert status_of(r, "P-PA", "R1") == "in_place" and status_of(r, "P-PA", "R2") == "needed"
    assert (r.tiers["O"], r.tiers["R1"], r.tiers["R2"], r.tiers["B1"], r.tiers["C"]) == (
        4,
        4,
        1,
        1,
        1,
    )
    assert r.tiers["C1"] == 1 and r.tiers["D"] == 1
    assert "R2: needs 1 PA speaker, has none." == r.findings_for_object("R2").iloc[0]["explanation"]


def test_control_in_zone_attrs_must_match(school):
    # Requiring attrs kind=wearable: DUR1 has no 'kind' -> the office has none -> needed, tier 0.
    rule = needs_control_in("P", 1, ["main_office"], ["duress_button"], attrs={"kind": "wearable"})
    r = assess_with(school, [rule])
    assert status_of(r, "P", "O") == "needed" and r.tiers["O"] == 0


def test_opening_attribute_classroom_locks(school):
    # T1 every classroom door lockable from inside: CR1 True, CR2 False.
    # R1 -> in place, tier 4; R2 -> needed (blocked by CR2), tier 0; building 0.
    r = assess_with(
        school,
        [
            practice(
                "P-LOCK",
                1,
                {"level": "zone", "zone_kinds": ["classroom"]},
                "opening_attribute",
                {
                    "door_classes": ["classroom"],
                    "attribute": "lock_inside_operable",
                    "equals": True,
                },
                cost=450,
                cost_per="item",
            )
        ],
    )
    assert status_of(r, "P-LOCK", "R1") == "in_place" and status_of(r, "P-LOCK", "R2") == "needed"
    assert evidence_of(r, "P-LOCK", "R2")["blocked_by"] == ["CR2"]
    assert (r.tiers["R1"], r.tiers["R2"], r.tiers["B1"]) == (4, 0, 0)
    gap = r.gaps.iloc[0]
    assert gap["practice_id"] == "P-LOCK" and gap["scope_id"] == "R2" and gap["cost_usd"] == 450
    assert set(r.findings_for_object("CR2")["scope_id"]) == {"R2"}


def test_opening_attribute_or_control_and_not_applicable(school):
    # Exterior doors monitored (attribute) or served by a door contact: D1 monitored, D2 has
    # DC2 (and monitored), D3 neither -> needed, blocked by D3 only.
    # A class with no doors in the building (none exist of 'interior' on site zones) is
    # not applicable (decided by the map, not a person's Not necessary), which never blocks.
    r = assess_with(
        school,
        [
            practice(
                "P-MON",
                1,
                "building",
                "opening_attribute",
                {
                    "door_classes": ["exterior-primary", "exterior-secondary", "exterior-tertiary"],
                    "attribute": "monitored",
                    "equals": True,
                    "or_control_types": ["door_contact"],
                },
            ),
            practice(
                "P-NONE",
                1,
                {"level": "zone", "zone_kinds": ["parking"]},
                "opening_attribute",
                {"door_classes": ["classroom"], "attribute": "number", "present": True},
            ),
        ],
    )
    assert evidence_of(r, "P-MON", "B1")["blocked_by"] == ["D3"]
    assert status_of(r, "P-NONE", "P") == "not_applicable"
    assert r.tiers["B1"] == 0 and r.tiers["P"] == 4


def test_door_numbering_unique_complete_and_scheme(school, make_school):
    params = {
        "door_classes": ["exterior-primary", "exterior-secondary", "exterior-tertiary"],
        "pattern": "^[0-9]+$",
        "primary_number": "1",
    }
    rule = [practice("P-NUM", 1, "building", "door_numbering", params)]
    assert status_of(assess_with(school, rule), "P-NUM", "B1") == "in_place"  # 1, 2, 3
    bundle = base_bundle()
    doors = {o["id"]: o for o in bundle["opening"]}
    doors["D3"]["number"] = "2"  # duplicate of D2
    doors["D1"]["number"] = "A"  # off the scheme and primary is not "1"
    school = make_school(bundle)
    r = assess_with(school, rule)
    ev = evidence_of(r, "P-NUM", "B1")
    assert status_of(r, "P-NUM", "B1") == "needed" and sorted(ev["blocked_by"]) == [
        "D1",
        "D2",
        "D3",
    ]
    expl = r.findings.iloc[0]["explanation"]
    assert "duplicate number (D2, D3)" in expl and "primary entrance not numbered 1" in expl


def _coverage_rule(classes):
    return [practice("P-CAM", 1, "building", "camera_coverage", {"door_classes": classes})]


def test_camera_coverage_primary_door_seen(school):
    # CAM1 at (3, -8) looks north (60 deg, 20 m): D1 at (3, 0) is 8 m straight ahead.
    r = assess_with(school, _coverage_rule(["exterior-primary"]))
    assert status_of(r, "P-CAM", "B1") == "in_place"
    assert evidence_of(r, "P-CAM", "B1")["satisfied_by"] == ["CAM1"]


def test_camera_coverage_wall_occlusion(school, make_school):
    # A camera in classroom R2 at (15, 15) aimed at D2 (40, 8): bearing 105.6 deg, 30 deg view,
    # 60 m range. Angle and range are fine, but the sight line crosses R2's east wall at
    # x=20, y=13.6 (wall spans y 10..20), and the approach points of D2 (37..43, 8) lie behind
    # it too -> D2 NOT covered: needed, blocked by D2, tier 0.
    bundle = base_bundle()
    bundle["control"].append(
        control("CAMR", "camera", (15, 15), **IN_B1, bearing_deg=105.6, fov_deg=30.0, range_m=60.0)
    )
    school = make_school(bundle)
    r = assess_with(school, _coverage_rule(["exterior-secondary"]))
    assert status_of(r, "P-CAM", "B1") == "needed"
    assert evidence_of(r, "P-CAM", "B1")["blocked_by"] == ["D2"] and r.tiers["B1"] == 0
    # The kept coverage geometry agrees: CAMR's clipped view stops at the wall.
    view = r.coverage.set_index("control_id").to_crs(local_crs(-84.39, 33.75)).geometry["CAMR"]
    from tests.compliance.compliance_scenario import X0, Y0

    assert view.contains(shapely.Point(X0 + 18, Y0 + 14.4))  # inside R2, in view
    assert not view.contains(shapely.Point(X0 + 30, Y0 + 11.2))  # beyond the wall
    # Move the camera into the corridor at (30, 8) looking east: D2 is 10 m ahead -> in place.
    bundle["control"][-1].update(geom=pt(30, 8), bearing_deg=90.0)
    school = make_school(bundle)
    r = assess_with(school, _coverage_rule(["exterior-secondary"]))
    assert status_of(r, "P-CAM", "B1") == "in_place" and r.tiers["B1"] == 4


def test_camera_coverage_of_points_of_interest(school, make_school):
    # A gate at (20, -50): CAM1 looks north from (3, -8), the gate is behind it -> needed.
    bundle = base_bundle()
    bundle["control"].append(control("G1", "gate", (20, -50)))
    school = make_school(bundle)
    rule = [practice("P-G", 2, "campus", "camera_coverage", {"control_types": ["gate"]})]
    r = assess_with(school, rule)
    assert status_of(r, "P-G", "C1") == "needed" and r.tiers["C1"] == 1


def _parking_seen(min_share):
    return [
        practice(
            "P-AREA",
            2,
            "campus",
            "area_coverage",
            {"zone_kinds": ["parking"], "min_share": min_share},
        )
    ]


def test_area_coverage_share_of_parking(school, make_school):
    # A pole camera at (20, -45) facing north, 120 deg, 80 m: the parking (0..40 x -40..-15,
    # 1000 m2) is inside the view except two corner triangles where the bearing exceeds 60 deg
    # (dy < 0.577 |dx|): 2 x 0.5 x 11.34 x 6.55 = 74 m2 -> 92.6% seen (sampled, +-4%).
    bundle = base_bundle()
    bundle["control"].append(
        control("CAMP", "camera", (20, -45), bearing_deg=0.0, fov_deg=120.0, range_m=80.0)
    )
    school = make_school(bundle)
    r = assess_with(school, _parking_seen(0.9))
    expl = r.findings.iloc[0]["explanation"]
    share = float(expl.split("%")[0].split()[-1]) / 100
    assert abs(share - 0.926) < 0.04, expl
    assert status_of(r, "P-AREA", "C1") == "in_place"
    # Range 10 m reaches only y=-35: at most a 5 m strip of the 25 m deep lot -> needed.
    bundle["control"][-1]["range_m"] = 10.0
    school = make_school(bundle)
    r = assess_with(school, _parking_seen(0.5))
    assert status_of(r, "P-AREA", "C1") == "needed" and r.tiers["C1"] == 1


def test_secure_entry_companions(school, make_school):
    # D1 opens into vestibule V; ICM1 serves D1; VM1 stands in V -> in place.
    rule = [
        practice(
            "P-ENT",
            2,
            "building",
            "secure_entry",
            {"requires": ["vestibule", "intercom", "visitor_management"], "within_m": 10},
        )
    ]
    r = assess_with(school, rule)
    assert status_of(r, "P-ENT", "B1") == "in_place"
    assert set(evidence_of(r, "P-ENT", "B1")["satisfied_by"]) == {"D1", "V", "ICM1", "VM1"}
    bundle = base_bundle()
    vm = next(c for c in bundle["control"] if c["id"] == "VM1")
    vm.update(geom=pt(35, -30), building_id=None, level_id=None)  # moved out to the parking
    school = make_school(bundle)
    r = assess_with(school, rule)
    assert status_of(r, "P-ENT", "B1") == "needed" and r.tiers["B1"] == 1
    assert "visitor check-in point" in r.findings.iloc[0]["explanation"]


def test_procedure_attached(school, make_school):
    bundle = base_bundle()
    bundle["control"][0]["procedure_doc"] = None  # CAM1 loses its procedure
    school = make_school(bundle)
    r = assess_with(
        school,
        [
            practice(
                "P-SOP",
                1,
                "campus",
                "procedure_attached",
                {"control_types": ["camera", "duress_button"]},
            )
        ],
    )
    assert evidence_of(r, "P-SOP", "C1")["blocked_by"] == ["CAM1"] and r.tiers["C1"] == 0


def test_maintenance_within_days(school):
    # DUR1 was tested 2026-03-01. As of 2026-09-01 that is 184 days ago.
    rule = [
        practice(
            "P-TEST",
            1,
            "building",
            "maintenance",
            {"control_types": ["duress_button"], "within_days": 365},
        )
    ]
    assert status_of(assess_with(school, rule), "P-TEST", "B1") == "in_place"
    r = assess_with(school, rule, as_of=date(2027, 6, 1))  # 457 days later
    assert status_of(r, "P-TEST", "B1") == "needed" and r.tiers["B1"] == 0


def _set_status(store, rows):
    from passmap.store import utc_now

    now = utc_now()
    with store.transaction() as cur:
        store._insert_rows(
            cur,
            "device_status",
            [dict(r, observed_utc=now, received_utc=now) for r in rows],
            upsert=True,
        )


def test_live_health_and_effective_tier(school):
    # Design assessment: live_health does not apply; the camera covers D1 -> tier 4.
    rules = [
        practice("P-LIVE", 2, "campus", "live_health", {"control_types": ["camera"]}),
        practice("P-CAM", 1, "building", "camera_coverage", {"door_classes": ["exterior-primary"]}),
        practice(
            "P-MON",
            1,
            "building",
            "opening_attribute",
            {
                "door_classes": ["exterior-secondary"],
                "attribute": "monitored",
                "equals": True,
                "live_breaks": True,
            },
        ),
    ]
    r = assess_with(school, rules)
    assert "P-LIVE" not in set(r.findings["practice_id"]) and r.tiers["C1"] == 4
    # Live: all online -> still 4. Camera offline -> it no longer covers D1 (T1 fails) and
    # live health fails -> 0. Door D2 held open -> its "locked and monitored" fails too.
    _set_status(school, [{"device_id": "cam-1", "aspect": "health", "state": "online"}])
    assert assess_with(school, rules, live=True).tiers["C1"] == 4
    _set_status(
        school,
        [
            {"device_id": "cam-1", "aspect": "health", "state": "offline"},
            {"device_id": "dc-2", "aspect": "door_alarm", "state": "held_open"},
        ],
    )
    r = assess_with(school, rules, live=True)
    assert status_of(r, "P-LIVE", "C1") == "needed" and status_of(r, "P-CAM", "B1") == "needed"
    assert "D2 (held or forced open now)" in r.findings_for_object("D2").iloc[0]["explanation"]
    assert r.tiers["C1"] == 0 and "CAM1" not in set(r.coverage["control_id"])


def test_attested_statuses(school):
    # No record -> needed; In place -> counts; Not necessary -> excluded from the tier.
    rules = [practice("A1", 1, "campus", "attested"), practice("A2", 2, "campus", "attested")]
    r = assess_with(school, rules)
    assert status_of(r, "A1", "C1") == "needed" and r.tiers["C1"] == 0
    school.save_attestations(
        [
            {
                "practice_id": "A1",
                "scope_id": "C1",
                "status": "in_place",
                "evidence_doc": "eop.pdf",
                "assessed_by": "Principal",
                "assessed_at": date(2026, 8, 20),
            },
            {"practice_id": "A2", "scope_id": "C1", "status": "not_necessary"},
        ]
    )
    r = assess_with(school, rules)
    assert r.tiers["C1"] == 4 and evidence_of(r, "A1", "C1")["document"] == "eop.pdf"
    assert "Principal" in r.findings_for_object("C1").iloc[0]["explanation"]


def test_person_not_necessary_overrides_a_rule(school):
    # P-PA needs a PA speaker in R2; the checklist marks it Not necessary for R2 -> excluded.
    rule = [needs_control_in("P-PA", 2, ["classroom"], ["pa_speaker"])]
    school.save_attestations(
        [
            {
                "practice_id": "P-PA",
                "scope_id": "R2",
                "status": "not_necessary",
                "assessed_by": "Facilities",
            }
        ]
    )
    r = assess_with(school, rule)
    assert status_of(r, "P-PA", "R2") == "not_necessary" and r.tiers["R2"] == 4


def test_base_bundle_is_not_shared_state():
    a, b = base_bundle(), base_bundle()
    a["opening"][0]["number"] = "X"
    a["control"].append({"id": "extra"})
    assert a["opening"][0]["number"] == "X" and b["opening"][0]["number"] == "1"
    assert len(a["control"]) == len(b["control"]) + 1
