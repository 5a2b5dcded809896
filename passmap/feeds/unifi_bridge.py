"""``passmap bridge unifi``: a UniFi Protect console's websocket API -> MQTT (``unifi`` gateway).

Uses the ``uiprotect`` library (the client Home Assistant uses) with an API key of the console's
integration API: it keeps the events and devices websockets open (reconnecting by itself) and
hands every frame to ``publish(topic, payload)`` as ``{"type": "add"|"update", "item": {...}}``
on ``unifi/<console>/<modelKey>/<id>``. Normalising happens in the app's writer
(passmap/feeds/unifi.py), so the one-writer rule and QoS 1 delivery hold as for any gateway.
"""

from __future__ import annotations

import asyncio
import json
import logging
import tempfile
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)


def frame_topic(console: str, item: dict) -> str:
    """>>> frame_topic("hs-nvr", {"modelKey": "sensor", "id": "abc"})
    'unifi/hs-nvr/sensor/abc'
    """
    safe = [str(x).replace("/", "_").replace("+", "_").replace("#", "_") for x in (
        console, item.get("modelKey") or "unknown", item.get("id") or "-")]  # fmt: skip
    return "unifi/" + "/".join(safe)


class UnifiBridge:
    """Subscribe a console's events and devices websockets; publish each frame."""

    def __init__(
        self,
        host: str,
        port: int,
        api_key: str,
        publish: Callable[[str, bytes], object],
        console: str | None = None,
        verify_ssl: bool = True,
    ):
        self.host, self.port, self.api_key = host, port, api_key
        self.publish = publish
        self.console = console or host
        self.verify_ssl = verify_ssl
        self.frames = 0
        self.client = None

    def _on_message(self, msg) -> None:
        item = msg.changed_data if isinstance(msg.changed_data, dict) else {}
        if not item.get("modelKey"):
            return
        action = getattr(msg.action, "value", str(msg.action))
        body = json.dumps({"type": action, "item": item}, default=str).encode()
        self.publish(frame_topic(self.console, item), body)
        self.frames += 1

    def _client(self):
        from uiprotect import ProtectApiClient

        state = Path(tempfile.mkdtemp(prefix="passmap-unifi-"))  # no session files kept
        return ProtectApiClient(
            self.host,
            self.port,
            api_key=self.api_key,
            verify_ssl=self.verify_ssl,
            store_sessions=False,
            cache_dir=state,
            config_dir=state,
        )

    async def run(self, stop: asyncio.Event) -> None:
        """Until ``stop`` is set (uiprotect reconnects a dropped websocket by itself)."""
        self.client = self._client()
        unsubscribe = [
            self.client.subscribe_events_websocket(self._on_message),
            self.client.subscribe_devices_websocket(self._on_message),
        ]
        log.info(
            "UniFi Protect bridge: %s:%s -> MQTT unifi/%s/#", self.host, self.port, self.console
        )
        try:
            await stop.wait()
        finally:
            for undo in unsubscribe:
                undo()
            await self.client.async_disconnect_ws()
            await self.client.close_session()
            await self.client.close_public_api_session()
