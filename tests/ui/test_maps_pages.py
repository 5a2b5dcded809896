"""The district, campus and floor views through app.py (AppTest, real demo database)."""

from __future__ import annotations

from layers.plan import DOOR_TEXT
from passmap.palette import TIER_COLOURS
from tests.ui.conftest import deck_spec, html_text, layer, map_args, open_page, page, rows_of


def _no_errors(at):
    assert not at.exception, [e.value for e in at.exception]


def _campus_ids(at):
    return [r["id"] for r in layer(deck_spec(at), "campuses")["data"]]


def test_district_shades_campuses_by_tier_and_ships_no_devices(maps_app):
    at = maps_app()
    at.run()
    _no_errors(at)
    spec = deck_spec(at)
    rows = layer(spec, "campuses")["data"]
    assert len({r["id"] for r in rows}) == 4
    fills = {tuple(r["fill"][:3]) for r in rows}
    bands = [lyr for lyr in spec["layers"] if lyr["id"].startswith("campus-outlines-")]
    assert len(bands) == 3 and all(len(b["data"]) >= 4 for b in bands)  # ~2 px at any zoom
    assert bands[0]["maxZoom"] == bands[1]["minZoom"] < bands[1]["maxZoom"] == bands[2]["minZoom"]
    assert len(fills) >= 2, "the demo's campuses should fall in different tiers"
    assert fills <= {tuple(c) for c in TIER_COLOURS.values()}
    assert {lyr["@@type"] for lyr in spec["layers"]} == {"PolygonLayer", "TextLayer"}
    assert "controls" not in {lyr["id"] for lyr in spec["layers"]}
    labels = " ".join(r["text"] for r in rows_of(spec, "campus-labels"))
    assert "controls" in labels and "Tier" in labels
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Campuses per tier"] == "4"
    assert int(metrics["Practices in place"]) > 0 and int(metrics["Open gaps"]) > 0
    assert spec["tiles"] is None  # no basemap unless one is configured


def test_click_on_a_campus_opens_the_campus_view(maps_app):
    at = maps_app()
    at.run()
    target = _campus_ids(at)[-1]
    row = next(r for r in layer(deck_spec(at), "campuses")["data"] if r["id"] == target)
    at.session_state["district_map"] = {
        "selection": {"indices": {"campuses": [0]}, "objects": {"campuses": [row]}}
    }
    at.run()
    _no_errors(at)
    assert at.session_state["pick_campus"] == target
    assert [s.value for s in at.subheader] == [row["name"]]
    assert layer(deck_spec(at), "grounds") is not None


def test_campus_view_draws_grounds_buildings_perimeter_and_exterior_doors(maps_app):
    at = open_page(maps_app, "campus")
    spec = deck_spec(at)
    ids = [lyr["id"] for lyr in spec["layers"]]
    for expected in ("campuses", "grounds", "buildings", "fov-0", "doors", "control-lines"):
        assert expected in ids, expected
    icons = rows_of(spec, "devices")
    kinds = {r["type"] for r in icons}
    assert {"camera", "fence", "gate", "lighting"} <= kinds | {
        r["type"] for r in layer(spec, "control-lines")["data"]
    }
    assert {r["door_class"] for r in layer(spec, "doors")["data"]} <= {
        "exterior-primary",
        "exterior-secondary",
        "exterior-tertiary",
    }
    marks = rows_of(spec, "campus-marks")
    numbers = {r["text"] for r in marks if r["colour"] == DOOR_TEXT}
    assert "1" in numbers and len(numbers) >= 10  # exterior door numbers, in the exit red
    assert any(r["text"] == "Cedar Valley High Main Building" for r in marks)
    legend = html_text(at)
    for kind in kinds:
        assert f"pm-icon-{kind}" in legend, kind


def test_click_on_a_building_opens_its_floor_plan(maps_app):
    at = maps_app()
    at.run()
    at.switch_page(page("campus")).run()
    row = layer(deck_spec(at), "buildings")["data"][0]
    at.session_state["campus_map"] = {
        "selection": {"indices": {"buildings": [0]}, "objects": {"buildings": [row]}}
    }
    at.run()
    _no_errors(at)
    assert at.session_state["pick_building"] == row["id"]
    assert layer(deck_spec(at), "zones") is not None


def _floor(maps_app):
    return open_page(maps_app, "floor")


def test_floor_plan_draws_every_layer_with_tiers_doors_and_icons(maps_app):
    at = _floor(maps_app)
    spec = deck_spec(at)
    ids = [lyr["id"] for lyr in spec["layers"]]
    first_icons = min(i for i, x in enumerate(ids) if x.startswith("devices@"))
    first_labels = min(i for i, x in enumerate(ids) if x.startswith("marks@"))
    assert ids.index("zones") < ids.index("walls") < ids.index("doors") < first_icons
    assert first_icons < first_labels  # every label, door numbers included, above every icon
    zones = layer(spec, "zones")["data"]
    assert any(z["tier"] is not None for z in zones)
    assert {tuple(z["fill"][:3]) for z in zones} <= {tuple(c) for c in TIER_COLOURS.values()}
    classes = {d["door_class"] for d in layer(spec, "doors")["data"]}
    assert {"exterior-primary", "classroom"} <= classes
    widths = {d["door_class"]: d["width_m"] for d in layer(spec, "doors")["data"]}
    assert widths["exterior-primary"] > widths["classroom"]
    assert len({i["type"] for i in rows_of(spec, "devices")}) >= 8
    assert len(layer(spec, "fov-0")["data"]) > 0
    labels = {r["text"] for r in rows_of(spec, "marks")}
    assert "Main Office" in labels and "121" in labels
    legend = html_text(at)
    assert "Room tier" in legend and "Exterior primary" in legend


def test_click_on_a_zone_door_and_control_opens_the_detail_panel(maps_app):
    at = _floor(maps_app)
    spec = deck_spec(at)
    level = at.session_state["pick_level"]
    zone = next(z for z in layer(spec, "zones")["data"] if z["zone_kind"] == "main_office")
    door = next(d for d in layer(spec, "doors")["data"] if d["door_class"] == "exterior-primary")
    camera = next(c for c in rows_of(spec, "devices") if c["type"] == "camera")
    for seq, (layer_id, row, expect) in enumerate(
        (("zones", zone, "Tier:"), ("doors", door, "Door"), ("devices@19", camera, "Camera")),
        start=1,
    ):
        at.session_state["floor_map"] = {
            "selection": {"indices": {layer_id: [0]}, "objects": {layer_id: [row]}},
            "seq": seq,
            "scope": level,
        }
        at.run()
        _no_errors(at)
        text = " ".join(m.value for m in at.markdown)
        assert expect in text, (layer_id, text[:300])
        frames = at.dataframe
        assert any(row["id"] in f.value.to_string() for f in frames), layer_id
    practices = frames[0].value
    assert {"Practice", "Status", "Role here"} <= set(practices.columns)
    assert not {"practice_id", "status", "role"} & set(practices.columns)


def test_the_maps_click_numbers_go_on_after_the_page_was_left(maps_app):
    """The map's frontend numbers its clicks on from ``ack`` (ui.deckmap.clicks_seen): when
    another page drops the map's value and the map comes back in a new frame, its next click
    still gets a new number, never one the page has set aside (ui.maps.picked_here)."""
    at = _floor(maps_app)
    assert map_args(at)["ack"] == 0
    at.session_state["floor_map"] = {
        "selection": {"indices": {}, "objects": {}},
        "seq": 7,
        "scope": at.session_state["pick_level"],
    }
    at.run()
    assert map_args(at)["ack"] == 7
    at.switch_page(page("campus")).run()
    assert "floor_map" not in at.session_state  # Streamlit dropped the map's value
    at.switch_page(page("floor")).run()
    _no_errors(at)
    assert map_args(at)["ack"] == 7  # the count goes on


def test_search_zooms_to_a_door_and_shows_its_details(maps_app):
    at = _floor(maps_app)
    before = deck_spec(at)["initialViewState"]
    at.text_input(key="floor_search").input("D1").run()
    _no_errors(at)
    spec = deck_spec(at)
    assert layer(spec, "highlight") is not None
    assert spec["initialViewState"]["zoom"] > before["zoom"] + 1
    assert any("Door 1" in m.value for m in at.markdown)


def test_search_for_a_room_upstairs_switches_the_level(maps_app):
    at = _floor(maps_app)
    levels = at.segmented_control(key="floor_level_switch").options
    assert len(levels) == 2
    upstairs = next(r["room_number"] for r in _upper_rooms(at))
    at.text_input(key="floor_search").input(upstairs).run()
    _no_errors(at)
    assert at.session_state["pick_level"].endswith("l2")
    assert layer(deck_spec(at), "highlight") is not None


def _upper_rooms(at):
    from tests.helpers import _store

    store = _store()
    level = store.list_levels(at.session_state["pick_building"]).iloc[-1]["id"]
    zones = store.list_zones(level_id=level)
    return [z for z in zones.to_dict("records") if z["room_number"]]


def test_layer_toggles_and_type_filter_change_what_is_drawn_and_the_legend(maps_app):
    at = _floor(maps_app)
    at.pills(key="floor_layers").set_value(["Zones", "Devices", "Grid"]).run()
    at.multiselect(key="floor_types").set_value(["camera"]).run()
    _no_errors(at)
    spec = deck_spec(at)
    ids = {lyr["id"] for lyr in spec["layers"]}
    assert "fov-0" not in ids and "grid-0" in ids
    assert not any(r["colour"][:3] == [25, 25, 25] for r in rows_of(spec, "marks"))  # no rooms
    assert {r["type"] for r in rows_of(spec, "devices")} == {"camera"}
    legend = html_text(at)
    assert "pm-icon-camera" in legend and "pm-icon-pa_speaker" not in legend
    assert "Field of view" not in legend


def test_level_switcher_and_effective_toggle(maps_app):
    at = _floor(maps_app)
    from tests.helpers import _store

    first_level = at.session_state["pick_level"]
    first_zones = {z["id"] for z in layer(deck_spec(at), "zones")["data"]}
    upper = _store().list_levels(at.session_state["pick_building"]).iloc[-1]["id"]
    at.segmented_control(key="floor_level_switch").set_value(upper).run()
    _no_errors(at)
    assert at.session_state["pick_level"] == upper != first_level
    assert at.selectbox(key="pick_level").value == upper
    zones = {z["id"] for z in layer(deck_spec(at), "zones")["data"]}
    assert zones and not zones & first_zones
    at.segmented_control(key="floor_shade").set_value("Effective (live)").run()
    _no_errors(at)
    assert any("(effective, live)" in h.proto.body for h in at.get("html"))


def test_a_configured_tile_source_is_the_only_basemap_and_goes_to_the_map(maps_app, monkeypatch):
    url = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"
    monkeypatch.setenv("PASSMAP_TILE_URL", url)
    monkeypatch.setenv("PASSMAP_TILE_ATTRIBUTION", "© District GIS")
    at = maps_app()
    at.run()
    _no_errors(at)
    assert deck_spec(at)["tiles"] == {"url": url, "attribution": "© District GIS"}
