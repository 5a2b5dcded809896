"""PassMap: the frame only. Page config, login gate, shared pickers, the page list, run.

st.navigation is called on EVERY run, signed in or not: nobody signed in gets a navigation of
the sign-in page alone (or a refusal for an invalid share link), so no page script ever runs
outside this frame (server.py also turns off Streamlit's auto-discovery of pages/). Each page
re-checks its own action with ui.guard.require (deny by default).

To add a screen, add ONE _page line to PAGES under its group, with a url_path that differs
from the file's stem, and open the page with ``viewer = require("<its action>")``.
"""

from pathlib import Path

import streamlit as st

from ui.auth import NO_PAGE, entry_page, gate, sidebar_account, visible_pages
from ui.banner import alarm_banner
from ui.pickers import sidebar_pickers
from ui.style import apply as apply_style

HERE = Path(__file__).resolve().parent

st.set_page_config(page_title="PassMap", page_icon="🛡️", layout="wide")
apply_style()


def _page(stem: str, title: str, icon: str, url_path: str, **kw) -> st.Page:
    """The navigation entry of pages/<stem>.py, its icon one of Material Symbols."""
    return st.Page(
        HERE / f"pages/{stem}.py", title=title, icon=f":material/{icon}:", url_path=url_path, **kw
    )


PAGES = {
    "Maps": [
        _page("district", title="District", icon="map", url_path="overview", default=True),
        _page("campus", title="Campus", icon="school", url_path="campus-map"),
        _page("floor", title="Floor plan", icon="grid_view", url_path="floor-plan"),
    ],
    "Compliance": [
        _page("gaps", title="Gaps & roadmap", icon="checklist", url_path="gaps-roadmap"),
    ],
    "Live": [_page("live", title="Live status", icon="sensors", url_path="live-status")],
    "Public safety": [
        _page("responder", title="Responder map", icon="local_police", url_path="responder"),
    ],
    "Admin": [
        _page("admin_users", title="Users", icon="group", url_path="admin_users"),
        _page("share_admin", title="Share links", icon="link", url_path="share_admin"),
        _page("gateways", title="Gateways", icon="hub", url_path="gateways-admin"),
    ],
    "Plans": [
        _page("import", title="Import", icon="upload_file", url_path="import-plans"),
        _page("edit", title="Edit", icon="edit", url_path="edit-plan"),
    ],
    "Present": [_page("board", title="Board", icon="slideshow", url_path="board-report")],
}

# The gate (ui/auth.py): who is looking. Nobody (or no page for their role): one page only.
viewer, refusal = gate()
pages = visible_pages(PAGES, viewer) if viewer else {}
if not pages:
    if viewer is not None:
        refusal = NO_PAGE
    st.navigation([entry_page(refusal, PAGES)], position="hidden").run()
    st.stop()
page = st.navigation(pages)
sidebar_account(viewer)
sidebar_pickers()
alarm_banner()  # h15: open alarms and campus postures on every page (ui/banner.py)
page.run()
