"""The role x page x action matrix through the real server (issue 12, "Done when"): for each
role (admin, editor, viewer, board, partner, and a campus-scoped viewer) and for a share link,
what reaches the browser, against the core policy (passmap.access).

Each person signs in through the sign-in form in a browser context of their own, as a user does
(the server sets the HttpOnly session cookie; the context's next tabs carry it). Then:
- the navigation of the first page offers exactly the role's pages;
- each page of the role that holds an action of ACTIONS, typed as its address (a navigation of
  its own: a new document, websocket and session, in one of the person's tabs), runs
  (its marker is sent) and sends exactly the action widgets the role holds (presence AND
  absence, decoded from the websocket frames: a widget that was sent counts, even one inside a
  collapsed expander);
- each page the role may not open, typed as its file stem with a deep link (the way the first
  finding got in), and for the viewer also as its url_path, runs nothing of that page and sends
  no action the role lacks: a viewer cannot resolve an alarm, import or edit by any path;
- an account limited to some campuses never receives another campus's names, with ``?campus=``
  of that campus typed on every page it may open;
- an upload (the import's only way in for a file) is refused by the server to a role that may
  not edit, with that person's own cookie;
- a share link, on every page address, is its campus's static page (no script, no staff page,
  no other campus, no action) and hands out no cookie (tests/security/test_crawl_gate.py);
- the administrator's Resolve and Create link work through the same server; and the database
  afterwards equals the one before, table by table, except sign-in bookkeeping (login_attempt,
  login_session, app_user.last_login_utc), the share-link access log (share_access) and what the
  administrator's two acts wrote (the alarm, the new share link, their audit rows and the
  data_change rows); every audit row added is a sign-in, or one of those two acts.

One server for the module, one test (the database is compared once every person is done); no
fixed sleeps: each visit waits for its own finished script run. Custom components (the maps)
are not loaded into the browser: what the server sent is what counts.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from passmap import access, auth
from tests.conftest import start_streamlit
from tests.helpers import browser_login, wait_until
from tests.security.crawl import (
    ACTIONS,
    APP_PAGES,
    PAGE_MARKERS,
    SIGN_IN_TITLE,
    Visit,
    crawl,
    run_finished,
    skip_components,
    widget_labels,
)
from tests.security.test_crawl_gate import alarmed_site
from tests.security.tiny_site import SCRIPT, XSS

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[2]
TIMEOUT_MS = 90_000
SCOPED = "scoped-viewer"
SCOPED_PASSWORD = "Campus-two reader, 42 lamps"
# a deep link into each campus of the tiny site
LINK = {
    "c1": "?campus=c1&building=b1&level=b1-l0",
    "c2": "?campus=c2&building=b2&level=b2-l0",
}

# pages typed by each person that may open them: the pages that hold an action, and the
# administrator's own (their marker is their action: the form that adds an account, a gateway)
ACTION_PAGES = {stem for stem, *_ in ACTIONS} | {"admin_users", "gateways"}
TITLES = {stem: title for stem, title, _ in APP_PAGES}
URL_PATHS = {stem: url_path for stem, _, url_path in APP_PAGES}


def _campus_names(store) -> dict[str, set[str]]:
    """{campus id: names only that campus has} (a person limited to the other one must never
    receive them; the hostile names and shared room names are not distinctive)."""
    buildings = store.list_buildings()
    zones, controls = store.list_zones(), store.list_controls()
    campuses = store.list_campuses()

    def names(campus: str) -> set[str]:
        b = buildings[buildings["campus_id"] == campus]
        z = zones[(zones["campus_id"] == campus) | zones["building_id"].isin(set(b["id"]))]
        c = controls[controls["campus_id"] == campus]
        out = {*campuses[campuses["id"] == campus]["name"], *b["name"], *z["name"], *c["name"]}
        return {str(n) for n in out if n} - {XSS, SCRIPT}

    c1, c2 = names("c1"), names("c2")
    return {"c1": c1 - c2, "c2": c2 - c1}


@pytest.fixture(scope="module")
def site(tiny_db_shared, tmp_path_factory):
    """A server on a copy of the tiny site with an open duress alarm on c1, a share link of c1
    and a viewer limited to c2 (all written before it starts), and a copy of that database."""
    tmp = tmp_path_factory.mktemp("matrix")
    with alarmed_site(tiny_db_shared, tmp) as (db, store, token):
        auth.create_user(
            store, SCOPED, SCOPED_PASSWORD, "viewer", actor="test", campus_scope=["c2"]
        )
        only = _campus_names(store)
        scopes = {u: tuple(store.get_user(u)["campus_scope"]) for u in ("demo-partner", SCOPED)}
    assert only["c1"] and only["c2"]
    before = tmp / "before.duckdb"
    shutil.copy(db, before)
    server = start_streamlit(db, tmp, PASSMAP_BASE_URL="")
    server.share_token, server.only, server.before = token, only, before
    server.scopes = scopes
    yield server
    server.stop()


class Tab:
    """One signed-in page whose websocket frames are kept (the first page of a person)."""

    def __init__(self, context):
        self.page = context.new_page()
        skip_components(self.page)
        self.visit = Visit("")
        self.page.on(
            "websocket",
            lambda ws: ws.on(
                "framereceived",
                lambda p: self.visit.frames.append(p if isinstance(p, bytes) else p.encode()),
            ),
        )

    def mark(self) -> int:
        return len(self.visit.frames)

    def run_since(self, start: int, marker: str, fragment: bool = False) -> Visit:
        """The frames from ``start`` up to a finished whole run (or, with ``fragment``, a
        fragment's run: the Live page's alarm list reruns alone) that sent ``marker``."""

        def sent() -> Visit | None:
            since = Visit("", self.visit.frames[start:])
            done = run_finished(since.messages()) or (
                fragment
                and any(
                    m.WhichOneof("type") == "script_finished"
                    and m.script_finished
                    == ForwardMsg.ScriptFinishedStatus.FINISHED_FRAGMENT_RUN_SUCCESSFULLY
                    for m in since.messages()
                )
            )
            return since if marker.encode() in since.sent and done else None

        return wait_until(  # paused on the page: Playwright delivers the frame events meanwhile
            sent, TIMEOUT_MS / 1000, 0.1, what=f"a finished run with {marker!r}", page=self.page
        )


def _check_actions(who: str, role: str, visit: Visit, page_stem: str | None) -> None:
    """The actions of ``page_stem`` that the role holds were sent; no action it lacks was."""
    sent = widget_labels(visit.messages())
    for stem, kind, label, action in ACTIONS:
        if not access.allowed(role, action):
            assert (kind, label) not in sent, (who, visit.url, label)
        elif stem == page_stem:
            assert (kind, label) in sent, (who, visit.url, label, sorted(sent))


def _check_person(browser, server, who, role, scope=None, password=None, role_done=False):
    """Sign in as ``who``; their navigation, then each page typed (see the module's doc).
    ``role_done``: an account of the same role without a scope was checked already, so of the
    pages this person may not open, only those their scope closes are typed. Returns the
    signed-in person's browser context."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    tab = Tab(context)
    browser_login(tab.page, server.url, username=who, password=password, timeout_ms=TIMEOUT_MS)
    allowed = {stem for stem in TITLES if access.can_open_page(role, stem, scope)}
    titles = {TITLES[stem] for stem in allowed}
    tab.run_since(0, "Signed in:")
    navs = [m.navigation for m in tab.visit.messages() if m.WhichOneof("type") == "navigation"]
    assert {p.page_name for p in navs[-1].app_pages} == titles, (who, navs[-1])
    tab.page.close()  # an open page reruns its fragments (the alarm banner) meanwhile

    other = [c for c in LINK if scope and c not in scope]  # a campus outside their scope
    link = LINK[other[0]] if other else LINK["c1"]
    typed = {}  # path -> the page stem it must run (None: a page the person may not open)
    for stem in TITLES:
        if stem in allowed and (stem in ACTION_PAGES or other):
            typed[f"/{URL_PATHS[stem]}{link if other else ''}"] = stem
        elif stem not in allowed and not (role_done and not access.can_open_page(role, stem)):
            typed[f"/{stem}{link}"] = None
            if role == "viewer" and not scope and URL_PATHS[stem] != stem:
                typed[f"/{URL_PATHS[stem]}"] = None
    visits = crawl(browser, server.url, list(typed), context=context, no_components=True)
    for visit, stem in zip(visits, typed.values()):
        sent = visit.sent
        assert set(visit.nav_pages()) == titles, (who, visit.url, visit.outline())
        assert SIGN_IN_TITLE.encode() not in sent, (who, visit.url)
        if stem is not None:  # the page ran, with its actions
            assert PAGE_MARKERS[stem].encode() in sent, (who, visit.url, "did not run")
        for denied in set(TITLES) - allowed:
            assert PAGE_MARKERS[denied].encode() not in sent, (who, visit.url, denied)
        _check_actions(who, role, visit, stem)
        for campus in other:
            leaked = [n for n in server.only[campus] if n.encode() in sent]
            assert not leaked, (who, visit.url, leaked)

    # the import's only way in for a file: the upload route, with this person's own cookie
    answer = context.request.put(
        f"{server.url}/_stcore/upload_file/x/y",
        multipart={"file": {"name": "a.geojson", "mimeType": "application/json", "buffer": b"{}"}},
    )
    refused = answer.status == 403 and b"Sign in as an editor" in answer.body()
    assert refused == (not access.allowed(role, "edit")), (who, answer.status)
    return context


def _admin_acts(browser, server) -> None:
    """The administrator: the matrix as for everyone, then, in a new tab, Resolve on the Live
    page and a share link of c2 created on the Share links page (at the address in use), which
    opens."""
    context = _check_person(browser, server, "demo-admin", "admin")
    tab = Tab(context)
    page, nav = tab.page, tab.page.locator("[data-testid='stSidebarNav']")
    page.goto(f"{server.url}/{URL_PATHS['live']}")
    tab.run_since(0, PAGE_MARKERS["live"])
    start = tab.mark()
    page.get_by_role("button", name="Resolve").click(timeout=TIMEOUT_MS)
    tab.run_since(start, "No open alarms", fragment=True)  # the alarm list is a fragment
    start = tab.mark()
    nav.get_by_role("link", name=TITLES["share_admin"], exact=True).click()
    tab.run_since(start, PAGE_MARKERS["share_admin"])
    form = page.locator("[data-testid='stForm']")
    form.get_by_role("textbox", name="Agency").fill("Fire District 3", timeout=TIMEOUT_MS)
    form.locator("[data-testid='stMultiSelect']").first.click()
    page.get_by_role("option", name="Other Elementary").click()
    page.keyboard.press("Escape")
    form.get_by_role("button", name="Create link").click()
    code = page.locator("[data-testid='stCode']").first
    code.wait_for(timeout=TIMEOUT_MS)
    link = code.inner_text().strip()
    assert link.startswith(f"{server.url}/share/"), link  # the address in use (issue 12)
    assert page.get_by_text("differs from the address in use").count() == 0
    response = page.goto(link, wait_until="load")
    assert response.status == 200 and b"Other Elementary" in response.body()
    context.close()


def _rows(path) -> dict[str, list[dict]]:
    """Every table's rows (as dicts of text), read with the server stopped."""
    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        tables = con.execute("SELECT table_name FROM information_schema.tables").fetchall()
        for (name,) in tables:
            cur = con.execute(f'SELECT * FROM "{name}"')  # names from the catalog itself
            cols = [d[0] for d in cur.description]
            out[name] = [dict(zip(cols, map(str, row))) for row in cur.fetchall()]
        return out
    finally:
        con.close()


def _assert_only_expected_writes(before_path, after_path, people: set[str]) -> None:
    before, after = _rows(before_path), _rows(after_path)
    assert set(before) == set(after)
    bookkeeping = {"login_attempt", "login_session", "share_access", "data_change"}
    acts = {"alarm", "share_link", "audit_log"}  # checked row by row below
    # the responder grid of a campus is derived and stored on its first view, once, identical
    # on every later use (tests/security/test_grid.py): rows may appear, none may change
    assert all(r in after["responder_grid"] for r in before["responder_grid"])
    for name in set(before) - bookkeeping - acts - {"app_user", "responder_grid"}:
        assert sorted(map(str, before[name])) == sorted(map(str, after[name])), name

    def users(rows):
        return sorted(str({k: v for k, v in r.items() if k != "last_login_utc"}) for r in rows)

    assert users(before["app_user"]) == users(after["app_user"])
    # the alarm: only the administrator's Resolve
    old = {r["id"]: r for r in before["alarm"]}
    changed = [r for r in after["alarm"] if old.get(r["id"]) != r]
    assert len(after["alarm"]) == len(before["alarm"]) and len(changed) == 1, changed
    assert changed[0]["state"] == "resolved", changed[0]
    # one share link more: the administrator's
    new_links = [r for r in after["share_link"] if r not in before["share_link"]]
    assert len(new_links) == 1 and new_links[0]["agency"] == "Fire District 3", new_links
    assert all(r in after["share_link"] for r in before["share_link"])
    # audit: sign-ins of the people of this test, and the administrator's two acts
    added = [r for r in after["audit_log"] if r not in before["audit_log"]]
    logins = {r["actor"] for r in added if r["action"] == "login"}
    others = sorted((r["actor"], r["action"], r["entity_type"]) for r in added)
    grids = [o for o in others if o == ("system", "grid", "campus")]  # derived, see above
    assert len(grids) == len(after["responder_grid"]) - len(before["responder_grid"]), grids
    others = [o for o in others if o[1] != "login" and o not in grids]
    assert logins == people, logins
    assert [o[0] for o in others] == ["demo-admin"] * len(others) and len(others) == 2, others
    assert {o[2] for o in others} == {"alarm", "share_link"}, others


def test_each_role_gets_exactly_its_pages_and_actions_by_every_path(site, browser):
    people = {
        "demo-viewer": ("viewer", None, None, False),
        SCOPED: ("viewer", site.scopes[SCOPED], SCOPED_PASSWORD, True),
        "demo-board": ("board", None, None, False),
        "demo-partner": ("partner", site.scopes["demo-partner"], None, False),
        "demo-editor": ("editor", None, None, False),
    }
    for who, (role, scope, password, role_done) in people.items():
        _check_person(browser, site, who, role, scope, password, role_done).close()
    _admin_acts(browser, site)

    site.stop()  # the database is free to read: it differs only by the expected writes
    _assert_only_expected_writes(site.before, site.db_path, {*people, "demo-admin"})


def test_every_marker_and_action_label_is_still_in_the_code():
    """A marker or label the pages no longer send would make every absence assert above (and
    the gate crawl's) pass vacuously: each must be in its page script or the ui module it uses."""
    code = "\n".join(p.read_text(encoding="utf-8") for p in REPO.glob("ui/*.py"))
    for stem, marker in PAGE_MARKERS.items():
        page = (REPO / "pages" / f"{stem}.py").read_text(encoding="utf-8")
        assert marker in page or marker in code, (stem, marker)
    for stem, _, label, _ in ACTIONS:
        page = (REPO / "pages" / f"{stem}.py").read_text(encoding="utf-8")
        assert f'"{label}"' in page or f'"{label}"' in code, (stem, label)
