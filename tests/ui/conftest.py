"""Fixtures of the map page tests: AppTests of app.py on a private copy of the demo database."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.helpers import deckmap_args

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def maps_app(demo_db, monkeypatch):
    """Factory: a signed-in AppTest of app.py (role admin by default) on a copy of the demo."""
    from streamlit.testing.v1 import AppTest

    from tests.helpers import login

    monkeypatch.setenv("PASSMAP_DB", str(demo_db))
    monkeypatch.setenv("PASSMAP_SIMULATE", "0")

    def make(role: str = "admin") -> AppTest:
        at = AppTest.from_file(str(REPO / "app.py"), default_timeout=60)
        login(at, role, db_path=demo_db)
        return at

    return make


def map_args(at, index: int = 0) -> dict:
    """The arguments of the ``index``-th map component (ui.deckmap) as the browser gets them."""
    maps = [e for e in at.get("component_instance") if "deckmap" in e.proto.component_name]
    return deckmap_args(maps[index])


def deck_spec(at, index: int = 0) -> dict:
    """The map as deck.gl will draw it: {"initialViewState", "layers", "tiles"}."""
    args = map_args(at, index)
    return {
        "initialViewState": args["view"],
        "tiles": args["tiles"],
        "layers": [json.loads(layer) for layer in args["layers"]],
    }


def layer(spec: dict, layer_id: str) -> dict | None:
    return next((lyr for lyr in spec["layers"] if lyr["id"] == layer_id), None)


def rows_of(spec: dict, prefix: str) -> list[dict]:
    """The rows of every layer named ``prefix`` or ``prefix@<zoom>`` (labels and icons come in
    one layer per zoom step: layers.labels)."""
    return [
        row
        for lyr in spec["layers"]
        if lyr["id"] == prefix or lyr["id"].startswith(prefix + "@")
        for row in lyr["data"]
    ]


def html_text(at) -> str:
    return "\n".join(h.proto.body for h in at.get("html"))


def page(stem: str) -> str:
    return str(REPO / "pages" / f"{stem}.py")


def show_page(at, stem: str, pick: dict | None = None):
    """Switch a running app to pages/<stem>.py, at the ``pick`` campus, building and level when
    given, and assert the run raised nothing."""
    if pick:
        at.session_state["pick_pending"] = dict(pick)
    at.switch_page(page(stem)).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def open_page(maps_app, stem: str, pick: dict | None = None):
    """A new signed-in app, run once, then shown pages/<stem>.py (show_page)."""
    at = maps_app()
    at.run()
    return show_page(at, stem, pick)
