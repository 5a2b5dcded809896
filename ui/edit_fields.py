"""The attributes the Edit page lets a person set: every column a compliance rule reads (door
links, locks, monitoring, glazing, procedure, test dates) and, for device attributes, every key
the catalog's checks ask for (read from the catalog, so a new check shows its field)."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import streamlit as st

from passmap.model import CONTROL_TYPES, DOOR_CLASSES, ZONE_KINDS
from passmap.values import is_missing

LOCK_FUNCTIONS = (
    "classroom-security",
    "classroom",
    "storeroom",
    "office",
    "exit-only",
    "electrified",
    "passage",
)
GLAZING = ("film", "ballistic", "no-glazing", "none")
UNKNOWN = "(not recorded)"
YES_NO = (UNKNOWN, "yes", "no")

CONTROL_FIELDS = (
    ("name", "text", "Name"),
    ("type", CONTROL_TYPES, "Type"),
    ("opening_id", "door", "Door it serves (reader, contact, intercom, light, sign)"),
    ("procedure_doc", "text", "Written procedure (path or link) for this device"),
    ("last_tested_on", "date", "Last tested on"),
    ("installed_on", "date", "Installed on"),
    ("external_id", "text", "Device id in the live feed"),
)
CAMERA_FIELDS = (
    ("bearing_deg", "number", "Bearing (deg, 0 = north)"),
    ("fov_deg", "number", "Field of view (deg)"),
    ("range_m", "number", "Range (m)"),
)
FIELDS = {
    "opening": (
        ("number", "text", "Door number (first responders)"),
        ("door_class", DOOR_CLASSES, "Door class"),
        ("lock_function", LOCK_FUNCTIONS, "Lock function"),
        ("lock_inside_operable", "bool", "Locks from inside without opening the door"),
        ("monitored", "bool", "Door position monitored"),
        ("glazing_protection", GLAZING, "Vision panel glazing"),
        ("zone_id", "zone", "Room on this side"),
        ("to_zone_id", "zone", "Room on the other side (none: outside)"),
    ),
    "zone": (
        ("name", "text", "Name"),
        ("kind", ZONE_KINDS, "Kind"),
        ("room_number", "text", "Room number"),
    ),
}


def fields_for(table: str, row: dict) -> tuple:
    if table != "control":
        return FIELDS[table]
    extra = CAMERA_FIELDS if row.get("type") == "camera" else ()
    return CONTROL_FIELDS[:2] + extra + CONTROL_FIELDS[2:]


def catalog_attrs(practices: pd.DataFrame, control_type: str) -> dict:
    """Attribute key -> what the catalog's checks want of a device of this type (True, a list
    of accepted values, or "*" for any value)."""
    wanted: dict = {}
    for params in practices["check_params"]:
        params = params if isinstance(params, dict) else json.loads(params or "{}")
        if control_type in (params.get("control_types") or []) and params.get("attrs"):
            for key, value in params["attrs"].items():
                wanted.setdefault(key, value)
    return wanted


def _missing(value) -> bool:
    return is_missing(value)


def widget(field: str, kind, label: str, value, key: str, choices: dict):
    """One input; returns the value to store (None for empty / not recorded)."""
    if kind == "text":
        return st.text_input(label, value="" if _missing(value) else str(value), key=key) or None
    if kind == "number":
        v = None if _missing(value) else float(value)
        return st.number_input(label, value=v, key=key)
    if kind == "date":
        v = None if _missing(value) else pd.Timestamp(value).date()
        return st.date_input(label, value=v, key=key, max_value=date.today())
    if kind == "bool":
        now = UNKNOWN if _missing(value) else ("yes" if bool(value) else "no")
        got = st.selectbox(label, YES_NO, index=YES_NO.index(now), key=key)
        return None if got == UNKNOWN else got == "yes"
    if kind in ("door", "zone"):
        options = [None, *choices.get(kind, [])]
        if value not in options:
            options.append(value)
        return st.selectbox(
            label,
            options,
            index=options.index(None if _missing(value) else value),
            key=key,
            format_func=lambda v: (
                "(none)" if v is None else choices.get(f"{kind}_label", {}).get(v, v)
            ),
        )
    options = list(kind)
    if not _missing(value) and value not in options:
        options.append(value)
    options = [UNKNOWN, *options] if field in ("lock_function", "glazing_protection") else options
    now = UNKNOWN if _missing(value) else value
    got = st.selectbox(label, options, index=options.index(now) if now in options else 0, key=key)
    return None if got == UNKNOWN else got


def attr_widgets(wanted: dict, attrs: dict, key: str) -> dict:
    """Inputs for the catalog's attributes of a device; returns the new attrs dict (other keys
    kept as they were)."""
    out = dict(attrs)
    for name, want in sorted(wanted.items()):
        label = name.replace("_", " ").capitalize()
        value = attrs.get(name)
        k = f"{key}_attr_{name}"
        if isinstance(want, bool):
            got = st.checkbox(label, value=bool(value), key=k)
        elif isinstance(want, list):
            options = [UNKNOWN, *want, *([value] if value and value not in want else [])]
            got = st.selectbox(label, options, index=options.index(value or UNKNOWN), key=k)
            got = None if got == UNKNOWN else got
        else:
            got = st.text_input(label, value=value or "", key=k) or None
        if got in (None, False) and name not in attrs:
            continue
        out[name] = got
    return out
