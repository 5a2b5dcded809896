"""Share links for public-safety partners: which campuses and layers, until when; revoke; uses."""

import streamlit as st

from passmap import share
from passmap.access import DEFAULT_SHARE_LAYERS, LAYERS
from passmap.config import load_settings
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
st.subheader("Links")
st.dataframe(
    [
        {
            "id": ln["id"],
            "agency": ln["agency"],
            "campuses": ", ".join(ln["campuses"]),
            "layers": ", ".join(ln["layers"]),
            "expires (UTC)": ln["expires_utc"],
            "revoked (UTC)": ln["revoked_utc"],
            "uses": ln["uses"],
            "last use (UTC)": ln["last_used_utc"],
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
    st.dataframe(store.share_accesses(target), hide_index=True)
