"""The gate, crawled through the real server (issue 12, "Done when"): a fresh server, a new
visitor on every path a person could type, before and after a first sign-in elsewhere, finds
only the sign-in form; no protected text reaches the browser; the database does not change.
A share link opens only its own page, with no way into the app; a link made in the app opens
at the address in use."""

from __future__ import annotations

import contextlib
import json
import shutil
import time
from datetime import UTC, datetime, timedelta

import pytest

from passmap import share
from tests.conftest import start_streamlit
from tests.helpers import browser_login
from tests.security.crawl import (
    ACTIONS,
    APP_PAGES,
    PAGE_MARKERS,
    SIGN_IN_TITLE,
    crawl_typed,
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


def _raise_duress_alarm(store) -> None:
    """An open duress alarm on c1, through the real feed path (a device attached, one status)."""
    from passmap.feeds.runner import FeedRunner

    store.attach_device("ext-duress-1", "duress-1", "test")
    runner = FeedRunner(store)
    when = datetime.now(UTC) - timedelta(seconds=5)
    runner.submit(
        "passmap/status/ext-duress-1",
        json.dumps(
            {
                "device_id": "ext-duress-1",
                "aspect": "panic",
                "state": "triggered",
                "observed_utc": when.isoformat(),
            }
        ),
        received_ts=time.time() - 5,
    )
    assert runner.flush()["new_events"] == 1
    assert len(store.open_alarms(["c1"])) == 1


@contextlib.contextmanager
def alarmed_site(tiny_db_shared, tmp):
    """A copy of the tiny site at tmp/tiny.duckdb with an open duress alarm on c1 and a share
    link of c1 (grid, buildings, doors): yields (db path, its open store, the link's token)."""
    from passmap.store import Store

    db = tmp / "tiny.duckdb"
    shutil.copy(tiny_db_shared, db)
    with Store(db) as store:
        _raise_duress_alarm(store)
        _, token = share.create_link(
            store, "County Sheriff", ["c1"], ["grid", "buildings", "doors"], timedelta(days=1), "t"
        )
        yield db, store, token


def _serve_site(tiny_db_shared, tmp):
    """A server on a copy of the tiny site with one open alarm and one share link (both written
    before the server starts): (server, the protected strings)."""
    with alarmed_site(tiny_db_shared, tmp) as (db, store, token):
        secret = protected_strings(store)
    server = start_streamlit(db, tmp, PASSMAP_BASE_URL="")  # links from the address in use
    server.share_token = token
    return server, secret


@pytest.fixture
def fresh_server(tiny_db_shared, tmp_path):
    """A server of its own that no one has signed in to yet (whatever ran before this test)."""
    server, secret = _serve_site(tiny_db_shared, tmp_path)
    yield server, secret
    server.stop()


@pytest.fixture(scope="module")
def site_server(tiny_db_shared, tmp_path_factory):
    """One server for the role and share crawls of this module."""
    server, secret = _serve_site(tiny_db_shared, tmp_path_factory.mktemp("crawl"))
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
    _assert_only_sign_in(crawl_typed(browser, server.url, paths), secret)
    assert db_checksum(server.db_path) == before

    # a first sign-in elsewhere (it flips Streamlit's process-wide page mode in the old code)
    context = browser.new_context()
    page = context.new_page()
    browser_login(page, server.url, role="admin")
    page.get_by_text("District overview").first.wait_for(timeout=60_000)  # presence: page ran
    wait_idle(page)
    context.close()

    before = stable_checksum(server.db_path)
    _assert_only_sign_in(crawl_typed(browser, server.url, paths), secret)
    assert db_checksum(server.db_path) == before


def test_a_share_link_opens_only_its_page_and_no_way_into_the_app(site_server, browser):
    server, secret = site_server
    token = server.share_token
    paths = ["/", *(f"/{url_path}" for _, _, url_path in APP_PAGES)]
    visits = crawl_typed(browser, server.url, [f"{p}?share={token}" for p in paths])
    other_campus = "Other Elementary"  # c2: not on the link
    for visit in visits:
        assert visit.plain and not visit.frames, visit.url  # the static share page, no script
        assert b"Tiny High School" in visit.http_body, visit.url  # the link's campus
        assert other_campus.encode() not in visit.http_body, visit.url
        for stem, marker in PAGE_MARKERS.items():  # no staff page (its own has a verification)
            if stem != "responder":
                assert marker.encode() not in visit.http_body, (visit.url, marker)
        for _, _, label, _ in ACTIONS:  # the role x page x action matrix: a link acts on nothing
            assert f">{label}<".encode() not in visit.http_body, (visit.url, label)
    # the share page hands out nothing that opens the app: the next typed path is the gate
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(f"{server.url}/share/{token}", wait_until="load")
    assert response.status == 200 and b"Tiny High School" in response.body()
    assert context.cookies() == []
    context.close()
    _assert_only_sign_in(crawl_typed(browser, server.url, paths), secret)


def test_a_share_link_made_in_the_app_opens_at_the_address_in_use(site_server, browser):
    """The finding: links printed http://localhost:8501/?share= whatever the port. On a server
    at a random loopback port without PASSMAP_BASE_URL, the link an administrator creates starts
    with that address and opens the campus's share page; no base-URL warning on localhost."""
    server, _ = site_server
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    browser_login(page, server.url, role="admin")
    page.goto(server.url + "/share_admin")
    form = page.locator("[data-testid='stForm']")
    form.get_by_role("textbox", name="Agency").fill("Fire District 3", timeout=120_000)
    form.locator("[data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Tiny High School").click()
    page.keyboard.press("Escape")
    form.get_by_role("button", name="Create link").click()
    code = page.locator("[data-testid='stCode']").first
    code.wait_for(timeout=120_000)
    link = code.inner_text().strip()
    assert link.startswith(f"{server.url}/share/"), link
    assert page.get_by_text("differs from the address in use").count() == 0
    response = page.goto(link, wait_until="load")
    assert response.status == 200 and b"Tiny High School" in response.body()
    context.close()
