"""In a real browser: a duress published to the broker while a responder's share page is open
(/share/<token>, ui/share_http.py) shows in that page's live banner (the lockdown it causes and
the open alarm) without a reload: the page polls live.json (issue 15)."""

from __future__ import annotations

import uuid
from datetime import timedelta

import pytest

from passmap import share
from passmap.access import DEFAULT_SHARE_LAYERS
from passmap.store import Store

from .test_browser_banner import press_once_subscribed

pytestmark = [pytest.mark.browser, pytest.mark.broker]
TIMEOUT_MS = 90_000


def _link_and_duress(db) -> tuple[str, dict]:
    """A link for the high school with the default layers (no duress layer: the banner still
    tells responders) and a duress button on that campus with a device id."""
    with Store(db) as store:
        _, token = share.create_link(
            store, "County Sheriff", ["cvhs"], list(DEFAULT_SHARE_LAYERS), timedelta(days=1), "t"
        )
        c = store.list_controls("cvhs")
        button = c[(c["type"] == "duress_button") & c["external_id"].notna()].iloc[0].to_dict()
    return token, button


def test_a_duress_shows_on_an_open_share_page_without_a_reload(
    broker, demo_db, app_server, browser_page
):
    token, button = _link_and_duress(demo_db)
    server = app_server(
        demo_db, PASSMAP_MQTT_URL=broker.url, PASSMAP_MQTT_CLIENT_ID=f"app-{uuid.uuid4().hex[:8]}"
    )
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{server.url}/share/{token}")
    page.wait_for_selector("html[data-map-drawn='1']", state="attached", timeout=TIMEOUT_MS)
    banner = page.locator("#banner")
    banner.get_by_text("no open alarms").wait_for(timeout=TIMEOUT_MS)  # polled once: calm
    assert "Posture: Normal" in banner.inner_text()
    page.evaluate("() => { window.__pm_same_page = 1; }")  # gone if the page reloads
    press_once_subscribed(server, broker.url, button["external_id"])
    banner.get_by_text("1 open alarm").wait_for(timeout=60_000)
    text = banner.inner_text()
    assert "Posture: LOCKDOWN" in text, text
    assert button["name"] in text  # where the alarm is, for the responders
    assert page.evaluate("() => window.__pm_same_page") == 1  # no reload
    assert button["external_id"] not in text  # no device ids on a share view
