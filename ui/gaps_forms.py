"""The Gaps page's actions for people who may assess: record one checklist status (audited,
undoable from the Edit page's undo), import a checklist file (warnings for rows that change
nothing), and how a practice's tier is shown (verified with its source, or suggested)."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import streamlit as st

from passmap import access
from passmap.catalog import CatalogError, import_checklist
from passmap.store import StoreError

STATUS_WORDS = {
    "in_place": "In place",
    "in_progress": "In progress",
    "needed": "Needed",
    "not_necessary": "Not necessary",
}


def tier_source(frame: pd.DataFrame) -> list[str]:
    """Per row: 'verified: <source>' or 'suggested by PassMap' (shown beside each practice)."""
    return [
        f"verified: {s}" if bool(v) and isinstance(s, str) else "suggested by PassMap"
        for v, s in zip(frame["tier_verified"], frame["tier_source"])
    ]


def may_assess() -> bool:
    from ui.auth import current_viewer

    viewer = current_viewer()
    return viewer is not None and access.allowed(viewer.role, "assess")


def status_form(store, result, campus_id: str | None, who: str) -> None:
    """Record a checklist status for one practice at one scope of the chosen campus."""
    f = result.findings
    if campus_id is not None:
        f = f[(f["campus_id"] == campus_id) | f["campus_id"].isna()]
    practices = result.practices.set_index("id")
    ids = sorted(set(f["practice_id"]))
    with st.form("gaps_status_form"):
        pid = st.selectbox(
            "Practice",
            ids,
            format_func=lambda i: f"{i} · {practices.loc[i, 'title']}",
            key="gaps_status_practice",
        )
        scopes = f[f["practice_id"] == pid][["scope_id", "scope_name"]].drop_duplicates()
        names = dict(zip(scopes["scope_id"], scopes["scope_name"]))
        wider = [s for s in (campus_id, result.district_id) if s and s not in names]
        scope = st.selectbox(
            "For (a wider scope reaches every scope inside it)",
            list(names) + wider,
            format_func=lambda s: (
                names.get(s) or ("Whole district" if s == result.district_id else s)
            ),
            key="gaps_status_scope",
        )
        status = st.selectbox(
            "Status", list(STATUS_WORDS), format_func=STATUS_WORDS.get, key="gaps_status_value"
        )
        evidence = st.text_input("Evidence (document, link)", key="gaps_status_evidence")
        note = st.text_input("Note", key="gaps_status_note")
        saved = st.form_submit_button("Record status", type="primary")
    if not saved:
        return
    if practices.loc[pid, "check_kind"] != "attested" and status != "not_necessary":
        st.warning(
            f"{pid} is checked from the map: only Not necessary from the checklist changes it. "
            "Fix it on the Edit page instead (the explanation says what is missing)."
        )
        return
    row = {
        "practice_id": pid,
        "scope_id": scope,
        "status": status,
        "evidence_doc": evidence.strip() or None,
        "assessed_by": who,
        "assessed_at": pd.Timestamp.now().date(),
        "note": note.strip() or None,
    }
    try:
        store.set_attestation(row, who)
    except StoreError as exc:
        st.error(str(exc))
        return
    st.success(f"Recorded {STATUS_WORDS[status]} for {pid} at {scope}.")


def import_form(store, who: str) -> None:
    """Import the district's checklist file (CSV or XLSX; docs/COMPLIANCE.md)."""
    upload = st.file_uploader(
        "District checklist (CSV or XLSX)", type=["csv", "xlsx"], key="gaps_checklist_file"
    )
    if upload is None or not st.button("Import checklist", key="gaps_checklist_import"):
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / Path(upload.name).name
        path.write_bytes(upload.getvalue())
        try:
            counts = import_checklist(store, path, actor=who)
        except CatalogError as exc:
            st.error(str(exc))
            return
    st.success(
        f"Imported {counts['practices']} practices and {counts['statuses']} statuses "
        f"from {upload.name}."
    )
    for warning in counts["warnings"]:
        st.warning(warning)
