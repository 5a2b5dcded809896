"""One path from any write to the assessment: the store logs what each write touched, the
assessment service re-assesses only those campuses, and the result equals a full run on the
WHOLE output (tiers, findings, evidence, explanations, coverage geometry, gaps: the complete
JSON document), for random sequences of the edits the app makes."""

from __future__ import annotations

import itertools
import math

import pytest
import shapely
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from passmap.compliance import assess
from passmap.compliance.service import service_for
from passmap.store import Store
from passmap.store.editing import ConcurrencyError

KINDS = ("classroom", "corridor", "vestibule", "main_office", "storage", "parking", "nurse")
TYPES = ("camera", "duress_button", "pa_speaker", "access_reader", "door_contact", "lighting")
STATUS = ("In place", "Needed", "Not necessary", "In progress")
M_PER_DEG = 111_320.0
_IDS = itertools.count()  # the database outlives one example: new ids never repeat


def _shift(geom, dx_m: float, dy_m: float):
    lat = geom.centroid.y
    return shapely.affinity.translate(
        geom, dx_m / (M_PER_DEG * math.cos(math.radians(lat))), dy_m / M_PER_DEG
    )


def _pick(frame, i: int):
    return frame.iloc[i % len(frame)]


def _placed_as(zone) -> dict:
    """The campus, building and level of a new feature drawn in ``zone``."""
    return {k: zone[k] for k in ("campus_id", "building_id", "level_id")}


# -- the edits, each as the app's pages do them (store API, audited, versioned) -------------------
def move(store, i, dx, dy, _):
    c = _pick(store.list_controls(), i)
    store.move_feature("control", c["id"], _shift(c["geometry"], dx, dy), None, "prop")


def rotate(store, i, bearing, _dy, _):
    cams = store.list_controls()
    c = _pick(cams[cams["type"] == "camera"], i)
    store.update_feature("control", c["id"], {"bearing_deg": float(bearing)}, None, "prop")


def add(store, i, dx, dy, n):
    """A device in a zone (a room of a level, or the grounds), of a drawn type."""
    z = _pick(store.list_zones(), i)
    p = z["geometry"].representative_point()
    store.create_feature(
        "control",
        {
            "id": f"prop-{next(_IDS)}",
            **_placed_as(z),
            "type": TYPES[n % len(TYPES)],
            "geom": _shift(p, dx / 20, dy / 20),
            "bearing_deg": float((dx * 37) % 360),
            "range_m": 20.0,
        },
        "prop",
    )


def delete(store, i, _dx, _dy, _):
    c = _pick(store.list_controls(), i)
    store.delete_feature("control", c["id"], None, "prop")


def rekind(store, i, _dx, _dy, n):
    z = _pick(store.list_zones(), i)
    store.update_feature("zone", z["id"], {"kind": KINDS[n % len(KINDS)]}, None, "prop")


def add_zone(store, i, _dx, _dy, n):
    z = _pick(store.list_zones(), i)
    store.create_feature(
        "zone",
        {
            "id": f"prop-zone-{next(_IDS)}",
            **_placed_as(z),
            "kind": KINDS[n % len(KINDS)],
            "geom": z["geometry"].representative_point().buffer(0.00003, 1),
        },
        "prop",
    )


def delete_zone(store, i, _dx, _dy, _):
    z = _pick(store.list_zones(), i)
    store.delete_feature("zone", z["id"], None, "prop")


def relink(store, i, j, _dy, _):
    c = _pick(store.list_controls(), i)
    doors = store.list_openings(campus_id=c["campus_id"])
    door = _pick(doors, int(j)) if len(doors) else None
    store.update_feature(
        "control", c["id"], {"opening_id": None if door is None else door["id"]}, None, "prop"
    )


def to_other_building(store, i, _dx, _dy, _):
    """A device of Oak Hollow's main building moved into a portable classroom."""
    c = _pick(store.list_controls(building_id="ohes-main"), i)
    room = store.list_zones(building_id="ohes-portable-1").iloc[0]
    store.update_feature(
        "control",
        c["id"],
        {
            "building_id": "ohes-portable-1",
            "level_id": room["level_id"],
            "geom": room["geometry"].representative_point(),
        },
        None,
        "prop",
    )


def door_attr(store, i, _dx, _dy, n):
    d = _pick(store.list_openings(), i)
    store.update_feature(
        "opening",
        d["id"],
        {"monitored": bool(n % 2), "lock_function": ("passage", "storeroom", None)[n % 3]},
        None,
        "prop",
    )


def checklist(store, i, _dx, _dy, n):
    """A checklist status for a practice at one of its scopes (zone, building or campus)."""
    practices = store.list_practices("v7")
    p = _pick(practices[[s["level"] != "district" for s in practices["scope"]]], n)
    level = p["scope"]["level"]
    ids = {
        "campus": store.list_campuses()["id"],
        "building": store.list_buildings()["id"],
        "zone": store.list_zones()["id"],
    }[level]
    store.save_attestations(
        [
            {
                "practice_id": p["id"],
                "scope_id": ids.iloc[i % len(ids)],
                "status": ("in_place", "needed", "not_necessary", "in_progress")[n % 4],
            }
        ],
        actor="prop",
    )


EDITS = (
    move,
    rotate,
    add,
    delete,
    rekind,
    add_zone,
    delete_zone,
    relink,
    to_other_building,
    door_attr,
    checklist,
)
EDIT = st.tuples(
    st.sampled_from(EDITS),
    st.integers(0, 10_000),
    st.floats(-25, 25, allow_nan=False),
    st.floats(-25, 25, allow_nan=False),
    st.integers(0, 100),  # which kind, type or status
)


@settings(
    max_examples=8,
    deadline=None,  # full assessments on a loaded 2-core CI machine
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(edits=st.lists(EDIT, min_size=1, max_size=4))
def test_incremental_equals_full_on_the_whole_document(demo_db, edits):
    with Store(demo_db) as store:
        service = service_for(store)
        service.current()
        for edit, i, dx, dy, n in edits:
            edit(store, i, dx, dy, n)
            service.current()  # applied step by step, as pages poll between edits
        quick = service.current()
        assert quick.version == store.data_version()
        full = assess(store)
        assert quick.document() == full.document()


def test_each_write_moves_the_version_and_names_its_campus(demo_db):
    with Store(demo_db) as store:
        v0 = store.data_version()
        move(store, 3, 2.0, 0.0, 0)
        c = store.data_changes_since(v0)
        assert store.data_version() == v0 + 1 and len(c) == 1
        assert c[0]["kind"] == "site" and c[0]["campus_ids"] == [
            store.list_controls().iloc[3]["campus_id"]
        ]
        checklist(store, 0, 0, 0, 1)
        assert store.data_changes_since(v0 + 1)[0]["kind"] == "checklist"
        store.save_practices(store.list_practices("v7").to_dict("records")[:1], "v7")
        assert store.data_changes_since(v0 + 2)[0]["is_global"]
        # A refused edit (stale version) writes nothing and moves nothing.
        before = store.data_version()
        ctl = store.list_controls().iloc[0]
        with pytest.raises(ConcurrencyError):
            store.update_feature("control", ctl["id"], {"name": "x"}, 999, "prop")
        assert store.data_version() == before


def test_the_service_updates_campuses_and_runs_full_only_for_global_changes(demo_db):
    with Store(demo_db) as store:
        service = service_for(store)
        first = service.current()
        assert service.updates == {"full": 1, "campus": 0}
        rotate(store, 0, 45.0, 0, 0)
        second = service.current()
        assert service.updates == {"full": 1, "campus": 1} and second is not first
        assert service.current() is second  # nothing new: the same object, no work
        store.save_practices(store.list_practices("v7").to_dict("records")[:1], "v7")
        service.current()
        assert service.updates["full"] == 2


def test_a_walk_through_verification_moves_the_version_and_re_assesses_nothing(demo_db):
    """Pages show the verification stamp, so its write moves the data version (keyed caches and
    share bundles rebuild); no tier reads it, so the service only takes the newer version."""
    with Store(demo_db) as store:
        service = service_for(store)
        first = service.current()
        building = store.list_buildings().iloc[0]
        v0 = store.data_version()
        store.record_verification(building["id"], "Inspector Example", "walked")
        change = store.data_changes_since(v0)
        assert store.data_version() == v0 + 1
        assert [(c["kind"], c["campus_ids"]) for c in change] == [
            ("verification", [building["campus_id"]])
        ]
        second = service.current()
        assert second.version == v0 + 1 and second.tiers == first.tiers
        assert service.updates == {"full": 1, "campus": 0}


def test_an_update_evaluates_again_only_the_practices_whose_inputs_changed(demo_db):
    """A door's lock edit re-runs the practices that read doors (and the sight lines, which
    doors cut); the "device in the room" practices keep their rows. A moved camera re-runs
    what reads cameras, not the duress or door practices. Both equal a full run."""
    from passmap.compliance.rulekit import RULES

    with Store(demo_db) as store:
        result = assess(store)
        practices = result.practices
        own = practices[
            [
                s.get("level") != "district" and not RULES[k].live_only
                for s, k in zip(practices["scope"], practices["check_kind"])
            ]
        ]

        def reading(*families):
            return {
                p
                for p, k in zip(own["id"], own["check_kind"])
                if RULES[k].reads is None or set(RULES[k].reads) & set(families)
            }

        door = store.list_openings(building_id="cvhs-main").iloc[0]
        flip = {"monitored": not bool(door["monitored"])}
        store.update_feature("opening", door["id"], flip, None, "prop")
        after_door = result.update_campuses(store, ["cvhs"])
        assert after_door.rerun["cvhs"] == reading("openings")
        kinds = dict(zip(own["id"], own["check_kind"]))
        assert {kinds[p] for p in after_door.rerun["cvhs"]} >= {"opening_attribute"}
        assert not {kinds[p] for p in after_door.rerun["cvhs"]} & {
            "control_in_zone",
            "camera_coverage",  # a lock changes no sight line
        }
        assert after_door.document() == assess(store).document()

        cams = store.list_controls(building_id="cvhs-main")
        cam = cams[cams["type"] == "camera"].iloc[0]
        store.move_feature("control", cam["id"], _shift(cam["geometry"], 4.0, 1.0), None, "prop")
        after_cam = after_door.update_campuses(store, ["cvhs"])
        rerun = after_cam.rerun["cvhs"]
        assert rerun and rerun < set(own["id"])
        assert {kinds[p] for p in rerun} >= {"camera_coverage", "area_coverage"}
        assert not {kinds[p] for p in rerun} & {"opening_attribute", "door_numbering"}
        assert after_cam.document() == assess(store).document()
