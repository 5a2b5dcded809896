"""ui/http_guard.py through the real server: security headers, closed endpoints, uploads,
/media downloads and the maps' layers only with a valid session cookie (never after
sign-out), a share link's downloads refused once it is revoked, the HttpOnly cookie route;
and its websocket filter (clear_cache) on a real Starlette app."""

from __future__ import annotations

import shutil
import urllib.request
from datetime import timedelta
from urllib.error import HTTPError

import pytest

from passmap import auth, share
from tests.conftest import start_streamlit
from tests.helpers import browser_login, wait_until
from ui.maplayers import LAYER_ROUTE

pytestmark = pytest.mark.browser
TIMEOUT_MS = 120_000


@pytest.fixture(scope="module")
def guarded(tiny_db_shared, tmp_path_factory):
    from passmap.store import Store

    tmp = tmp_path_factory.mktemp("guard")
    db = tmp / "tiny.duckdb"
    shutil.copy(tiny_db_shared, db)
    with Store(db) as store:  # before the server holds the file (one DuckDB writer)
        link = share.create_link(store, "County Sheriff", ["c1"], ["doors"], timedelta(days=1), "t")
    server = start_streamlit(db, tmp, PASSMAP_BASE_URL="http://localhost:8501")
    server.link = link
    yield server
    server.stop()


def fetch(url: str, method: str = "GET", cookie: str | None = None, data: bytes | None = None):
    """(status, headers, body) of one request, whatever the status."""
    req = urllib.request.Request(url, method=method, data=data)
    if cookie:
        req.add_header("Cookie", cookie)
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.headers, resp.read()
    except HTTPError as exc:
        return exc.code, exc.headers, exc.read()


def test_every_response_carries_the_security_headers(guarded):
    status, headers, _ = fetch(guarded.url + "/")
    assert status == 200
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "connect-src 'self'" in csp
    assert "default-src 'self'" in csp and "object-src 'none'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["Referrer-Policy"] == "no-referrer"
    _, headers, _ = fetch(guarded.url + "/component/ui.deckmap.deckmap/index.html")
    assert headers["X-Frame-Options"] == "SAMEORIGIN"  # the app frames its own components
    assert "frame-ancestors 'self'" in headers["Content-Security-Policy"]


def test_metrics_and_agent_endpoints_are_closed_health_stays_open(guarded):
    assert fetch(guarded.url + "/_stcore/health")[0] == 200
    for path in ("/_stcore/metrics", "/_stcore/agent/openapi.json", "/_stcore/agent/mcp"):
        assert fetch(guarded.url + path)[0] == 404, path


def _cookie_of(browser_context, name: str) -> dict | None:
    return next((c for c in browser_context.cookies() if c["name"] == name), None)


def _wait_cookie(page, name: str) -> dict:
    # the cookie is set by that run's component (a POST to the server)
    return wait_until(
        lambda: _cookie_of(page.context, name), 60, 0.2, what=f"a {name} cookie", page=page
    )


def test_uploads_need_an_editor_session_cookie(guarded, browser):
    url = guarded.url + "/_stcore/upload_file/some-session/some-file"
    status, _, body = fetch(url, "PUT", data=b"x" * 1000)
    assert (status, body) == (403, b"Sign in as an editor to upload.")
    cookies = {}
    for role in ("viewer", "editor"):
        context = browser.new_context()
        page = context.new_page()
        browser_login(page, guarded.url, role=role)
        cookie = _wait_cookie(page, auth.SESSION_COOKIE)
        assert cookie["httpOnly"] and cookie["sameSite"] == "Strict"  # set by the server
        assert page.evaluate("document.cookie").find(auth.SESSION_COOKIE) < 0  # no script sees it
        cookies[role] = f"{auth.SESSION_COOKIE}={cookie['value']}"
        context.close()
    status, _, body = fetch(url, "PUT", cookies["viewer"], data=b"x")
    assert (status, body) == (403, b"Sign in as an editor to upload.")
    status, _, body = fetch(url, "PUT", cookies["editor"], data=b"x")
    assert body != b"Sign in as an editor to upload."  # let through to Streamlit (bad ids)


def _download_url(page, label: str) -> str:
    link = page.get_by_role("button", name=label).first
    link.wait_for(timeout=TIMEOUT_MS)
    with page.expect_download(timeout=TIMEOUT_MS) as info:
        link.click()
    return info.value.url


def test_downloads_need_a_valid_cookie_and_stop_after_sign_out(guarded, browser_page):
    page = browser_page
    browser_login(page, guarded.url, role="viewer")
    cookie = _wait_cookie(page, auth.SESSION_COOKIE)
    page.get_by_role("link", name="Responder map").click()
    url = _download_url(page, "Download GeoJSON (with grid)")
    assert "/media/" in url
    jar = f"{auth.SESSION_COOKIE}={cookie['value']}"
    status, _, body = fetch(url, cookie=jar)
    assert status == 200 and b"FeatureCollection" in body
    assert fetch(url)[0] == 403  # the same URL without the cookie
    # the maps' large layers (ui/maplayers.py): by a reference this server handed out, signed in
    layers = guarded.url + LAYER_ROUTE + "?r=@" + "0" * 32
    assert fetch(layers)[0] == 403
    assert fetch(layers, cookie=jar)[0] == 404  # let through; never handed out: nothing
    assert fetch(guarded.url + LAYER_ROUTE + "?r=../app.py", cookie=jar)[0] == 400
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in").wait_for(timeout=TIMEOUT_MS)
    assert fetch(url, cookie=jar)[0] == 403  # the old cookie after sign-out
    assert fetch(layers, cookie=jar)[0] == 403


def test_share_downloads_stop_when_the_link_is_revoked(guarded, browser, browser_page):
    """A partner's export (h18's /share/<token>/download/...) answers while the link is valid
    (logged: tests/share/test_http.py), and the same address is refused once an administrator
    revokes the link in the app, with the server (and its cached bundle) still running. The
    administrator's Share links page warns that PASSMAP_BASE_URL is not the address in use."""
    _, token = guarded.link
    page = browser_page
    page.goto(f"{guarded.url}/?share={token}")  # an old-form link: redirected to /share/<token>
    page.wait_for_url(f"**/share/{token}", timeout=TIMEOUT_MS)
    first = page.locator("#downloads a").first
    first.wait_for(timeout=TIMEOUT_MS)
    url = guarded.url + first.get_attribute("href")
    assert f"/share/{token}/download/c1." in url
    status, headers, body = fetch(url)
    assert status == 200 and body and "attachment" in headers["Content-Disposition"]
    assert "script-src 'self';" in headers["Content-Security-Policy"]  # h18's own, kept
    assert fetch(guarded.url + "/share/" + token)[0] == 200
    admin = browser.new_context().new_page()  # an administrator revokes it in the app
    browser_login(admin, guarded.url, role="admin")
    admin.get_by_role("link", name="Share links").click()
    # this server's PASSMAP_BASE_URL (localhost:8501) is not the address in use: said so
    admin.get_by_text("differs from the address in use").wait_for(timeout=TIMEOUT_MS)
    admin.get_by_role("button", name="Revoke now").click()
    # the rerun after the revocation (committed first) no longer offers the button
    admin.get_by_role("button", name="Revoke now").wait_for(state="detached", timeout=TIMEOUT_MS)
    status, _, body = fetch(url)
    assert status == 403 and share.REFUSAL.encode() in body
    assert fetch(guarded.url + "/share/" + token)[0] == 403
    admin.context.close()


def test_the_browser_gets_streamlits_bundle_with_the_fragment_run_fix(guarded):
    """ui/frontend_fix.py: the page's script bundle is Streamlit's own, but for the one
    expression that let a fragment's run wipe the page (tests/live/test_browser_banner.py shows
    the blank page it caused); an upgrade that moves the expression fails here."""
    from ui.frontend_fix import BUNDLE, PATCHES, bundle_path

    original = bundle_path().read_text(encoding="utf-8")
    status, headers, body = fetch(f"{guarded.url}/{BUNDLE}")
    assert status == 200 and "immutable" in headers["Cache-Control"]
    served = body.decode("utf-8")
    for old, new in PATCHES:
        assert original.count(old) == 1 and old not in served and served.count(new) == 1
    expected = original
    for old, new in PATCHES:
        expected = expected.replace(old, new)
    assert served == expected  # nothing else changed
    # the page loads that bundle (a Streamlit upgrade renames it: then this fails, not the fix)
    _, _, page = fetch(guarded.url + "/")
    assert BUNDLE.split("/")[-1].encode() in page
    status, _, head = fetch(f"{guarded.url}/{BUNDLE}", method="HEAD")
    assert status == 200 and head == b""
