"""Checklist import speaks: scope rules (a district-wide Not necessary reaches every room), a
warning for each row that changes nothing, an error for an unknown scope, and a status-only
row leaves the practice as it was. The assessment service picks the import up."""

from __future__ import annotations

import pytest

from passmap.catalog import CatalogError, import_checklist, load_starter
from passmap.compliance import assess
from passmap.compliance.service import service_for
from tests.compliance.compliance_scenario import AS_OF


def _sheet(tmp_path, text: str):
    path = tmp_path / "checklist.csv"
    path.write_text(text)
    return path


def test_a_district_wide_not_necessary_reaches_every_room(school, tmp_path):
    load_starter(school, "v7")
    before = assess(school, as_of=AS_OF)
    f = before.findings
    rooms = f[(f["practice_id"] == "CI-CO-01")]
    assert set(rooms["scope_id"]) == {"R1", "R2"} and "needed" in set(rooms["status"])
    counts = import_checklist(
        school, _sheet(tmp_path, "practice_id,status\nCI-CO-01,Not necessary\n")
    )
    assert counts["warnings"] == []
    after = assess(school, as_of=AS_OF)
    f = after.findings
    rooms = f[f["practice_id"] == "CI-CO-01"].set_index("scope_id")
    assert set(rooms["status"]) == {"not_necessary"}
    assert (
        "Marked Not necessary in the checklist for D, which includes it"
        in rooms.loc["R2", "explanation"]
    )
    assert after.tiers["R2"] >= before.tiers["R2"]


def test_a_campus_status_reaches_its_buildings_for_a_building_practice(school, tmp_path):
    load_starter(school, "v7")
    import_checklist(
        school, _sheet(tmp_path, "practice_id,status,scope_id\nBP-PE-01,In place,C1\n")
    )
    row = (
        assess(school, as_of=AS_OF)
        .findings.set_index(["practice_id", "scope_id"])
        .loc[("BP-PE-01", "B1")]
    )
    assert row["status"] == "in_place" and "recorded for its campus C1" in row["explanation"]


def test_every_row_that_changes_nothing_is_warned_and_why(school, tmp_path):
    load_starter(school, "v7")
    text = (
        "practice_id,status,scope_id\n"
        "BP-VS-01,In place,B1\n"  # checked from the map
        "BP-PE-01,In place,R1\n"  # a room status for a building practice
        "CI-CO-01,Not necessary,C\n"  # the corridor is not a classroom
        "CP-PP-01,In place,C1\n"
    )
    first = import_checklist(school, _sheet(tmp_path, text))
    w = first["warnings"]
    assert len(w) == 3
    assert w[0].startswith("checklist.csv: row 2, practice BP-VS-01:") and "from the map" in w[0]
    assert "row 3" in w[1] and "assessed per building" in w[1] and "never read" in w[1]
    assert "row 4" in w[2] and "classroom" in w[2] and "C is a corridor" in w[2]
    again = import_checklist(
        school, _sheet(tmp_path, "practice_id,status,scope_id\nCP-PP-01,In place,C1\n")
    )
    assert again["warnings"] == [
        "checklist.csv: row 2, practice CP-PP-01: changes nothing: the checklist already says "
        "'in place' for C1."
    ]


def test_an_unknown_scope_is_an_error_and_nothing_is_written(school, tmp_path):
    load_starter(school, "v7")
    text = "practice_id,status,scope_id\nCP-PP-01,In place,C1\nCP-PE-01,In place,C9\n"
    with pytest.raises(CatalogError) as err:
        import_checklist(school, _sheet(tmp_path, text))
    assert str(err.value) == (
        "checklist.csv: row 3, practice CP-PE-01: unknown scope 'C9' "
        "(no district, campus, building or room has this id)."
    )
    assert school.list_attestations().empty


def test_a_status_only_import_keeps_the_practice_as_it_was(school, tmp_path):
    load_starter(school, "v7")
    before = school.list_practices("v7").set_index("id").loc["CP-PP-01"]
    import_checklist(school, _sheet(tmp_path, "practice_id,status,scope_id\nCP-PP-01,Needed,C1\n"))
    after = school.list_practices("v7").set_index("id").loc["CP-PP-01"]
    for col in ("source", "origin", "title", "text", "tier", "tier_verified", "tier_source"):
        assert str(after[col]) == str(before[col]), col
    assert before["source"] == "starter"


def test_the_service_picks_up_a_checklist_import(school, tmp_path):
    load_starter(school, "v7")
    service = service_for(school)
    first = service.current()
    assert (
        first.findings.set_index(["practice_id", "scope_id"]).loc[("CP-PP-01", "C1"), "status"]
        == "needed"
    )
    import_checklist(
        school, _sheet(tmp_path, "practice_id,status,scope_id\nCP-PP-01,In place,C1\n")
    )
    now = service.current()
    assert service.updates["campus"] == 1  # a campus status: that campus alone
    row = now.findings.set_index(["practice_id", "scope_id"]).loc[("CP-PP-01", "C1")]
    assert row["status"] == "in_place"
    assert now.document() == assess(school).document()
