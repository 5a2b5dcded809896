"""Accounts: argon2 hashes, throttling per account and per client, expiry, first admin."""

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


def test_account_locks_after_repeated_failures_even_with_the_right_password(store):
    auth.create_user(store, "carol", PASSWORD, "viewer", actor="test")
    for i in range(auth.ACCOUNT_MAX_FAILURES):
        assert (
            auth.authenticate(store, "carol", f"wrong-{i}", f"client-{i}").reason
            == "bad_credentials"
        )
    locked = auth.authenticate(store, "carol", PASSWORD, "another-client")
    assert (locked.ok, locked.reason) == (False, "account_locked")
    assert 0 < locked.retry_after_s <= auth.ACCOUNT_LOCK.total_seconds() + 1
    later = utc_now() + auth.ACCOUNT_LOCK + timedelta(seconds=1)
    assert auth.authenticate(store, "carol", PASSWORD, "another-client", now=later).ok


def test_one_client_is_throttled_across_accounts(store):
    # The default limit is CLIENT_MAX_FAILURES (20); a limit of 3 exercises the same path faster.
    limits = auth.Throttle(client_max_failures=3)
    auth.create_user(store, "dave", PASSWORD, "viewer", actor="test")
    for i in range(3):
        auth.authenticate(store, f"guess{i}", "x" * 12, "203.0.113.9", limits=limits)
    refused = auth.authenticate(store, "dave", PASSWORD, "203.0.113.9", limits=limits)
    assert (refused.ok, refused.reason) == (False, "client_throttled")
    assert auth.authenticate(store, "dave", PASSWORD, "198.51.100.1", limits=limits).ok
    later = utc_now() + auth.CLIENT_WINDOW + timedelta(seconds=1)
    assert auth.authenticate(store, "dave", PASSWORD, "203.0.113.9", now=later, limits=limits).ok


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


def test_weak_or_bad_accounts_are_refused(store):
    with pytest.raises(auth.AuthError, match="at least"):
        auth.create_user(store, "frank", "short", "viewer", actor="t")
    with pytest.raises(auth.AuthError, match="Unknown role"):
        auth.create_user(store, "frank", PASSWORD, "superuser", actor="t")
    with pytest.raises(auth.AuthError, match="exists"):
        auth.create_user(store, "demo-admin", PASSWORD, "viewer", actor="t")


def test_first_start_creates_one_admin_with_a_password_shown_once(tmp_db):
    from passmap.store import Store

    with Store(tmp_db) as s:
        password = auth.ensure_first_admin(s)
        assert password and len(password) >= 20
        assert auth.authenticate(s, "admin", password, "local").ok
        assert auth.ensure_first_admin(s) is None  # never again
        assert password not in repr(s.cursor().execute("SELECT * FROM audit_log").fetchall())


def test_demo_accounts_are_labelled_and_the_partner_is_scoped(store):
    demo = {u["username"]: u for u in store.list_users() if u["is_demo"]}
    assert set(demo) == {f"demo-{r}" for r in ("admin", "editor", "viewer", "board", "partner")}
    assert all(u["display_name"].startswith("DEMO ") for u in demo.values())
    assert demo["demo-partner"]["campus_scope"] == ["c1"]
