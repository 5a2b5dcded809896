"""Who is looking at this session: a signed-in account or a share-link visitor.

Its own module so ui/data (scoping queries to the viewer) and ui/auth (the gate, which needs
the store from ui/data) do not import each other.
"""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from passmap import access, share

SESSION_KEY = "auth_session"  # passmap.auth.Session of a signed-in person
SHARE_KEY = "auth_share"  # passmap.share.ShareGrant of a share-link visitor


@dataclass(frozen=True)
class Viewer:
    """Who is looking: a signed-in account or a share-link visitor (role partner)."""

    username: str | None
    role: str
    campus_scope: tuple[str, ...] | None
    layers: tuple[str, ...]
    grant: share.ShareGrant | None = None

    def can(self, action: str, campus_id: str | None = None) -> bool:
        return access.allowed(self.role, action, campus_id, self.campus_scope)

    @property
    def label(self) -> str:
        if self.grant:
            return f"Shared view for {self.grant.agency} (read-only)"
        return f"{self.username} ({self.role})"


def current_viewer() -> Viewer | None:
    grant = st.session_state.get(SHARE_KEY)
    if grant is not None:
        return Viewer(
            None, "partner", grant.campuses, access.visible_layers("partner", grant.layers), grant
        )
    sess = st.session_state.get(SESSION_KEY)
    if sess is None:
        return None
    scope = tuple(sess.campus_scope) if sess.campus_scope is not None else None
    return Viewer(sess.username, sess.role, scope, access.visible_layers(sess.role))
