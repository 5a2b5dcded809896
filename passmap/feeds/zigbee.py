"""Zigbee2MQTT door/window contacts: ``zigbee2mqtt/<friendly name>`` JSON state messages.

``contact: true`` means the magnet is near: the door is CLOSED. ``battery`` (percent),
``battery_low`` and ``tamper`` become health; ``<name>/availability`` reports online/offline.
"""

from __future__ import annotations

from datetime import datetime

from passmap.feeds.common import decode_json, parse_time
from passmap.feeds.model import MalformedMessage, StatusEvent

LOW_BATTERY_PCT = 20


def _device(topic: str, base: str) -> str:
    rest = topic[len(base) :].strip("/") if topic.startswith(base) else topic.split("/", 1)[-1]
    return rest.removesuffix("/availability")


def normalise_zigbee2mqtt(
    topic: str, payload: bytes, received_utc: datetime, options: dict, source: str = "zigbee2mqtt"
) -> list[StatusEvent]:
    base = options.get("base_topic", "zigbee2mqtt")
    if topic.startswith(f"{base}/bridge/") or topic.endswith(("/set", "/get")):
        return []  # bridge logs and commands are not device status
    device = options.get("device_prefix", "") + _device(topic, base)
    obj = decode_json(payload)
    if topic.endswith("/availability"):
        state = obj.get("state") if isinstance(obj, dict) else obj
        if state not in ("online", "offline"):
            raise MalformedMessage(f"Zigbee2MQTT availability {state!r} is not online/offline")
        return [StatusEvent.make(device, "health", state, received_utc, source)]
    if not isinstance(obj, dict):
        raise MalformedMessage("Zigbee2MQTT state must be a JSON object")
    when = parse_time(obj["last_seen"]) if obj.get("last_seen") else received_utc
    out = []
    if "contact" in obj:
        if not isinstance(obj["contact"], bool):
            raise MalformedMessage(f"Zigbee2MQTT contact {obj['contact']!r} is not true/false")
        out.append(
            StatusEvent.make(
                device, "position", "closed" if obj["contact"] else "open", when, source
            )
        )
    battery = obj.get("battery")
    if battery is not None and not isinstance(battery, (int, float)):
        raise MalformedMessage(f"Zigbee2MQTT battery {battery!r} is not a number")
    if obj.get("tamper") is True:
        health = "tamper"
    elif obj.get("battery_low") is True or (battery is not None and battery < LOW_BATTERY_PCT):
        health = "degraded"
    else:
        health = "online"
    attrs = {k: obj[k] for k in ("battery", "linkquality", "voltage") if k in obj}
    out.append(StatusEvent.make(device, "health", health, when, source, attrs))
    return out
