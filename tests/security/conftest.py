"""Fixtures of the access tests: a tiny campus with hostile names, demo accounts, AppTest."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.security.tiny_site import tiny_site_bundle

REPO = Path(__file__).resolve().parents[2]


def build_tiny(path: Path) -> Path:
    from passmap.auth import create_demo_accounts
    from passmap.catalog import load_starter
    from passmap.reports.responder import record_demo_walkthroughs
    from passmap.store import Store

    with Store(path) as store:
        store.write_sites(tiny_site_bundle(), actor="test", label="demo")
        load_starter(store)
        create_demo_accounts(store)
        record_demo_walkthroughs(store)
    return path


@pytest.fixture(scope="session")
def tiny_db_shared(tmp_path_factory) -> Path:
    return build_tiny(tmp_path_factory.mktemp("tiny") / "tiny.duckdb")


@pytest.fixture
def tiny_db(tiny_db_shared, tmp_path) -> Path:
    path = tmp_path / "tiny.duckdb"
    shutil.copy(tiny_db_shared, path)
    return path


@pytest.fixture
def store(tiny_db):
    from passmap.store import Store

    with Store(tiny_db) as s:
        yield s


@pytest.fixture
def app(tiny_db, monkeypatch):
    """Factory of AppTests of app.py on the tiny database (one cached Store per path)."""
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("PASSMAP_DB", str(tiny_db))
    monkeypatch.setenv("PASSMAP_SIMULATE", "0")

    def make():
        return AppTest.from_file(str(REPO / "app.py"), default_timeout=60)

    return make
