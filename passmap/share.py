"""Share links for public-safety partners: scoped, read-only, expiring, revocable, logged.

The token is 256 random bits shown once; only its SHA-256 is stored (a fast hash is enough for
a high-entropy token, unlike a password).

>>> parse_duration("7d"), parse_duration("12h"), parse_duration("30m")
(datetime.timedelta(days=7), datetime.timedelta(seconds=43200), datetime.timedelta(seconds=1800))
"""

from __future__ import annotations

import hashlib
import re
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from passmap.access import parse_layers
from passmap.store.base import utc_now

MAX_DURATION = timedelta(days=366)
REFUSAL = "This share link is not valid: it has expired, was revoked, or was never issued."


@dataclass(frozen=True)
class ShareGrant:
    """What a valid link opens: these campuses and these layers, read-only."""

    link_id: str
    agency: str
    campuses: tuple[str, ...]
    layers: tuple[str, ...]
    expires_utc: datetime


def parse_duration(text: str) -> timedelta:
    m = re.fullmatch(r"\s*(\d{1,4})\s*([dhm])\s*", text or "")
    if not m:
        raise ValueError(f"Expiry {text!r} is not a duration like 7d, 12h or 30m.")
    n, unit = int(m.group(1)), m.group(2)
    delta = {"d": timedelta(days=n), "h": timedelta(hours=n), "m": timedelta(minutes=n)}[unit]
    if not timedelta(0) < delta <= MAX_DURATION:
        raise ValueError(f"Expiry {text!r} must be between 1 minute and {MAX_DURATION.days} days.")
    return delta


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1", "::1"})
NEED_BASE_URL = (
    "Set PASSMAP_BASE_URL to the address partners open (for example "
    "https://passmap.district.org): share links are built from it when the app is not on "
    "this machine."
)


class ShareError(ValueError):
    """A share link cannot be made as asked; the message is for a person."""


def origin(url: str | None) -> str | None:
    """scheme://host[:port] of a URL, lower-cased; None when it has no host.

    >>> origin("HTTPS://PassMap.District.org/overview?x=1"), origin("nonsense")
    ('https://passmap.district.org', None)
    """
    parts = urlsplit((url or "").strip())
    if not parts.scheme or not parts.hostname:
        return None
    port = f":{parts.port}" if parts.port else ""
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"{parts.scheme.lower()}://{host.lower()}{port}"


def is_local(url: str | None) -> bool:
    host = urlsplit(url or "").hostname or ""
    return host.lower() in LOCAL_HOSTS or host.startswith("127.")


def base_url(configured: str | None, in_use: str | None = None) -> str:
    """The address share links start with: PASSMAP_BASE_URL when set; else the address this
    app is being used at, when that is this machine (localhost, any port). Anything else needs
    the setting: a link built from a guessed or internal address does not open for a partner.

    >>> base_url("https://pm.example.org/", "http://10.0.0.5:8501/x")
    'https://pm.example.org'
    >>> base_url(None, "http://localhost:8611/share-links")
    'http://localhost:8611'
    """
    if configured:
        found = origin(configured)
        if found is None:
            raise ShareError(
                f"PASSMAP_BASE_URL {configured!r} is not an address like https://host."
            )
        return found + urlsplit(configured).path.rstrip("/")
    if in_use and is_local(in_use) and origin(in_use):
        return origin(in_use)
    raise ShareError(NEED_BASE_URL)


def base_url_warning(configured: str | None, in_use: str | None) -> str | None:
    """A sentence for an administrator when PASSMAP_BASE_URL is not the address in use.

    >>> base_url_warning("https://pm.example.org", "https://pm.example.org/share_admin") is None
    True
    >>> "differs" in base_url_warning("https://pm.example.org", "http://localhost:8501/")
    True
    """
    if not in_use or not origin(in_use):
        return None
    if not configured:
        return None if is_local(in_use) else NEED_BASE_URL
    if origin(configured) != origin(in_use):
        return (
            f"PASSMAP_BASE_URL is {configured}, which differs from the address in use "
            f"({origin(in_use)}): share links will point at {configured}. Fix the setting if "
            "partners cannot open it."
        )
    return None


def link_url(token: str, base: str) -> str:
    """The share page's address (served without a script run, ui/share_http.py); links of the
    older form ``/?share=TOKEN`` are redirected there.

    >>> link_url("abc", "https://pm.example.org/")
    'https://pm.example.org/share/abc'
    """
    return f"{base.rstrip('/')}/share/{token}"


def create_link(
    store,
    agency: str,
    campuses: list[str],
    layers: list[str] | str,
    expires_in: timedelta,
    actor: str,
) -> tuple[str, str]:
    """Create a link; returns (link_id, token).

    The token is not stored and cannot be shown again."""
    agency = (agency or "").strip()
    if not agency:
        raise ValueError("A share link needs the agency it is for.")
    known = set(store.list_campuses()["id"])
    unknown = [c for c in campuses if c not in known]
    if not campuses or unknown:
        raise ValueError(f"Unknown campus id(s): {', '.join(unknown) or '(none given)'}.")
    names = parse_layers(layers)
    if not names:
        raise ValueError("A share link needs at least one layer.")
    token = secrets.token_urlsafe(32)
    link_id = uuid.uuid4().hex[:12]
    now = utc_now()
    store.insert_share_link(
        {
            "id": link_id,
            "token_hash": hash_token(token),
            "agency": agency,
            "campuses": list(campuses),
            "layers": names,
            "created_by": actor,
            "created_utc": now,
            "expires_utc": now + expires_in,
        },
        actor=actor,
    )
    return link_id, token


def resolve(store, token: str | None, now: datetime | None = None) -> ShareGrant | None:
    """The grant of a valid token, or None (unknown, expired or revoked: the same refusal)."""
    if not token or len(token) > 200:
        return None
    return grant_of(store.share_link_by_hash(hash_token(token)), now)


def grant_of(link: dict | None, now: datetime | None = None) -> ShareGrant | None:
    """The grant of a stored link row, or None when it is missing, revoked or expired at
    ``now`` (the one place that decides; the share routes call it on a cached row)."""
    now = now or utc_now()
    if link is None or link["revoked_utc"] is not None or link["expires_utc"] <= now:
        return None
    return ShareGrant(
        link["id"],
        link["agency"],
        tuple(link["campuses"]),
        tuple(link["layers"]),
        link["expires_utc"],
    )


def is_still_valid(store, grant: ShareGrant, now: datetime | None = None) -> bool:
    """Re-check a grant held in a session (revocation takes effect on the next rerun)."""
    link = store.get_share_link(grant.link_id)
    return (
        link is not None
        and link["revoked_utc"] is None
        and link["expires_utc"] > (now or utc_now())
    )


def record_use(
    store, grant: ShareGrant, campus_id: str | None, view: str, client: str | None = None
) -> None:
    """Every use is logged: when, which campus, which view, from where."""
    store.log_share_access(grant.link_id, campus_id, view, client)
