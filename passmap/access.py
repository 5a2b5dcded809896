"""THE access policy: what each role may do, see and reach. Pages ask; they never decide.

A rule is a pure function of (role, action, campus, scope). Roles (DESIGN.md): admin (users,
settings, catalog), editor (plans, controls, assessments), viewer (everything read-only), partner
(public safety: only the campuses and layers shared with them), board (presentation, reports).

>>> allowed("viewer", "view_maps"), allowed("viewer", "edit")
(True, False)
>>> allowed("editor", "edit", campus_id="hs", campus_scope=["es1"])
False
"""

from __future__ import annotations

from collections.abc import Iterable

from passmap.model import ROLES, ZONE_KINDS_SITE

ACTIONS = (
    "view_maps",  # district / campus / floor maps with every layer
    "view_compliance",  # tiers, findings, gaps
    "view_live",  # live device status
    "view_reports",  # board view, reports, presentations
    "view_responder",  # the responder map (partners: only shared campuses and layers)
    "export",  # downloads: PDF, GeoJSON, IMDF
    "edit",  # plans, controls, imports
    "assess",  # run assessments, attest checklist items
    "verify",  # record a walk-through verification
    "manage_users",  # accounts and roles
    "manage_shares",  # share links for partners
    "settings",  # catalog and settings
)

_VIEWER_ACTIONS = frozenset(
    {"view_maps", "view_compliance", "view_live", "view_reports", "view_responder", "export"}
)
_ROLE_ACTIONS: dict[str, frozenset[str]] = {
    "admin": frozenset(ACTIONS),
    "editor": _VIEWER_ACTIONS | {"edit", "assess", "verify"},  # a viewer who changes things
    "viewer": _VIEWER_ACTIONS,
    "partner": frozenset({"view_responder", "export"}),
    "board": frozenset({"view_maps", "view_compliance", "view_reports"}),
}

# Responder layers: what a share link may include. Cameras and access control are sensitive.
LAYERS: dict[str, str] = {
    "grid": "alphanumeric grid",
    "buildings": "building footprints and names",
    "rooms": "rooms, room numbers and names, hallways",
    "stairs": "stairwells and elevators",
    "doors": "exterior door numbers",
    "grounds": "parking, fields, drives and roads",
    "hazards": "hazards",
    "shutoffs": "utility shut-offs (gas, water, electric)",
    "key_boxes": "key boxes",
    "aeds": "AEDs",
    "trauma_kits": "trauma kits",
    "alarm_panels": "fire alarm and intrusion panels",
    "duress": "silent panic alarms",
    "access_control": "card readers, intercoms, door contacts",
    "cameras": "camera positions",
}
SENSITIVE_LAYERS = frozenset({"cameras", "access_control", "duress"})
DEFAULT_SHARE_LAYERS = (
    "grid",
    "buildings",
    "rooms",
    "stairs",
    "doors",
    "grounds",
    "hazards",
    "shutoffs",
    "key_boxes",
    "aeds",
    "trauma_kits",
    "alarm_panels",
)

_CONTROL_LAYER = {
    "hazard": "hazards",
    "utility_shutoff": "shutoffs",
    "key_box": "key_boxes",
    "aed": "aeds",
    "trauma_kit": "trauma_kits",
    "fire_alarm_panel": "alarm_panels",
    "intrusion_panel": "alarm_panels",
    "duress_button": "duress",
    "wearable_duress_coverage": "duress",
    "camera": "cameras",
    "access_reader": "access_control",
    "intercom": "access_control",
    "door_contact": "access_control",
    "visitor_management": "access_control",
}
_ZONE_LAYER = {"stair": "stairs", "elevator": "stairs"}
_SITE_KINDS = frozenset(ZONE_KINDS_SITE)  # outdoor zones: the site layer, not a building

# Pages by file stem -> the action that opens them. A page not listed needs "view_maps".
PAGE_ACTIONS: dict[str, str] = {
    "responder": "view_responder",
    "admin_users": "manage_users",
    "share_admin": "manage_shares",
    "gateways": "settings",  # live-feed gateways (h15)
    "compliance": "view_compliance",
    "gaps": "view_compliance",
    "checklist": "assess",
    "live": "view_live",
    "board": "view_reports",
    "reports": "view_reports",
    "presentation": "view_reports",
    "editor": "edit",
    "edit": "edit",
    "imports": "edit",
    "import": "edit",
    "catalog": "settings",
    "settings": "settings",
}


def allowed(
    role: str, action: str, campus_id: str | None = None, campus_scope: Iterable[str] | None = None
) -> bool:
    """May ``role`` do ``action`` (on ``campus_id``, for a user limited to ``campus_scope``)?

    >>> allowed("partner", "view_responder", "hs", ["hs"]), allowed("partner", "view_maps")
    (True, False)
    """
    if role not in ROLES or action not in ACTIONS:
        return False
    if action not in _ROLE_ACTIONS[role]:
        return False
    return campus_id is None or in_scope(campus_id, campus_scope)


def in_scope(campus_id: str, campus_scope: Iterable[str] | None) -> bool:
    """None = every campus."""
    return campus_scope is None or campus_id in set(campus_scope)


def page_action(page: str) -> str:
    """The action needed to open a page, by its file stem ("pages/responder.py" -> responder)."""
    stem = page.rsplit("/", 1)[-1].removesuffix(".py")
    return PAGE_ACTIONS.get(stem, "view_maps")


# Pages whose figures are district-wide by design (the board report, district roll-ups): an
# account limited to some campuses does not open them, rather than see other campuses there.
DISTRICT_WIDE_PAGES = frozenset({"board", "reports", "presentation"})


def can_open_page(role: str, page: str, campus_scope: Iterable[str] | None = None) -> bool:
    """Page visibility by role (and campus scope, for district-wide pages).

    >>> can_open_page("board", "admin_users"), can_open_page("admin", "admin_users")
    (False, True)
    >>> can_open_page("board", "board"), can_open_page("board", "board", ["hs"])
    (True, False)
    """
    stem = page.rsplit("/", 1)[-1].removesuffix(".py")
    if campus_scope is not None and stem in DISTRICT_WIDE_PAGES:
        return False
    return allowed(role, page_action(page))


def visible_layers(role: str, shared_layers: Iterable[str] | None = None) -> tuple[str, ...]:
    """Layers a role may see: partners only what was shared; board no sensitive layers.

    >>> visible_layers("partner", ["doors", "cameras", "bogus"])
    ('doors', 'cameras')
    """
    if role == "partner":
        wanted = set(DEFAULT_SHARE_LAYERS if shared_layers is None else shared_layers)
        return tuple(name for name in LAYERS if name in wanted)
    if role == "board":
        return tuple(n for n in LAYERS if n not in SENSITIVE_LAYERS)
    if role in ROLES:
        return tuple(LAYERS)
    return ()


def layer_of_control(control_type: str) -> str | None:
    """The responder layer of a control type, or None when it is not on the responder map.

    >>> layer_of_control("aed"), layer_of_control("pa_speaker")
    ('aeds', None)
    """
    return _CONTROL_LAYER.get(control_type)


def layer_of_zone(kind: str, has_building: bool = True) -> str:
    """Grounds zones -> grounds; stairs/elevators -> stairs; every other room -> rooms."""
    if kind in _SITE_KINDS or not has_building:
        return "grounds"
    return _ZONE_LAYER.get(kind, "rooms")


def layer_of_opening(door_class: str) -> str | None:
    """Exterior doors are the responder 'doors' layer; interior doors are part of the rooms."""
    return "doors" if door_class.startswith("exterior") else None


def control_visible(control_type: str, layers: Iterable[str], role: str = "") -> bool:
    """May a control of this type be shown to someone who sees ``layers``?

    A type on a responder layer needs that layer; a type on no layer (PA speaker, fence) is
    shown to staff roles but never to a partner (a share link holds only what was shared).

    >>> board = visible_layers("board")
    >>> control_visible("camera", board), control_visible("aed", board)
    (False, True)
    >>> control_visible("pa_speaker", board, "board"), control_visible("pa_speaker", (), "partner")
    (True, False)
    """
    layer = layer_of_control(control_type)
    if layer is None:
        return role in ROLES and role != "partner"
    return layer in set(layers)


def filter_controls(frame, role: str, shared_layers: Iterable[str] | None = None):
    """Only the controls ``role`` may see (rows with a ``type`` column), index kept.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"id": ["c", "r", "a"], "type": ["camera", "access_reader", "aed"]})
    >>> list(filter_controls(f, "board")["id"]), list(filter_controls(f, "admin")["id"])
    (['a'], ['c', 'r', 'a'])
    """
    if frame is None or len(frame) == 0:
        return frame
    layers = visible_layers(role, shared_layers)
    keep = {t: control_visible(t, layers, role) for t in frame["type"].unique()}
    return frame[frame["type"].map(keep).astype(bool)]


def visible_campuses(frame, campus_scope: Iterable[str] | None, column: str = "id"):
    """Rows of campuses (or of objects, by ``column``) inside the scope; None = every campus.

    >>> import pandas as pd
    >>> f = pd.DataFrame({"id": ["hs", "es1", "es2"]})
    >>> list(visible_campuses(f, ["es1"])["id"]), len(visible_campuses(f, None))
    (['es1'], 3)
    """
    if frame is None or campus_scope is None or column not in frame:
        return frame
    return frame[frame[column].isin(set(campus_scope))]


def parse_layers(text: str | Iterable[str]) -> list[str]:
    """'doors, hazards' -> ['doors', 'hazards']; unknown names are an error for a person."""
    names = [t.strip() for t in (text.split(",") if isinstance(text, str) else text)]
    names = [n for n in names if n]
    unknown = [n for n in names if n not in LAYERS]
    if unknown:
        raise ValueError(f"Unknown layer(s) {', '.join(unknown)}; choose from {', '.join(LAYERS)}.")
    return names


OBJECT_KINDS = ("zone", "opening", "control")


def object_visible(
    kind: str,
    row: dict | None,
    role: str,
    layers: Iterable[str] = (),
    campus_scope: Iterable[str] | None = None,
) -> bool:
    """May a viewer see one zone, opening or control (a stored row)? The check every object id
    that comes back from the browser (map picks, tooltips, component values) passes before
    anything about it is read out or written: its campus must be in the viewer's scope, a
    control's type on a layer the viewer sees, and a partner sees only the shared layers.

    >>> cam = {"campus_id": "hs", "type": "camera"}
    >>> object_visible("control", cam, "viewer"), object_visible("control", cam, "board")
    (True, False)
    >>> object_visible("control", cam, "viewer", campus_scope=["es1"])
    False
    >>> object_visible("zone", {"campus_id": "hs", "kind": "classroom"}, "nobody")
    False
    """
    if role not in ROLES or kind not in OBJECT_KINDS or not isinstance(row, dict):
        return False
    campus = row.get("campus_id")
    if not isinstance(campus, str) or not in_scope(campus, campus_scope):
        return False
    layers = visible_layers(role, layers) if role == "partner" else visible_layers(role)
    if kind == "control":
        return control_visible(str(row.get("type") or ""), layers, role)
    if role != "partner":
        return True
    if kind == "zone":
        has_building = isinstance(row.get("building_id"), str)
        return layer_of_zone(str(row.get("kind") or ""), has_building) in set(layers)
    return layer_of_opening(str(row.get("door_class") or "")) in set(layers)
