"""The gate, crawled through the real server (issue 12, "Done when"): a fresh server, a new
visitor on every path a person could type, before and after a first sign-in elsewhere, finds
only the sign-in form; no protected text reaches the browser; the database does not change."""

from __future__ import annotations

import shutil

import pytest

from passmap import share
from tests.conftest import start_streamlit
from tests.helpers import browser_login
from tests.security.crawl import (
    SIGN_IN_TITLE,
    crawl,
    db_checksum,
    stable_checksum,
    typed_paths,
    wait_idle,
)
from tests.security.tiny_site import SCRIPT, XSS

pytestmark = pytest.mark.browser

# What a visitor who has not signed in must never receive: the site's names (rooms, devices,
# campuses), and the headings of every page.
PAGE_HEADINGS = (
    "District overview",
    "Gaps and roadmap",
    "Live status",
    "Import plans",
    "Board presentation",
    "Responder map",
    "Share links",
    "Add an account",
    "Device health",
    "Choose a campus",
)


def protected_strings(store) -> list[str]:
    names = [*store.list_campuses()["name"], *store.list_buildings()["name"]]
    names += [n for n in store.list_zones()["name"] if n]
    names += [n for n in store.list_controls()["name"] if n]
    return sorted({str(n) for n in names if n and n not in (XSS, SCRIPT)} | set(PAGE_HEADINGS))


@pytest.fixture(scope="module")
def fresh_server(tiny_db_shared, tmp_path_factory):
    from passmap.store import Store

    tmp = tmp_path_factory.mktemp("crawl")
    db = tmp / "tiny.duckdb"
    shutil.copy(tiny_db_shared, db)
    with Store(db, read_only=True) as store:
        secret = protected_strings(store)
    server = start_streamlit(db, tmp)
    yield server, secret
    server.stop()


def _assert_only_sign_in(visits, secret):
    """The sign-in form (a share link that is not valid: the plain refusal), nothing else."""
    for visit in visits:
        sent = visit.sent
        gate = share.REFUSAL if "share=" in visit.url else SIGN_IN_TITLE
        if "share=" in visit.url and not visit.url.endswith("share="):
            # redirected to /share/TOKEN: the refusal as a plain page, no script run
            assert visit.plain and not visit.frames, visit.url
        assert gate.encode() in sent, f"{visit.url}: no sign-in form"
        assert set(visit.nav_pages()) <= {"Sign in", "PassMap"}, (visit.url, visit.nav_pages())
        leaked = [s for s in secret if s.encode() in sent or s in visit.body]
        assert not leaked, f"{visit.url} leaked {leaked[:5]}"


def test_a_new_visitor_gets_only_the_sign_in_form_on_every_path(fresh_server, browser):
    server, secret = fresh_server
    paths = typed_paths()
    assert len(paths) > 30 and "/board" in paths and "/import" in paths
    before = db_checksum(server.db_path)
    _assert_only_sign_in(crawl(browser, server.url, paths), secret)
    assert db_checksum(server.db_path) == before

    # a first sign-in elsewhere (it flips Streamlit's process-wide page mode in the old code)
    context = browser.new_context()
    page = context.new_page()
    browser_login(page, server.url, role="admin")
    page.get_by_text("District overview").first.wait_for(timeout=60_000)  # presence: page ran
    wait_idle(page)
    context.close()

    before = stable_checksum(server.db_path)
    _assert_only_sign_in(crawl(browser, server.url, paths), secret)
    assert db_checksum(server.db_path) == before
