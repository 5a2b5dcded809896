"""Controlled vocabularies of the data model (DESIGN.md, DOMAIN.md).

>>> "camera" in CONTROL_TYPES and "exterior-primary" in DOOR_CLASSES
True
"""

from __future__ import annotations

# PASS v7 layers, outside in, and the seven components shared by every layer.
LAYERS_V7 = (
    "District-wide",
    "Digital Infrastructure",
    "Campus Perimeter",
    "Building Perimeter",
    "Classroom/Interior",
)
COMPONENTS = (
    "Policies & Procedures",
    "People",
    "Architectural",
    "Communication",
    "Access Control",
    "Video Surveillance",
    "Detection & Alarms",
)
EDITION = "v7"  # the PASS edition assessed when none is named (CLI, app, demo, service)
TIERS = ("1", "2", "3", "4")
BASELINE = "baseline"

# Checklist statuses (PASS checklist wording -> our keys).
STATUSES = ("in_place", "in_progress", "needed", "not_necessary")

ZONE_KINDS_INTERIOR = (
    "classroom",
    "main_office",
    "vestibule",
    "corridor",
    "lobby",
    "nurse",
    "library",
    "gym",
    "cafeteria",
    "kitchen",
    "auditorium",
    "stair",
    "restroom",
    "mechanical",
    "storage",
    "science_lab",
    "music",
    "art",
    "locker_room",
    "staff",
    "sro_office",
    "mdf_idf",
    "elevator",
    "loading_dock",
    "other",
)
ZONE_KINDS_SITE = (
    "parking",
    "drive",
    "bus_loop",
    "field",
    "playground",
    "courtyard",
    "track",
    "court",
    "walkway",
    "road",
)
ZONE_KINDS = ZONE_KINDS_INTERIOR + ZONE_KINDS_SITE

DOOR_CLASSES = (
    "exterior-primary",
    "exterior-secondary",
    "exterior-tertiary",
    "interior",
    "classroom",
)
EXTERIOR_DOOR_CLASSES = DOOR_CLASSES[:3]

CONTROL_TYPES = (
    "camera",
    "access_reader",
    "intercom",
    "visitor_management",
    "duress_button",
    "wearable_duress_coverage",
    "door_contact",
    "motion_sensor",
    "glass_break",
    "pa_speaker",
    "strobe",
    "radio_coverage",
    "fence",
    "natural_barrier",  # a ditch, a steep bank, dense planting: counts as a campus boundary
    "gate",
    "bollard",
    "signage",
    "lighting",
    "aed",
    "trauma_kit",
    "key_box",
    "utility_shutoff",
    "fire_alarm_panel",
    "intrusion_panel",
    "hazard",
    "other",
)
# Controls that are networked technology (they need a written procedure and can report status):
# the first eleven types (camera .. strobe) and the two panels.
TECHNOLOGY_TYPES = CONTROL_TYPES[: CONTROL_TYPES.index("strobe") + 1] + (
    "fire_alarm_panel",
    "intrusion_panel",
)

ROLES = ("admin", "editor", "viewer", "partner", "board")


def is_exterior(door_class: str) -> bool:
    """True for the three exterior door classes.

    >>> is_exterior("exterior-tertiary"), is_exterior("classroom")
    (True, False)
    """
    return door_class in EXTERIOR_DOOR_CLASSES
