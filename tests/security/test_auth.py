"""Accounts: argon2 hashes, back-off per account and per client, password policy, change and
reset, expiry, the first administrator from the setup token."""

from datetime import timedelta

import pytest

from passmap import auth
from passmap.store.base import utc_now

PASSWORD = "Tr0ub4dor&3-horse"


def test_password_is_stored_as_argon2_and_never_in_clear(store, tiny_db):
    auth.create_user(store, "alice", PASSWORD, "editor", actor="test")
    row = store.get_user("alice")
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]
    assert "password_hash" not in store.list_users()[0]
    store.cursor().execute("CHECKPOINT")
    raw = tiny_db.read_bytes() + (
        tiny_db.with_suffix(".duckdb.wal").read_bytes()
        if tiny_db.with_suffix(".duckdb.wal").exists()
        else b""
    )
    assert PASSWORD.encode() not in raw
    audit = store.cursor().execute("SELECT * FROM audit_log").fetchall()
    assert PASSWORD not in repr(audit)
    attempts = auth.authenticate(store, "alice", PASSWORD, "10.0.0.1")
    assert (
        attempts.ok and attempts.user["role"] == "editor" and "password_hash" not in attempts.user
    )


def test_wrong_password_and_unknown_user_get_the_same_answer(store):
    auth.create_user(store, "bob", PASSWORD, "viewer", actor="test")
    a = auth.authenticate(store, "bob", "nope-nope-nope", "c")
    b = auth.authenticate(store, "nobody", "nope-nope-nope", "c")
    assert (a.ok, a.reason) == (b.ok, b.reason) == (False, "bad_credentials")


def _fail(store, name, n, client=None, now=None):
    return [auth.authenticate(store, name, f"wrong-{i}", client, now=now) for i in range(n)]


def test_back_off_doubles_is_the_same_for_unknown_names_and_ends_on_success(store):
    auth.create_user(store, "carol", PASSWORD, "viewer", actor="test")
    now = utc_now()
    for name in ("carol", "nobody-here"):  # a locked and an unknown name: the same answers
        answers = _fail(store, name, 5, now=now)
        assert [r.reason for r in answers] == ["bad_credentials"] * 5
        held = auth.authenticate(store, name, PASSWORD, now=now + timedelta(seconds=1))
        assert (held.ok, held.reason, held.retry_after_s) == (False, "throttled", 15)
    assert auth.message_for(held) == "Too many failed attempts; wait 15 seconds, then try again."
    # the attempts refused while backed off did not count; after the wait: one more try
    later = now + timedelta(seconds=16)
    assert auth.authenticate(store, "carol", "wrong-again", now=later).reason == "bad_credentials"
    doubled = auth.authenticate(store, "carol", PASSWORD, now=later + timedelta(seconds=1))
    assert (doubled.reason, doubled.retry_after_s) == ("throttled", 30)  # 15 s, then 30 s...
    ok = auth.authenticate(store, "carol", PASSWORD, now=later + timedelta(seconds=31))
    assert ok.ok  # the right password after the wait, and the counter starts again
    assert [r.reason for r in _fail(store, "carol", 4, now=later + timedelta(seconds=32))] == [
        "bad_credentials"
    ] * 4


def test_back_off_never_grows_beyond_the_cap_and_old_failures_are_forgotten(store):
    from passmap import throttle

    auth.create_user(store, "gina", PASSWORD, "viewer", actor="test")
    start = utc_now() - timedelta(hours=30)
    for i in range(40):  # an attacker who waits out every back-off, for hours
        auth.authenticate(store, "gina", "x", now=start + timedelta(minutes=16 * i))
    wait = auth.authenticate(store, "gina", "y", now=start + timedelta(minutes=16 * 39, seconds=1))
    assert wait.reason == "throttled" and wait.retry_after_s <= throttle.Backoff(5).cap_s + 1
    # a day later, with no failure since, the account is free again
    assert auth.authenticate(store, "gina", PASSWORD, now=utc_now() + timedelta(hours=25)).ok


def test_with_a_known_client_one_attacker_cannot_lock_the_account_for_others(store):
    auth.create_user(store, "dave", PASSWORD, "viewer", actor="test")
    now = utc_now()
    _fail(store, "dave", 8, client="203.0.113.9", now=now)
    at = now + timedelta(seconds=1)
    refused = auth.authenticate(store, "dave", PASSWORD, "203.0.113.9", now=at)
    assert (refused.ok, refused.reason) == (False, "throttled")  # the guessing client waits
    assert auth.authenticate(store, "dave", PASSWORD, "198.51.100.1", now=at).ok  # dave does not
    # spraying many names from one client backs that client off on every name
    for i in range(15):
        auth.authenticate(store, f"guess{i}", "x" * 12, "192.0.2.7", now=now)
    assert auth.authenticate(store, "dave", PASSWORD, "192.0.2.7", now=at).reason == "throttled"


def test_failed_user_names_are_stored_only_as_keyed_hashes(store, tiny_db):
    typed = "Sup3r-secret-typed-in-the-wrong-field"
    auth.authenticate(store, typed, "x")
    auth.authenticate(store, "demo-viewer", auth.DEMO_PASSWORD)  # a success
    rows = store.cursor().execute("SELECT username, ok FROM login_attempt").fetchall()
    assert rows and all(name.startswith("h:") for name, _ in rows)
    store.cursor().execute("CHECKPOINT")
    assert typed.encode() not in tiny_db.read_bytes()
    key_file = tiny_db.parent / (tiny_db.name + ".throttle-key")
    assert key_file.exists() and key_file.stat().st_mode & 0o077 == 0  # not in the database
    assert key_file.read_text() not in tiny_db.read_bytes().decode("latin-1")


def test_disabled_account_cannot_sign_in(store):
    auth.create_user(store, "erin", PASSWORD, "viewer", actor="test")
    assert store.set_user_disabled("erin", True, actor="test")
    assert auth.authenticate(store, "erin", PASSWORD, "c").reason == "disabled"


def test_sessions_expire_when_idle_and_when_old():
    s = auth.Session("u", "viewer", None)
    assert not s.expired()
    assert s.expired(s.last_seen_utc + auth.SESSION_IDLE + timedelta(seconds=1))
    s.touch(s.started_utc + auth.SESSION_MAX)
    assert s.expired(s.started_utc + auth.SESSION_MAX + timedelta(seconds=1))


@pytest.mark.parametrize(
    ("password", "why"),
    [
        ("short", "at least 12"),
        (" " * 16, "only spaces"),
        ("password1234", "too easy to guess"),
        ("qwertyuiop123", "too easy to guess"),
        (auth.DEMO_PASSWORD, "demo password"),
        ("frank-frank-frank-99", "user name"),
    ],
)
def test_weak_passwords_are_refused_with_a_sentence(store, password, why):
    with pytest.raises(auth.AuthError, match=why):
        auth.create_user(store, "frank", password, "viewer", actor="t")
    assert store.get_user("frank") is None
    auth.create_user(store, "frank", "correct horse battery staple", "viewer", actor="t")  # fine


def test_bad_accounts_are_refused(store):
    with pytest.raises(auth.AuthError, match="Unknown role"):
        auth.create_user(store, "frank", PASSWORD, "superuser", actor="t")
    with pytest.raises(auth.AuthError, match="exists"):
        auth.create_user(store, "demo-admin", PASSWORD, "viewer", actor="t")


def test_change_own_password_and_admin_reset_end_the_old_sessions(store):
    auth.create_user(store, "hal", PASSWORD, "viewer", actor="test")
    session = auth.session_for(store.get_user("hal"))
    token = auth.start_browser_session(store, session)
    with pytest.raises(auth.AuthError, match="current password"):
        auth.change_password(store, "hal", "not-it", "a fresh long passphrase")
    with pytest.raises(auth.AuthError, match="too easy"):
        auth.change_password(store, "hal", PASSWORD, "password1234")
    auth.change_password(store, "hal", PASSWORD, "a fresh long passphrase")
    assert auth.resume_browser_session(store, token) is None  # other sessions end
    assert auth.authenticate(store, "hal", "a fresh long passphrase").ok
    new = auth.reset_password(store, "hal", actor="demo-admin")
    assert len(new) >= 20 and auth.authenticate(store, "hal", new).ok
    assert not auth.authenticate(store, "hal", "a fresh long passphrase").ok
    audit = repr(store.cursor().execute("SELECT * FROM audit_log").fetchall())
    assert new not in audit and "a fresh long passphrase" not in audit


def test_the_first_admin_needs_the_setup_token_and_it_works_once(tmp_db):
    from passmap.store import Store

    with Store(tmp_db) as s:
        token = auth.setup_token(s)
        assert token and auth.setup_token(s) == token  # one per server process
        with pytest.raises(auth.AuthError, match="setup token"):
            auth.create_first_admin(s, "guessed", "root", "a long enough passphrase")
        auth.create_first_admin(s, token, "root", "a long enough passphrase")
        assert s.get_user("root")["role"] == "admin"
        assert auth.setup_token(s) is None  # an account exists: no token any more
        with pytest.raises(auth.AuthError, match="exists already"):
            auth.create_first_admin(s, token, "root2", "a long enough passphrase")
        assert token not in repr(s.cursor().execute("SELECT * FROM audit_log").fetchall())


def test_demo_accounts_are_labelled_and_the_partner_is_scoped(store):
    demo = {u["username"]: u for u in store.list_users() if u["is_demo"]}
    assert set(demo) == {f"demo-{r}" for r in ("admin", "editor", "viewer", "board", "partner")}
    assert all(u["display_name"].startswith("DEMO ") for u in demo.values())
    assert demo["demo-partner"]["campus_scope"] == ["c1"]
