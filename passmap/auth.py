"""Local accounts: argon2 password hashes, login with throttling, session expiry, first admin.

Passwords are never stored, logged or audited in clear; only argon2id hashes reach the store.

>>> h = hash_password("correct horse battery")
>>> h.startswith("$argon2id$") and verify_password(h, "correct horse battery")
True
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from passmap import passwords, throttle, tickets
from passmap.model import ROLES
from passmap.store.base import utc_now

MIN_PASSWORD_LEN = passwords.MIN_LENGTH
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=12)
SESSION_COOKIE = "passmap_session"  # a browser-session cookie holding a random token
SESSION_TOUCH = timedelta(minutes=5)  # how often a live session's last-seen time is written

# Demo accounts exist only in the demo database; their passwords are public by design.
DEMO_PASSWORD = passwords.DEMO_PASSWORD
DEMO_ACCOUNTS = (
    ("demo-admin", "admin", None),
    ("demo-editor", "editor", None),
    ("demo-viewer", "viewer", None),
    ("demo-board", "board", None),
    ("demo-partner", "partner", None),
)

# OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane): ~0.1 s a check on a small server.
_hasher = PasswordHasher(time_cost=2, memory_cost=19456, parallelism=1)
_DUMMY_HASH = _hasher.hash("timing-equaliser-not-a-password")


class AuthError(ValueError):
    """A user-facing account problem (bad role, weak password, duplicate name)."""


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    reason: str  # ok | bad_credentials | throttled | disabled
    user: dict | None = None
    retry_after_s: int = 0


@dataclass
class Session:
    """What the app keeps for a signed-in person (never the password)."""

    username: str
    role: str
    campus_scope: list[str] | None
    display_name: str | None = None
    started_utc: datetime = field(default_factory=utc_now)
    last_seen_utc: datetime = field(default_factory=utc_now)
    token_hash: str | None = None  # the browser session (login_session row), if any
    stored_seen_utc: datetime | None = None

    def expired(self, now: datetime | None = None) -> bool:
        """Idle for SESSION_IDLE or older than SESSION_MAX."""
        now = now or utc_now()
        return now - self.last_seen_utc > SESSION_IDLE or now - self.started_utc > SESSION_MAX

    def touch(self, now: datetime | None = None) -> None:
        self.last_seen_utc = now or utc_now()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    """A random 20-character password (about 120 bits)."""
    return secrets.token_urlsafe(15)


def create_user(
    store,
    username: str,
    password: str,
    role: str,
    *,
    actor: str,
    campus_scope: list[str] | None = None,
    display_name: str | None = None,
    is_demo: bool = False,
) -> None:
    """Add a local account; raises AuthError with a sentence for a person."""
    username = (username or "").strip()
    if not username or len(username) > 64 or any(c.isspace() for c in username):
        raise AuthError("A user name needs 1-64 characters without spaces.")
    if role not in ROLES:
        raise AuthError(f"Unknown role {role!r}; choose from {', '.join(ROLES)}.")
    if why := passwords.problem(password, username, is_demo=is_demo):
        raise AuthError(why)
    if store.get_user(username):
        raise AuthError(f"A user named {username!r} exists already.")
    store.insert_user(
        {
            "username": username,
            "display_name": display_name,
            "role": role,
            "password_hash": hash_password(password),
            "campus_scope": campus_scope,
            "disabled": False,
            "failed_count": 0,
            "is_demo": is_demo,
        },
        actor=actor,
    )


def _throttle_wait_s(store, key: str, client: str | None, now, limits) -> float:
    """Seconds until ``key`` (a hashed name) may try again from ``client`` (None: unknown)."""
    since = now - limits.window
    checks = [(key, None, limits.account)]
    if client:
        checks = [(key, client, limits.pair), (None, client, limits.client)]
        checks.append((key, None, limits.account_wide))
    wait = 0.0
    for name_key, by_client, backoff in checks:
        failures, last = store.failures_since_success(name_key, by_client, since)
        if failures and last is not None:
            ready = last + timedelta(seconds=backoff.delay_s(failures))
            wait = max(wait, (ready - now).total_seconds())
    return wait


def authenticate(
    store,
    username: str,
    password: str,
    client: str | None = None,
    now: datetime | None = None,
    limits: throttle.Limits = throttle.DEFAULT_LIMITS,
) -> LoginResult:
    """Check a sign-in with exponential back-off (passmap.throttle) per account, and per client
    when the client is known (``client`` from a trusted proxy; None otherwise). Unknown and
    existing names get the same answers and the same back-off. Every attempt is recorded with
    the user name hashed; an attempt made while backed off is not checked and does not add to
    the back-off."""
    now = now or utc_now()
    key = throttle.name_key(store.throttle_key(), username)
    wait = _throttle_wait_s(store, key, client, now, limits)
    if wait > 0:
        store.record_login(key, client, False, throttled=True, at_utc=now)
        return LoginResult(False, "throttled", retry_after_s=int(wait) + 1)
    user = store.get_user((username or "").strip())
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same work as a real check: no user probing by time
        store.record_login(key, client, False, at_utc=now)
        return LoginResult(False, "bad_credentials")
    if not verify_password(user["password_hash"], password):
        store.record_login(key, client, False, at_utc=now)
        return LoginResult(False, "bad_credentials")
    if user["disabled"]:
        store.record_login(key, client, False, at_utc=now)
        return LoginResult(False, "disabled")
    store.record_login(key, client, True, username=user["username"], at_utc=now)
    return LoginResult(True, "ok", user={k: v for k, v in user.items() if k != "password_hash"})


def change_password(store, username: str, old: str, new: str) -> None:
    """A signed-in person changes their own password (the old one proves it is them); every
    other session of theirs ends. Raises AuthError with a sentence."""
    user = store.get_user(username)
    if user is None or not verify_password(user["password_hash"], old or ""):
        raise AuthError("The current password is not right.")
    if old == new:
        raise AuthError("The new password must differ from the current one.")
    if why := passwords.problem(new, username, is_demo=bool(user.get("is_demo"))):
        raise AuthError(why)
    store.set_user_password_hash(username, hash_password(new), actor=username)


def reset_password(store, username: str, actor: str, new: str | None = None) -> str:
    """An administrator (page or CLI) sets a new password for ``username``: ``new``, or a
    generated one that is returned to show once. Every session of that account ends."""
    user = store.get_user(username)
    if user is None:
        raise AuthError(f"No user named {username!r}.")
    password = new if new is not None else generate_password()
    if why := passwords.problem(password, username, is_demo=bool(user.get("is_demo"))):
        raise AuthError(why)
    store.set_user_password_hash(username, hash_password(password), actor=actor)
    return password


def session_for(user: dict) -> Session:
    return Session(
        username=user["username"],
        role=user["role"],
        campus_scope=user.get("campus_scope"),
        display_name=user.get("display_name"),
    )


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start_browser_session(store, session: Session) -> str:
    """Record ``session`` as a browser session; returns the random token for the cookie (only
    its SHA-256 is stored, so the database never holds a usable token)."""
    token = secrets.token_urlsafe(32)
    session.token_hash = _token_hash(token)
    session.stored_seen_utc = session.started_utc
    store.insert_login_session(session.token_hash, session.username, session.started_utc)
    return token


def _live_session(store, token, now: datetime, revoke_dead: bool):
    """(stored session row, account) of a cookie's token, or None when the token is unknown,
    revoked, idle for SESSION_IDLE, older than SESSION_MAX, or its account is gone or disabled
    (such a session is revoked when ``revoke_dead``)."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    row = store.get_login_session(_token_hash(token))
    if row is None or row["revoked"]:
        return None
    user = store.get_user(row["username"])
    probe = Session(
        row["username"],
        "",
        None,
        started_utc=row["started_utc"],
        last_seen_utc=row["last_seen_utc"],
    )
    if probe.expired(now) or user is None or user["disabled"]:
        if revoke_dead:
            store.revoke_login_session(row["token_hash"])
        return None
    return row, user


def resume_browser_session(store, token: str | None, now: datetime | None = None) -> Session | None:
    """The session a cookie's token stands for, or None when it is unknown, revoked, idle for
    SESSION_IDLE, older than SESSION_MAX, or its account is gone or disabled (then it is
    revoked). Role and campus scope come from the account as it is now."""
    now = now or utc_now()
    live = _live_session(store, token, now, revoke_dead=True)
    if live is None:
        return None
    row, user = live
    session = session_for(user)
    session.started_utc, session.last_seen_utc = row["started_utc"], now
    session.token_hash, session.stored_seen_utc = row["token_hash"], now
    store.touch_login_session(row["token_hash"], now)
    return session


def peek_browser_session(store, token: str | None, now: datetime | None = None) -> Session | None:
    """Like resume_browser_session, but writes nothing (the HTTP guard's check of a cookie)."""
    live = _live_session(store, token, now or utc_now(), revoke_dead=False)
    return None if live is None else session_for(live[1])


def keep_browser_session(store, session: Session, now: datetime | None = None) -> bool:
    """False when the browser session was revoked (signed out in another tab, account disabled,
    password changed); else mark it seen now (in memory, and in the store at most every
    SESSION_TOUCH so another tab's reload finds it alive) and return True."""
    now = now or utc_now()
    if session.token_hash:
        row = store.get_login_session(session.token_hash)
        if row is None or row["revoked"]:
            return False
    session.touch(now)
    if session.token_hash and (
        session.stored_seen_utc is None or now - session.stored_seen_utc >= SESSION_TOUCH
    ):
        store.touch_login_session(session.token_hash, now)
        session.stored_seen_utc = now
    return True


def end_browser_session(store, session: Session | None) -> None:
    """Sign-out: the browser's token stops working everywhere."""
    if session is not None and session.token_hash:
        store.revoke_login_session(session.token_hash)


def setup_token(store) -> str | None:
    """While no account exists: the one-time setup token of this server process (printed to the
    server's console at start, passmap.tickets), else None."""
    if store.count_users():
        tickets.forget_setup_token(store.path_key())
        return None
    return tickets.setup_token(store.path_key())


def create_first_admin(store, token: str, username: str, password: str) -> None:
    """The first administrator, from the sign-in page with the console's setup token. Raises
    AuthError with a sentence (wrong token, an account exists already, weak password)."""
    key = store.path_key()
    if store.count_users():
        raise AuthError("An account exists already; sign in, or ask an administrator.")
    if not tickets.setup_token_matches(key, token):
        raise AuthError("That setup token is not right; it is printed in the server's console.")
    create_user(
        store,
        username,
        password,
        "admin",
        actor="setup-token",
        display_name="Administrator (first account)",
    )
    tickets.forget_setup_token(key)


def create_demo_accounts(store) -> list[str]:
    """Demo post-step: one clearly labelled account per role (password DEMO_PASSWORD)."""
    made = []
    campuses = store.list_campuses()
    high = campuses[campuses["school_type"] == "high"]["id"].tolist()[:1]
    for username, role, scope in DEMO_ACCOUNTS:
        scope = high or None if role == "partner" else scope  # the partner sees one campus
        if store.get_user(username) is None:
            create_user(
                store,
                username,
                DEMO_PASSWORD,
                role,
                actor="demo",
                campus_scope=scope,
                display_name=f"DEMO {role} (demo database only)",
                is_demo=True,
            )
            made.append(username)
    return made


MESSAGES = {
    "bad_credentials": "Wrong user name or password.",
    "throttled": "Too many failed attempts; wait {s} seconds, then try again.",
    "disabled": "This account is disabled; ask an administrator.",
}


def message_for(result: LoginResult) -> str:
    return MESSAGES.get(result.reason, "Signed in.").format(s=result.retry_after_s)
