"""Gateways (topic pattern -> normaliser kind + options) and message routing.

>>> from datetime import datetime
>>> gw = Gateway("z", "zigbee2mqtt", "zigbee2mqtt/#")
>>> at = datetime(2026, 1, 1)
>>> events = normalise_message(gw, "zigbee2mqtt/door-7", b'{"contact": false}', at)
>>> [e.state for e in events]
['open', 'online']
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from paho.mqtt.client import topic_matches_sub

from passmap.feeds.axis import normalise_axis, normalise_onvif
from passmap.feeds.canonical import normalise_canonical
from passmap.feeds.frigate import normalise_frigate
from passmap.feeds.generic import normalise_generic
from passmap.feeds.model import StatusEvent
from passmap.feeds.sia import normalise_sia
from passmap.feeds.unifi import DEFAULT_HELD_OPEN_S, normalise_unifi
from passmap.feeds.zigbee import normalise_zigbee2mqtt

Normaliser = Callable[..., list[StatusEvent]]
NORMALISERS: dict[str, Normaliser] = {
    "canonical": normalise_canonical,
    "axis": normalise_axis,
    "onvif": normalise_onvif,
    "frigate": normalise_frigate,
    "zigbee2mqtt": normalise_zigbee2mqtt,
    "sia": normalise_sia,
    "generic": normalise_generic,
    "unifi": normalise_unifi,
}


@dataclass(frozen=True)
class Gateway:
    id: str
    kind: str
    topic_pattern: str
    options: dict = field(default_factory=dict, hash=False, compare=False)
    stale_after_s: float | None = None
    enabled: bool = True


DEFAULT_GATEWAYS = (
    Gateway("passmap", "canonical", "passmap/status/#"),
    Gateway("axis", "axis", "axis/+/event/#"),
    Gateway("onvif", "onvif", "onvif/#"),
    Gateway("frigate", "frigate", "frigate/#", {}),
    Gateway("zigbee2mqtt", "zigbee2mqtt", "zigbee2mqtt/#"),
    Gateway("sia", "sia", "sia/#"),
    Gateway("unifi", "unifi", "unifi/#", {"held_open_s": DEFAULT_HELD_OPEN_S}),
)


def normalise_message(
    gateway: Gateway, topic: str, payload: bytes, received_utc: datetime
) -> list[StatusEvent]:
    """Route one message through its gateway's normaliser (raises MalformedMessage)."""
    fn = NORMALISERS[gateway.kind]
    return fn(topic, payload, received_utc, gateway.options, source=gateway.id)


class Router:
    """topic -> gateway, first matching pattern wins; results cached (bounded)."""

    def __init__(self, gateways: list[Gateway], cache_size: int = 10_000):
        self.gateways = [g for g in gateways if g.enabled]
        self._cache: dict[str, Gateway | None] = {}
        self._cache_size = cache_size

    def route(self, topic: str) -> Gateway | None:
        try:
            return self._cache[topic]
        except KeyError:
            pass
        found = next((g for g in self.gateways if topic_matches_sub(g.topic_pattern, topic)), None)
        if len(self._cache) >= self._cache_size:
            self._cache.clear()
        self._cache[topic] = found
        return found
