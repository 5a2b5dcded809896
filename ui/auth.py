"""The login gate (called once in app.py), share-link entry (``?share=TOKEN``), the signed-in
viewer, and page visibility from the core policy (passmap.access). No rule is decided here.

Cookies: the session cookie is set by the server, HttpOnly,
SameSite=Strict, Secure over HTTPS: a script run issues a one-time ticket (passmap.tickets) and
a zero-height component POSTs it to ui/http_guard.COOKIE_ROUTE, whose answer sets the cookie.
The first administrator is created with the setup token the server printed to its console.

Test helper: tests/helpers.py ``login(at, role=...)`` signs an AppTest in through
``passmap.auth.authenticate`` against the store and stores the resulting session under
SESSION_KEY, exactly as the form below does.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from passmap import access, auth, share, throttle, tickets
from passmap.config import load_settings
from ui import data
from ui.text import plain
from ui.viewer import SESSION_KEY, SHARE_KEY, Viewer, current_viewer

NOTICE_KEY = "auth_notice"
COOKIE_KEY = "auth_cookie_pending"  # [(cookie name, value)] to set on this run ("" clears)


def client_id() -> str | None:
    """The client's address for throttling and the share log, once reverse proxies are
    configured (PASSMAP_TRUSTED_PROXIES): the X-Forwarded-For address when the connection comes
    from one of them, the connection's own address when it does not (a visitor who reached the
    port directly names whom they like in that header); None without configured proxies (the
    peer may then be an unknown proxy, one bucket for everyone)."""
    proxies = load_settings().trusted_proxies
    if not proxies:
        return None
    forwarded = st.context.headers.get("X-Forwarded-For")  # empty on a bare run
    forwarded = forwarded if isinstance(forwarded, str) else None
    return throttle.request_client(_peer(), forwarded, proxies)


def _peer() -> str:
    """The websocket's peer, only to ask whether it is a trusted proxy. Streamlit reports a
    loopback peer (and a run without a browser) as None."""
    return st.context.ip_address or "127.0.0.1"


def checked_viewer() -> Viewer | None:
    """The viewer of this session re-checked against the store (a share link still valid; a
    session not expired, not signed out elsewhere, its account enabled), else None. What the
    page guard (ui/guard.py) and fragments ask on every run; draws nothing."""
    store = data.get_store()
    grant = st.session_state.get(SHARE_KEY)
    if grant is not None:
        return current_viewer() if share.is_still_valid(store, grant) else None
    sess = st.session_state.get(SESSION_KEY)
    if sess is None or sess.expired() or not auth.keep_browser_session(store, sess):
        return None
    return current_viewer()


def _share_gate(store, token: str) -> Viewer | None:
    grant = share.resolve(store, token)
    if grant is None:
        st.session_state.pop(SHARE_KEY, None)
        return None
    if st.session_state.get(SHARE_KEY) != grant:
        st.session_state.pop(SESSION_KEY, None)  # a link visit is never a staff session
        st.session_state[SHARE_KEY] = grant
        share.record_use(store, grant, None, "open", client_id())
    return current_viewer()


def _held_grant_gate(store) -> Viewer | None:
    grant = st.session_state[SHARE_KEY]
    if not share.is_still_valid(store, grant):
        st.session_state.pop(SHARE_KEY, None)
        return None
    return current_viewer()


def _cookie_token() -> str | None:
    token = st.context.cookies.get(auth.SESSION_COOKIE)  # empty on a bare run
    return token if isinstance(token, str) else None  # AppTest's context is a stand-in


def _set_cookie(name: str, value: str) -> None:
    """Ask for a cookie to be set ("" clears it) by this run's cookie component."""
    st.session_state.setdefault(COOKIE_KEY, []).append((name, value))


def _write_pending_cookie() -> None:
    """Set or clear the cookies a sign-in or sign-out asked for: a zero-height
    component POSTs a one-time ticket per cookie to the server's cookie route, whose answer
    sets it HttpOnly (a browser-session cookie: gone when the browser closes)."""
    from ui.http_guard import cookie_script

    pending = st.session_state.pop(COOKIE_KEY, None)
    if not pending:
        return
    script = "".join(cookie_script(tickets.issue_cookie_ticket(n, v)) for n, v in pending)
    with st.sidebar:
        st.iframe(script, height=1)


def gate() -> tuple[Viewer | None, str | None]:
    """The frame's gate, run first on every script run: (viewer, None) for a signed-in person or
    a valid share link; (None, refusal) for a share link that is not valid; (None, None) for
    anyone else (who gets the sign-in page). Draws nothing but the cookie writes this run (or an
    earlier one that was cut short) asked for."""
    result = _gate(data.get_store())
    _write_pending_cookie()  # after the gate: a cookie it asked for goes out on this run
    return result


def _gate(store) -> tuple[Viewer | None, str | None]:
    token = st.query_params.get("share")
    if token is not None:
        viewer = _share_gate(store, token)
        return (viewer, None) if viewer else (None, share.REFUSAL)
    if st.session_state.get(SHARE_KEY) is not None:
        viewer = _held_grant_gate(store)
        return (viewer, None) if viewer else (None, share.REFUSAL)
    return _session_gate(store), None


def _session_gate(store) -> Viewer | None:
    sess = st.session_state.get(SESSION_KEY)
    if sess is not None and sess.expired():
        auth.end_browser_session(store, st.session_state.pop(SESSION_KEY, None))
        st.session_state[NOTICE_KEY] = "Your session expired; please sign in again."
        _set_cookie(auth.SESSION_COOKIE, "")
        sess = None
    if sess is None and (token := _cookie_token()):
        sess = auth.resume_browser_session(store, token)  # a reload or another tab
        if sess is not None:
            st.session_state[SESSION_KEY] = sess
        else:
            _set_cookie(auth.SESSION_COOKIE, "")
    if sess is None and _oidc_configured() and getattr(st.user, "is_logged_in", False):
        sess = _session_from_oidc(store)
    if sess is not None and not auth.keep_browser_session(store, sess):
        st.session_state.pop(SESSION_KEY, None)  # signed out elsewhere, or disabled
        st.session_state[NOTICE_KEY] = "You were signed out; please sign in again."
        _set_cookie(auth.SESSION_COOKIE, "")
        sess = None
    return current_viewer() if sess is not None else None


def _oidc_configured() -> bool:
    try:
        return "auth" in st.secrets
    except FileNotFoundError:  # no secrets file at all (StreamlitSecretNotFoundError)
        return False


def _session_from_oidc(store):
    """Single sign-on: the identity provider's e-mail must match a local, enabled account, and
    the provider must not say that e-mail is unverified (``email_verified: false``: anyone may
    type any address into such an identity)."""
    email = str(st.user.get("email") or "")
    if not _email_not_unverified():
        st.session_state[NOTICE_KEY] = (
            f"The sign-on provider has not verified {plain(email)}; ask an administrator."
        )
        return None
    user = store.get_user(email) if email else None
    if user is None or user["disabled"]:
        st.session_state[NOTICE_KEY] = (
            f"No enabled PassMap account for {plain(email)}; ask an administrator."
        )
        return None
    sess = auth.session_for(user)
    st.session_state[SESSION_KEY] = sess
    # a browser session like a password sign-in's: sign-out, disabling the account or a new
    # password end it in every tab (else only the idle timeout would)
    _set_cookie(auth.SESSION_COOKIE, auth.start_browser_session(store, sess))
    return sess


def _email_not_unverified() -> bool:
    """False when the identity's ``email_verified`` claim says no (False or "false"); a
    provider that sends no such claim (some do not) vouches for the address it sends."""
    verified = st.user.get("email_verified")
    return verified is None or verified is True or str(verified).lower() == "true"


def _requested_url_path(known: set[str]) -> str | None:
    """The url_path the visitor asked for, when it is one of ``known`` (so a deep link such as
    /floor-plan survives signing in), else None. Read from Streamlit's page manager."""
    try:
        from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx
        from streamlit.util import calc_hash

        manager = get_script_run_ctx().pages_manager
        if manager.intended_page_name in known:
            return manager.intended_page_name
        by_hash = {calc_hash(u): u for u in known}
        return by_hash.get(manager.intended_page_script_hash or "")
    except AttributeError:  # no script run context (bare runs): the plain sign-in page
        return None


def entry_page(refusal: str | None, pages: dict) -> st.Page:
    """The one page of the navigation when nobody is signed in: the sign-in form, or a plain
    refusal (an invalid share link). It takes the url_path the visitor asked for when that is a
    real page, so the same page opens after signing in."""
    if refusal is not None:
        return st.Page(lambda: _refuse(refusal), title="PassMap", url_path="refused", default=True)
    known = {p.url_path for items in pages.values() for p in items if p.url_path}
    known |= {getattr(p, "_url_path", "") for items in pages.values() for p in items}
    return st.Page(
        sign_in_page, title="Sign in", url_path=_requested_url_path(known - {""}) or "sign-in"
    )


def _refuse(message: str) -> None:
    """A plain refusal: no sidebar, no map, nothing else."""
    st.error(message)


def sign_in_page() -> None:
    """The sign-in form (or, while no account exists, the first administrator's form). A
    successful sign-in reruns the app, which then opens the page."""
    store = data.get_store()
    st.title("PassMap: sign in")
    notice = st.session_state.pop(NOTICE_KEY, None)
    if notice:
        st.info(notice)
    if not store.count_users():
        _first_admin_form(store)
        return
    with st.form("login"):
        username = st.text_input("User name", key="login_user")
        password = st.text_input("Password", type="password", key="login_password")
        submitted = st.form_submit_button("Sign in")
    if submitted:
        result = auth.authenticate(store, username, password, client_id())
        if result.ok:
            _signed_in(store, auth.session_for(result.user))
        st.error(auth.message_for(result))
    if _oidc_configured():
        st.button("Sign in with single sign-on", on_click=st.login)
    _demo_notice(store)


def _signed_in(store, sess) -> None:
    st.session_state[SESSION_KEY] = sess
    _set_cookie(auth.SESSION_COOKIE, auth.start_browser_session(store, sess))
    st.session_state.pop("login_password", None)
    st.rerun()


def _first_admin_form(store) -> None:
    """No account yet: whoever can read the server's console (the setup token it printed at
    start) creates the first administrator. Never decided from a client's address."""
    st.warning(
        "No account exists yet. Create the first administrator with the setup token printed "
        "in the server's console, or on the server run `passmap user add NAME --role admin`."
    )
    with st.form("first_admin"):
        token = st.text_input("Setup token (from the server console)", type="password")
        username = st.text_input("Administrator's user name")
        password = st.text_input("Password (12 characters or more)", type="password")
        if st.form_submit_button("Create administrator"):
            try:
                auth.create_first_admin(store, token, username, password)
            except auth.AuthError as exc:
                st.error(str(exc))
                return
            result = auth.authenticate(store, username, password, client_id())
            _signed_in(store, auth.session_for(result.user))


def _demo_notice(store) -> None:
    demo = [u for u in store.list_users() if u.get("is_demo") and not u["disabled"]]
    if demo:
        names = ", ".join(f"`{u['username']}`" for u in demo)
        st.info(
            f"DEMO DATABASE: demo accounts {names}, password `{auth.DEMO_PASSWORD}`. "
            "They exist only in the demo build."
        )


def sidebar_account(viewer: Viewer) -> None:
    with st.sidebar:
        st.caption(plain(f"Signed in: {viewer.label}" if not viewer.grant else viewer.label))
        if viewer.grant is None and st.button("Sign out", key="auth_sign_out"):
            auth.end_browser_session(data.get_store(), st.session_state.pop(SESSION_KEY, None))
            _set_cookie(auth.SESSION_COOKIE, "")
            if _oidc_configured() and getattr(st.user, "is_logged_in", False):
                # else the next run signs the identity straight back in (_session_gate):
                # Streamlit drops its identity cookie and ends the provider's session
                st.logout()
                st.stop()
            st.rerun()
        if viewer.grant is None:
            _change_password_form(viewer)


def _change_password_form(viewer: Viewer) -> None:
    with st.expander("Change my password"), st.form("auth_change_password", clear_on_submit=True):
        old = st.text_input("Current password", type="password")
        new = st.text_input("New password (12 characters or more)", type="password")
        again = st.text_input("New password again", type="password")
        if st.form_submit_button("Change password"):
            store = data.get_store()
            try:
                if new != again:
                    raise auth.AuthError("The two new passwords differ.")
                auth.change_password(store, viewer.username, old, new)
            except auth.AuthError as exc:
                st.error(str(exc))
                return
            sess = auth.session_for(store.get_user(viewer.username))  # other sessions ended
            _set_cookie(auth.SESSION_COOKIE, auth.start_browser_session(store, sess))
            st.session_state[SESSION_KEY] = sess
            st.success("Password changed; your other sessions are signed out.")


def _page_stem(page) -> str:
    target = getattr(page, "_page", None)
    if isinstance(target, (str, Path)):
        return Path(target).stem
    return str(getattr(page, "url_path", "") or "")


def visible_pages(pages: dict, viewer: Viewer) -> dict:
    """The navigation filtered by the viewer's role (passmap.access decides); {} for none."""
    out = {}
    for group, items in pages.items():
        keep = [
            p
            for p in items
            if access.can_open_page(viewer.role, _page_stem(p), viewer.campus_scope)
        ]
        if keep:
            out[group] = keep
    return out


NO_PAGE = "Your role has no page to open here; ask an administrator."


def scope_campuses(frame):
    """Campuses the viewer may see (share links and campus-scoped accounts)."""
    viewer = current_viewer()
    if viewer is None or frame is None:
        return frame
    return access.visible_campuses(frame, viewer.campus_scope)
