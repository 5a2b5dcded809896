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

Waiting: a test waits for a state it can observe (a DOM element or attribute, a cookie, a stored
row, a broker message, a health answer), never for a fixed time. Playwright's own waits
(``locator.wait_for``, ``expect``, ``wait_for_function``) come first; for a state only Python can
read, ``wait_until(predicate, timeout_s, what=...)`` polls it up to a deadline. It is the one
place of the suite that pauses between looks.
"""

from __future__ import annotations

import contextlib
import os
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # `ui` is a top-level folder of the app, not installed
    sys.path.insert(0, str(REPO))
APP_CLIENT = "apptest"


def wait_until(
    predicate, timeout_s: float = 10.0, interval_s: float = 0.05, *, what: str = "", page=None
):
    """Poll ``predicate()`` until it returns something true and return that; fail after
    ``timeout_s`` with ``what`` (the state waited for) and the last value. The pause between
    looks is a polling interval, not a verdict: no test passes or fails because of its length.

    ``page``: a Playwright page (sync API) to pause on instead of sleeping in Python. Playwright
    delivers its events (websocket frames, console lines) only while the test calls into it, so
    a predicate that reads what such events collected must pause on the page."""
    deadline = time.monotonic() + timeout_s
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise AssertionError(f"{what or 'condition'} not met within {timeout_s} s: {value!r}")
        if page is None:
            time.sleep(interval_s)
        else:
            page.wait_for_timeout(interval_s * 1000)


def _store(db_path=None):
    """The same cached Store the app under AppTest uses (one DuckDB writer per process)."""
    from ui.data import _open_store

    return _open_store(str(db_path or os.environ["PASSMAP_DB"]))


def login(
    at, role: str = "admin", username: str | None = None, password: str | None = None, db_path=None
):
    """Authenticate ``demo-<role>`` (or ``username``) against the store and sign ``at`` in."""
    from passmap.auth import DEMO_PASSWORD, authenticate, session_for
    from ui.auth import SESSION_KEY

    name = username or f"demo-{role}"
    result = authenticate(_store(db_path), name, password or DEMO_PASSWORD, client=APP_CLIENT)
    assert result.ok, f"login of {name!r} failed: {result.reason} (is this the demo database?)"
    at.session_state[SESSION_KEY] = session_for(result.user)
    return at


def login_new(at, role: str = "editor", db_path=None):
    """Sign ``at`` in as ``test-<role>``, a real account created through passmap.auth when the
    database has none (e.g. an import fixture without the demo accounts)."""
    from passmap.auth import create_user, generate_password

    name, store = f"test-{role}", _store(db_path)
    password = generate_password()
    if store.get_user(name) is None:
        create_user(store, name, password, role, actor="test")
    else:
        from passmap.auth import hash_password

        store.set_user_password_hash(name, hash_password(password), actor="test")
    return login(at, role, username=name, password=password, db_path=db_path)


def browser_login(
    page,
    base_url: str,
    role: str = "admin",
    username: str | None = None,
    password: str | None = None,
    timeout_ms: int = 30000,
) -> None:
    """Sign a Playwright page in through the real login form."""
    from passmap.auth import DEMO_PASSWORD

    page.goto(base_url + "/")
    # by role: get_by_label("Password") also matches streamlit's 'Show password' button
    page.get_by_role("textbox", name="User name").fill(
        username or f"demo-{role}", timeout=timeout_ms
    )
    page.get_by_role("textbox", name="Password").fill(password or DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in:").wait_for(timeout=timeout_ms)
    # the session cookie is written after the page shows who is signed in: a reload before it
    # lands would (rightly) show the sign-in form again
    wait_until(
        lambda: session_cookie(page),
        timeout_ms / 1000,
        what="the session cookie written",
        page=page,
    )


def session_cookie(page) -> dict | None:
    """The page's session cookie as the browser holds it (None while there is none)."""
    from passmap.auth import SESSION_COOKIE

    return next((c for c in page.context.cookies() if c["name"] == SESSION_COOKIE), None)


@contextlib.contextmanager
def serve_png(rgb: tuple[int, int, int]):
    """A loopback HTTP server answering every GET with one solid-colour 256 px PNG (tiles, plan
    images). Yields (base URL, the paths requested)."""
    import http.server
    import io
    import threading

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (256, 256), rgb).save(buf, format="PNG")
    body, requested = buf.getvalue(), []

    class Png(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            requested.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "image/png")
            self.send_header("Access-Control-Allow-Origin", "*")  # the map draws it in WebGL
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Png)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}", requested
    finally:
        server.shutdown()


def first_level(store) -> tuple[str, str, str]:
    """(campus, building, level) the pickers open on: the first of each, in the store's order."""
    campus = store.list_campuses()["id"].iloc[0]
    building = store.list_buildings(campus)["id"].iloc[0]
    return campus, building, store.list_levels(building)["id"].iloc[0]


def submit_status(runner, device: str, aspect: str, state: str, age_s: float = 0.0) -> None:
    """One canonical status message to a real FeedRunner, as if received ``age_s`` s ago."""
    import json
    from datetime import UTC, datetime, timedelta

    when = datetime.now(UTC) - timedelta(seconds=age_s)
    payload = {"device_id": device, "aspect": aspect, "state": state, "observed_utc": when}
    payload["observed_utc"] = when.isoformat()
    runner.submit(f"passmap/status/{device}", json.dumps(payload), received_ts=time.time() - age_s)


def deckmap_args(element) -> dict:
    """The arguments of a map component (ui.deckmap) as its frontend ends up with them: each
    large layer, sent as a reference (ui.maplayers.reference), replaced by the JSON the frontend
    fetches for it from this process."""
    import json

    from ui.maplayers import layer_of

    args = json.loads(element.proto.json_args)
    layers = []
    for layer in args["layers"]:
        if layer.startswith("@"):
            text = layer_of(layer)
            assert text is not None, f"the map refers to a layer nobody keeps: {layer}"
            layer = text
        layers.append(layer)
    return dict(args, layers=layers)
