"""How well each demo campus is protected: the knobs that make the district deliberately uneven.

``strong`` is close to PASS Tier 3, ``partial`` sits in between and ``weak`` fails Tier 1 with the
gaps assessments commonly find (DOMAIN.md section 6).
"""

from __future__ import annotations

PROFILES = {
    "strong": {
        "reader_classes": ("exterior-primary", "exterior-secondary", "exterior-tertiary"),
        "contact_classes": ("exterior-primary", "exterior-secondary", "exterior-tertiary"),
        "camera_classes": ("exterior-primary", "exterior-secondary", "exterior-tertiary"),
        "number_all": True, "monitored_all": True, "inside_lock_share": 1.0,
        "duress_kinds": ("main_office", "vestibule", "nurse", "library", "gym", "cafeteria",
                         "sro_office", "auditorium"),
        "corridor_camera_spacing_m": 30.0, "parking_cameras": True, "bus_cameras": True,
        "procedure_share": 1.0, "tested": "recent", "pa_classroom_share": 1.0,
        "intercom": True, "visitor_management": True, "glazing": "ballistic",
        "trauma_kinds": ("main_office", "gym", "cafeteria", "library", "auditorium", "nurse"),
        "wearable": True, "strobes": True, "motion": True,
    },
    "partial": {
        "reader_classes": ("exterior-primary", "exterior-secondary"),
        "contact_classes": ("exterior-primary", "exterior-secondary"),
        "camera_classes": ("exterior-primary", "exterior-secondary"),
        "number_all": True, "monitored_all": False, "inside_lock_share": 0.5,
        "duress_kinds": ("main_office", "nurse"),
        "corridor_camera_spacing_m": 60.0, "parking_cameras": True, "bus_cameras": True,
        "procedure_share": 0.5, "tested": "stale", "pa_classroom_share": 1.0,
        "intercom": True, "visitor_management": True, "glazing": "film",
        "trauma_kinds": ("main_office", "gym"),
        "wearable": False, "strobes": False, "motion": True,
    },
    "weak": {
        "reader_classes": ("exterior-primary",),
        "contact_classes": ("exterior-primary",),
        "camera_classes": ("exterior-primary",),
        "number_all": False, "monitored_all": False, "inside_lock_share": 0.0,
        "duress_kinds": ("main_office",),
        "corridor_camera_spacing_m": 0.0, "parking_cameras": False, "bus_cameras": False,
        "procedure_share": 0.0, "tested": "never", "pa_classroom_share": 0.6,
        "intercom": True, "visitor_management": False, "glazing": "none",
        "trauma_kinds": ("nurse",),
        "wearable": False, "strobes": False, "motion": False,
    },
}
