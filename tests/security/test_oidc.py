"""Single sign-on for real: Streamlit's st.login against a local OpenID Connect provider
(oidc-provider-mock, started here on loopback). The identity's e-mail claim maps to a local
account, whose role and campus scope apply; an identity without an enabled account is refused;
Sign out ends both the PassMap session and the provider's identity."""

from __future__ import annotations

import pytest

from passmap import auth
from tests.conftest import start_streamlit

pytestmark = pytest.mark.browser
TIMEOUT_MS = 120_000
MOCK_CSS = "cdn.jsdelivr.net"  # the provider's own form page asks for a stylesheet: refused


@pytest.fixture
def sso(tiny_db, tmp_path):
    from oidc_provider_mock import run_server_in_thread

    from passmap.store import Store

    with Store(tiny_db) as store:  # before the server holds the file
        auth.create_user(
            store,
            "sso.viewer@district.example",
            "a long enough passphrase",
            "viewer",
            actor="test",
            campus_scope=["c2"],
        )
    secrets = tmp_path / "secrets.toml"
    with run_server_in_thread() as provider:
        server = start_streamlit(tiny_db, tmp_path, STREAMLIT_SECRETS_FILES=str(secrets))
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "{server.url}/oauth2callback"\n'
            'cookie_secret = "a-test-cookie-secret-of-enough-length"\n'
            'client_id = "passmap"\n'
            'client_secret = "passmap-secret"\n'
            f'server_metadata_url = "http://localhost:{provider.server_port}'
            '/.well-known/openid-configuration"\n',
            encoding="utf-8",
        )
        yield server
        server.stop()


def _page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    refused: list[str] = []

    def only_loopback(route):
        host = route.request.url.split("/")[2].split(":")[0]
        if host in ("127.0.0.1", "localhost"):
            return route.continue_()
        refused.append(route.request.url)
        return route.abort()

    context.route("**/*", only_loopback)
    page = context.new_page()
    page.refused = refused
    return page


def _sign_in_with(page, url: str, email: str) -> None:
    page.goto(url + "/")
    page.get_by_role("button", name="Sign in with single sign-on").click(timeout=TIMEOUT_MS)
    page.locator("input[name=sub]").fill(email, timeout=TIMEOUT_MS)
    page.get_by_role("button", name="Authorize").click()


def test_single_sign_on_maps_to_the_account_refuses_strangers_and_signs_out(sso, browser):
    page = _page(browser)
    _sign_in_with(page, sso.url, "sso.viewer@district.example")
    page.get_by_text("Signed in: sso.viewer@district.example (viewer)").wait_for(timeout=TIMEOUT_MS)
    sidebar = page.locator("[data-testid='stSidebar']")
    sidebar.get_by_text("Other Elementary").first.wait_for(timeout=TIMEOUT_MS)  # scope: c2
    assert "Tiny High School" not in sidebar.inner_text()
    assert sidebar.get_by_role("link", name="Import").count() == 0  # a viewer's pages only
    page.get_by_role("button", name="Sign out").click()
    page.get_by_role("button", name="Sign in with single sign-on").wait_for(timeout=TIMEOUT_MS)
    page.goto(sso.url + "/")  # a reload does not sign in again by itself
    page.get_by_role("button", name="Sign in with single sign-on").wait_for(timeout=TIMEOUT_MS)
    assert page.get_by_text("Signed in:").count() == 0

    stranger = _page(browser)
    _sign_in_with(stranger, sso.url, "stranger@elsewhere.example")
    stranger.get_by_text("No enabled PassMap account for stranger@elsewhere.example").wait_for(
        timeout=TIMEOUT_MS
    )
    assert stranger.get_by_text("Signed in:").count() == 0
    assert _store_users_unchanged(sso)
    for p in (page, stranger):
        assert all(MOCK_CSS in u for u in p.refused), p.refused  # nothing else left loopback
        p.context.close()


def _store_users_unchanged(server) -> bool:
    from passmap.store import Store

    server.stop()  # the database is free again
    with Store(server.db_path, read_only=True) as store:
        return store.get_user("stranger@elsewhere.example") is None
