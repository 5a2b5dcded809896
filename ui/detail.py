"""The detail side panel for a clicked or found zone, door or control."""

from __future__ import annotations

import logging
from pathlib import Path

import pandas as pd
import streamlit as st

from passmap.config import load_settings
from passmap.documents import procedure_file
from passmap.fields import field_label, field_value, human_columns
from passmap.palette import control_style, door_style, tier_label
from passmap.search import room_label
from passmap.values import is_missing
from ui import assessment, data
from ui.search import KIND_TABLES
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
        return room_label(_text(row.get("room_number")), _text(row.get("name")), row["kind"])
    if kind == "opening":
        return f"Door {row.get('number') or ''} · {door_style(row.get('door_class')).label}"
    return f"{control_style(row.get('type')).label} · {row.get('name') or row['id']}"


def _text(v) -> str:
    return "" if _is_missing(v) else str(v)


def _is_missing(v) -> bool:
    return is_missing(v)


NAMED = {"campus_id": "campus", "building_id": "building", "level_id": "level", "zone_id": "zone",
         "to_zone_id": "zone", "opening_id": "opening"}  # fmt: skip


def _named(store, field: str, value) -> str:
    """A referenced object's name instead of its id (a room: its number and name)."""
    table = NAMED.get(field)
    other = store.get(table, value) if table and store is not None else None
    if other is None:
        return str(value)
    if table == "zone":
        return room_label(_text(other.get("room_number")), _text(other.get("name")), other["kind"])
    if table == "opening":
        return f"Door {other.get('number') or ''}".strip()
    return _text(other.get("name")) or str(value)


def attributes_table(row: dict, store=None, system: str = "us") -> pd.DataFrame:
    """Every set attribute with a human label and its value in the district's units."""
    items = [(k, v) for k, v in row.items() if k not in HIDDEN and not _is_missing(v)]
    items += list((row.get("attrs") or {}).items())
    labels, values = [], []
    for field, value in items:
        labels.append(field_label(field))
        values.append(
            _named(store, field, value) if field in NAMED else field_value(field, value, system)
        )
    return pd.DataFrame({"Attribute": labels, "Value": values})


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
    st.dataframe(frame[cols].rename(columns=human_columns(cols)), hide_index=True, width="stretch")


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
        table = attributes_table(row, store, load_settings().units)
        st.dataframe(table, hide_index=True, width="stretch")


def render_map_detail(hit, focus, live: bool, hint: str) -> None:
    """A map's detail panel: the clicked room, door or device, else the search hit in focus,
    else a hint saying what to click."""
    if hit and hit[1].get("kind") in ("zone", "opening", "control"):
        render_detail(data.get_store(), hit[1]["kind"], hit[1]["id"], live)
    elif focus is not None and focus["kind"] in KIND_TABLES:
        render_detail(data.get_store(), KIND_TABLES[focus["kind"]], focus["id"], live)
    else:
        st.caption(hint)
