"""AppTest helpers for the access tests: which page ran, which pages the navigation offers,
and everything that would reach the browser (deck specs, component args, texts)."""

from __future__ import annotations

import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

HERE = Path(__file__).parent
REPO = HERE.parents[1]
ENTRY = HERE / "app_entry.py"
PAGES = re.findall(r'HERE / "pages/(\w+)\.py"', (REPO / "app.py").read_text(encoding="utf-8"))


def new_app() -> AppTest:
    return AppTest.from_file(str(ENTRY), default_timeout=120)


def page_path(stem: str) -> str:
    return str(REPO / "pages" / f"{stem}.py")


def _stem(info: dict) -> str:
    return Path(info.get("script_path", "")).stem


def reachable(at: AppTest) -> set[str]:
    """Pages the navigation registered for this session (the app entry itself excluded)."""
    return {_stem(i) for i in at._registered_pages.values()} - {"app", "app_entry"}


def ran(at: AppTest) -> str | None:
    info = at._registered_pages.get(at._finished_page_script_hash)
    return _stem(info) if info else None


def browser_payload(at: AppTest) -> str:
    """All text an AppTest run would send to the browser that can hold user data."""
    parts = []
    for el in at.get("deck_gl_json_chart"):
        parts.append(el.proto.json)
    for el in at.get("component_instance"):
        parts.append(str(el.proto.json_args))
    for kind in ("markdown", "caption", "title", "subheader", "error", "info", "success",
                 "warning", "code", "html", "text"):
        parts += [str(getattr(e, "value", "")) for e in at.get(kind)]
    for el in at.get("arrow_data_frame"):
        parts.append(str(el.value.to_dict()))
    for kind in ("selectbox", "multiselect", "radio"):
        for el in at.get(kind):
            parts.append(str(getattr(el, "options", "")))
    return "\n".join(parts)


def _deck_html(spec_json: str, tooltip_json: str) -> list[str]:
    """The strings a deck.gl tooltip renders as HTML: its template filled with each row's fields,
    each value HTML-escaped as Streamlit's frontend does (DeckGlJsonChart escapes every value it
    interpolates into an "html" template; test_hostile_names_never_run_as_script checks it in
    chromium)."""
    import html
    import json

    spec = json.loads(spec_json)
    tip = json.loads(tooltip_json) if tooltip_json else spec.get("tooltip")
    template = tip.get("html", "") if isinstance(tip, dict) else ""
    fields = re.findall(r"{(\w+)}", template)
    out = [template]
    for layer in spec.get("layers", []):
        data = layer.get("data")
        if isinstance(data, list):
            out += [html.escape(str(row.get(f, ""))) for row in data if isinstance(row, dict)
                    for f in fields]
    return out


def html_payload(at: AppTest) -> str:
    """Only what the browser interprets as HTML: deck tooltips, folium components, st.html."""
    parts = [s for el in at.get("deck_gl_json_chart") for s in _deck_html(el.proto.json, el.proto.tooltip)]
    parts += [str(el.proto.json_args) for el in at.get("component_instance")]
    parts += [str(getattr(e, "value", "")) or str(getattr(e, "proto", "")) for e in at.get("html")]
    return "\n".join(parts)
