"""PassMap: the frame only. Page config, login gate, shared pickers, the page list, run.

st.navigation is called on EVERY run, signed in or not: nobody signed in gets a navigation of
the sign-in page alone (or a refusal for an invalid share link), so no page script ever runs
outside this frame (server.py also turns off Streamlit's auto-discovery of pages/). Each page
re-checks its own action with ui.guard.require (deny by default).

To add a screen, add ONE st.Page line to PAGES under its group, with a url_path that differs
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

PAGES = {
    "Maps": [
        st.Page(
            HERE / "pages/district.py",
            title="District",
            icon=":material/map:",
            url_path="overview",
            default=True,
        ),
        st.Page(
            HERE / "pages/campus.py",
            title="Campus",
            icon=":material/school:",
            url_path="campus-map",
        ),
        st.Page(
            HERE / "pages/floor.py",
            title="Floor plan",
            icon=":material/grid_view:",
            url_path="floor-plan",
        ),
    ],
    "Compliance": [
        st.Page(
            HERE / "pages/gaps.py",
            title="Gaps & roadmap",
            icon=":material/checklist:",
            url_path="gaps-roadmap",
        )
    ],
    "Live": [
        st.Page(
            HERE / "pages/live.py",
            title="Live status",
            icon=":material/sensors:",
            url_path="live-status",
        )
    ],
    "Public safety": [
        st.Page(
            HERE / "pages/responder.py",
            title="Responder map",
            icon=":material/local_police:",
            url_path="responder",
        )
    ],
    "Admin": [
        st.Page(
            HERE / "pages/admin_users.py",
            title="Users",
            icon=":material/group:",
            url_path="admin_users",
        ),
        st.Page(
            HERE / "pages/share_admin.py",
            title="Share links",
            icon=":material/link:",
            url_path="share_admin",
        ),
        st.Page(
            HERE / "pages/gateways.py",
            title="Gateways",
            icon=":material/hub:",
            url_path="gateways-admin",
        ),
    ],
    "Plans": [
        st.Page(
            HERE / "pages/import.py",
            title="Import",
            icon=":material/upload_file:",
            url_path="import-plans",
        ),
        st.Page(HERE / "pages/edit.py", title="Edit", icon=":material/edit:", url_path="edit-plan"),
    ],
    "Present": [
        st.Page(
            HERE / "pages/board.py",
            title="Board",
            icon=":material/slideshow:",
            url_path="board-report",
        )
    ],
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
