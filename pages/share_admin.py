"""Share links for public-safety partners: which campuses and layers, until when; revoke; uses."""

import streamlit as st

from passmap import share
from passmap.access import DEFAULT_SHARE_LAYERS, LAYERS
from passmap.config import load_settings
from passmap.localtime import local_time
from ui import data
from ui.guard import require

viewer = require("manage_shares")
store = data.get_store()
st.title("Share links")
configured, in_use = load_settings().base_url, str(st.context.url or "")
if warning := share.base_url_warning(configured, in_use):
    st.warning(warning)

campuses = data.campuses(data.db_path())
names = dict(zip(campuses["id"], campuses["name"]))
with st.form("new_share"):
    agency = st.text_input("Agency", placeholder="County Sheriff, Fire District 3 ...")
    chosen = st.multiselect("Campuses", list(names), format_func=names.get)
    layers = st.multiselect(
        "Layers", list(LAYERS), default=list(DEFAULT_SHARE_LAYERS), format_func=lambda n: LAYERS[n]
    )
    expires = st.selectbox("Expires after", ["1d", "7d", "30d", "90d", "365d"], index=1)
    if st.form_submit_button("Create link"):
        try:
            base = share.base_url(configured, in_use)  # before the token exists: shown once
            link_id, token = share.create_link(
                store, agency, chosen, layers, share.parse_duration(expires), viewer.username
            )
            st.success(f"Link {link_id} created. Copy it now: it is shown only once.")
            st.code(share.link_url(token, base), language=None)
        except ValueError as exc:
            st.error(str(exc))

links = store.list_share_links()
tz = load_settings().timezone  # the district's zone, like every time in the app
st.subheader("Links")
st.dataframe(
    [
        {
            "id": ln["id"],
            "agency": ln["agency"],
            "campuses": ", ".join(ln["campuses"]),
            "layers": ", ".join(ln["layers"]),
            f"expires ({tz})": local_time(ln["expires_utc"], tz),
            f"revoked ({tz})": local_time(ln["revoked_utc"], tz),
            "uses": ln["uses"],
            f"last use ({tz})": local_time(ln["last_used_utc"], tz),
        }
        for ln in links
    ],
    hide_index=True,
)
active = [ln["id"] for ln in links if ln["revoked_utc"] is None]
if active:
    target = st.selectbox("Link", active, key="share_admin_pick")
    if st.button("Revoke now", key="share_admin_revoke"):
        store.revoke_share_link(target, viewer.username)
        st.rerun()
    st.dataframe(
        [
            {f"at ({tz})": local_time(a.pop("at_utc"), tz), **a}
            for a in store.share_accesses(target)
        ],
        hide_index=True,
    )
