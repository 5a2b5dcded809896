"""Fixtures of the compliance tests; the hand-drawn school lives in compliance_scenario.py."""

from __future__ import annotations

import pytest

from passmap.store import Store
from tests.compliance.compliance_scenario import base_bundle


@pytest.fixture
def make_school(tmp_path):
    """Factory: a new database file holding ``bundle`` (default: the tiny school) per call.
    (A fresh file rather than an upsert: the control table's UNIQUE external_id makes DuckDB
    refuse INSERT OR REPLACE.)"""
    stores = []

    def make(bundle=None):
        store = Store(tmp_path / f"school-{len(stores)}.duckdb")
        store.write_sites(bundle or base_bundle())
        stores.append(store)
        return store

    yield make
    for s in stores:
        s.close()


@pytest.fixture
def school(tmp_db):
    """A Store on a fresh file holding the tiny school; build variants with ``make_school``."""
    store = Store(tmp_db)
    store.write_sites(base_bundle())
    yield store
    store.close()
