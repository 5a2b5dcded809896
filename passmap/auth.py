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

from passmap.model import ROLES
from passmap.store.base import utc_now

MIN_PASSWORD_LEN = 10
ACCOUNT_MAX_FAILURES = 5  # consecutive failures before the account is locked
ACCOUNT_LOCK = timedelta(minutes=5)
CLIENT_MAX_FAILURES = 20  # failures from one client within CLIENT_WINDOW
CLIENT_WINDOW = timedelta(minutes=15)
SESSION_IDLE = timedelta(minutes=30)
SESSION_MAX = timedelta(hours=12)
SESSION_COOKIE = "passmap_session"  # a browser-session cookie holding a random token
SESSION_TOUCH = timedelta(minutes=5)  # how often a live session's last-seen time is written

# Demo accounts exist only in the demo database; their passwords are public by design.
DEMO_PASSWORD = "demo-passmap-2026"
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
class Throttle:
    """Failure limits: per account (consecutive, then a lock) and per client (sliding window)."""

    account_max_failures: int = ACCOUNT_MAX_FAILURES
    account_lock: timedelta = ACCOUNT_LOCK
    client_max_failures: int = CLIENT_MAX_FAILURES
    client_window: timedelta = CLIENT_WINDOW


DEFAULT_THROTTLE = Throttle()


@dataclass(frozen=True)
class LoginResult:
    ok: bool
    reason: str  # ok | bad_credentials | account_locked | client_throttled | disabled
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
    if len(password) < MIN_PASSWORD_LEN:
        raise AuthError(f"The password needs at least {MIN_PASSWORD_LEN} characters.")
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


def authenticate(
    store,
    username: str,
    password: str,
    client: str = "unknown",
    now: datetime | None = None,
    limits: Throttle = DEFAULT_THROTTLE,
) -> LoginResult:
    """Check a login, throttled per client and per account; every attempt is recorded."""
    now = now or utc_now()
    client = client or "unknown"
    window = limits.client_window
    if store.recent_client_failures(client, now - window) >= limits.client_max_failures:
        store.record_login(username, client, False, known_user=False)
        return LoginResult(False, "client_throttled", retry_after_s=int(window.total_seconds()))
    user = store.get_user(username)
    if user is None:
        verify_password(_DUMMY_HASH, password)  # same work as a real check: no user probing by time
        store.record_login(username, client, False, known_user=False)
        return LoginResult(False, "bad_credentials")
    if user["locked_until"] and user["locked_until"] > now:
        store.record_login(username, client, False, locked_until=user["locked_until"])
        return LoginResult(
            False,
            "account_locked",
            retry_after_s=int((user["locked_until"] - now).total_seconds()) + 1,
        )
    if not verify_password(user["password_hash"], password):
        failures = user["failed_count"] + 1
        lock = now + limits.account_lock if failures >= limits.account_max_failures else None
        store.record_login(username, client, False, locked_until=lock)
        return LoginResult(False, "bad_credentials")
    if user["disabled"]:
        store.record_login(username, client, False, known_user=False)
        return LoginResult(False, "disabled")
    store.record_login(username, client, True)
    return LoginResult(True, "ok", user={k: v for k, v in user.items() if k != "password_hash"})


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


def resume_browser_session(store, token: str | None, now: datetime | None = None) -> Session | None:
    """The session a cookie's token stands for, or None when it is unknown, revoked, idle for
    SESSION_IDLE, older than SESSION_MAX, or its account is gone or disabled (then it is
    revoked). Role and campus scope come from the account as it is now."""
    if not isinstance(token, str) or not token or len(token) > 200:
        return None
    now = now or utc_now()
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
        store.revoke_login_session(row["token_hash"])
        return None
    session = session_for(user)
    session.started_utc, session.last_seen_utc = row["started_utc"], now
    session.token_hash, session.stored_seen_utc = row["token_hash"], now
    store.touch_login_session(row["token_hash"], now)
    return session


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


def ensure_first_admin(store) -> str | None:
    """On first start (no account at all) create 'admin' with a generated password.

    Returns the password to show ONCE to the person starting the app, else None. The password is
    not written to any log or audit record.
    """
    if store.count_users():
        return None
    password = generate_password()
    create_user(
        store,
        "admin",
        password,
        "admin",
        actor="first-start",
        display_name="Administrator (created on first start)",
    )
    return password


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
    "account_locked": "Too many failed attempts for this account; try again in {s} seconds.",
    "client_throttled": "Too many failed attempts from this device; try again later.",
    "disabled": "This account is disabled; ask an administrator.",
}


def message_for(result: LoginResult) -> str:
    return MESSAGES.get(result.reason, "Signed in.").format(s=result.retry_after_s)
