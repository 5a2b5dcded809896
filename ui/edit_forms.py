"""The forms of the Edit page: place a device, edit any object's attributes (every field a
compliance rule reads, see ui/edit_fields.py), draw or reshape, written procedures per device
type; optimistic concurrency (the version the editor opened is kept in the session; saving over
a newer version is refused with the store's message), audit and undo."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from shapely.geometry import Point, shape

from passmap.config import load_settings
from passmap.fields import human_columns
from passmap.localtime import local_time
from passmap.model import CONTROL_TYPES, DOOR_CLASSES, TECHNOLOGY_TYPES, ZONE_KINDS
from passmap.store import StoreError
from passmap.values import is_missing
from ui import data
from ui.edit_fields import attr_widgets, catalog_attrs, fields_for, widget
from ui.edit_map import object_labels
from ui.editing import CLICK_KEY, DRAWN_KEY, SEL_KEY, VERSION_KEY, camera_wedge, zone_at

CHANGE_COLUMNS = ("at_utc", "actor", "action", "entity_type", "entity_id")
MODES = ["Place control", "Select and edit", "Draw zone or door", "Procedures"]


def new_id(store, level_id: str, table: str, label: str | None = None) -> str:
    """The next free id like ``<level>-camera-3`` (``label`` defaults to the table)."""
    n = 1
    while store.get(table, f"{level_id}-{label or table}-{n}") is not None:
        n += 1
    return f"{level_id}-{label or table}-{n}"


def _opened_version(key: str, current: int) -> int:
    versions = st.session_state.setdefault(VERSION_KEY, {})
    return versions.setdefault(key, current)


def _same(a, b) -> bool:
    """Equal as stored values (missing == missing; dates compared as dates)."""
    missing_a, missing_b = is_missing(a), is_missing(b)
    if missing_a or missing_b:
        return missing_a and missing_b
    if isinstance(a, (date, pd.Timestamp)) or isinstance(b, (date, pd.Timestamp)):
        return pd.Timestamp(a).date() == pd.Timestamp(b).date()
    if isinstance(a, float) or isinstance(b, float):
        try:
            return float(a) == float(b)
        except (TypeError, ValueError):
            return False
    return a == b


def _choices(store, row: dict) -> dict:
    """The doors of the campus (what a device can serve) and the rooms of the level."""
    doors = store.list_openings(campus_id=row["campus_id"])
    zones = store.list_zones(level_id=row.get("level_id")) if row.get("level_id") else None
    out = {
        "door": doors["id"].tolist(),
        "door_label": {
            i: f"{i} · door {n or '?'} ({c})"
            for i, n, c in zip(doors["id"], doors["number"], doors["door_class"])
        },
    }
    if zones is not None:
        out["zone"] = zones["id"].tolist()
        out["zone_label"] = {
            i: f"{i} · {n or k}" for i, n, k in zip(zones["id"], zones["name"], zones["kind"])
        }
    return out


def attribute_form(store, selected: tuple[str, str], who: str, click) -> None:
    table, fid = selected
    row = store.get(table, fid)
    if row is None:
        st.warning(f"{table} {fid} no longer exists.")
        return
    key = f"{table}:{fid}"
    opened = _opened_version(key, int(row["version"]))
    st.caption(f"You opened version {opened}; stored version {int(row['version'])}.")
    attrs = row.get("attrs") if isinstance(row.get("attrs"), dict) else {}
    new_attrs = attrs
    choices = _choices(store, row)
    with st.form(f"edit_form_{key}"):
        values = {
            f: widget(f, kind, label, row.get(f), f"edit_{table}_{fid}_{f}", choices)
            for f, kind, label in fields_for(table, row)
        }
        if table == "control":
            wanted = catalog_attrs(store.list_practices(), row["type"])
            new_attrs = attr_widgets(wanted, attrs, f"edit_{table}_{fid}")
        saved = st.form_submit_button("Save attributes", type="primary")
    if saved:
        changes = {k: v for k, v in values.items() if not _same(v, row.get(k))}
        if new_attrs != attrs:
            changes["attrs"] = new_attrs
        if changes:
            _apply(lambda: store.update_feature(table, fid, changes, opened, who), key, "Saved")
        else:
            st.info("Nothing changed.")
    cols = st.columns(3)
    if (
        click is not None
        and row["geometry"].geom_type == "Point"
        and cols[0].button("Move to clicked position", key="edit_move")
    ):
        _apply(
            lambda: store.move_feature(table, fid, Point(click[1], click[0]), opened, who),
            key,
            "Moved",
        )
    if cols[1].button("Delete", key="edit_delete"):
        _apply(lambda: store.delete_feature(table, fid, opened, who), key, "Deleted")
    if cols[2].button("Reload", key="edit_reload"):
        st.session_state[VERSION_KEY].pop(key, None)
        st.rerun()
    object_findings(fid)


def object_findings(object_id: str) -> None:
    """What the assessment says about the object now (it follows the save at once)."""
    from ui.assessment import findings_for

    found = findings_for(object_id)
    if found is None or found.empty:
        return
    st.caption("What the assessment says about it")
    st.dataframe(
        found[["practice_id", "title", "status", "explanation"]],
        hide_index=True,
        width="stretch",
        column_config=human_columns(found.columns),
        key=f"edit_findings_{object_id}",
    )


def _apply(action, key: str, verb: str) -> None:
    try:
        new_version = action()
    except StoreError as exc:
        st.error(str(exc))
        return
    if new_version is None:
        st.session_state[VERSION_KEY].pop(key, None)
    else:
        st.session_state[VERSION_KEY][key] = new_version
    data.clear_caches()
    st.success(f"{verb} {key.replace(':', ' ')}.")


# -- the page's side panel ------------------------------------------------------------------------


def undo_button(store, who: str) -> bool:
    """The undo button; True when something was undone (the page re-reads its frames)."""
    if not st.columns([1, 1, 4])[0].button("Undo my last change", key="edit_undo"):
        return False
    try:
        done = store.undo_last(who)
        st.success(f"Undid the {done['action']} of {done['entity_type']} {done['entity_id']}.")
        data.clear_caches()
    except StoreError as exc:
        st.error(str(exc))
    return True


def side_panel(store, pick, who: str, mode: str, frames: dict, click):
    """The form of the chosen mode; returns the camera wedge to preview on the map (or None)."""
    if mode == "Place control":
        return place_form(store, pick, who, frames, click)
    if mode == "Select and edit":
        select_form(store, who, frames, click)
    elif mode == "Procedures":
        procedures_form(store, pick, who)
    else:
        draw_form(store, pick, who, frames)
    return None


def procedures_form(store, pick, who: str) -> None:
    """One written procedure per device type, for this campus or the whole district: every
    device of the type without its own document is covered by it."""
    district = store.get("campus", pick.campus)["district_id"]
    procs = store.list_type_procedures()
    here = procs[procs["scope_id"].isin([pick.campus, district])]
    if len(here):
        st.dataframe(
            here[["control_type", "scope_id", "document", "updated_by"]],
            hide_index=True,
            width="stretch",
            column_config=human_columns(here.columns),
        )
    else:
        st.caption("No procedure per device type yet on this campus or for the district.")
    with st.form("edit_procedure_form"):
        ctype = st.selectbox("Device type", TECHNOLOGY_TYPES, key="edit_proc_type")
        where = st.radio(
            "Serves",
            [pick.campus, district],
            format_func=lambda s: "this campus" if s == pick.campus else "the whole district",
            horizontal=True,
            key="edit_proc_scope",
        )
        doc = st.text_input("Document (path or link); empty removes it", key="edit_proc_doc")
        saved = st.form_submit_button("Save procedure", type="primary")
    if saved:
        try:
            store.save_type_procedure(where, ctype, doc.strip() or None, who)
        except StoreError as exc:
            st.error(str(exc))
            return
        data.clear_caches()
        st.success(f"Saved the {ctype.replace('_', ' ')} procedure for {where}.")


def place_form(store, pick, who: str, frames: dict, click):
    ctype = st.selectbox("Type", CONTROL_TYPES, key="edit_type")
    name = st.text_input("Name", key="edit_name")
    cam = {}
    if ctype == "camera":
        cam = {
            "bearing_deg": st.slider("Bearing (deg, 0 = north)", 0, 359, 90, key="edit_bearing"),
            "fov_deg": st.slider("Field of view (deg)", 10, 360, 90, key="edit_fov"),
            "range_m": st.slider("Range (m)", 1, 100, 15, key="edit_range"),
        }
    if click is None:
        st.caption("Click on the plan where the control goes.")
        return None
    st.caption(f"Position: {click[0]:.6f}, {click[1]:.6f}")
    wedge = camera_wedge(click[1], click[0], **cam) if cam else None
    if st.button("Place control here", type="primary", key="edit_place"):
        cid = new_id(store, pick.level, "control", ctype)
        row = {
            "id": cid,
            "campus_id": pick.campus,
            "building_id": pick.building,
            "level_id": pick.level,
            "type": ctype,
            "name": name or None,
            "zone_id": zone_at(frames["zone"], click[1], click[0]),
            "geom": Point(click[1], click[0]),
            **cam,
        }
        try:
            store.create_feature("control", row, actor=who)
        except StoreError as exc:
            st.error(str(exc))
            return wedge
        st.session_state.pop(CLICK_KEY, None)
        st.session_state[SEL_KEY] = ("control", cid)
        data.clear_caches()
        st.session_state["edit_flash"] = f"Placed {ctype} {cid}."
        st.rerun()
    return wedge


def select_form(store, who: str, frames: dict, click) -> None:
    selected = st.session_state.get(SEL_KEY)
    options = [f"{t} {i}" for t in ("control", "opening", "zone") for i in frames[t]["id"]]
    chosen = f"{selected[0]} {selected[1]}" if selected else None
    labels = object_labels(frames)
    pick_obj = st.selectbox(
        "Object (or click it on the plan)",
        options,
        key="edit_obj",
        index=options.index(chosen) if chosen in options else None,
        format_func=lambda option: labels.get(option, option),
    )
    if pick_obj:
        selected = tuple(pick_obj.split(" ", 1))
        st.session_state[SEL_KEY] = selected
        attribute_form(store, selected, who, click)


def draw_form(store, pick, who: str, frames: dict) -> None:
    drawn = st.session_state.get(DRAWN_KEY)
    if drawn is None:
        st.caption("Draw a polygon (zone) or a line (door) with the tools on the plan.")
        return
    geom = shape(drawn)
    if geom.geom_type == "Polygon":
        kind = st.selectbox("Zone kind", ZONE_KINDS, key="edit_zkind")
        zname = st.text_input("Name", key="edit_zname")
        number = st.text_input("Room number", key="edit_znum")
        row = {"kind": kind, "name": zname or None, "room_number": number or None}
        table = "zone"
    else:
        row = {
            "door_class": st.selectbox("Door class", DOOR_CLASSES, key="edit_dclass"),
            "number": st.text_input("Door number", key="edit_dnum") or None,
        }
        table = "opening"
    if st.button(f"Save new {table}", type="primary", key="edit_save_drawn"):
        fid = new_id(store, pick.level, table)
        row |= {
            "id": fid,
            "campus_id": pick.campus,
            "building_id": pick.building,
            "level_id": pick.level,
            "geom": geom,
        }
        try:
            store.create_feature(table, row, actor=who)
        except StoreError as exc:
            st.error(str(exc))
            return
        st.session_state.pop(DRAWN_KEY, None)
        data.clear_caches()
        st.success(f"Saved {table} {fid}.")
    _reshape(store, who, frames, geom)


def _reshape(store, who: str, frames: dict, geom) -> None:
    selected = st.session_state.get(SEL_KEY)
    if not selected or selected[0] == "control":
        return
    if not st.button(f"Reshape selected {selected[0]} {selected[1]}", key="edit_reshape"):
        return
    shown_v = frames[selected[0]].set_index("id")["version"].get(selected[1])
    version = st.session_state.get(VERSION_KEY, {}).get(f"{selected[0]}:{selected[1]}", shown_v)
    try:
        store.move_feature(selected[0], selected[1], geom, version, who)
        data.clear_caches()
        st.success(f"Reshaped {selected[0]} {selected[1]}.")
    except StoreError as exc:
        st.error(str(exc))


def recent_changes(store, campus_scope=None) -> None:
    """The latest audited changes; a campus-scoped editor sees only those of their campuses."""
    tz = load_settings().timezone  # the district's zone, like every time in the app
    with st.expander("Recent changes"):
        st.dataframe(
            [
                {k: local_time(e[k], tz) if k == "at_utc" else e[k] for k in CHANGE_COLUMNS}
                for e in store.audit_entries(limit=15, campus_scope=campus_scope)
            ],
            width="stretch",
            column_config=human_columns(CHANGE_COLUMNS) | {"at_utc": f"When ({tz})"},
        )
