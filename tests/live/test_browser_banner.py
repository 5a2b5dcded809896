"""In a real browser: a duress published to the broker while the app runs shows in the banner of
the page being looked at (no reload) and of every other page, with the lockdown it causes and
"Show on map" opening the alarm's floor with the device ringed and its panel open; an alarm of a
device on the grounds (no floor) opens its campus map so."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest

from passmap.feeds.mqtt import MqttConfig, Publisher
from passmap.store import Store
from tests.browser.mapview import MAP_FRAME

from .live_helpers import subscribed, wait_until

pytestmark = [pytest.mark.browser, pytest.mark.broker]
# "" is the District page: the default page lives at "/" ("/overview" is "Page not found")
PATHS = ["", "campus-map", "floor-plan", "gaps-roadmap", "live-status", "responder",
         "board-report"]  # fmt: skip
SHOTS = Path(__file__).resolve().parents[2] / "bench" / "out"


def _far_duress(db) -> dict:
    """A duress button on the campus the sidebar does NOT pick first."""
    with Store(db, read_only=True) as store:
        campus = store.list_campuses().sort_values("name")["id"].iloc[-1]
        c = store.list_controls(campus)
        return c[(c["type"] == "duress_button") & c["external_id"].notna()].iloc[0].to_dict()


def _grounds_camera(db, not_on: str) -> dict:
    """A camera outside every building (a field or parking camera) of another campus."""
    with Store(db, read_only=True) as store:
        for campus in store.list_campuses().sort_values("name")["id"].iloc[::-1]:
            c = store.list_controls(campus)
            c = c[c["level_id"].isna() & (c["type"] == "camera") & c["external_id"].notna()]
            if campus != not_on and len(c):
                return c.iloc[-1].to_dict()
    raise AssertionError("the demo has no camera on the grounds")


def press_once_subscribed(
    server, broker_url: str, external_id: str, aspect: str = "panic", state: str = "triggered"
) -> None:
    """Publish a duress press of ``external_id`` (or another ``aspect``/``state``) once the app's
    ingest has subscribed (else the broker would not keep it for the app's session)."""
    wait_until(lambda: subscribed(server), 120, 0.2)
    body = {"device_id": external_id, "aspect": aspect, "state": state,
            "observed_utc": datetime.now(UTC).isoformat()}  # fmt: skip
    pub = Publisher(MqttConfig.from_env({"PASSMAP_MQTT_URL": broker_url}))
    pub.publish(f"passmap/status/{external_id}", json.dumps(body))
    pub.close()


def test_a_duress_on_any_campus_shows_in_the_banner_of_every_page(
    broker, demo_db, app_server, browser_page
):
    button = _far_duress(demo_db)
    camera = _grounds_camera(demo_db, not_on=button["campus_id"])
    server = app_server(
        demo_db, PASSMAP_MQTT_URL=broker.url, PASSMAP_MQTT_CLIENT_ID=f"app-{uuid.uuid4().hex[:8]}"
    )
    page = browser_page
    page.login(server.url, role="admin", timeout_ms=90_000)
    page.goto(server.url + "/")
    page.get_by_text("Signed in:").wait_for(timeout=90_000)
    press_once_subscribed(server, broker.url, button["external_id"])
    page.get_by_text("1 open alarm").first.wait_for(timeout=60_000)  # the fragment, no reload
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "banner-desk.png"))
    for path in PATHS:
        page.goto(f"{server.url}/{path}")
        page.get_by_text("Signed in:").wait_for(timeout=90_000)
        # the fragment's elements arrive one by one: wait for each, none may be missing
        banner = page.locator(".st-key-alarm-banner-alarms")
        banner.get_by_text("1 open alarm").wait_for(timeout=60_000)
        banner.get_by_text(button["name"]).wait_for(timeout=60_000)
        page.get_by_text("LOCKDOWN").first.wait_for(timeout=60_000)
    page.goto(server.url + "/")
    banner = page.locator(".st-key-alarm-banner-alarms")
    banner.get_by_role("button", name="Show on map").click(timeout=60_000)
    page.wait_for_url("**/floor-plan**", timeout=60_000)
    page.get_by_text("1 open alarm").first.wait_for(timeout=60_000)
    answer = page.frame_locator(MAP_FRAME).first.locator("#answer")  # the ring's caption
    answer.wait_for(state="visible", timeout=60_000)
    assert button["external_id"] in answer.inner_text()
    page.locator(".st-key-detail_panel", has_text=button["name"]).wait_for(timeout=60_000)

    # A camera on the grounds of another campus: no floor, so its campus map. Before its alarm
    # that map rings nothing and shows no panel; after "Show on map" it rings the camera (the
    # map's answer), opens its panel and no floor plan.
    page.goto(server.url + "/campus-map")
    page.frame_locator(MAP_FRAME).first.locator("#map[data-drawn='true']").wait_for(
        state="attached", timeout=90_000
    )
    assert not answer.is_visible() and page.locator(".st-key-detail_panel").count() == 0
    press_once_subscribed(server, broker.url, camera["external_id"], "camera", "tamper")
    banner.get_by_text("2 open alarms").wait_for(timeout=60_000)
    row = banner.locator("[data-testid='stHorizontalBlock']", has_text=camera["name"])
    row.get_by_role("button", name="Show on map").click(timeout=60_000)
    page.locator(".st-key-detail_panel", has_text=camera["name"]).wait_for(timeout=90_000)
    answer.wait_for(state="visible", timeout=60_000)
    assert camera["external_id"] in answer.inner_text() and "grounds" in answer.inner_text()
    assert "/campus-map" in page.url and "/floor-plan" not in page.url
    assert button["name"] not in page.locator(".st-key-detail_panel").inner_text()
