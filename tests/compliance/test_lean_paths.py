"""The lean paths of the engine give what the plain ones give: per-unit lists aligned with the
units, device selections as row positions, the lean reads and the reprojection that shares the
read frame's columns (issue 13)."""

from __future__ import annotations

import geopandas as gpd
import geopandas.testing as gt
from hypothesis import given
from hypothesis import strategies as st

from passmap.compliance.context import Context, load_inputs
from passmap.compliance.inputs import district_crs, frame_of, to_frame
from passmap.compliance.rulekit import group_lists, lists_by_unit
from passmap.compliance.rules_controls import (
    _control_table,
    control_rows,
    ids_by_unit,
    ids_per_unit,
    select_controls,
)
from passmap.store import Store

KEYS = st.sampled_from(["a", "b", "c", "d", None])


@given(
    units=st.lists(st.sampled_from(["a", "b", "c", "x"]), max_size=5),
    pairs=st.lists(st.tuples(KEYS, st.integers(0, 9)), max_size=30),
)
def test_lists_by_unit_equal_group_lists_looked_up_per_unit(units, pairs):
    keys = [k for k, _ in pairs]
    values = [v for _, v in pairs]
    found = group_lists(keys, values)
    assert lists_by_unit(units, keys, values) == [found.get(u) for u in units]


def test_device_rows_are_the_selections_rows_and_give_the_same_units(demo_db):
    with Store(demo_db) as store:
        ctx = Context(load_inputs(store))
    units = ctx.units({"level": "zone", "zone_kinds": ["classroom", "main_office"]})
    sids = units["scope_id"].to_numpy()
    for types, attrs in ((["camera"], None), (["duress_button"], {"silent": True}), (["x"], None)):
        chosen = select_controls(ctx, types, attrs)
        rows = control_rows(ctx, types, attrs)
        assert chosen.index.to_numpy().tolist() == rows.tolist()
        assert chosen.equals(_control_table(ctx).loc[chosen.index])
        for level, ids in (("zone", sids), ("campus", ctx.inputs.campuses["id"].to_numpy())):
            found = ids_by_unit(ctx, chosen, level)
            assert ids_per_unit(ctx, rows, level, ids) == [found.get(u) for u in ids]


def test_lean_reads_equal_from_arrow_and_reprojection_leaves_the_read_frame(demo_db):
    with Store(demo_db) as store:
        controls = store.assessment_controls()
        arrow = (
            store.cursor()
            .execute(
                "SELECT id, campus_id, building_id, level_id, opening_id, type, bearing_deg, "
                "fov_deg, range_m, external_id, last_tested_on, procedure_doc, "
                "attrs::VARCHAR AS attrs, geom AS geometry FROM control ORDER BY id"
            )
            .to_arrow_table()
        )
        plain = gpd.GeoDataFrame.from_arrow(arrow)
        if plain.crs is None:
            plain = plain.set_crs("OGC:CRS84")
        gt.assert_geodataframe_equal(controls, plain)
        assert "external_id" not in store.assessment_controls(feed_ids=False)
        campuses, levels = store.list_campuses(), store.assessment_levels()
    fr = frame_of(campuses, levels, district_crs(campuses))
    before = controls.copy()
    metric = to_frame(controls, fr)
    gt.assert_geodataframe_equal(controls, before)  # columns shared, nothing changed in place
    gt.assert_geoseries_equal(metric.geometry, controls.to_crs(fr.crs).geometry)
    assert metric.drop(columns=["geometry", "plane", "district_id", "x_m", "y_m"]).equals(
        controls.drop(columns="geometry")
    )
