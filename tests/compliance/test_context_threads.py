"""The assessment's two-core paths give what the one-thread paths give: the site tables read in
id ranges and put in the metric frame on the reader threads, the shared joins prefetched on
another thread, and the rules run out of practice order (issue 13)."""

from __future__ import annotations

import geopandas.testing as gt
import numpy as np
import pandas.testing as pt
import pytest

from passmap.compliance import assess
from passmap.compliance.context import Context, load_inputs
from passmap.compliance.engine import evaluate
from passmap.store import Store


def _metric_tables(ctx: Context) -> dict:
    return {k: getattr(ctx, k) for k in ("zones", "openings", "controls", "cad_walls")}


def test_id_cuts_split_the_table_into_ranges_that_read_every_row_once(demo_db):
    with Store(demo_db) as store:
        whole = store.assessment_controls()
        cuts = store.id_cuts("control", 3, min_rows=0)
        assert cuts == sorted(cuts) and 1 <= len(cuts) <= 2
        bounds = [None, *cuts, None]
        ids = [
            i
            for lo, hi in zip(bounds[:-1], bounds[1:])
            for i in store.assessment_controls(ids=(lo, hi))["id"]
        ]
        assert ids == whole["id"].tolist()
        assert store.id_cuts("control", 2) == []  # the demo is under the default size
        with pytest.raises(ValueError):
            store.id_cuts("attestation", 2, min_rows=0)


def test_tables_read_in_ranges_and_reprojected_on_the_readers_equal_one_thread(
    demo_db, monkeypatch
):
    with Store(demo_db) as store:
        plain = Context(load_inputs(store))
        cuts = Store.id_cuts
        monkeypatch.setattr(Store, "id_cuts", lambda s, t, n: cuts(s, t, n, min_rows=0))
        inputs = load_inputs(store, metric=True)
        assert inputs.metric is not None
        threaded = Context(inputs)
    assert inputs.metric is None  # taken over by the context
    assert threaded.crs == plain.crs
    for name, frame in _metric_tables(plain).items():
        gt.assert_geodataframe_equal(_metric_tables(threaded)[name], frame)
    gt.assert_geodataframe_equal(threaded.inputs.controls, plain.inputs.controls)
    pt.assert_frame_equal(threaded.inputs.campuses, plain.inputs.campuses)


def test_prefetched_joins_equal_joins_computed_in_line_and_errors_reach_the_reader(demo_db):
    with Store(demo_db) as store:
        inputs = load_inputs(store)
    serial, early = Context(inputs), Context(load_inputs_copy(inputs))
    early.prefetch(("control_zone",), ("walls", "_camera_arrays"))
    pt.assert_frame_equal(early.control_zone, serial.control_zone)
    for a, b in zip(early.walls, serial.walls):
        np.testing.assert_array_equal(a, b)
    for key in ("xy", "bearing", "range", "plane"):
        np.testing.assert_array_equal(early._camera_arrays[key], serial._camera_arrays[key])
    assert early.control_zone is early.control_zone  # computed once

    broken = Context(load_inputs_copy(inputs))

    def fail():
        raise RuntimeError("no walls")

    broken._compute_walls = fail
    broken.prefetch(("walls", "_camera_arrays"))
    for _ in range(2):  # the same error for every reader, the table never half-made
        with pytest.raises(RuntimeError, match="no walls"):
            _ = broken._camera_arrays
        with pytest.raises(RuntimeError, match="no walls"):
            _ = broken.walls


def load_inputs_copy(inputs):
    """The same inputs for a second context (a Context takes over ``metric``; nothing else
    of the inputs is changed by it)."""
    from dataclasses import replace

    return replace(inputs)


def test_a_whole_run_in_rule_order_equals_a_run_in_practice_order(demo_db):
    with Store(demo_db) as store:
        result = assess(store)
        practices = result.practices
        ctx = Context(load_inputs(store), as_of=result.as_of)
    # keep={} takes the practice-order path (no prefetch) and keeps nothing
    in_order = evaluate(practices, ctx, keep={})
    pt.assert_frame_equal(in_order, result.findings.reset_index(drop=True)[in_order.columns])


def test_sight_lines_of_many_targets_in_two_threads_equal_one_call(demo_db, monkeypatch):
    from passmap.compliance import context
    from passmap.compliance.rules_coverage import door_sight_points

    with Store(demo_db) as store:
        ctx = Context(load_inputs(store))
    xy, owner = door_sight_points(ctx.openings)
    planes = ctx.openings["plane"].to_numpy()[owner]
    whole = ctx.seen(xy, planes)
    assert len(whole[0]) > 0
    monkeypatch.setattr(context, "SPLIT_TARGETS", 2)
    halves = ctx.seen(xy, planes)
    for a, b in zip(halves, whole):
        np.testing.assert_array_equal(a, b)
