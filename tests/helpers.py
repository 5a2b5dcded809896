"""Helpers shared by the tests of every area.

``login(at, role="admin")`` signs an AppTest in the way the login form does: the demo account
``demo-<role>`` (created by the demo build's post-step, password passmap.auth.DEMO_PASSWORD) is
checked by ``passmap.auth.authenticate`` against the app's own store (argon2 verify, throttling,
audit), and the resulting session is put where the gate reads it (ui.auth.SESSION_KEY). There is
no bypass flag: without a real account in the database the helper fails.

    at = AppTest.from_file(str(REPO / "app.py"))
    login(at, role="viewer")
    at.run()

Browser tests: ``browser_page.login(server.url, role="admin")`` (the shared fixture) or
``browser_login(page, url, role)`` type the same demo account into the real login form.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:              # `ui` is a top-level folder of the app, not installed
    sys.path.insert(0, str(REPO))
APP_CLIENT = "apptest"


def _store(db_path=None):
    """The same cached Store the app under AppTest uses (one DuckDB writer per process)."""
    from ui.data import _open_store

    return _open_store(str(db_path or os.environ["PASSMAP_DB"]))


def login(at, role: str = "admin", username: str | None = None, password: str | None = None,
          db_path=None):
    """Authenticate ``demo-<role>`` (or ``username``) against the store and sign ``at`` in."""
    from passmap.auth import DEMO_PASSWORD, authenticate, session_for
    from ui.auth import SESSION_KEY

    name = username or f"demo-{role}"
    result = authenticate(_store(db_path), name, password or DEMO_PASSWORD, client=APP_CLIENT)
    assert result.ok, f"login of {name!r} failed: {result.reason} (is this the demo database?)"
    at.session_state[SESSION_KEY] = session_for(result.user)
    return at


def browser_login(page, base_url: str, role: str = "admin", username: str | None = None,
                  password: str | None = None, timeout_ms: int = 30000) -> None:
    """Sign a Playwright page in through the real login form."""
    from passmap.auth import DEMO_PASSWORD

    page.goto(base_url + "/")
    # by role: get_by_label("Password") also matches streamlit's 'Show password' button
    page.get_by_role("textbox", name="User name").fill(username or f"demo-{role}",
                                                       timeout=timeout_ms)
    page.get_by_role("textbox", name="Password").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in:").wait_for(timeout=timeout_ms)
