"""Crawl the real server as a browser would: every path a person could type, each typed by a new
visitor (cookies cleared) or by one signed-in person, with the websocket frames the server sent
decoded.

What "reached the browser" means here: the bytes of every websocket frame (Playwright's
``page.on("websocket")``), decoded as Streamlit ForwardMsgs so a test can ask which pages the
navigation offered, which page ran, and whether the script run finished. A share-link address
(``?share=TOKEN``) is redirected to the share page ``/share/TOKEN``, served without Streamlit
(ui/share_http.py): there the page's HTTP body is what was sent, and no script runs.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from tests.helpers import wait_until
from tests.security.apptest_tools import APP_PAGES

REPO = Path(__file__).resolve().parents[2]
STEMS = sorted(p.stem for p in (REPO / "pages").glob("*.py") if p.stem != "__init__")
URL_PATHS = sorted({url_path for _, _, url_path in APP_PAGES})
SIGN_IN_TITLE = "PassMap: sign in"


def typed_paths(share_token: str = "") -> list[str]:
    """Every path a person could type: the root, each file stem under pages/, each url_path,
    the app's own file names; each bare, with a deep link (?campus=&building=&level=) and with a
    tampered share token; the root also with a bare ?campus=, an empty share, ?page= and ?embed=."""
    tampered = (share_token[:-3] + "xyz") if share_token else "A" * 43
    bases = ["/", *(f"/{s}" for s in STEMS), *(f"/{u}" for u in URL_PATHS)]
    bases += ["/app", "/server", "/sign-in", "/index.html"]
    bases = list(dict.fromkeys(bases))
    per_path = ["?campus=c1&building=b1&level=b1-l0", f"?share={tampered}"]
    root_only = ["?campus=c1", "?share=", "?page=board", "?embed=true"]
    return [*bases, *(b + q for q in per_path for b in bases), *(f"/{q}" for q in root_only)]


@dataclass
class Visit:
    url: str
    frames: list[bytes] = field(default_factory=list)
    body: str = ""
    http_body: bytes = b""  # the share page (served without Streamlit), else empty
    plain: bool = False  # landed on /share/...: a plain HTTP page, no websocket

    def messages(self) -> list[ForwardMsg]:
        out = []
        for raw in self.frames:
            msg = ForwardMsg()
            try:
                msg.ParseFromString(raw)
            except Exception:  # noqa: BLE001 - not a ForwardMsg (never expected)
                continue
            out.append(msg)
        return out

    def finished(self) -> bool:
        """The visit's first whole script run finished (not cut short by a rerun)."""
        return self.plain or run_finished(self.messages())

    def nav_pages(self) -> list[str]:
        """Titles of the pages the navigation offered (every navigation message of the visit)."""
        return [
            p.page_name
            for m in self.messages()
            if m.WhichOneof("type") == "navigation"
            for p in m.navigation.app_pages
        ]

    def session_ids(self) -> set[str]:
        """Ids of the Streamlit sessions the visit's messages came from (one for a visit)."""
        return {
            m.new_session.initialize.session_id
            for m in self.messages()
            if m.WhichOneof("type") == "new_session"
        }

    def outline(self) -> list[str]:
        """The kinds of messages received, in order (what an assertion shows when it fails)."""
        out = []
        for m in self.messages():
            kind = m.WhichOneof("type")
            if kind == "script_finished":
                kind += f"={m.script_finished}"
            elif kind == "delta" and m.delta.WhichOneof("type") == "new_element":
                element = m.delta.new_element
                kind = element.WhichOneof("type") or kind
                if kind == "exception":
                    kind += f": {element.exception.type}: {element.exception.message[:300]}"
            elif kind == "delta":
                kind = m.delta.WhichOneof("type") or kind
            if not out or out[-1] != kind:
                out.append(kind)
        return out

    @property
    def sent(self) -> bytes:
        return b"".join(self.frames) + self.http_body


class _CrawlTab:
    """One open tab of a crawl: each path is typed into it as a fresh navigation, and the
    websocket frames of that navigation's document are kept in the path's Visit."""

    def __init__(self, context, no_components: bool):
        self.page = context.new_page()
        if no_components:
            skip_components(self.page)
        self.visit: Visit | None = None
        self.index = -1  # the visit's place in the crawl's paths
        self.page.on("websocket", self._on_websocket)

    def _on_websocket(self, ws) -> None:
        visit = self.visit  # the document that opens a websocket is the current visit's

        def on_frame(payload) -> None:
            if visit is not None and self.visit is visit:  # the tab has not moved on yet
                visit.frames.append(payload if isinstance(payload, bytes) else payload.encode())

        ws.on("framereceived", on_frame)

    def open(self, index: int, url: str, new_visitor) -> None:
        if new_visitor is not None:
            new_visitor()
        self.visit, self.index = Visit(url), index
        response = self.page.goto(url, wait_until="commit")  # the address typed: a new document
        if "/share/" in self.page.url:  # redirected to the share page: plain HTTP, no script
            self.visit.plain = True
            self.visit.http_body = response.body() if response is not None else b""

    def finish(self) -> Visit:
        visit, self.visit = self.visit, None
        visit.body = self.page.locator("body").inner_text()
        return visit


def crawl(
    browser,
    base_url: str,
    paths: list[str],
    *,
    context=None,
    no_components: bool = False,
    tabs: int = 3,
    timeout_s: float = 120.0,
) -> list[Visit]:
    """Type each path into a browser as a new visit, wait for its first script run to finish, and
    return what each visit received (in the order of ``paths``). Each visit is a fresh navigation
    (a new document, hence a new websocket and a new Streamlit session: asserted) in one of
    ``tabs`` open tabs; a tab takes the next path as soon as its visit has finished. Without
    ``context``: in a context of its own whose cookies are cleared before each visit (it keeps
    only the HTTP cache of the app's own scripts). With ``context`` (one a person signed in to
    through the form): as that person's tabs, cookies untouched.
    ``no_components``: custom components (the maps) are not loaded into the page; what the
    server sent is recorded all the same (drawing maps in software WebGL is most of a visit's
    cost, and a component's own messages back would start more runs).

    Why open tabs are reused: a new tab is a new renderer process that loads and compiles
    Streamlit's frontend from nothing, most of a visit's time here; what the server receives is
    the same as from a new tab (the typed address with the context's cookies, then a websocket
    of a new session)."""
    own = context is None
    if own:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
    new_visitor = context.clear_cookies if own else None
    todo = [(i, base_url + path) for i, path in enumerate(paths)]
    visits: dict[int, Visit] = {}
    open_tabs = [_CrawlTab(context, no_components) for _ in range(min(tabs, len(paths)))]
    try:
        for tab in open_tabs:
            tab.open(*todo.pop(0), new_visitor)
        while busy := [tab for tab in open_tabs if tab.visit is not None]:
            try:  # paused on a page: Playwright delivers the frame events meanwhile
                done = wait_until(
                    lambda busy=busy: [tab for tab in busy if tab.visit.finished()],
                    timeout_s,
                    0.1,
                    what="a finished script run",
                    page=busy[0].page,
                )
            except AssertionError:
                late = {t.visit.url: t.visit.outline() for t in busy}
                raise AssertionError(f"no finished script run in {timeout_s} s: {late}") from None
            for tab in done:
                visits[tab.index] = tab.finish()
                if todo:
                    tab.open(*todo.pop(0), new_visitor)
    finally:
        for tab in open_tabs:
            tab.page.close()
        if own:
            context.close()
    out = [visits[i] for i in range(len(paths))]
    sessions = [v.session_ids() for v in out if not v.plain]
    assert all(len(ids) == 1 for ids in sessions), [v.url for v in out if len(v.session_ids()) > 1]
    assert len(set().union(*sessions)) == len(sessions), "a visit resumed another's session"
    return out


def skip_components(page) -> None:
    """Custom components (``/component/...``: the maps) are not loaded into ``page``: their
    requests, the frame's document included, fail as blocked. Through DevTools' Fetch domain
    for those addresses only, not ``page.route``: any Playwright route turns the page's HTTP
    cache off, and each visit would then fetch Streamlit's whole frontend (~90 files) anew."""
    from playwright.sync_api import Error as PlaywrightError

    cdp = page.context.new_cdp_session(page)

    def refuse(event) -> None:
        try:
            cdp.send(
                "Fetch.failRequest",
                {"requestId": event["requestId"], "errorReason": "BlockedByClient"},
            )
        except PlaywrightError:  # gone already (its tab navigated on or closed): loaded no more
            pass

    cdp.on("Fetch.requestPaused", refuse)
    cdp.send("Fetch.enable", {"patterns": [{"urlPattern": "*/component/*"}]})


def db_checksum(db_path: Path) -> str:
    """SHA-256 of the database file and its write-ahead log (what a visit could change)."""
    digest = hashlib.sha256()
    for path in (db_path, Path(str(db_path) + ".wal")):
        digest.update(path.read_bytes() if path.exists() else b"-")
    return digest.hexdigest()


def stable_checksum(db_path: Path, timeout_s: float = 60.0) -> str:
    """The checksum once two reads half a second apart agree (writes of an earlier run done)."""
    deadline = time.monotonic() + timeout_s
    last = db_checksum(db_path)
    while time.monotonic() < deadline:
        # A quiet period, deliberately: the proof wanted is that the file stays the same for a
        # while (no write of the earlier visit still landing), and no event says "no more writes
        # are coming". A slow machine makes this wait longer, never wrong: a write landing later
        # than the quiet period would change the file again and fail the caller's comparison.
        time.sleep(0.5)
        now = db_checksum(db_path)
        if now == last:
            return now
        last = now
    raise AssertionError(f"{db_path} kept changing for {timeout_s} s")


def wait_idle(page, timeout_ms: int = 120_000) -> None:
    """Wait until the page's script run is over (Streamlit shows its status widget meanwhile)."""
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"stStatusWidget\"]')", timeout=timeout_ms
    )


# What proves that a page ran: a text only that page sends (never a navigation title).
PAGE_MARKERS = {
    "district": "District overview",
    "campus": "Click a building to open its floor plan",
    "floor": "Click a room, door or device for its details.",
    "gaps": "Gaps and roadmap",
    "live": "Set campus posture",
    "responder": "Walk-through verification",
    "admin_users": "Add an account",
    "share_admin": "Create link",
    "gateways": "Add or change a gateway",
    "import": "Import plans",
    "edit": "Edit \u00b7 ",
    "board": "Report settings",
}


# (page stem, widget type, label, the action it needs): the action widgets of the matrix.
ACTIONS = (
    ("live", "button", "Resolve", "edit"),  # the open duress alarm on c1
    ("live", "button", "Acknowledge", "edit"),
    ("live", "button", "Set posture", "edit"),
    ("import", "file_uploader", "Files", "edit"),
    ("import", "button", "Commit import", "edit"),
    ("edit", "button", "Undo my last change", "edit"),
    ("gaps", "button", "Record status", "assess"),
    ("gaps", "file_uploader", "District checklist (CSV or XLSX)", "assess"),
    ("responder", "button", "Record walk-through", "verify"),
    ("responder", "button", "Prepare printable PDF", "export"),
    ("share_admin", "button", "Create link", "manage_shares"),
)


def widget_labels(messages: list[ForwardMsg]) -> set[tuple[str, str]]:
    """(widget type, label) of every widget the server sent in ``messages``: what a person
    could press (a button hidden inside a collapsed expander counts: it was sent)."""
    out = set()
    for msg in messages:
        if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
            continue
        element = msg.delta.new_element
        kind = element.WhichOneof("type")
        label = getattr(getattr(element, kind), "label", None) if kind else None
        if isinstance(label, str) and label:
            out.add((kind, label))
    return out


def run_finished(messages: list[ForwardMsg]) -> bool:
    """A whole script run (not a fragment's) finished in ``messages``."""
    return any(
        m.WhichOneof("type") == "script_finished"
        and m.script_finished == ForwardMsg.ScriptFinishedStatus.FINISHED_SUCCESSFULLY
        for m in messages
    )


def _redirect_of(base_url: str, path: str) -> tuple[int, str, bytes]:
    """(status, Location, body) of a GET of ``path`` as a new visitor, redirects not followed."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(base_url)
    con = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    try:
        con.request("GET", path)
        answer = con.getresponse()
        return answer.status, answer.getheader("Location") or "", answer.read()
    finally:
        con.close()


def crawl_typed(browser, base_url: str, paths: list[str], **kwargs) -> list[Visit]:
    """``crawl`` of every path, where paths the server answers with the same redirect share one
    browser visit of its target: each such path is asked over HTTP first (a new visitor's GET,
    no cookie), and the server's answer (status and Location, e.g. every ``?share=`` address to
    ``/share/TOKEN``) proves that the browser would go nowhere else. Each path still gets its
    own Visit (the target's, with the redirect's own body added to what was sent)."""
    answers = {p: _redirect_of(base_url, p) for p in paths}
    redirected = {p: a for p, a in answers.items() if 300 <= a[0] < 400}
    targets = sorted({location for _, location, _ in redirected.values()})
    assert all(t.startswith("/") for t in targets), targets  # never off this server
    direct = [p for p in paths if p not in redirected]
    visits = dict(zip(direct + targets, crawl(browser, base_url, direct + targets, **kwargs)))
    out = []
    for path in paths:
        if path in redirected:
            _, location, body = redirected[path]
            target = visits[location]
            out.append(
                Visit(
                    base_url + path,
                    target.frames,
                    target.body,
                    body + target.http_body,
                    target.plain,
                )  # fmt: skip
            )
        else:
            out.append(visits[path])
    return out
