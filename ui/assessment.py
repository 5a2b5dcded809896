"""The compliance assessment for the pages: the core's assessment service (one per database and
mode, kept in step with every write), read through here; no time-to-live, no Streamlit cache.

A page that shows tiers calls ``watch(live)`` once: a fragment that asks the service for its
version every half second and reruns the page when it moved (an edit, an import, a checklist status,
a procedure, or for the effective tier a device status), so every open page follows a write
within about a second without a reload.
"""

from __future__ import annotations

import streamlit as st

from passmap.compliance.engine import NothingToAssess
from passmap.compliance.service import service_for
from passmap.model import EDITION
from ui.data import get_store

POLL_S = 0.5  # a write reaches every open page within about half a second, plus its rerun


def _service(live: bool):
    return service_for(get_store(), EDITION, live)


def get_assessment(live: bool = False):
    """The assessment as of the latest write, or None when there is nothing to assess (no
    catalog loaded: the maps still work, untiered, and ``show_notice`` says why). Any other
    engine error is raised: the page shows it and the server logs it."""
    try:
        result = _service(live).current()
    except NothingToAssess:
        result = None
    st.session_state[_shown_key(live)] = None if result is None else result.version
    return result


def _shown_key(live: bool) -> str:
    return f"assessment_shown_{int(bool(live))}"


def version(live: bool = False) -> int | None:
    """The version of the current assessment (None when not assessed)."""
    return _service(live).version()


def watch(live: bool = False) -> None:
    """Rerun the page when the assessment it showed (the version ``get_assessment`` last
    returned in this session) is no longer the latest; polled every POLL_S in a fragment,
    a number compared while nothing changed."""
    key = _shown_key(live)
    if key not in st.session_state:
        st.session_state[key] = version(live)

    @st.fragment(run_every=POLL_S)
    def _poll():
        now = version(live)
        if now != st.session_state.get(key):
            st.session_state[key] = now  # the rerun's get_assessment confirms it
            st.rerun(scope="app")

    _poll()


def show_notice(live: bool = False) -> None:
    """One caption saying why tiers are grey, when they are."""
    try:
        _service(live).current()
    except NothingToAssess as exc:
        st.caption(f"Tiers not shown: {exc}")


def tiers(live: bool = False) -> dict:
    """Scope id (zone, building, campus, district) -> attained tier 0..4 ({} if not assessed)."""
    result = get_assessment(live)
    return dict(result.tiers) if result is not None else {}


def findings_for(object_id: str, live: bool = False):
    """Findings that cite the object (DataFrame), or None when not assessed."""
    result = get_assessment(live)
    return None if result is None else result.findings_for_object(object_id)


def camera_views(campus_id: str, live: bool = False):
    """The campus's camera views as the engine sees them (room walls, CAD walls and the
    mounting rule), or None when not assessed (the caller falls back to its own drawing).
    Kept by the service across edits that change nothing a view is drawn from. Does not
    mark a version as shown (only the tiers a page draws do)."""
    try:
        result = _service(live).current()
    except NothingToAssess:  # no catalog: the caller draws its own views
        return None
    return result.coverage_for(campus_id)
