"""Defence in depth behind the frame (issue 12): a page script that ever runs without app.py
(Streamlit's old pages/ auto-discovery ran /board, /import or /live so, and pages then took a
missing viewer as allowed) draws only the guard's refusal. Every page asks ui.guard.require for
the action passmap.access names for it before anything else runs, and no code anywhere reads a
missing viewer as permission."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from passmap import access
from passmap.model import ROLES
from tests.helpers import _store, login
from tests.security.apptest_tools import browser_payload, map_specs

REPO = Path(__file__).resolve().parents[2]
PAGE_FILES = sorted(p for p in (REPO / "pages").glob("*.py") if p.stem != "__init__")
# A campus-scoped viewer (district-wide pages are not theirs) beside the demo account of each role
ACCOUNTS = [(role, f"demo-{role}", None) for role in ROLES] + [("viewer", "scoped-viewer", ["c1"])]
SCOPED_PASSWORD = "a long enough passphrase for the scoped viewer"


def _first_call(tree: ast.Module) -> ast.Call | None:
    """The first call a module makes when it runs (imports and literal constants run none)."""
    for node in tree.body:
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            continue
        calls = [n for n in ast.walk(node) if isinstance(n, ast.Call)]
        if calls:
            return calls[0]
    return None


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.stem)
def test_every_page_asks_the_guard_for_its_action_before_anything_runs(path):
    call = _first_call(ast.parse(path.read_text(encoding="utf-8")))
    assert call is not None and ast.unparse(call.func) == "require", (path.stem, call)
    assert ast.literal_eval(call.args[0]) == access.page_action(path.stem), path.stem
    if path.stem in access.DISTRICT_WIDE_PAGES:  # not for a campus-scoped account either
        kwargs = {k.arg: ast.literal_eval(k.value) for k in call.keywords}
        assert kwargs.get("page") == path.stem, path.stem


def test_no_code_reads_a_missing_viewer_as_permission():
    """`viewer is None or viewer.can(...)` (pages/live.py's old may_act) lets everyone in."""
    allow_if_missing = re.compile(r"\bis None or\s+\w+\.can\(")
    found = _lines_matching(allow_if_missing, _app_files())
    assert not found, found


def test_no_code_decides_anything_from_the_connection_address():
    """The first-start admin password went to whoever looked local (st.context.ip_address: a
    reverse proxy's address, or [::1] but not 127.0.0.1), and throttling was keyed on it (one
    bucket for everyone behind a proxy). The client is only ever ui.auth.client_id()'s trusted
    X-Forwarded-For (PASSMAP_TRUSTED_PROXIES; passmap.throttle.client_address); the peer
    address itself only answers "is this a trusted proxy" (ui.auth._peer, read by client_id
    alone) or "is this loopback" (the CLI link)."""
    peer = re.compile(r"\bcontext\.ip_address\b|\bremote_ip\b")
    found = _lines_matching(peer, [*_app_files(), *REPO.glob("passmap/**/*.py")])
    assert len(found) == 1 and found[0].startswith("ui/auth.py:"), found
    source = (REPO / "ui" / "auth.py").read_text(encoding="utf-8")
    assert re.findall(r"\b_peer\(\)", source) == ["_peer()", "_peer()"], "one use, one definition"


def _app_files() -> list:
    return [REPO / "app.py", REPO / "server.py", *REPO.glob("pages/*.py"), *REPO.glob("ui/*.py")]


def _lines_matching(pattern: re.Pattern, files) -> list[str]:
    """``file:line`` of every line of the files the pattern finds."""
    return [
        f"{f.relative_to(REPO)}:{n}"
        for f in files
        for n, line in enumerate(f.read_text(encoding="utf-8").splitlines(), 1)
        if pattern.search(line)
    ]


@pytest.fixture
def scoped_viewer(app, tiny_db):
    from passmap.auth import create_user

    create_user(
        _store(tiny_db), "scoped-viewer", SCOPED_PASSWORD, "viewer", actor="t", campus_scope=["c1"]
    )


def _run_alone(path: Path, username: str | None) -> AppTest:
    at = AppTest.from_file(str(path), default_timeout=120)
    if username is not None:
        password = SCOPED_PASSWORD if username == "scoped-viewer" else None
        login(at, username=username, password=password)
    return at.run()


def _assert_refused(at: AppTest, who: str) -> None:
    from ui.guard import REFUSAL

    assert not at.exception, (who, [e.value for e in at.exception])
    assert [e.value for e in at.error] == [REFUSAL], who
    assert browser_payload(at).strip() == REFUSAL, who  # nothing else: no title, table, map
    assert not map_specs(at) and not at.sidebar.children, who


@pytest.mark.parametrize("path", PAGE_FILES, ids=lambda p: p.stem)
def test_a_page_run_outside_the_frame_shows_only_the_refusal(scoped_viewer, path):
    """Nobody signed in, and every account the policy keeps off the page (by role, or by campus
    scope for a district-wide page), get the refusal alone."""
    _assert_refused(_run_alone(path, None), f"{path.stem}: nobody signed in")
    refused = [
        (role, name)
        for role, name, scope in ACCOUNTS
        if not access.can_open_page(role, path.stem, scope)
    ]
    for role, name in refused:
        _assert_refused(_run_alone(path, name), f"{path.stem}: {name} ({role})")
