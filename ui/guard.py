"""Deny by default: the one way a page script asks who is looking.

Every page opens with ``viewer = require("<action>")``, the action passmap.access names for that
page. The frame (app.py) already let the viewer in; this re-checks, from the store, on every run
of the page (and of its fragments), so a page script that ever ran outside the frame, or a
session signed out in another tab, still gets nothing: no viewer, or a viewer without the
action, and the page draws one refusal and stops.

Streamlit also runs page scripts on its own when a ``pages/`` folder sits next to the main
script and the process has not yet seen an ``st.navigation`` call ("MPA v1": the URL ``/board``
runs ``pages/board.py`` without app.py). ``no_pages_folder()`` turns that off for the process;
server.py calls it before the first session.
"""

from __future__ import annotations

import streamlit as st

from passmap import access
from ui.auth import Viewer, checked_viewer

REFUSAL = "You may not open this page; ask an administrator if you need it."


def no_pages_folder() -> None:
    """Never auto-discover ``pages/``: every page runs only through app.py's st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def require(action: str, campus_id: str | None = None, *, page: str | None = None) -> Viewer:
    """The viewer, if they may do ``action`` (on ``campus_id``) and, given the ``page``'s file
    stem, open that page (a district-wide page is not for a campus-scoped account: the same
    rule as the frame's navigation); else a refusal and a stop."""
    viewer = checked_viewer()
    if (
        viewer is None
        or not viewer.can(action, campus_id)
        or (page is not None and not access.can_open_page(viewer.role, page, viewer.campus_scope))
    ):
        st.error(REFUSAL)
        st.stop()
    return viewer


def checked_selection(selection, frames: dict) -> tuple[str, str] | None:
    """A (kind, id) the browser sent back (a map tooltip or click), if it names an object of
    ``frames`` (the objects drawn on this plan, {kind: frame with id and campus_id}) that the
    viewer may edit there; else None. A forged id of another level or campus is never used."""
    if not isinstance(selection, (tuple, list)) or len(selection) != 2:
        return None
    kind, object_id = selection
    frame = frames.get(kind) if kind in ("zone", "opening", "control") else None
    if frame is None or len(frame) == 0 or not isinstance(object_id, str):
        return None
    rows = frame[frame["id"] == object_id]
    if rows.empty:
        return None
    viewer = checked_viewer()
    if viewer is None or not viewer.can("edit", rows.iloc[0]["campus_id"]):
        return None
    return kind, object_id
