"""Accounts: who can sign in, with which role and campuses. Admins only (passmap.access)."""

import streamlit as st

from passmap import auth
from passmap.config import load_settings
from passmap.localtime import local_time
from passmap.model import ROLES
from ui import data
from ui.guard import require

viewer = require("manage_users")
store = data.get_store()
st.title("Users")

users = store.list_users()
tz = load_settings().timezone  # the district's zone, like every time in the app
st.dataframe(
    [
        {
            "user": u["username"],
            "name": u["display_name"],
            "role": u["role"],
            "campuses": ", ".join(u["campus_scope"]) if u["campus_scope"] else "all",
            "disabled": u["disabled"],
            "demo": bool(u["is_demo"]),
            f"last login ({tz})": local_time(u["last_login_utc"], tz),
        }
        for u in users
    ],
    hide_index=True,
)

st.subheader("Add an account")
campuses = data.campuses(data.db_path())
names = dict(zip(campuses["id"], campuses["name"]))
with st.form("add_user", clear_on_submit=True):
    username = st.text_input("User name")
    display = st.text_input("Display name")
    role = st.selectbox("Role", ROLES)
    scope = st.multiselect("Limit to campuses (none = all)", list(names), format_func=names.get)
    password = st.text_input("Initial password (12 characters or more)", type="password")
    if st.form_submit_button("Add account"):
        try:
            auth.create_user(
                store,
                username,
                password,
                role,
                actor=viewer.username,
                campus_scope=scope or None,
                display_name=display or None,
            )
            st.success(f"Account {username} added.")
        except auth.AuthError as exc:
            st.error(str(exc))

st.subheader("Disable, enable or reset a password")
active = [u["username"] for u in users if u["username"] != viewer.username]
if active:
    who = st.selectbox("Account", active, key="admin_users_pick")
    left, middle, right = st.columns(3)
    if left.button("Disable", key="admin_users_disable"):
        store.set_user_disabled(who, True, actor=viewer.username)
        st.rerun()
    if middle.button("Enable", key="admin_users_enable"):
        store.set_user_disabled(who, False, actor=viewer.username)
        st.rerun()
    if right.button("Reset password", key="admin_users_reset"):
        new = auth.reset_password(store, who, actor=viewer.username)
        st.success(f"New password of {who} (shown once; their sessions are signed out):")
        st.code(new, language=None)
