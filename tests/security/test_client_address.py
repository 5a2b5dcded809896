"""Whose address a failed sign-in is throttled under, through the real server and a browser
whose every request (the websocket's too) carries an X-Forwarded-For header.

With reverse proxies configured (PASSMAP_TRUSTED_PROXIES), the header counts only when the
connection comes from one of them: a visitor who reaches the port directly, past the proxy,
could otherwise name a new address on every guess and never be backed off, or name a
colleague's address and lock them out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from passmap.store import Store

SPOOFED = "198.51.100.7"


def _failed_sign_in(page, url: str) -> None:
    page.context.set_extra_http_headers({"X-Forwarded-For": SPOOFED})
    page.goto(url + "/")
    page.get_by_role("textbox", name="User name").fill("demo-admin", timeout=60_000)
    page.get_by_role("textbox", name="Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Wrong user name or password").wait_for(timeout=60_000)


def _failures(db, client: str) -> int:
    since = datetime.now(UTC).replace(tzinfo=None) - timedelta(hours=1)
    with Store(db, read_only=True) as store:
        return store.failures_since_success(None, client, since)[0]


@pytest.mark.browser
@pytest.mark.parametrize(
    ("proxies", "recorded", "not_recorded"),
    [
        ("10.9.9.9", "127.0.0.1", SPOOFED),  # we are not the proxy: our own address
        ("127.0.0.1", SPOOFED, "127.0.0.1"),  # we are the proxy: the address we forward for
    ],
    ids=["direct-past-the-proxy", "through-the-proxy"],
)
def test_a_forwarded_address_counts_only_from_a_trusted_proxy(
    demo_db, app_server, browser_page, proxies, recorded, not_recorded
):
    server = app_server(demo_db, PASSMAP_TRUSTED_PROXIES=proxies)
    _failed_sign_in(browser_page, server.url)
    server.stop()
    assert _failures(demo_db, recorded) == 1
    assert _failures(demo_db, not_recorded) == 0
