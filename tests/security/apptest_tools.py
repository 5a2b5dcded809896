"""AppTest helpers for the access tests: which page ran, which pages the navigation offers,
and everything that would reach the browser (deck specs, component args, texts)."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

HERE = Path(__file__).parent
REPO = HERE.parents[1]
ENTRY = HERE / "app_entry.py"
# (file stem, title, url_path) of every page in app.py's navigation: its _page(...) lines
APP_PAGES = re.findall(
    r'_page\(\s*"(\w+)",\s*title="([^"]+)".*?url_path="([^"]+)"',
    (REPO / "app.py").read_text(encoding="utf-8"),
    re.S,
)
PAGES = [stem for stem, _, _ in APP_PAGES]


def new_app() -> AppTest:
    return AppTest.from_file(str(ENTRY), default_timeout=120)


def page_path(stem: str) -> str:
    return str(REPO / "pages" / f"{stem}.py")


def _stem(info: dict) -> str:
    return Path(info.get("script_path", "")).stem


def reachable(at: AppTest) -> set[str]:
    """Page files the navigation registered for this session (the app entry itself and the
    sign-in page, a function, excluded)."""
    return {_stem(i) for i in at._registered_pages.values()} - {"app", "app_entry", ""}


def nav_titles(at: AppTest) -> set[str]:
    """Titles of every page the navigation registered (files and functions)."""
    return {i.get("page_name", "") for i in at._registered_pages.values()}


def ran(at: AppTest) -> str | None:
    info = at._registered_pages.get(at._finished_page_script_hash)
    return _stem(info) if info else None


def browser_payload(at: AppTest) -> str:
    """All text an AppTest run would send to the browser that can hold user data."""
    import json

    from tests.helpers import deckmap_args

    parts = []
    for el in at.get("component_instance"):  # a map's layers as its frontend fetches them
        deck = "deckmap" in el.proto.component_name
        parts.append(json.dumps(deckmap_args(el)) if deck else str(el.proto.json_args))
    for kind in (
        "markdown",
        "caption",
        "title",
        "subheader",
        "error",
        "info",
        "success",
        "warning",
        "code",
        "html",
        "text",
    ):
        parts += [str(getattr(e, "value", "")) for e in at.get(kind)]
    for el in at.get("arrow_data_frame"):
        parts.append(str(el.value.to_dict()))
    for kind in ("selectbox", "multiselect", "radio"):
        for el in at.get(kind):
            parts.append(str(getattr(el, "options", "")))
    return "\n".join(parts)


def map_specs(at: AppTest) -> list[dict]:
    """Every map (ui.deckmap component) of the run as {"layers": [...], "view", "tiles"}."""
    import json

    from tests.helpers import deckmap_args

    out = []
    for el in at.get("component_instance"):
        if "deckmap" in el.proto.component_name:
            args = deckmap_args(el)
            out.append(
                {
                    "view": args["view"],
                    "tiles": args["tiles"],
                    "layers": [json.loads(layer) for layer in args["layers"]],
                }
            )
    return out


def html_payload(at: AppTest) -> str:
    """Only what the browser interprets as HTML: folium components and st.html. The maps
    (ui.deckmap) are not HTML: labels are WebGL text and tooltips are set as text
    (test_hostile_names_never_run_as_script and test_tooltips check it in chromium)."""
    parts = [
        str(el.proto.json_args)
        for el in at.get("component_instance")
        if "deckmap" not in el.proto.component_name
    ]
    parts += [str(getattr(e, "value", "")) or str(getattr(e, "proto", "")) for e in at.get("html")]
    return "\n".join(parts)
