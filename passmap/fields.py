"""Human labels for stored field names, and their values as a person reads them.

Tables and panels never show ``practice_id``, ``cost_usd`` or ``bearing_deg``: they show
"Practice", "Cost", "Bearing". Values carry their unit in the district's system
(passmap.units): a camera's ``range_m`` of 15 reads "49 ft" in a US district.

>>> field_label("bearing_deg"), field_label("cost_usd"), field_label("some_new_field")
('Bearing', 'Cost (USD)', 'Some new field')
>>> field_value("range_m", 15.0, "us"), field_value("bearing_deg", 90)
('49 ft', '90° (E)')
>>> field_value("monitored", True), field_value("range_m", 15.0, "metric")
('yes', '15 m')
>>> human_columns(["practice_id", "title", "cost_usd"])
{'practice_id': 'Practice', 'title': 'Title', 'cost_usd': 'Cost (USD)'}
"""

from __future__ import annotations

from datetime import date, datetime
from numbers import Real

from passmap.units import US, format_area, format_length
from passmap.values import is_missing

FIELD_LABELS = {
    "id": "Id",
    "campus_id": "Campus",
    "building_id": "Building",
    "level_id": "Level",
    "zone_id": "Room",
    "to_zone_id": "Other side",
    "opening_id": "Door",
    "district_id": "District",
    "kind": "Kind",
    "name": "Name",
    "room_number": "Room number",
    "number": "Door number",
    "door_class": "Door class",
    "lock_function": "Lock function",
    "lock_inside_operable": "Lockable from inside",
    "monitored": "Position monitored",
    "glazing_protection": "Glazing protection",
    "type": "Type",
    "bearing_deg": "Bearing",
    "fov_deg": "Field of view",
    "range_m": "Range",
    "cell_m": "Grid cell",
    "area_m2": "Area",
    "external_id": "Device id (feed)",
    "installed_on": "Installed",
    "last_tested_on": "Last tested",
    "procedure_doc": "Procedure",
    "practice_id": "Practice",
    "scope_id": "Scope",
    "scope_type": "Scope type",
    "cost_usd": "Cost (USD)",
    "unit_cost_usd": "Unit cost (USD)",
    "total_cost_usd": "Total cost (USD)",
    "criticality": "Criticality",
    "feasibility": "Feasibility",
    "tier": "Tier",
    "status": "Status",
    "explanation": "Explanation",
    "role": "Role here",
    "title": "Title",
    "layer": "Layer",
    "component": "Component",
    "cell": "Grid cell",
    "label": "What",
    "year": "Year",
    "school_type": "School type",
    "students": "Students",
    "address": "Address",
    "mount": "Mount",
    "utility": "Utility",
    "monitoring_destination": "Monitored by",
    "scope_name": "Where",
    "unlocks_next_tier": "Unlocks the next tier",
    "unlocks": "Tier reached",
    "control_type": "Device type",
    "document": "Document",
    "updated_by": "Updated by",
    "at_utc": "When (UTC)",
    "actor": "By",
    "action": "Change",
    "entity_type": "Object",
    "entity_id": "Object id",
}
_COMPASS = ("N", "NE", "E", "SE", "S", "SW", "W", "NW")


def field_label(name: str) -> str:
    """The label of a stored field: known names from FIELD_LABELS, others made readable."""
    if name in FIELD_LABELS:
        return FIELD_LABELS[name]
    text = str(name)
    for suffix in ("_deg", "_m2", "_m", "_utc", "_usd"):
        if text.endswith(suffix):
            text = text[: -len(suffix)]
    return text.replace("_", " ").strip().capitalize() or str(name)


def human_columns(columns) -> dict[str, str]:
    """{column: label} for renaming a table's columns (``frame.rename(columns=...)``)."""
    return {c: field_label(c) for c in columns}


def compass(bearing_deg: float) -> str:
    """The compass point of a bearing (0 = north, clockwise).

    >>> compass(0), compass(100), compass(350)
    ('N', 'E', 'N')
    """
    return _COMPASS[round((bearing_deg % 360) / 45) % 8]


def field_value(name: str, value, system: str = US) -> str:
    """A stored value as text for a person: units in the district's system, degrees with a
    compass point, yes/no for flags, dates as YYYY-MM-DD; "" for missing values."""
    if is_missing(value):
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if name.endswith("_m") and isinstance(value, Real):
        return format_length(float(value), system)
    if name.endswith("_m2") and isinstance(value, Real):
        return format_area(float(value), system)
    if name == "bearing_deg" and isinstance(value, Real):
        return f"{value:g}° ({compass(float(value))})"
    if name.endswith("_deg") and isinstance(value, Real):
        return f"{value:g}°"
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    if isinstance(value, str) and name in ("kind", "type", "door_class", "lock_function"):
        return value.replace("_", " ").replace("-", " ")
    return str(value)
