"""The responder grid: stable labels per campus, objects located by cell."""

from passmap.access import LAYERS
from passmap.grid import campus_grid, column_letters, configure_grid
from passmap.reports.responder_data import locate, responder_objects


def test_labels_are_spreadsheet_style():
    assert [column_letters(i) for i in (0, 1, 25, 26, 27, 51, 52)] == [
        "A",
        "B",
        "Z",
        "AA",
        "AB",
        "AZ",
        "BA",
    ]


def test_grid_is_stored_once_and_identical_on_every_later_use(store):
    first = campus_grid(store, "c1")
    again = campus_grid(store, "c1")
    assert first == again and store.get_responder_grid("c1")["cell_m"] == 50.0
    cells = first.cells()
    assert cells.iloc[0]["label"] == "A1" and len(cells) == first.n_cols * first.n_rows
    campus = store.get("campus", "c1")["geometry"]
    assert cells.union_all().contains(campus)  # the whole parcel is gridded


def test_cell_size_and_origin_are_configurable(store):
    spec = configure_grid(store, "c1", 25.0, (-84.001, 40.001), actor="t")
    assert (spec.cell_m, spec.origin_lon, spec.origin_lat) == (25.0, -84.001, 40.001)
    assert campus_grid(store, "c1") == spec
    assert spec.cell_of_lonlat(-84.001 + 1e-6, 40.001 - 1e-6) == "A1"
    assert spec.cell_of_lonlat(-84.01, 40.001) is None  # west of the grid


def test_search_answers_with_the_cell(store):
    grid = campus_grid(store, "c1")
    objs = responder_objects(store, "c1", LAYERS, grid)
    answers = locate(objs, "Science")
    assert [a["sentence"] for a in answers] == [
        "Room 102 Science Lab is in B2.",
        "Room 202 Science Lab is in B2.",
    ]
    door = locate(objs, "Door 1")[0]
    assert door["cell"] == grid.cell_of_geometry(store.get("opening", "door-1")["geometry"])
    assert locate(objs, "AED")[0]["sentence"] == "AED: AED lobby is in C3."
    assert locate(objs, "'; DROP TABLE zone; --") == []
    assert len(store.list_zones(campus_id="c1")) == 17  # nothing dropped


def test_hidden_layers_never_enter_the_responder_frame(store):
    objs = responder_objects(store, "c1", ["doors", "aeds"], campus_grid(store, "c1"))
    assert set(objs["layer"]) == {"doors", "aeds"}
    assert not objs["label"].str.contains("Camera|Science|Panic").any()
