"""Signed-in browser sessions (passmap.auth start/resume/keep/end_browser_session): a reload or
a new tab stays signed in; sign-out, a disabled account or a new password end every tab; only
a hash of the cookie's token is stored; expiry is the same as the in-memory session's."""

from __future__ import annotations

import contextlib
import threading
from datetime import timedelta

import pytest

from passmap import auth
from passmap.store.base import utc_now
from tests.helpers import session_cookie, wait_until

PASSWORD = "Tr0ub4dor&3-horse"


def _signed_in(store, username="erin", role="viewer"):
    auth.create_user(store, username, PASSWORD, role, actor="test")
    result = auth.authenticate(store, username, PASSWORD, "c")
    session = auth.session_for(result.user)
    return session, auth.start_browser_session(store, session)


def _stamp(cur, session, seen_utc) -> None:
    """Another tab's stamp of the session's last_seen_utc."""
    cur.execute(
        "UPDATE login_session SET last_seen_utc = ? WHERE token_hash = ?",
        [seen_utc, session.token_hash],
    )


@contextlib.contextmanager
def _another_tab_holding(store, write):
    """Another tab's transaction runs ``write(cur)`` and stays open, not committed, while the
    body runs; it commits after. What that tab raised fails the test after the body."""
    held, release, errors = threading.Event(), threading.Event(), []

    def other_tab():
        try:
            with store.transaction() as cur:
                write(cur)
                held.set()
                release.wait(30)
        except BaseException as exc:  # noqa: BLE001 - reported by the assert below
            errors.append(exc)
            held.set()

    thread = threading.Thread(target=other_tab)
    thread.start()
    assert held.wait(30)
    try:
        yield
    finally:
        release.set()
        thread.join(30)
    assert not errors, errors


def test_a_token_resumes_the_session_with_the_account_as_it_is_now(store, tiny_db):
    session, token = _signed_in(store)
    assert store.get_login_session(session.token_hash)["username"] == "erin"
    store.cursor().execute("CHECKPOINT")
    assert token.encode() not in tiny_db.read_bytes()  # only its SHA-256 is stored
    store.cursor().execute("UPDATE app_user SET role = 'editor' WHERE username = 'erin'")
    resumed = auth.resume_browser_session(store, token)
    assert (resumed.username, resumed.role) == ("erin", "editor")
    assert resumed.started_utc == session.started_utc  # SESSION_MAX still counts
    assert auth.resume_browser_session(store, token + "x") is None
    assert auth.resume_browser_session(store, "") is None
    assert auth.resume_browser_session(store, "a" * 500) is None


def test_tabs_opened_at_the_same_moment_all_resume_the_session(store):
    """Found by the role crawl (tests/security/test_role_matrix.py): a person's tabs that open
    at once each stamp the same login_session row; DuckDB refused the second stamp ("Conflict
    on update") and that tab showed a TransactionException instead of the app. Here another
    tab's stamp holds the row (its transaction still open) while this tab resumes: it gets in,
    and the other tab's stamp stands."""
    session, token = _signed_in(store)
    other_time = utc_now() + timedelta(seconds=1)
    # the other tab's stamp, not committed yet
    with _another_tab_holding(store, lambda cur: _stamp(cur, session, other_time)):
        resumed = auth.resume_browser_session(store, token)
        later = auth.keep_browser_session(store, resumed, now=utc_now() + auth.SESSION_TOUCH)
    assert resumed is not None and resumed.username == "erin" and later
    assert store.get_login_session(session.token_hash)["last_seen_utc"] == other_time


def test_the_http_guards_cookie_check_refuses_an_idle_session_and_writes_nothing(store):
    """peek_browser_session (ui/http_guard.py's check of a cookie for /media, uploads...) ends a
    session idle for SESSION_IDLE exactly as resume does (it once read the stored times into the
    wrong fields and let an idle cookie through for up to SESSION_MAX)."""
    session, token = _signed_in(store)
    assert auth.peek_browser_session(store, token).username == "erin"
    idle_since = utc_now() - auth.SESSION_IDLE - timedelta(seconds=1)
    store.touch_login_session(session.token_hash, idle_since)
    assert auth.peek_browser_session(store, token) is None
    assert not store.get_login_session(session.token_hash)["revoked"]  # a peek writes nothing
    assert auth.resume_browser_session(store, token) is None


@pytest.mark.parametrize("other", ["disable", "stamp"])
def test_a_sign_out_stands_while_another_tab_ends_or_stamps_the_same_session(store, other):
    """A sign-out while another transaction holds the same session: an administrator disabling
    the account (the same code as a password change), or another tab's stamp of last_seen_utc,
    not committed yet. Both ends of the session were updates of login_session.revoked and DuckDB
    refused the sign-out ("Conflict on update"): the page signing out failed. Ends are appended
    rows now (migration 0009); a stamp never touched that column."""
    session, token = _signed_in(store)

    def other_tab(cur):  # committed only after the sign-out below
        if other == "disable":
            store._revoke_user_sessions(cur, "erin")
        else:
            _stamp(cur, session, utc_now())

    with _another_tab_holding(store, other_tab):
        auth.end_browser_session(store, session)
    assert store.get_login_session(session.token_hash)["revoked"]
    assert auth.resume_browser_session(store, token) is None


@pytest.mark.parametrize("end", ["sign_out", "disable", "password", "idle", "too_old"])
def test_every_way_a_session_ends_stops_its_token(store, end):
    session, token = _signed_in(store)
    now = utc_now()
    if end == "sign_out":
        auth.end_browser_session(store, session)
    elif end == "disable":
        store.set_user_disabled("erin", True, actor="admin")
    elif end == "password":
        store.set_user_password_hash("erin", auth.hash_password("An0ther-long-passw0rd"), "admin")
    elif end == "idle":
        now = now + auth.SESSION_IDLE + timedelta(seconds=1)
    else:
        store.touch_login_session(session.token_hash, now + auth.SESSION_MAX)
        now = now + auth.SESSION_MAX + timedelta(seconds=1)
    assert auth.resume_browser_session(store, token, now=now) is None
    if end in ("sign_out", "disable", "password"):
        assert auth.keep_browser_session(store, session) is False  # open tabs end too
    assert store.get_login_session(session.token_hash)["revoked"]


def test_a_live_session_is_written_seen_at_most_every_few_minutes(store):
    session, token = _signed_in(store)
    start = session.started_utc
    assert auth.keep_browser_session(store, session, now=start + timedelta(minutes=1))
    assert store.get_login_session(session.token_hash)["last_seen_utc"] == start
    later = start + auth.SESSION_TOUCH + timedelta(minutes=1)
    assert auth.keep_browser_session(store, session, now=later)
    assert store.get_login_session(session.token_hash)["last_seen_utc"] == later
    # 25 minutes after that write the token is still alive for a reload in another tab
    assert auth.resume_browser_session(store, token, now=later + timedelta(minutes=25))


@pytest.mark.browser
def test_reload_and_new_tab_stay_signed_in_and_sign_out_ends_every_tab(
    demo_db, app_server, browser_page
):
    server = app_server(demo_db)
    page = browser_page
    page.login(server.url, role="viewer")
    page.get_by_text("Signed in: demo-viewer").wait_for(timeout=30_000)
    cookie = session_cookie(page)  # page.login waited for it (written by that run's component)
    assert cookie, "no session cookie after signing in"
    assert cookie["sameSite"] == "Strict" and cookie["expires"] == -1  # gone with the browser
    assert cookie["httpOnly"]  # set by the server (ui/http_guard.py): no script can read it
    assert auth.DEMO_PASSWORD not in cookie["value"]
    page.reload()
    page.get_by_text("Signed in: demo-viewer").wait_for(timeout=30_000)
    other = page.context.new_page()
    other.goto(server.url)
    other.get_by_text("Signed in: demo-viewer").wait_for(timeout=30_000)

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
    wait_until(
        lambda: session_cookie(page) is None, 30, what="the session cookie removed", page=page
    )
    other.get_by_role("link", name="Campus").click()  # the open tab's next action
    other.get_by_text("You were signed out").wait_for(timeout=30_000)
    page.reload()
    page.get_by_role("button", name="Sign in").wait_for(timeout=30_000)
