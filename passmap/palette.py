"""One palette for every map, legend and report: tiers, door classes, control types, live states.

It lives in the core (not in ``layers/``) because the board report and the PDFs draw in the same
colours as the maps, and the core never imports a presentation module.

Colours are RGB(A) lists (what pydeck wants); ``hex_colour`` turns them into CSS. The tier scale
is ColorBrewer RdYlBu-5 (colour-blind safe, prints in grey from dark to light to dark), so red
always means "below Tier 1" and dark blue "Tier 4". Door classes and control categories use the
Okabe-Ito set, also colour-blind safe, and every control type has its own icon shape and glyph
(``CONTROL_STYLES``, drawn by layers/controls.py), so colour is never the only cue.

>>> tier_colour(0)[:3], tier_label(None)
([215, 25, 28], 'not assessed')
"""

from __future__ import annotations

from dataclasses import dataclass

# -- compliance tiers -------------------------------------------------------------------------
TIER_COLOURS: dict[int | None, list[int]] = {
    0: [215, 25, 28],  # below Tier 1
    1: [253, 174, 97],
    2: [255, 255, 191],
    3: [171, 217, 233],
    4: [44, 123, 182],
    None: [200, 200, 200],  # not assessed (engine not run or scope has no findings)
}
TIER_LABELS: dict[int | None, str] = {
    0: "below Tier 1",
    1: "Tier 1",
    2: "Tier 2",
    3: "Tier 3",
    4: "Tier 4",
    None: "not assessed",
}
ZONE_FILL_ALPHA = 170
SITE_FILL_ALPHA = 120


def tier_colour(tier: int | None, alpha: int = 255) -> list[int]:
    """RGBA for a tier (0 = below Tier 1, None = not assessed)."""
    key = tier if tier in TIER_COLOURS else None
    return TIER_COLOURS[key] + [alpha]


def tier_label(tier: int | None) -> str:
    return TIER_LABELS.get(tier if tier in TIER_LABELS else None, "not assessed")


# -- site zones (grounds) and structure -------------------------------------------------------
SITE_ZONE_COLOURS: dict[str, list[int]] = {
    "parking": [150, 150, 150],
    "drive": [120, 120, 120],
    "bus_loop": [110, 110, 120],
    "road": [100, 100, 100],
    "field": [140, 190, 120],
    "track": [200, 120, 90],
    "playground": [210, 180, 130],
    "court": [170, 160, 200],
    "courtyard": [190, 210, 170],
    "walkway": [215, 210, 200],
}
SITE_ZONE_DEFAULT = [200, 200, 190]
CAMPUS_OUTLINE = [60, 60, 60, 255]
BUILDING_OUTLINE = [40, 40, 40, 255]
WALL_COLOUR = [45, 45, 45, 255]
LABEL_COLOUR = [20, 20, 20, 255]
LABEL_HALO = [255, 255, 255, 230]
GRID_COLOUR = [21, 101, 192, 120]  # the responder PDF's grid blue
GRID_TEXT = [21, 101, 192, 255]
FOV_OUTLINE = [0, 114, 178, 170]  # camera views: an outline only, never a fill over a tier
HIGHLIGHT = [255, 0, 255, 200]  # search / selection focus (magenta: not in any scale)


# -- doors ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class DoorStyle:
    colour: list[int]
    width_px: float
    label: str


DOOR_STYLES: dict[str, DoorStyle] = {
    "exterior-primary": DoorStyle([0, 0, 0, 255], 9, "Exterior primary (main entrance)"),
    "exterior-secondary": DoorStyle([213, 94, 0, 255], 7, "Exterior secondary"),
    "exterior-tertiary": DoorStyle([204, 121, 167, 255], 6, "Exterior tertiary"),
    "classroom": DoorStyle([0, 158, 115, 255], 5, "Classroom door"),
    "interior": DoorStyle([110, 110, 110, 255], 4, "Interior door"),
}
DOOR_DEFAULT = DoorStyle([110, 110, 110, 255], 4, "Other opening")


def door_style(door_class: str | None) -> DoorStyle:
    return DOOR_STYLES.get(door_class or "", DOOR_DEFAULT)


# -- controls ---------------------------------------------------------------------------------
@dataclass(frozen=True)
class ControlStyle:
    colour: list[int]  # icon background / line colour
    shape: str  # circle | square | diamond | triangle | hexagon | cross (icon outline)
    glyph: str  # one symbol drawn white on the shape (DejaVu Sans glyphs)
    label: str


# The icon's outline is itself a font glyph, so an icon is two text glyphs stacked (drawn by
# deck.gl's TextLayer, whose font atlas is built synchronously in the browser: an image atlas
# loaded after a page switch is not drawn until the user moves the map).
SHAPE_GLYPHS = {
    "circle": "●",
    "square": "■",
    "diamond": "◆",
    "triangle": "▲",
    "hexagon": "⬢",
    "cross": "✚",
}
ICON_FONT = "DejaVu Sans, Noto Sans Symbols, Segoe UI Symbol, Arial Unicode MS, sans-serif"


# Categories share a colour (surveillance blue, access green, alarm vermillion, communication
# purple, life safety red-pink, perimeter brown, utilities grey); shape + glyph tell types apart.
_BLUE, _GREEN, _VERM = [0, 114, 178], [0, 140, 100], [213, 94, 0]
_PURPLE, _PINK, _BROWN, _GREY = [120, 70, 160], [190, 30, 90], [140, 90, 40], [90, 90, 90]
CONTROL_STYLES: dict[str, ControlStyle] = {
    "camera": ControlStyle(_BLUE, "circle", "◉", "Camera"),
    "access_reader": ControlStyle(_GREEN, "square", "▤", "Access reader"),
    "intercom": ControlStyle(_PURPLE, "square", "☎", "Intercom"),
    "visitor_management": ControlStyle(_GREEN, "hexagon", "V", "Visitor management"),
    "duress_button": ControlStyle(_VERM, "triangle", "!", "Duress / panic button"),
    "wearable_duress_coverage": ControlStyle(_VERM, "circle", "W", "Wearable duress coverage"),
    "door_contact": ControlStyle(_GREEN, "diamond", "◧", "Door contact"),
    "motion_sensor": ControlStyle(_VERM, "diamond", "≋", "Motion sensor"),
    "glass_break": ControlStyle(_VERM, "diamond", "✶", "Glass-break sensor"),
    "pa_speaker": ControlStyle(_PURPLE, "circle", "♪", "PA speaker"),
    "strobe": ControlStyle(_PURPLE, "triangle", "✺", "Strobe"),
    "radio_coverage": ControlStyle(_PURPLE, "hexagon", "R", "Two-way radio coverage"),
    "fence": ControlStyle(_BROWN, "square", "#", "Fence"),
    "natural_barrier": ControlStyle(_BROWN, "hexagon", "≈", "Natural barrier"),
    "gate": ControlStyle(_BROWN, "square", "G", "Gate"),
    "bollard": ControlStyle(_BROWN, "circle", "▪", "Bollard"),
    "signage": ControlStyle(_BROWN, "diamond", "i", "Signage"),
    "lighting": ControlStyle([200, 150, 0], "circle", "☀", "Lighting"),
    "aed": ControlStyle(_PINK, "hexagon", "♥", "AED"),
    "trauma_kit": ControlStyle(_PINK, "cross", "+", "Trauma kit"),
    "key_box": ControlStyle(_GREY, "square", "K", "Key box"),
    "utility_shutoff": ControlStyle(_GREY, "hexagon", "⊗", "Utility shut-off"),
    "fire_alarm_panel": ControlStyle(_PINK, "square", "F", "Fire alarm panel"),
    "intrusion_panel": ControlStyle(_VERM, "square", "A", "Intrusion panel"),
    "hazard": ControlStyle([230, 159, 0], "triangle", "☢", "Hazard"),
    "other": ControlStyle(_GREY, "circle", "?", "Other control"),
}


def control_style(control_type: str | None) -> ControlStyle:
    return CONTROL_STYLES.get(control_type or "", CONTROL_STYLES["other"])


# -- live device states (filled by the live overlay) -------------------------------------------
LIVE_STATE_COLOURS: dict[str, list[int]] = {
    "ok": [0, 158, 115, 255],
    "alarm": [230, 57, 0, 255],  # live: forced, held open, fire, intrusion, tamper; red-orange
    "offline": [90, 90, 90, 255],
    "stale": [230, 159, 0, 255],
    "unknown": [200, 200, 200, 255],
    "open": [86, 180, 233, 255],  # live: door open (normal traffic); sky blue
    "duress": [200, 0, 40, 255],  # live: duress/panic triggered; deep red (the most urgent)
    "degraded": [240, 228, 66, 255],  # live: low battery, trouble; yellow
}
LIVE_STATE_LABELS = {
    "ok": "Online, normal",
    "alarm": "Alarm: forced, held open, fire, intrusion, tamper",
    "offline": "Offline",
    "stale": "No report recently",
    "unknown": "No status",
    "open": "Door open",
    "duress": "Duress triggered",
    "degraded": "Low battery / trouble",
}


def hex_colour(rgba: list[int]) -> str:
    """CSS colour for an RGB(A) list.

    >>> hex_colour([215, 25, 28, 255])
    '#d7191c'
    """
    return "#" + "".join(f"{int(c):02x}" for c in rgba[:3])
