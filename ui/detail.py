"""The detail side panel for a clicked or found zone, door or control."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from passmap.config import load_settings
from passmap.documents import procedure_file
from passmap.palette import control_style, door_style, tier_label
from passmap.values import is_missing
from ui import assessment, data
from ui.text import plain

log = logging.getLogger(__name__)

TABLES = {"zone": "zone", "opening": "opening", "control": "control"}
HIDDEN = {"geometry", "version", "props", "attrs"}
STATUS_ICONS = {
    "in_place": "✅ in place",
    "in_progress": "🟡 in progress",
    "needed": "❌ needed",
    "not_necessary": "➖ not necessary",
    "not_applicable": "– not applicable",
}


def _title(kind: str, row: dict) -> str:
    if kind == "zone":
        return " ".join(
            str(x) for x in (row.get("room_number"), row.get("name") or row["kind"]) if x
        )
    if kind == "opening":
        return f"Door {row.get('number') or row['id']} · {door_style(row.get('door_class')).label}"
    return f"{control_style(row.get('type')).label} · {row.get('name') or row['id']}"


def _is_missing(v) -> bool:
    return is_missing(v)


def attributes_table(row: dict) -> pd.DataFrame:
    items = [(k, v) for k, v in row.items() if k not in HIDDEN and not _is_missing(v)]
    items += [(f"{k}", v) for k, v in (row.get("attrs") or {}).items()]
    return pd.DataFrame({"attribute": [k for k, _ in items], "value": [str(v) for _, v in items]})


def procedure_section(row: dict) -> None:
    doc = row.get("procedure_doc")
    if _is_missing(doc) or not doc:
        if row.get("type") is not None:
            st.caption("Procedure: none attached.")
        return
    local = procedure_file(doc, load_settings().procedure_dir)  # only inside that folder
    if local is not None:
        st.download_button(
            f"Procedure: {local.name}",
            local.read_bytes(),
            file_name=local.name,
            key=f"proc-{row['id']}",
        )
    else:
        st.text(f"Procedure: {Path(str(doc)).name} (not in the procedure folder)")


def live_section(kind: str, row: dict) -> None:
    """Live status of the object's devices (ui/live_panel.py); never breaks the panel."""
    from ui.live_panel import render_live_status

    try:
        render_live_status(kind, row)
    except Exception:
        log.exception("live status for %s %s failed", kind, row.get("id"))
        st.caption("Live status: unavailable.")


def _role(object_id: str, scope_id, evidence) -> str:
    evidence = evidence if isinstance(evidence, dict) else {}
    if object_id in (evidence.get("blocked_by") or ()):
        return "blocks"
    if object_id in (evidence.get("satisfied_by") or ()):
        return "satisfies"
    return "applies here" if scope_id == object_id else "cited"


def practices_section(object_id: str, live: bool) -> None:
    found = assessment.findings_for(object_id, live)
    if found is None:
        st.caption("Practices: not assessed yet (no catalog loaded).")
        return
    if len(found) == 0:
        st.caption("No practice cites this object.")
        return
    frame = pd.DataFrame(found).copy()
    frame["role"] = [
        _role(object_id, sid, ev)
        for sid, ev in zip(
            frame.get("scope_id", [None] * len(frame)), frame.get("evidence", [None] * len(frame))
        )
    ]
    if "status" in frame:
        frame["status"] = [STATUS_ICONS.get(s, s) for s in frame["status"]]
    cols = [c for c in ("practice_id", "title", "role", "status", "explanation") if c in frame]
    st.dataframe(frame[cols], hide_index=True, width="stretch")


def render_detail(store, kind: str, object_id: str, live: bool = False) -> None:
    """Attributes, practices satisfied/blocked, procedure document and live status of an object
    the viewer may see (the id came from the browser: ui.data.visible_object checks it)."""
    row = data.visible_object(kind, object_id) if kind in TABLES else None
    if row is None:
        st.warning("Nothing to show for that selection; it may have been removed.")
        return
    with st.container(border=True, key="detail_panel"):
        st.markdown(f"**{plain(_title(kind, row))}**")  # names as typed, never markdown
        if kind == "zone":
            tier = assessment.tiers(live).get(object_id)
            st.markdown(f"Tier: **{tier_label(tier)}**")
        practices_section(object_id, live)
        procedure_section(row)
        live_section(kind, row)
        st.dataframe(attributes_table(row), hide_index=True, width="stretch")
