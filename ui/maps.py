"""Small helpers around st.pydeck_chart: fixed keys, the click event, map toggles."""

from __future__ import annotations

import streamlit as st

from ui import assessment

MAP_HEIGHT_PX = 640


def show_deck(deck, key: str, height: int = MAP_HEIGHT_PX):
    """Render with a fixed key (keeps the user's view across reruns) and click-to-rerun."""
    return st.pydeck_chart(deck, on_select="rerun", selection_mode="single-object", key=key,
                           height=height, width="stretch")


def picked(event) -> tuple[str, dict] | None:
    """(layer id, data row) of the clicked object, or None."""
    try:
        objects = event["selection"]["objects"]
    except (KeyError, TypeError):
        return None
    for layer_id, rows in (objects or {}).items():
        if rows:
            return layer_id, rows[0]
    return None


def forget_selection(key: str) -> None:
    """Drop a chart's selection so coming back to the page does not replay the click."""
    st.session_state.pop(key, None)


def shade_mode(key: str) -> bool:
    """Design vs effective (live) tier toggle; True means effective."""
    mode = st.segmented_control("Tier shown", ["Design", "Effective (live)"], key=key,
                                default="Design",
                                help="Effective tiers count devices that are offline or in alarm "
                                     "as not in place.")
    live = mode == "Effective (live)"
    assessment.show_notice(live)
    return live


def layer_toggles(options: list[str], key: str, default: list[str] | None = None) -> set[str]:
    """Which layers to draw (pills, all on by default)."""
    chosen = st.pills("Layers", options, selection_mode="multi", key=key,
                      default=options if default is None else default)
    return set(chosen or [])


def type_toggles(types: list[str], labels: dict[str, str], key: str) -> set[str]:
    """Which control types to draw (all present types on by default)."""
    chosen = st.multiselect("Control types", types, default=types, key=key,
                            format_func=lambda t: labels.get(t, t))
    return set(chosen)
