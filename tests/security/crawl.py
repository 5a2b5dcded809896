"""Crawl the real server as a browser would: every path a person could type, each from a new
visitor (a fresh browser context), with the websocket frames the server sent decoded.

What "reached the browser" means here: the bytes of every websocket frame (Playwright's
``page.on("websocket")``), decoded as Streamlit ForwardMsgs so a test can ask which pages the
navigation offered, which page ran, and whether the script run finished. A share-link address
(``?share=TOKEN``) is redirected to the share page ``/share/TOKEN``, served without Streamlit
(ui/share_http.py): there the page's HTTP body is what was sent, and no script runs.
"""

from __future__ import annotations

import hashlib
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

REPO = Path(__file__).resolve().parents[2]
APP = (REPO / "app.py").read_text(encoding="utf-8")
STEMS = sorted(p.stem for p in (REPO / "pages").glob("*.py") if p.stem != "__init__")
URL_PATHS = sorted(set(re.findall(r'url_path="([^"]+)"', APP)))
# (file stem, title, url_path) of every st.Page in app.py's navigation
APP_PAGES = re.findall(
    r'st\.Page\(\s*HERE / "pages/(\w+)\.py",\s*title="([^"]+)".*?url_path="([^"]+)"', APP, re.S
)
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
        if self.plain:
            return True
        return any(m.WhichOneof("type") == "script_finished" for m in self.messages())

    def nav_pages(self) -> list[str]:
        """Titles of the pages the navigation offered (every navigation message of the visit)."""
        return [
            p.page_name
            for m in self.messages()
            if m.WhichOneof("type") == "navigation"
            for p in m.navigation.app_pages
        ]

    @property
    def sent(self) -> bytes:
        return b"".join(self.frames) + self.http_body


def _record(page, visit: Visit) -> None:
    def on_ws(ws):
        ws.on(
            "framereceived",
            lambda payload: visit.frames.append(
                payload if isinstance(payload, bytes) else payload.encode()
            ),
        )

    page.on("websocket", on_ws)


def crawl(
    browser,
    base_url: str,
    paths: list[str],
    *,
    cookies: list[dict] | None = None,
    batch: int = 6,
    timeout_s: float = 120.0,
    settle_s: float = 0.4,
) -> list[Visit]:
    """Open each path as a new visitor (a new page, hence a new websocket and a new Streamlit
    session, in a context holding only ``cookies``; ``batch`` pages at a time; the context keeps
    only the HTTP cache of the app's own scripts), wait for the first script run to finish, and
    return what each visit received."""
    visits: list[Visit] = []
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    for start in range(0, len(paths), batch):
        open_pages = []
        for path in paths[start : start + batch]:
            context.clear_cookies()
            if cookies:
                context.add_cookies(cookies)
            page = context.new_page()
            visit = Visit(base_url + path)
            _record(page, visit)
            response = page.goto(visit.url, wait_until="commit")
            if "/share/" in page.url:  # redirected to the share page: plain HTTP, no script
                visit.plain = True
                visit.http_body = response.body() if response is not None else b""
            open_pages.append((page, visit))
        deadline = time.monotonic() + timeout_s
        pending = list(open_pages)
        while pending and time.monotonic() < deadline:
            pending[0][0].wait_for_timeout(100)  # lets Playwright deliver frame events
            pending = [p for p in pending if not p[1].finished()]
        if pending:
            context.close()
            raise AssertionError(f"no finished script run for {[p[1].url for p in pending]}")
        open_pages[0][0].wait_for_timeout(settle_s * 1000)  # late frames of the same run
        for page, visit in open_pages:
            visit.body = page.locator("body").inner_text()
            page.close()
            visits.append(visit)
    context.close()
    return visits


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
