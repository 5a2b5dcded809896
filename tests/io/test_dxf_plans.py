"""DXF plans as districts bring them: any language, real CAD surprises, placed by corners."""

from __future__ import annotations

from pathlib import Path

import pytest

from passmap.importers import import_path
from passmap.importers.base import ImportFailed, ImportOptions
from passmap.importers.dxf_read import read_ezdxf, read_gdal
from tests.io.conftest import snapshot
from tests.io.plan_makers import write_plan_dxf

CORNERS = [(-80.8400, 35.2200), (-80.8398, 35.2201)]  # SW; NE (US longitudes are negative)
LAYERS = {
    "rooms": ["Pièces"],
    "labels": ["Texte_Pièces"],
    "doors": ["Portes"],
    "walls": ["A—墙体"],
}


@pytest.mark.parametrize("version", ["R2018", "R2000"])
@pytest.mark.parametrize("codepage", ["ANSI_1252", "ANSI_936"])
def test_layer_names_and_text_in_their_real_encoding(tmp_path, version, codepage):
    walls = "A—墙体" if version == "R2018" else "A墙体"  # R2000 has no em dash in cp936
    path = write_plan_dxf(tmp_path / "plan.dxf", version, codepage, layer_walls=walls)
    for reader in (read_gdal, read_ezdxf):
        drawing = reader(Path(path))
        assert {"Pièces", "Texte_Pièces", "Portes", walls} <= set(drawing.layers), reader
        texts = [r.text for r in drawing.records if r.kind == "text"]
        assert any("Bibliothèque" in t for t in texts), (reader, texts)
        assert not any("Ã" in t or "鈥" in t for t in drawing.layers + texts)


def test_french_plan_rooms_split_into_number_and_name(store, tmp_path):
    path = write_plan_dxf(tmp_path / "école.dxf")
    report = import_path(
        store, path, ImportOptions(building_id="ecole", layers=LAYERS, corners=CORNERS)
    )
    zones = store.list_zones(building_id="ecole").set_index("room_number")
    assert zones.loc["101", "name"] == "Salle de classe"  # the MTEXT's area line is gone
    assert zones.loc["101", "kind"] == "classroom"
    assert zones.loc["102", "name"] == "Bibliothèque" and zones.loc["102", "kind"] == "library"
    assert report.counts["opening"] == 2 and report.counts["wall"] == 2


def test_self_intersecting_room_repaired_into_a_polygon_with_corners(store, tmp_path):
    path = write_plan_dxf(tmp_path / "bow.dxf", bowtie=True)
    report = import_path(
        store, path, ImportOptions(building_id="bow", layers=LAYERS, corners=CORNERS)
    )
    warned = [w for w in report.warnings if "self-intersecting outline" in w]
    assert len(warned) == 1 and "room " in warned[0] and "'Pièces'" in warned[0]
    kinds = set(store.list_zones(building_id="bow").geometry.geom_type)
    assert kinds <= {"Polygon", "MultiPolygon"} and "Polygon" in kinds


def test_far_off_blocks_dropped_not_doors_13_km_away(store, tmp_path):
    path = write_plan_dxf(tmp_path / "far.dxf", far_door=True)
    report = import_path(
        store, path, ImportOptions(building_id="far", layers=LAYERS, corners=CORNERS)
    )
    assert any("dropped 1 entit(ies) far outside the drawing" in w for w in report.warnings)
    minx, miny, maxx, maxy = store.list_openings(building_id="far").total_bounds
    assert report.counts["opening"] == 2
    assert -80.8401 < minx < maxx < -80.8397 and 35.2199 < miny < maxy < 35.2202


def test_window_and_mullion_blocks_on_the_door_layer_are_not_doors(store, tmp_path):
    path = write_plan_dxf(tmp_path / "win.dxf", windows=True)
    report = import_path(
        store, path, ImportOptions(building_id="win", layers=LAYERS, corners=CORNERS)
    )
    assert report.counts["opening"] == 2
    assert any("1 window blocks" in w and "1 mullion blocks" in w for w in report.warnings)


def test_zero_length_walls_dropped_and_the_export_reimports(store, tmp_path):
    from passmap.exporters import export

    path = write_plan_dxf(tmp_path / "zero.dxf", zero_wall=True)
    report = import_path(
        store, path, ImportOptions(building_id="zero", layers=LAYERS, corners=CORNERS)
    )
    assert any("dropped 1 zero-length walls" in w for w in report.warnings)
    assert report.counts["wall"] == 2
    export(store, "geojson", tmp_path / "out")
    again = import_path(store, tmp_path / "out", ImportOptions(dry_run=True))
    assert again.format == "geojson" and again.detail["wall"] == {"created": 0, "updated": 2}


def test_tiny_drawing_units_place_by_corners(store, tmp_path):
    path = write_plan_dxf(tmp_path / "tiny.dxf", scale=1e-7)
    import_path(store, path, ImportOptions(building_id="tiny", layers=LAYERS, corners=CORNERS))
    minx, miny, maxx, maxy = store.list_zones(building_id="tiny").total_bounds
    assert (minx, maxx) == pytest.approx((-80.84, -80.8398), abs=1e-6)


def test_room_at_1e12_is_dropped_with_a_warning(store, tmp_path):
    path = write_plan_dxf(tmp_path / "huge.dxf", room_at=1e12)
    report = import_path(
        store, path, ImportOptions(building_id="huge", layers=LAYERS, corners=CORNERS)
    )
    assert any("far outside the drawing" in w and "'Pièces'" in w for w in report.warnings)
    assert len(store.list_zones(building_id="huge")) == 2


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ({"corners": [(276.9, 35.22), (277.0, 35.23)]}, "276.9,35.22 is not a longitude"),
        (
            {"georef": [(0, 0, -80.84, 35.22), (1, 0, -80.83, 35.22)]},  # 1 mm = 900 m
            "the control points make the plan 14,",
        ),
        (
            {"georef": [(0, 0, -80.84, 35.22), (1000, 0, -80.84, 35.22)]},
            "different plan points at the same place",
        ),
    ],
)
def test_impossible_placements_are_one_sentence(site_store, tmp_path, options, expected):
    path = write_plan_dxf(tmp_path / "p.dxf")
    before = snapshot(site_store)
    with pytest.raises((ImportFailed, ValueError)) as err:
        import_path(site_store, path, ImportOptions(building_id="b9", layers=LAYERS, **options))
    assert expected in str(err.value) and "Traceback" not in str(err.value)
    assert snapshot(site_store) == before
