"""Sign-in throttling: exponential back-off per account, per client, and per account on one
client. A success resets the counters it names; failures older than the window are forgotten.

Why these keys: behind a reverse proxy every visitor has the proxy's address, so the client is
only known from the proxy's X-Forwarded-For, and only when the proxy is trusted
(PASSMAP_TRUSTED_PROXIES). With a known client, one client's guessing backs off that client on
that account (and, spread over names, that client) without locking the account for everyone
else: the account-wide back-off starts only after many more failures (guessing from many
addresses). Without a known client, the account backs off on its own failures (an attacker can
then slow one account; the proxy setting is the cure).

Failed user names are keyed by a keyed hash (HMAC-SHA-256 with a key kept in a file next to the
database, not in it): a password typed into the user-name field is never stored readable, and
a copy of the database alone does not let anyone test guesses against the stored keys. Losing
the key file only forgets the throttle history.

>>> b = Backoff(free=5, base_s=15, cap_s=900)
>>> [b.delay_s(n) for n in (4, 5, 6, 7, 20)]
[0.0, 15.0, 30.0, 60.0, 900.0]
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

WINDOW = timedelta(hours=24)  # failures older than this are forgotten


@dataclass(frozen=True)
class Backoff:
    """After ``free`` failures in a row, wait base_s, then twice as long each time, up to cap_s."""

    free: int
    base_s: float = 15.0
    cap_s: float = 900.0

    def delay_s(self, failures: int) -> float:
        if failures < self.free:
            return 0.0
        return float(min(self.base_s * 2 ** (failures - self.free), self.cap_s))


@dataclass(frozen=True)
class Limits:
    account: Backoff = Backoff(free=5)  # no client known: the account's own failures
    pair: Backoff = Backoff(free=5)  # one client on one account
    client: Backoff = Backoff(free=15)  # one client over every name (password spraying)
    account_wide: Backoff = Backoff(free=30)  # one account from many clients (with a client)
    window: timedelta = WINDOW


DEFAULT_LIMITS = Limits()


def key_file(db_path: str | Path) -> Path:
    return Path(f"{db_path}.throttle-key")


def load_key(db_path: str | Path | None) -> bytes:
    """The throttle key of a database (created 0600 on first use); an in-memory database gets a
    per-process key."""
    if db_path is None or str(db_path) == ":memory:":
        return _PROCESS_KEY
    path = key_file(db_path)
    try:
        return bytes.fromhex(path.read_text(encoding="ascii").strip())
    except (FileNotFoundError, ValueError):
        pass
    key = secrets.token_bytes(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key.hex())
    return key


_PROCESS_KEY = secrets.token_bytes(32)


def name_key(key: bytes, username: str) -> str:
    """The stored stand-in for a typed user name (case and spaces ignored).

    >>> name_key(b"k", " Alice ") == name_key(b"k", "alice") != name_key(b"k2", "alice")
    True
    """
    norm = (username or "").strip().lower()[:200]
    return "h:" + hmac.new(key, norm.encode("utf-8"), hashlib.sha256).hexdigest()[:40]


def parse_proxies(text: str | None) -> tuple:
    """PASSMAP_TRUSTED_PROXIES: comma-separated addresses or networks of the reverse proxies.

    >>> [str(n) for n in parse_proxies("127.0.0.1, 10.0.0.0/8")]
    ['127.0.0.1/32', '10.0.0.0/8']
    """
    import ipaddress

    out = []
    for item in (text or "").split(","):
        item = item.strip()
        if item:
            try:
                out.append(ipaddress.ip_network(item, strict=False))
            except ValueError:
                raise ValueError(
                    f"PASSMAP_TRUSTED_PROXIES: {item!r} is not an IP address or network."
                ) from None
    return tuple(out)


def is_trusted(address: str | None, proxies: tuple) -> bool:
    import ipaddress

    try:
        ip = ipaddress.ip_address((address or "").strip().strip("[]"))
    except ValueError:
        return False
    return any(ip in net for net in proxies)


def client_address(forwarded_for: str | None, proxies: tuple) -> str | None:
    """The client behind trusted proxies: the right-most X-Forwarded-For address that is not a
    trusted proxy (each proxy appends the address it saw). None without trusted proxies or
    without the header: then throttling is per account only.

    >>> p = parse_proxies("127.0.0.1")
    >>> client_address("198.51.100.7, 127.0.0.1", p), client_address("1.2.3.4", ())
    ('198.51.100.7', None)
    """
    if not proxies or not forwarded_for:
        return None
    for hop in reversed([h.strip() for h in forwarded_for.split(",") if h.strip()]):
        if not is_trusted(hop, proxies):
            return hop[:64]
    return None


def request_client(peer: str | None, forwarded_for: str | None, proxies: tuple) -> str | None:
    """The address a plain HTTP request came from, as the share access log records it: the peer
    itself, unless the peer is a trusted reverse proxy (PASSMAP_TRUSTED_PROXIES), then the client
    it forwarded for (None when it named none). A header from a peer that is not a trusted proxy
    is never believed: anyone can send one.

    >>> p = parse_proxies("127.0.0.1")
    >>> request_client("127.0.0.1", "198.51.100.7", p), request_client("127.0.0.1", None, p)
    ('198.51.100.7', None)
    >>> request_client("203.0.113.9", "198.51.100.7", p)  # not a proxy: its header is ignored
    '203.0.113.9'
    >>> request_client("127.0.0.1", "10.0.0.1", ())  # no proxies configured
    '127.0.0.1'
    """
    if is_trusted(peer, proxies):
        return client_address(forwarded_for, proxies)
    return (peer or "")[:64] or None
