"""The attribute form of the Edit page, with optimistic concurrency: the version the editor
opened is kept in the session; saving over a newer version is refused with the store's message."""

from __future__ import annotations

import streamlit as st
from shapely.geometry import Point

from passmap.model import CONTROL_TYPES, DOOR_CLASSES, ZONE_KINDS
from passmap.store import StoreError
from ui import data
from ui.editing import VERSION_KEY

FIELDS = {
    "control": (
        ("name", "text"),
        ("type", CONTROL_TYPES),
        ("bearing_deg", "number"),
        ("fov_deg", "number"),
        ("range_m", "number"),
        ("external_id", "text"),
    ),
    "zone": (("name", "text"), ("kind", ZONE_KINDS), ("room_number", "text")),
    "opening": (("number", "text"), ("door_class", DOOR_CLASSES), ("lock_function", "text")),
}


def new_id(store, level_id: str, table: str, label: str | None = None) -> str:
    """The next free id like ``<level>-camera-3`` (``label`` defaults to the table)."""
    n = 1
    while store.get(table, f"{level_id}-{label or table}-{n}") is not None:
        n += 1
    return f"{level_id}-{label or table}-{n}"


def _opened_version(key: str, current: int) -> int:
    versions = st.session_state.setdefault(VERSION_KEY, {})
    return versions.setdefault(key, current)


def _widget(field: str, kind, value, key: str):
    if kind == "text":
        return st.text_input(field, value=value or "", key=key) or None
    if kind == "number":
        v = st.number_input(
            field, value=None if value is None or value != value else float(value), key=key
        )
        return v
    options = list(kind)
    return st.selectbox(
        field, options, index=options.index(value) if value in options else 0, key=key
    )


def attribute_form(store, selected: tuple[str, str], who: str, click) -> None:
    table, fid = selected
    row = store.get(table, fid)
    if row is None:
        st.warning(f"{table} {fid} no longer exists.")
        return
    key = f"{table}:{fid}"
    opened = _opened_version(key, int(row["version"]))
    st.caption(f"You opened version {opened}; stored version {int(row['version'])}.")
    with st.form(f"edit_form_{key}"):
        values = {f: _widget(f, k, row.get(f), f"edit_{table}_{fid}_{f}") for f, k in FIELDS[table]}
        saved = st.form_submit_button("Save attributes", type="primary")
    if saved:
        changes = {k: v for k, v in values.items() if v != row.get(k)}
        _apply(lambda: store.update_feature(table, fid, changes, opened, who), key, "Saved")
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
