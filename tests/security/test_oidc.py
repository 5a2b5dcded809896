"""Single sign-on for real: Streamlit's st.login against a local OpenID Connect provider
(oidc-provider-mock's Flask app, served here on 127.0.0.1). The identity's e-mail claim maps to
a local account, whose role and campus scope apply; an identity without an enabled account, or
whose provider says its e-mail is unverified, is refused; Sign out ends the PassMap session and
the identity (a reload does not sign in again).

Why the first attempt "never showed the scoped campus": Streamlit 1.67 draws a selectbox as a
combobox whose choice is the value of an <input>, not text, so get_by_text never found it; the
scope was right. The campus is read here from that input and from what the server sent.
"""

from __future__ import annotations

import threading

import pytest

from passmap import auth
from tests.conftest import start_streamlit

pytestmark = pytest.mark.browser
TIMEOUT_MS = 90_000
EMAIL = "sso.viewer@district.example"
PROVIDER_CSS = "cdn.jsdelivr.net"  # the provider's own form pages ask for a stylesheet: refused


@pytest.fixture
def provider():
    """The provider on a loopback port: two predefined identities (one click on its form) that
    claim the same e-mail, one verified and one not."""
    from socketserver import ThreadingMixIn
    from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

    from oidc_provider_mock import User, app

    class Threaded(ThreadingMixIn, WSGIServer):
        daemon_threads = True

    class Quiet(WSGIRequestHandler):
        def log_message(self, *args):
            pass

    users = [
        User(sub="sso-viewer", claims={"email": EMAIL, "email_verified": True}),
        User(sub="unverified", claims={"email": EMAIL, "email_verified": False}),
    ]
    server = make_server(
        "127.0.0.1", 0, app(user_claims=users), server_class=Threaded, handler_class=Quiet
    )
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1})
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join()


@pytest.fixture
def sso(tiny_db, tmp_path, provider):
    from passmap.store import Store

    with Store(tiny_db) as store:  # before the server holds the file
        auth.create_user(
            store, EMAIL, "a long enough passphrase 7!", "viewer", actor="test", campus_scope=["c2"]
        )
    secrets = tmp_path / "secrets.toml"
    server = start_streamlit(tiny_db, tmp_path, STREAMLIT_SECRETS_FILES=str(secrets))
    secrets.write_text(  # read at the first use (st.secrets), after the port is known
        "[auth]\n"
        f'redirect_uri = "{server.url}/oauth2callback"\n'
        'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
        'client_id = "passmap"\n'
        'client_secret = "passmap-secret"\n'
        f'server_metadata_url = "{provider}/.well-known/openid-configuration"\n',
        encoding="utf-8",
    )
    yield server
    server.stop()


def _page(browser):
    """A page whose requests stay on loopback (the provider's CDN stylesheet is refused) and
    which keeps every websocket frame the app sends."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    refused: list[str] = []

    def only_loopback(route):
        if route.request.url.split("/")[2].split(":")[0] == "127.0.0.1":
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.refused, page.frames_in = refused, []
    page.on(
        "websocket",
        lambda ws: ws.on(
            "framereceived",
            lambda p: page.frames_in.append(p if isinstance(p, bytes) else p.encode()),
        ),
    )
    return page


def _sign_in_with(page, url: str, who: str) -> None:
    """Through the app's button and the provider's form: a predefined identity's button, or a
    typed subject (the provider then claims that subject as the e-mail)."""
    page.goto(url + "/")
    page.get_by_role("button", name="Sign in with single sign-on").click(timeout=TIMEOUT_MS)
    if who in ("sso-viewer", "unverified"):
        page.get_by_role("button", name=who, exact=True).click(timeout=TIMEOUT_MS)
    else:
        page.locator("input[name=sub]").fill(who, timeout=TIMEOUT_MS)
        page.get_by_role("button", name="Authorize").click()


def test_single_sign_on_maps_to_the_account_refuses_others_and_signs_out(sso, browser):
    page = _page(browser)
    _sign_in_with(page, sso.url, "sso-viewer")
    page.get_by_text(f"Signed in: {EMAIL} (viewer)").wait_for(timeout=TIMEOUT_MS)
    campus = page.locator("[data-testid='stSidebar']").get_by_role("combobox", name="Campus")
    assert campus.input_value(timeout=TIMEOUT_MS) == "Other Elementary"  # scope: c2 only
    sent = b"".join(page.frames_in)
    assert b"Other Elementary" in sent and b"Tiny High School" not in sent  # c1 never sent
    nav = page.locator("[data-testid='stSidebarNav']")
    assert nav.get_by_role("link", name="Live status").count() == 1  # a viewer's pages...
    assert nav.get_by_role("link", name="Import").count() == 0  # ...and no editor's
    assert any(c["name"] == auth.SESSION_COOKIE for c in page.context.cookies())

    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="End session").click(timeout=TIMEOUT_MS)  # the provider's
    page.get_by_role("button", name="Sign in with single sign-on").wait_for(timeout=TIMEOUT_MS)
    page.reload()  # neither the identity nor the PassMap cookie signs in again
    page.get_by_role("button", name="Sign in with single sign-on").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Signed in:").count() == 0

    others = []
    for who, notice in (
        ("unverified", f"The sign-on provider has not verified {EMAIL}"),
        ("stranger@elsewhere.example", "No enabled PassMap account for stranger@elsewhere"),
    ):
        other = _page(browser)
        _sign_in_with(other, sso.url, who)
        other.get_by_text(notice).wait_for(timeout=TIMEOUT_MS)
        assert other.get_by_text("Signed in:").count() == 0
        assert b"Other Elementary" not in b"".join(other.frames_in)
        others.append(other)
    for p in (page, *others):
        assert all(PROVIDER_CSS in u for u in p.refused), p.refused  # nothing else left
        p.context.close()

    from passmap.store import Store

    sso.stop()  # the database is free again
    with Store(sso.db_path, read_only=True) as store:
        assert store.get_user("stranger@elsewhere.example") is None
