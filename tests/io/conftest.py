"""Fixtures of the import/export/edit area: an opened store, and one with a small site.

Both start from files built once per session and copied (migrating a new file costs ~0.5 s).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.io.io_makers import base_bundle


@pytest.fixture(scope="session")
def _templates(tmp_path_factory):
    from passmap.store import Store

    folder = tmp_path_factory.mktemp("io-templates")
    with Store(folder / "empty.duckdb") as s:
        s.cursor().execute("CHECKPOINT")
    with Store(folder / "site.duckdb") as s:
        s.apply_import(base_bundle(), "test", "fixture")
        s.cursor().execute("CHECKPOINT")
    return folder


def _open(template, tmp_path):
    from passmap.store import Store

    path = tmp_path / f"io-{template.stem}.duckdb"
    shutil.copyfile(template, path)
    return Store(path)


@pytest.fixture
def store(_templates, tmp_path):
    s = _open(_templates / "empty.duckdb", tmp_path)
    yield s
    s.close()


@pytest.fixture
def site_store(_templates, tmp_path):
    s = _open(_templates / "site.duckdb", tmp_path)
    yield s
    s.close()


@pytest.fixture
def site_db(_templates, tmp_path, monkeypatch) -> Path:
    """A copy of the small site that the pages under test open (PASSMAP_DB), with the repo's
    pages and ui importable."""
    path = tmp_path / "pages.duckdb"
    shutil.copyfile(_templates / "site.duckdb", path)
    monkeypatch.setenv("PASSMAP_DB", str(path))
    monkeypatch.syspath_prepend(str(Path(__file__).resolve().parents[2]))
    return path


def page_store(path):
    """The store the pages share for ``path`` (ui.data's cached one)."""
    from ui.data import _open_store

    return _open_store(str(path))


def snapshot(store) -> tuple:
    """Everything a refused import must leave untouched."""
    return store.table_counts(), store.site_checksum()
