"""One-time secrets held in the server's memory, never written anywhere.

- Cookie tickets: a script run cannot send Set-Cookie (Streamlit talks over a websocket), so it
  issues a ticket naming the cookie to set; the browser POSTs the ticket to the app's cookie
  route (ui/http_guard.py), whose answer sets the cookie HttpOnly. A ticket works once, for a
  minute, and only for the cookie it names.
- The setup token: while no account exists, the server prints a token to its own console at
  start (server.py); whoever can read the console can create the first administrator in the
  sign-in page with it. It is never decided from a client's address, and stops working once any
  account exists or the server stops.

>>> t = issue_cookie_ticket("c", "v")
>>> redeem_cookie_ticket(t).value, redeem_cookie_ticket(t)
('v', None)
"""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from dataclasses import dataclass

TICKET_TTL_S = 60.0
MAX_TICKETS = 10_000  # bounds memory if tickets are issued and never redeemed

_LOCK = threading.Lock()
_TICKETS: dict[str, tuple[float, CookieTicket]] = {}
_SETUP: dict[str, str] = {}


@dataclass(frozen=True)
class CookieTicket:
    name: str
    value: str  # "" clears the cookie


def issue_cookie_ticket(name: str, value: str) -> str:
    """A one-time ticket that sets cookie ``name`` to ``value`` ("" clears it)."""
    ticket = secrets.token_urlsafe(24)
    now = time.monotonic()
    with _LOCK:
        for key in [k for k, (t, _) in _TICKETS.items() if now - t > TICKET_TTL_S]:
            del _TICKETS[key]
        if len(_TICKETS) >= MAX_TICKETS:
            _TICKETS.pop(next(iter(_TICKETS)))
        _TICKETS[ticket] = (now, CookieTicket(name, value))
    return ticket


def redeem_cookie_ticket(ticket: str | None) -> CookieTicket | None:
    """The cookie a fresh, unused ticket stands for (it is used up), else None."""
    if not ticket or len(ticket) > 100:
        return None
    with _LOCK:
        held = _TICKETS.pop(ticket, None)
    if held is None or time.monotonic() - held[0] > TICKET_TTL_S:
        return None
    return held[1]


def setup_token(db_key: str) -> str:
    """The setup token of a database for this server process (made on first call)."""
    with _LOCK:
        return _SETUP.setdefault(db_key, secrets.token_urlsafe(18))


def setup_token_matches(db_key: str, typed: str | None) -> bool:
    with _LOCK:
        token = _SETUP.get(db_key)
    return bool(token and typed) and hmac.compare_digest(token, typed.strip())


def forget_setup_token(db_key: str) -> None:
    with _LOCK:
        _SETUP.pop(db_key, None)
