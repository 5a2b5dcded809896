"""The access policy is one pure function; these pin its decisions."""

import pytest

from passmap import access
from passmap.model import ROLES

# role -> actions it must have; every other action is refused. An editor may do all a viewer
# may, and change things.
VIEWER = {"view_maps", "view_compliance", "view_live", "view_reports", "view_responder", "export"}
EXPECTED = {
    "admin": set(access.ACTIONS),
    "editor": VIEWER | {"edit", "assess", "verify"},
    "viewer": VIEWER,
    "partner": {"view_responder", "export"},
    "board": {"view_maps", "view_compliance", "view_reports"},
}


@pytest.mark.parametrize("role", ROLES)
def test_every_role_action_pair_is_decided_as_specified(role):
    for action in access.ACTIONS:
        assert access.allowed(role, action) == (action in EXPECTED[role]), (role, action)


def test_unknown_role_or_action_is_refused():
    assert not access.allowed("root", "view_maps")
    assert not access.allowed("admin", "drop_tables")
    assert not access.allowed("", "view_maps")


def test_campus_scope_limits_every_action():
    assert access.allowed("editor", "edit", "c1", ["c1"])
    assert not access.allowed("editor", "edit", "c2", ["c1"])
    assert access.allowed("editor", "edit", "c2", None)  # None = all campuses
    assert not access.allowed("partner", "view_responder", "c2", ["c1"])


def test_partner_layers_are_only_the_shared_ones_and_board_sees_no_sensitive_layer():
    assert access.visible_layers("partner", ["doors", "aeds"]) == ("doors", "aeds")
    assert access.visible_layers("partner", []) == ()
    assert "cameras" not in access.visible_layers("partner")  # an account's default
    assert not set(access.visible_layers("board")) & access.SENSITIVE_LAYERS
    assert access.visible_layers("viewer") == tuple(access.LAYERS)


def test_pages_map_to_actions():
    assert access.page_action("pages/admin_users.py") == "manage_users"
    assert access.page_action("share_admin") == "manage_shares"
    assert access.page_action("responder") == "view_responder"
    assert access.page_action("some_new_map") == "view_maps"  # unknown: staff only
    assert not access.can_open_page("partner", "some_new_map")


def test_layer_vocabulary_covers_the_responder_checklist():
    for control_type, layer in (
        ("aed", "aeds"),
        ("trauma_kit", "trauma_kits"),
        ("key_box", "key_boxes"),
        ("utility_shutoff", "shutoffs"),
        ("fire_alarm_panel", "alarm_panels"),
        ("hazard", "hazards"),
        ("camera", "cameras"),
    ):
        assert access.layer_of_control(control_type) == layer
    assert access.layer_of_zone("stair") == "stairs"
    assert access.layer_of_zone("parking", has_building=False) == "grounds"
    assert access.layer_of_opening("exterior-primary") == "doors"
    assert access.layer_of_opening("classroom") is None
    with pytest.raises(ValueError, match="Unknown layer"):
        access.parse_layers("doors,secret_stuff")
