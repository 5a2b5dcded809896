"""Fixtures of the import/export/edit area: an opened store, and one with a small site."""

from __future__ import annotations

import pytest

from io_makers import base_bundle


@pytest.fixture
def store(tmp_db):
    from passmap.store import Store

    s = Store(tmp_db)
    yield s
    s.close()


@pytest.fixture
def site_store(store):
    store.apply_import(base_bundle(), "test", "fixture")
    return store


def snapshot(store) -> tuple:
    """Everything a refused import must leave untouched."""
    return store.table_counts(), store.site_checksum()
