"""Starter catalogs, strict validation, district checklist import (CSV and XLSX)."""

from __future__ import annotations

import json
from itertools import product

import openpyxl
import pytest

from passmap.catalog import (
    CatalogError,
    import_checklist,
    load_catalog,
    load_starter,
    normalise_status,
)
from passmap.model import COMPONENTS, LAYERS_V7

UNVERIFIED_THEMES = ("vestibule", "duress", "monitored", "electronic access", "camera", "two-way")


def test_v7_starter_covers_every_layer_and_component():
    cat = load_catalog("v7")
    assert len(cat.practices) >= 60
    cells = {(p["layer"], p["component"]) for p in cat.practices}
    assert cells == set(product(LAYERS_V7, COMPONENTS))
    assert "in our own words, not PASS text" in cat.notice
    kinds = {p["check"]["kind"] for p in cat.practices}
    assert len(kinds) == 11
    assert {p["tier"] for p in cat.practices} == {"1", "2", "3", "4", "baseline"}


def test_unverifiable_tiers_are_flagged():
    # DOMAIN.md: secure vestibule, duress alarms, door-position monitoring, electronic access
    # on exterior doors, camera coverage and classroom two-way communication are unverified.
    cat = {p["id"]: p for p in load_catalog("v7").practices}
    for pid in ("BP-AR-01", "CI-DA-01", "BP-DA-01", "BP-AC-02", "BP-VS-01", "CP-VS-02", "CI-CO-02"):
        assert cat[pid]["tier_verified"] is False, pid


def test_v6_edition_uses_v6_layers_mapped_onto_v7():
    v6 = load_catalog("v6")
    assert "Parking Lot Perimeter" in {p["layer"] for p in v6.practices}
    assert v6.layer_map_to_v7["Property Perimeter"] == "Campus Perimeter"
    assert v6.layer_map_to_v7["Parking Lot Perimeter"] == "Campus Perimeter"
    assert all(p["layer"] in v6.layers for p in v6.practices)


def _broken(tmp_path, change):
    doc = json.loads(load_catalog("v7").path.read_text())
    change(doc["practices"][3])
    path = tmp_path / "broken.json"
    path.write_text(json.dumps(doc))
    return path


@pytest.mark.parametrize(
    "change, problem",
    [
        (lambda p: p.update(colour="red"), "unknown key(s) ['colour']"),
        (lambda p: p["check"].update(kind="telepathy"), "unknown rule kind 'telepathy'"),
        (lambda p: p.update(tier="5"), "bad tier '5'"),
        (
            lambda p: p["check"].update(kind="control_in_zone", params={"min_count": 1}),
            "needs parameter 'control_types'",
        ),
        (lambda p: p.update(scope={"level": "zone", "zone_kinds": ["dungeon"]}), "dungeon"),
    ],
)
def test_strict_loading_names_file_practice_and_problem(tmp_path, change, problem):
    with pytest.raises(CatalogError) as err:
        load_catalog(_broken(tmp_path, change))
    msg = str(err.value)
    assert msg.startswith("broken.json: practice DW-PP-04:") and problem in msg


def test_checklist_csv_replaces_text_and_tier_and_records_statuses(school, tmp_path):
    csv_path = tmp_path / "district.csv"
    csv_path.write_text(
        "Practice ID,Layer,Component,Tier,Text,Status,Evidence,Assessed by,Assessed at,Scope ID\n"
        "BP-VS-01,Building Perimeter,Video Surveillance,Tier 1,Licensed wording A,Not necessary,"
        "cam-report.pdf,J. Doe,2026-05-01,B1\n"
        "X-NEW-1,District-wide,People,2,A district-only practice,Needed,,J. Doe,2026-05-01,\n"
    )
    store = school
    load_starter(store, "v7")
    counts = import_checklist(store, csv_path)
    practices = store.list_practices("v7").set_index("id")
    att = store.list_attestations().set_index("practice_id")
    assert counts == {"practices": 2, "statuses": 2, "warnings": []}
    assert practices.loc["BP-VS-01", "text"] == "Licensed wording A"
    assert practices.loc["BP-VS-01", "source"] == "district"
    assert practices.loc["BP-VS-01", "check_kind"] == "camera_coverage"  # the rule is kept
    assert bool(practices.loc["BP-VS-01", "tier_verified"]) is True
    assert practices.loc["BP-VS-01", "tier_source"] == "district checklist district.csv, row 2"
    assert practices.loc["X-NEW-1", "check_kind"] == "attested"
    assert att.loc["X-NEW-1", "scope_id"] == "D"  # default scope: the one district
    assert att.loc["BP-VS-01", "evidence_doc"] == "cam-report.pdf"


def test_checklist_xlsx_replace_mode(school, tmp_path):
    path = tmp_path / "district.xlsx"
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["practice_id", "layer", "component", "tier", "text", "status", "scope_id"])
    sheet.append(
        [
            "CI-AC-01",
            "Classroom/Interior",
            "Access Control",
            1,
            "Doors lock inside",
            "In progress",
            "C1",
        ]
    )
    book.save(path)
    store = school
    load_starter(store, "v7")
    counts = import_checklist(store, path, mode="replace")
    ids = store.list_practices("v7")["id"].tolist()
    status = store.list_attestations().iloc[0]["status"]
    assert ids == ["CI-AC-01"] and status == "in_progress"
    # CI-AC-01 is checked from the map: In progress from a checklist changes nothing.
    assert counts["warnings"] == [
        "district.xlsx: row 2, practice CI-AC-01: 'in progress' for C1 changes nothing: "
        "PassMap checks this practice from the map (only Not necessary from the checklist "
        "overrides it)."
    ]


def test_checklist_errors_are_one_sentence_and_write_nothing(school, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text("practice_id,status,scope_id\nBP-VS-01,In place,B1\nBP-VS-02,Maybe,B1\n")
    load_starter(school, "v7")
    with pytest.raises(CatalogError, match=r"bad.csv: row 3, practice BP-VS-02: unknown status"):
        import_checklist(school, path)
    assert school.list_attestations().empty


def test_status_words():
    assert normalise_status("Not Necessary") == "not_necessary"
    with pytest.raises(ValueError):
        normalise_status("yes")
