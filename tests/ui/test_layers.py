"""Pure layer builders, palette and legends (no browser, no Streamlit): the JSON the map gets."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import geopandas as gpd
from shapely.geometry import LineString, Point, box

from layers import controls, floor, legend, plan, site
from layers.deck import fit_view, layer_json
from layers.folium_offline import offline_draw, offline_map
from passmap import palette

REPO = Path(__file__).resolve().parents[2]
CRS = "OGC:CRS84"


def _zones():
    return gpd.GeoDataFrame(
        {
            "id": ["z1", "z2"],
            "kind": ["classroom", "main_office"],
            "name": ["Room 101", "Main <Office>"],
            "room_number": ["101", "102"],
            "campus_id": ["c"],
            "building_id": ["b", "b"],
            "level_id": ["l", "l"],
        }
        | {"campus_id": ["c", "c"]},
        geometry=[box(-78.0, 35.0, -77.9999, 35.0001), box(-77.9999, 35.0, -77.9998, 35.0001)],
        crs=CRS,
    )


def _controls():
    return gpd.GeoDataFrame(
        {
            "id": ["k1", "k2", "k3"],
            "type": ["camera", "fence", "unknown_thing"],
            "name": ["<script>x</script>", "Fence", None],
            "external_id": ["CAM-1", None, None],
            "building_id": [None] * 3,
            "level_id": ["l", None, "l"],
        },
        geometry=[Point(-78.0, 35.0), LineString([(-78, 35), (-77.99, 35)]), Point(-77.9, 35.1)],
        crs=CRS,
    )


def _json(layers) -> dict:
    return {"layers": [json.loads(layer_json(layer)) for layer in layers if layer is not None]}


def _doors():
    return gpd.GeoDataFrame(
        {
            "id": ["o", "x"],
            "door_class": ["classroom", "exterior-secondary"],
            "number": ["7", "12"],
            "lock_function": [None, None],
            "zone_id": ["z1", "z1"],
            "building_id": ["b", "b"],
        },
        geometry=[
            LineString([(-78, 35), (-78, 35.00001)]),
            LineString([(-78.00005, 35.0), (-78.00003, 35.0)]),
        ],
        crs=CRS,
    )


def _plan_layers(**kw):
    cells = gpd.GeoDataFrame(
        {"label": ["A1"], "column": ["A"], "row": [1]},
        geometry=[box(-78.0, 35.0, -77.9998, 35.0002)],
        crs=CRS,
    )
    views = gpd.GeoDataFrame({"control_id": ["k1"]}, geometry=[_zones().geometry[0]], crs=CRS)
    return floor.floor_plan_layers(
        _zones(), _doors(), _controls(), views, 18.0, {"z1": 4}, grid_cells=cells, **kw
    )


def test_constant_strings_are_quoted_so_pydeck_does_not_turn_them_into_functions():
    spec = _json(_plan_layers(shown=floor.PLAN_LAYERS))
    for lyr in spec["layers"]:
        for key, value in lyr.items():
            if key.endswith(("Units", "Family", "Set", "Kind")):
                assert not str(value).startswith("@@="), (lyr["id"], key, value)


def test_zone_fill_follows_the_tier_and_tooltips_are_plain_text():
    rows = floor.zone_rows(_zones(), {"z1": 0, "z2": 4})
    assert rows[0]["fill"][:3] == palette.TIER_COLOURS[0]
    assert rows[1]["fill"][:3] == palette.TIER_COLOURS[4]
    # Plain text: Streamlit escapes every value it puts into the html template (TOOLTIP), so
    # escaping here would show "&lt;" to the user; the browser test proves it renders as text.
    assert rows[1]["tip"] == "Room 102 – Main <Office>\nmain office\nTier: Tier 4"
    assert floor.zone_rows(_zones(), {})[0]["fill"][:3] == palette.TIER_COLOURS[None]


def test_every_control_gets_an_icon_even_of_an_unknown_type_and_names_stay_text():
    marks = plan.device_marks(_controls())
    rows = [m.row for m in marks]
    assert [r["type"] for r in rows] == ["camera", "fence", "unknown_thing"]
    assert rows[2]["shape"] == palette.SHAPE_GLYPHS[palette.CONTROL_STYLES["other"].shape]
    assert "&lt;" not in rows[0]["tip"] and "<script>x</script>" in rows[0]["tip"]
    assert [m.row["id"] for m in plan.device_marks(_controls(), {"camera"})] == ["k1"]


def test_control_types_are_told_apart_by_shape_and_glyph_not_colour_alone():
    pairs = [(s.shape, s.glyph) for s in palette.CONTROL_STYLES.values()]
    assert len(set(pairs)) == len(pairs)
    assert all(len(s.glyph) == 1 for s in palette.CONTROL_STYLES.values())


def test_tier_colours_are_distinct_and_ordered_dark_to_light_to_dark():
    colours = [palette.TIER_COLOURS[t] for t in (0, 1, 2, 3, 4)]
    assert len({tuple(c) for c in colours}) == 5
    grey = [0.3 * r + 0.59 * g + 0.11 * b for r, g, b in colours]
    assert grey[2] == max(grey)  # lightest in the middle (RdYlBu): readable in grey print


def test_legends_list_only_what_is_drawn():
    html = legend.tier_legend({4, None})
    assert "Tier 4" in html and "not assessed" in html and "Tier 1" not in html
    html = legend.control_legend({"camera"}, {"camera": 3, "aed": 1})
    assert "pm-icon-camera" in html and "Camera (3)" in html and "AED" not in html
    assert "Classroom door" in legend.door_legend({"classroom"})
    assert "Exterior primary" not in legend.door_legend({"classroom"})
    for ctype in palette.CONTROL_STYLES:
        assert palette.CONTROL_STYLES[ctype].glyph in legend.icon_html(ctype) or ctype == "other"


def test_the_grid_is_the_campus_grid_with_letters_and_numbers_along_the_edges():
    from passmap.grid import GridSpec

    cells = GridSpec("c", -78.0, 35.001, 50.0, 3, 2).cells()
    ruler = floor.grid_overlay(cells)
    assert [c[0] for c in ruler["cols"]] == ["A", "B", "C"]
    assert [r[0] for r in ruler["rows"]] == ["1", "2"]
    assert ruler["cols"][0][1] < ruler["cols"][1][1] and ruler["rows"][0][1] > ruler["rows"][1][1]
    assert {lyr["@@type"] for lyr in _json(floor.grid_layers(cells, 17.0))["layers"]} == {
        "PolygonLayer"
    }


def test_fit_view_zooms_in_on_a_building_and_out_on_a_district():
    building = fit_view((-78.0, 35.0, -77.998, 35.001)).zoom
    district = fit_view((-78.1, 35.0, -77.9, 35.1)).zoom
    assert 16.5 < building < 20 and 11 < district < 14


def test_campus_rows_carry_id_kind_and_tier_for_the_click():
    campuses = gpd.GeoDataFrame(
        {"id": ["c"], "name": ["North & High"], "school_type": ["high"]},
        geometry=[box(0, 0, 1, 1)],
        crs=CRS,
    )
    row = site.campus_rows(campuses, {"c": 2}, {"c": {"controls": 12}})[0]
    assert (row["id"], row["kind"], row["tier"]) == ("c", "campus", 2)
    assert "North & High" in row["tip"] and "12 controls" in row["tip"]


def test_folium_map_loads_only_vendored_files_that_exist():
    m = offline_map([35.0, -78.0], tile_url=None)
    offline_draw().add_to(m)
    page = m.get_root().render()
    urls = set(re.findall(r'(?:src|href)="([^"]+)"', page))
    assert urls and all(u.startswith("/app/static/vendor/") for u in urls), urls
    for url in urls:
        assert (REPO / "static" / url.removeprefix("/app/static/")).is_file(), url
    assert "L.Icon.Default.imagePath = '/app/static/vendor/leaflet/images/'" in page
    assert "tile.openstreetmap" not in page and "cdn" not in page.lower()


def test_the_map_frontend_loads_only_its_own_files():
    """The component page names no remote resource (the browser tests also fail on any request
    that leaves loopback); deck.gl is vendored at the version the Python side declares."""
    from ui.deckmap import DECK_GL_VERSION, FRONTEND

    page = (FRONTEND / "index.html").read_text()
    scripts = re.findall(r'<script src="([^"]+)"', page)
    assert scripts == [
        f"vendor/deck.gl-{DECK_GL_VERSION}.min.js",
        f"vendor/deck.gl-json-{DECK_GL_VERSION}.min.js",
        "deckmap.js",
    ]
    assert all((FRONTEND / s).is_file() for s in scripts)
    assert "http" not in page and "http" not in (FRONTEND / "deckmap.js").read_text()


def test_an_imported_floor_image_is_drawn_as_an_underlay_from_its_served_url():
    underlay = {
        "url": "/app/static/floorplans/l1.png",
        "bounds": [[35.0, -78.0], [35.001, -77.999]],
    }
    spec = _json([floor.underlay_layer(underlay)])
    layer = spec["layers"][0]
    assert layer["@@type"] == "BitmapLayer" and layer["image"] == underlay["url"]
    assert layer["bounds"] == [-78.0, 35.0, -77.999, 35.001]
    assert floor.underlay_layer({"path": "data/x.png", "url": None}) is None


def _no_constant_accessor(spec: dict) -> None:
    """Only get_* props may be accessors ('@@=...'); units, fonts, anchors are constants."""
    for lyr in spec["layers"]:
        for key, value in lyr.items():
            if not key.startswith("get") and isinstance(value, str):
                assert not value.startswith("@@="), (lyr["id"], key, value)


def test_live_overlay_json_is_pinned_alarms_large_haloed_pulsing_and_labelled():
    import pandas as pd

    from layers.live import live_layers

    summary = pd.DataFrame(
        {"device_id": ["CAM-1"], "control_id": ["k1"], "state": ["forced_open"], "stale": [False]}
    )
    spec = _json(live_layers(_controls(), summary))
    _no_constant_accessor(spec)
    halo, ring, symbol, label = spec["layers"]
    assert {k: ring[k] for k in ("id", "radiusUnits", "lineWidthUnits", "stroked", "filled")} == {
        "id": "live-ring",
        "radiusUnits": "pixels",
        "lineWidthUnits": "pixels",
        "stroked": True,
        "filled": False,
    }
    assert ring["data"] == [
        {
            "position": [-78.0, 35.0],
            "id": "k1",
            "key": "alarm",
            "colour": palette.LIVE_STATE_COLOURS["alarm"],
            "symbol": "!",
            "tip": "k1: forced_open (" + palette.LIVE_STATE_LABELS["alarm"] + ")",
            "state": "forced_open",
            "radius": 14 * 1.4,  # an alarm is larger than a mere offline device
            "width": 6,
        }
    ]
    assert symbol["data"] == []  # alarms carry a label instead
    assert label["id"] == "live-label" and label["data"][0]["label"] == "FORCED"
    assert halo["id"] == "live-halo" and halo["data"][0]["halo"][3] == 70
    pulse = _json(live_layers(_controls(), summary, phase=1))["layers"][0]
    assert pulse["getRadius"] > halo["getRadius"]  # the halo alternates size: it pulses


def test_no_layer_builder_ships_a_constant_as_an_accessor():
    spec = _json(
        [
            *_plan_layers(shown=floor.PLAN_LAYERS),
            floor.highlight_layer(box(-78, 35, -77.9999, 35.0001)),
            site.building_layer(_zones()),
        ]
    )
    _no_constant_accessor(spec)


def test_live_overlay_rings_only_the_exceptions():
    import pandas as pd

    from layers.live import live_layers

    summary = pd.DataFrame(
        {"device_id": ["CAM-1"], "control_id": ["k1"], "state": ["online"], "stale": [False]}
    )
    layers = _json(live_layers(_controls(), summary))["layers"]
    assert [lyr["data"] for lyr in layers] == [[], [], [], []]


def test_strokes_are_polygons_of_their_width_in_metres():
    """Walls, doors, fences, view outlines and outlines are polygons (one shader program for all
    of them, see layers.deck.ribbon_parts): a 1 m door ribbon is ~1 m wide on the ground."""
    from layers.deck import M_PER_DEG_LAT, ribbon_parts

    door = LineString([(-78.0, 35.0), (-78.0, 35.00001)])
    (part,) = ribbon_parts(door, 1.0)
    width_deg = part.bounds[2] - part.bounds[0]
    assert abs(width_deg * M_PER_DEG_LAT * math.cos(math.radians(35.0)) - 1.0) < 0.01
    types = {
        lyr["@@type"]
        for lyr in _json(
            [
                floor.wall_layer(_zones()),
                *floor.fov_layers(
                    gpd.GeoDataFrame(
                        {"control_id": ["k1"]}, geometry=[_zones().geometry[0]], crs=CRS
                    ),
                    18.0,
                ),
                controls.control_line_layer(_controls()),
            ]
        )["layers"]
    }
    assert types == {"PolygonLayer"}


def test_labels_that_would_cover_each_other_wait_for_the_user_to_zoom_in():
    """A 200-campus district is unreadable if every label is drawn at the first view:
    labels that collide go to later zoom steps (layers with minZoom), biggest campuses first."""
    campuses = gpd.GeoDataFrame(
        {"id": ["big", "near", "far"], "name": ["Big High", "Near Elementary", "Far Middle"]},
        geometry=[
            box(-78.9, 35.7, -78.89, 35.71),
            box(-78.8895, 35.7, -78.8885, 35.701),
            box(-78.5, 35.7, -78.499, 35.701),
        ],
        crs=CRS,
    )
    layers = [json.loads(layer_json(x)) for x in site.campus_label_layers(campuses, zoom=11.0)]
    first = [lyr for lyr in layers if lyr["minZoom"] <= 11.0]
    shown = sorted(r["text"].split("\n")[0] for lyr in first for r in lyr["data"])
    assert shown == ["Big High", "Far Middle"]
    later = [lyr for lyr in layers if "Near Elementary" in str(lyr["data"])]
    assert later and later[0]["minZoom"] > 11.0
    at_18 = [json.loads(layer_json(x)) for x in site.campus_label_layers(campuses, zoom=18.0)]
    assert sum(len(lyr["data"]) for lyr in at_18 if lyr["minZoom"] <= 18.0) == 3


def test_room_labels_name_rooms_without_a_number():
    """Imported plans often name rooms without numbering them (DXF, OSM, GeoJSON): the name
    stands alone where the number would be (layers.plan.room_marks)."""
    from layers.plan import room_marks

    zones = _zones()
    zones["room_number"] = ["101", None]
    zones["kind"] = ["classroom", "other"]
    zones["name"] = ["Salle de classe", "Bibliothèque"]
    marks = {m.text: m for m in room_marks(zones)}
    assert "101" in marks and "Bibliothèque" in marks
    assert marks["Bibliothèque"].follows is None  # no number above it: it is the room's label
