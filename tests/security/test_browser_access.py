"""Real chromium against a real server: a partner on a phone through a share link, refusals,
and hostile names that must stay text (no script runs)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from passmap import share
from tests.browser.mapview import MAP_FRAME, hover_until_tooltip
from tests.security.tiny_site import XSS

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844}
SEARCH = "Find a room, door, device or grid cell"
TIMEOUT_MS = 90000


def _record_bodies(page) -> list[bytes]:
    """Every HTTP body and websocket frame the server sends: what 'reaches the browser'
    (the vendored map library under /share-assets/ is code the same for everyone: skipped)."""
    bodies: list[bytes] = []

    def on_response(resp):
        if "/share-assets/" in resp.url:
            return
        try:
            bodies.append(resp.body())
        except Exception:  # noqa: BLE001 - a redirect or aborted response has no body
            pass

    def on_ws(ws):
        ws.on(
            "framereceived",
            lambda payload: bodies.append(
                payload if isinstance(payload, bytes) else payload.encode()
            ),
        )

    page.on("response", on_response)
    page.on("websocket", on_ws)
    return bodies


def _make_link(db, layers, campuses=("cvhs",)) -> tuple[str, str]:
    from passmap.store import Store

    with Store(db) as s:
        return share.create_link(
            s, "County Sheriff", list(campuses), layers, timedelta(days=7), "test"
        )


def test_partner_on_a_phone_sees_only_the_shared_campus_and_layers(
    demo_db, app_server, browser_page, tmp_path
):
    """An old-style link (/?share=) is redirected to the share page (ui/share_http.py), which
    carries only the shared campus and layers; every opening is logged."""
    link_id, token = _make_link(demo_db, ["grid", "buildings", "doors", "aeds", "stairs"])
    server = app_server(demo_db)
    page = browser_page
    page.set_viewport_size(PHONE)
    bodies = _record_bodies(page)
    page.goto(f"{server.url}/?share={token}")
    page.get_by_text("Responder map: Cedar Valley High School").wait_for(timeout=TIMEOUT_MS)
    page.wait_for_selector("html[data-map-drawn='1']", state="attached", timeout=TIMEOUT_MS)
    page.get_by_role("searchbox", name="Find a room, door or device").fill("Door 1")
    page.keyboard.press("Enter")
    answer = page.locator("#answers button", has_text="Door 1 (").first  # passmap.search wording
    answer.wait_for(timeout=TIMEOUT_MS)
    assert "grid cell" in answer.inner_text()
    # Everything the page fetches has come: the map's data (drawn), the search answer and the
    # live banner (live.json, polled): what was sent can now be read for what it must not hold.
    page.get_by_text("Posture:").first.wait_for(timeout=TIMEOUT_MS)
    page.screenshot(path=str(tmp_path / "phone.png"), full_page=False)
    sent = b"".join(bodies)
    assert b"Cedar Valley High School" in sent and b"Door 1" in sent
    for hidden in (
        b"Maple Ridge",
        b"Oak Hollow",
        b"Cedar Valley Middle",
        b"Camera",
        b"Trauma kit",
        b"Panic alarm",
        b"Card reader",
        b"Science",
    ):
        assert hidden not in sent, hidden
    body = page.locator("body").inner_text()
    assert "Sign out" not in body and "District" not in body.split("Responder map")[0]
    from passmap.store import Store

    server.stop()
    with Store(demo_db, read_only=True) as s:
        views = [u["view"] for u in s.share_accesses(link_id)]
    assert views == ["open"]


def test_revoked_link_in_the_browser_is_a_plain_refusal(demo_db, app_server, browser_page):
    from passmap.store import Store

    link_id, token = _make_link(demo_db, ["doors"])
    with Store(demo_db) as s:
        s.revoke_share_link(link_id, "admin")
    server = app_server(demo_db)
    page = browser_page
    page.set_viewport_size(PHONE)
    page.goto(f"{server.url}/?share={token}")
    page.get_by_text(share.REFUSAL).wait_for(timeout=TIMEOUT_MS)
    assert page.locator(MAP_FRAME).count() == 0
    assert "Cedar Valley" not in page.locator("body").inner_text()


def test_hostile_names_never_run_as_script(tiny_db, app_server, browser_page):
    """Rooms named with markup and script (tests/security/tiny_site.py) show as text in the
    Floor plan's and the Responder map's tooltips (presence: drawn, picked, shown), no element
    is made of them, and no script ran in any frame (absence, after the presence)."""
    server = app_server(tiny_db)
    page = browser_page
    page.login(server.url, role="admin")
    for link, spec in (("Floor plan", "floor:"), ("Responder map", "responder:")):
        page.get_by_role("link", name=link).click()
        drawn = f"#map[data-drawn='true'][data-spec^='{spec}']"  # that page's map is drawn
        page.frame_locator(MAP_FRAME).first.locator(drawn).wait_for(
            state="attached", timeout=TIMEOUT_MS
        )
        tip = hover_until_tooltip(page, "onerror", timeout_ms=TIMEOUT_MS)
        assert XSS in tip.inner_text(), link  # the name as typed, characters and all
        assert tip.locator("img, script").count() == 0, link  # no element made of it
        flags = [f.evaluate("() => window.__pm_xss === undefined") for f in page.frames]
        assert all(flags), f"a hostile name ran as script on {link}"
    page.get_by_role("textbox", name=SEARCH).fill("101")
    page.keyboard.press("Enter")
    answer = page.frame_locator(MAP_FRAME).first.locator("#answer")  # on the map
    answer.wait_for(timeout=TIMEOUT_MS)
    assert "onerror" in answer.inner_text() and "B2" in answer.inner_text()  # text, not markup
    assert all(f.evaluate("() => window.__pm_xss === undefined") for f in page.frames)
    from passmap.auth import DEMO_PASSWORD

    server.stop()
    assert DEMO_PASSWORD not in server.log()  # never in the server log
