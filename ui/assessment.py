"""The compliance assessment, cached per database and mode (design or effective).

The engine lives in passmap.compliance (``assess(store, live=...)``). Until it is installed the
pages show tiers as "not assessed"; nothing else changes.
"""

from __future__ import annotations

import importlib.util

import streamlit as st

from ui.data import _open_store, db_path

TTL_S = 120


def engine_problem() -> str | None:
    """Why tiers cannot be shown (None when the engine is importable)."""
    if importlib.util.find_spec("passmap.compliance") is None:
        return "the compliance engine is not installed"
    try:
        from passmap.compliance import assess  # noqa: F401
    except ImportError as exc:  # the engine is still landing: say so instead of failing
        return f"the compliance engine cannot be loaded ({exc})"
    return None


def engine_available() -> bool:
    return engine_problem() is None


@st.cache_resource(ttl=TTL_S, max_entries=4, show_spinner="Assessing compliance…")
def _assess(path: str, live: bool):
    from passmap.compliance import assess

    return assess(_open_store(path), live=live)


def get_assessment(live: bool = False):
    """The assessment result, or None when the engine is not there yet."""
    problem = engine_problem()
    if problem is not None:
        return None
    try:
        return _assess(db_path(), live)
    except ValueError:  # e.g. no catalog loaded yet: the maps still work, untiered
        return None


def show_notice(live: bool = False) -> None:
    """One caption saying why tiers are grey, when they are."""
    problem = engine_problem()
    if problem is None:
        try:
            _assess(db_path(), live)
        except ValueError as exc:
            problem = str(exc)
    if problem:
        st.caption(f"Tiers not shown: {problem}")


def tiers(live: bool = False) -> dict:
    """Scope id (zone, building, campus, district) -> attained tier 0..4 ({} if not assessed)."""
    result = get_assessment(live)
    return dict(getattr(result, "tiers", None) or {}) if result is not None else {}


def findings_for(object_id: str, live: bool = False):
    """Findings that cite the object (DataFrame), or None when not assessed."""
    result = get_assessment(live)
    if result is None or not hasattr(result, "findings_for_object"):
        return None
    return result.findings_for_object(object_id)


def clear() -> None:
    _assess.clear()
