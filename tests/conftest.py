"""Shared fixtures: real DuckDB files, a real Streamlit server, real Debian chromium.

Area fixtures live in each test folder's own conftest.py (e.g. the mosquitto broker in
tests/live/conftest.py).
"""

from __future__ import annotations

import collections
import functools
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hypothesis import settings

from tests.helpers import browser_login, wait_until

REPO = Path(__file__).resolve().parents[1]
SHARED_DATA = REPO.parent / "shared" / "data"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
LOOPBACK_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
INTERNAL_SCHEMES = {"data", "blob", "about", "chrome", "chrome-extension", "devtools"}

# Hypothesis deadlines for the machine the suite runs on. Its default (200 ms per example) is
# wall-clock time, which a loaded 2-core CI box stretches ten-fold or more (scripts/ci-under-load
# runs the suite beside a CPU hog on both cores): "ci", the default, allows 5 s an example, so
# only a pathological slowdown fails; "dev" (HYPOTHESIS_PROFILE=dev) keeps a tight 500 ms for
# someone tuning the scoring on an idle machine. Speed itself is measured in bench/, not here.
settings.register_profile("ci", deadline=5_000, print_blob=True)
settings.register_profile("dev", deadline=500)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def is_loopback(url: str) -> bool:
    """True when a browser request stays on this machine."""
    parsed = urlparse(url)
    if parsed.scheme in INTERNAL_SCHEMES:
        return True
    host = (parsed.hostname or "").lower()
    return host in LOOPBACK_HOSTS or host.startswith("127.")


@pytest.fixture(scope="session")
def demo_db_shared(tmp_path_factory) -> Path:
    """The demo database built once per test worker. Read it; never write to it."""
    from passmap.demo import build_demo

    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    build_demo(path)
    return path


@pytest.fixture
def demo_db(demo_db_shared, tmp_path) -> Path:
    """A private copy of the demo database that a test may change."""
    path = tmp_path / "demo.duckdb"
    shutil.copy(demo_db_shared, path)
    return path


@pytest.fixture
def tmp_db(tmp_path) -> Path:
    """Path of a database file that does not exist yet."""
    return tmp_path / "empty.duckdb"


@dataclass
class AppServer:
    url: str
    db_path: Path
    proc: subprocess.Popen
    log_path: Path
    env: dict = field(default_factory=dict)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)

    def log(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""


def _healthy(server: AppServer) -> bool:
    """Streamlit answers GET /_stcore/health with 200 (raises if its process has ended)."""
    if server.proc.poll() is not None:
        raise RuntimeError(f"streamlit exited early:\n{server.log()[-3000:]}")
    try:
        with urllib.request.urlopen(server.url + "/_stcore/health", timeout=1) as resp:
            return resp.status == 200
    except OSError:
        return False


def _wait_healthy(server: AppServer, timeout_s: float = 40.0) -> None:
    try:
        wait_until(lambda: _healthy(server), timeout_s, 0.2, what="streamlit healthy")
    except AssertionError:
        raise RuntimeError(
            f"streamlit not healthy after {timeout_s} s:\n{server.log()[-3000:]}"
        ) from None


def start_streamlit(
    db_path: Path,
    log_dir: Path,
    script: str = "server.py",
    cwd: Path = REPO,
    timeout_s: float = 40.0,
    **extra_env: str,
) -> AppServer:
    """Run ``script`` under streamlit on a free loopback port against ``db_path`` and wait until
    it is healthy (the tests' fixture, the benchmarks and the screenshot tool all start it so).
    The live simulator is off unless ``PASSMAP_SIMULATE="1"`` is passed."""
    port = free_port()
    env = dict(os.environ)
    env.update(
        {
            "PASSMAP_DB": str(db_path),
            "PASSMAP_SIMULATE": "0",
            "STREAMLIT_BROWSER_GATHER_USAGE_STATS": "false",
        }
    )
    env.update({k: str(v) for k, v in extra_env.items()})
    log_path = Path(log_dir) / f"streamlit-{port}.log"
    cmd = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        script,
        "--server.port",
        str(port),
        "--server.address",
        "127.0.0.1",
        "--server.headless",
        "true",
    ]
    proc = subprocess.Popen(
        cmd, cwd=cwd, env=env, stdout=log_path.open("wb"), stderr=subprocess.STDOUT
    )
    server = AppServer(f"http://127.0.0.1:{port}", Path(db_path), proc, log_path, extra_env)
    try:
        _wait_healthy(server, timeout_s)
    except BaseException:
        server.stop()
        raise
    return server


@pytest.fixture
def app_server(tmp_path):
    """Factory: ``app_server(db_path, **env) -> AppServer`` running app.py on a free port.

    The live simulator is off unless the test asks for it (PASSMAP_SIMULATE=1).
    """
    servers: list[AppServer] = []

    def start(db_path: Path, **extra_env: str) -> AppServer:
        server = start_streamlit(db_path, tmp_path, **extra_env)
        servers.append(server)
        return server

    start.servers = servers  # the failure report shows their logs (pytest_runtest_makereport)
    yield start
    for server in servers:
        server.stop()


@pytest.fixture(scope="module")
def demo_server(demo_db_shared, tmp_path_factory):
    """One app server for a whole test module, on its own copy of the demo: for browser modules
    whose tests only read and click (a change one test stores is seen by the next). Starting a
    server and its first cold page runs are most of a browser test's time."""
    work = tmp_path_factory.mktemp("demo-server")
    db = work / "demo.duckdb"
    shutil.copy(demo_db_shared, db)
    server = start_streamlit(db, work)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        raise RuntimeError(
            "Debian's chromium is missing: run `make test` (installs it) "
            "or `apt-get install chromium`."
        )
    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-dev-shm-usage",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield b
        b.close()


@pytest.fixture
def browser_page(browser, request):
    """A fresh page (1440x900) that records requests; the test fails if one leaves loopback."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    outside: list[str] = []
    page.on("request", lambda req: None if is_loopback(req.url) else outside.append(req.url))
    page.outside_requests = outside
    page.recorded_events = _record_events(
        page
    )  # console, page errors, websockets: for a failure report
    page.login = functools.partial(browser_login, page)  # page.login(server.url, role="viewer")
    yield page
    context.close()
    assert not outside, f"requests left loopback: {outside[:10]}"


def _record_events(page) -> collections.deque:
    """The page's last console messages, uncaught errors and websocket opens/closes, timed."""
    events: collections.deque = collections.deque(maxlen=60)
    start = time.monotonic()

    seen: collections.Counter = collections.Counter()

    def note(text: str) -> None:
        seen[text] += 1
        if seen[text] <= 3:  # a message repeated by a timer would push the first ones out
            more = " (repeats from here on)" if seen[text] == 3 else ""
            events.append(f"{time.monotonic() - start:7.2f}s {text[:300]}{more}")

    def websocket(ws) -> None:
        note(f"websocket open {ws.url}")
        ws.on("close", lambda _ws: note(f"websocket closed {ws.url}"))
        ws.on("socketerror", lambda err: note(f"websocket error {err}"))

    page.on("console", lambda msg: note(f"console {msg.type}: {msg.text}"))
    page.on("pageerror", lambda exc: note(f"page error: {exc}"))
    page.on("crash", lambda _page: note("page crashed"))
    page.on("framenavigated", lambda frame: None if frame.parent_frame else note(f"to {frame.url}"))
    page.on("websocket", websocket)
    return events


_PAGE_STATE_JS = """() => ({
  url: location.href,
  maps: [...document.querySelectorAll("iframe[title='ui.deckmap.deckmap']")].map((f) => {
    const map = f.contentDocument && f.contentDocument.querySelector("#map");
    return map ? `${map.dataset.spec} drawn=${map.dataset.drawn}` : "no map";
  }),
  checked: [...document.querySelectorAll("[aria-checked=true]")].map((r) => r.innerText),
  stale: document.querySelectorAll("[data-stale='true']").length,
  text: (document.querySelector("section.main") || document.body).innerText.slice(0, 1500),
})"""


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    """A failed browser test's report also shows what the page showed at that moment and the
    end of its app server's log: a CI failure can then be read without the machine."""
    outcome = yield
    report = outcome.get_result()
    if report.when != "call" or not report.failed:
        return
    page = item.funcargs.get("browser_page")
    if page is not None:
        from playwright.sync_api import Error as PlaywrightError

        try:
            state = page.evaluate(_PAGE_STATE_JS)
        except PlaywrightError as exc:  # the page may be gone; the failure is what counts
            state = f"(page state unavailable: {exc})"
        report.sections.append(("browser page at the failure", str(state)))
        report.sections.append(
            ("browser events before the failure", "\n".join(page.recorded_events))
        )
    for value in item.funcargs.values():
        for server in [value, *getattr(value, "servers", [])]:
            if isinstance(server, AppServer):
                report.sections.append((f"app server log ({server.url})", server.log()[-4000:]))


# The two longest tests (the role matrix and the gate crawl, 3-5 min each under load) start at
# once, on different workers. pytest-xdist's load scheduler hands each worker a first chunk of
# consecutive tests and the rest on demand in larger chunks: in collection order both sat in
# tests/security, late, often in one worker's chunk, which then ran them one after the other
# while the other worker had finished (suite 16 min; issue 17, suite time).
LONGEST_TESTS = (
    "test_each_role_gets_exactly_its_pages_and_actions_by_every_path",
    "test_a_new_visitor_gets_only_the_sign_in_form_on_every_path",
)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    longest = [item for name in LONGEST_TESTS for item in items if item.name == name]
    if workers < 2 or len(longest) != 2:
        return
    rest = [item for item in items if item not in longest]
    chunk = max(len(items) // workers // 4, 2)  # xdist LoadScheduling's first chunk per worker
    items[:] = [longest[0], *rest[: chunk - 1], longest[1], *rest[chunk - 1 :]]
