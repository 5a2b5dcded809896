"""UniFi Protect: events and device states as the console's API sends them -> canonical status.

``passmap bridge unifi`` (passmap/feeds/unifi_bridge.py) reads a Protect console's websocket API
with the ``uiprotect`` library and publishes each frame to MQTT as
``{"type": "add"|"update", "item": {...}}`` on ``unifi/<console>/<modelKey>/<id>``; the
``unifi`` gateway normalises it here (a bare event or device object is accepted too):

- door/window sensors (UP-Sense): ``sensorOpened`` / ``sensorClosed`` events and the device
  state's ``isOpened`` -> position open/closed (closed also ends a held-open alarm);
  ``tamperingDetectedAt`` -> health tamper; low battery -> health degraded; battery percent in
  attrs. "Held open" is derived by the writer after the gateway's ``held_open_s`` (option,
  default 300 s) of a door that stays open (store.mark_held_open).
- cameras and doorbells: device ``state`` CONNECTED / DISCONNECTED (or ``isConnected``) ->
  camera online/offline, a ``disconnect`` event -> camera offline; ``ring`` -> event
  doorbell_ring; motion and smart detections -> events (motion, person, vehicle ...).
- access readers (doorbell NFC / fingerprint): event card_scanned / fingerprint_identified;
  door locks: ``lockStatus`` -> lock locked/unlocked.
- names and models (``name``, ``marketName`` / ``type``) ride in attrs, so the unknown-device
  list shows them for attaching.

Devices are ``unifi:<Protect id>``. Options: ``held_open_s``, ``ignore`` (event states to drop,
e.g. ``["motion"]``; dropped, not dead-lettered).
"""

from __future__ import annotations

from datetime import datetime

from passmap.feeds.common import decode_json, get_path, parse_time
from passmap.feeds.model import MalformedMessage, StatusEvent

LOW_BATTERY_PCT = 20
DEFAULT_HELD_OPEN_S = 300.0
_EVENT_STATES = {
    "ring": "doorbell_ring",
    "motion": "motion",
    "sensorMotion": "motion",
    "lightMotion": "motion",
    "nfcCardScanned": "card_scanned",
    "fingerprintIdentified": "fingerprint_identified",
    "sensorAlarm": "sensor_alarm",
    "sensorWaterLeak": "water_leak",
    "doorAccess": "access_granted",
}
_NOT_DEVICE_STATUS = {"access", "provision", "update", "offline", "cameraPowerCycle"}
_DEVICE_KEYS = {"camera", "sensor", "doorlock", "light", "chime", "viewer", "bridge"}


def _text(value):
    """Protect wraps some event metadata as {"text": ...}."""
    return value.get("text") if isinstance(value, dict) else value


def _device_attrs(obj: dict) -> dict:
    attrs = {
        "name": obj.get("name"),
        "model": obj.get("marketName") or obj.get("type"),
        "kind": obj.get("modelKey"),
    }
    return {k: v for k, v in attrs.items() if isinstance(v, str) and v}


def _event(obj: dict, received_utc: datetime, source: str, ignore) -> list[StatusEvent]:
    kind = obj.get("type")
    if not isinstance(kind, str):
        raise MalformedMessage("UniFi event lacks its 'type'")
    if kind in _NOT_DEVICE_STATUS:
        return []  # a person signing in to the console, firmware updates ...: not device status
    meta = obj.get("metadata") if isinstance(obj.get("metadata"), dict) else {}
    sensor = _text(meta.get("sensorId"))
    camera = obj.get("camera") or _text(meta.get("lightId"))
    device = sensor or camera
    if not device:
        raise MalformedMessage(f"UniFi {kind} event names no camera or sensor")
    when = parse_time(obj["start"], "ms") if obj.get("start") is not None else received_utc
    attrs = {
        k: v
        for k, v in {
            "name": _text(meta.get("sensorName")) or _text(meta.get("lightName")),
            "model": _text(meta.get("type")),
            "mount": _text(meta.get("mountType")),
            "unifi_event": obj.get("id"),
        }.items()
        if v
    }
    dev = f"unifi:{device}"
    if kind == "sensorOpened":
        return [StatusEvent.make(dev, "position", "open", when, source, attrs)]
    if kind == "sensorClosed":
        return [
            StatusEvent.make(dev, "position", "closed", when, source, attrs),
            StatusEvent.make(dev, "door_alarm", "normal", when, source),
        ]
    if kind == "disconnect":
        attrs["reason"] = _text(meta.get("reason"))
        return [StatusEvent.make(dev, "camera", "offline", when, source, attrs)]
    if kind in ("smartDetectZone", "smartDetectLine", "smartAudioDetect"):
        types = obj.get("smartDetectTypes") or ["object"]
        states = [str(t) for t in types]
    else:
        states = [_EVENT_STATES.get(kind, f"unifi_{kind}")]
    return [
        StatusEvent.make(dev, "event", s, when, source, attrs) for s in states if s not in ignore
    ]


def _device(obj: dict, received_utc: datetime, source: str) -> list[StatusEvent]:
    ident = obj.get("id") or obj.get("mac")
    if not ident:
        raise MalformedMessage("UniFi device state lacks 'id' and 'mac'")
    dev, key, attrs = f"unifi:{ident}", obj.get("modelKey"), _device_attrs(obj)
    out: list[StatusEvent] = []
    state = obj.get("state")
    connected = obj.get("isConnected")
    online = state == "CONNECTED" if isinstance(state, str) else connected
    if key == "camera" and online is not None:
        out.append(
            StatusEvent.make(dev, "camera", "online" if online else "offline", received_utc, source)
        )
    if isinstance(obj.get("isOpened"), bool):
        when = received_utc
        if obj.get("openStatusChangedAt"):
            when = parse_time(obj["openStatusChangedAt"], "ms")
        position = "open" if obj["isOpened"] else "closed"
        out.append(StatusEvent.make(dev, "position", position, when, source))
        if position == "closed":
            out.append(StatusEvent.make(dev, "door_alarm", "normal", when, source))
    lock = obj.get("lockStatus")
    if isinstance(lock, str):
        lock_state = {"CLOSED": "locked", "OPEN": "unlocked"}.get(lock.upper(), "unknown")
        out.append(StatusEvent.make(dev, "lock", lock_state, received_utc, source))
    battery = get_path(obj, "batteryStatus.percentage")
    if key != "camera" and (online is not None or obj.get("batteryStatus") is not None):
        health = "online" if online in (None, True) else "offline"
        low = get_path(obj, "batteryStatus.isLow") is True
        if isinstance(battery, (int, float)) and battery < LOW_BATTERY_PCT:
            low = True
        if obj.get("tamperingDetectedAt"):
            health = "tamper"
        elif low and health == "online":
            health = "degraded"
        if isinstance(battery, (int, float)):
            attrs["battery"] = battery
        out.append(StatusEvent.make(dev, "health", health, received_utc, source, attrs))
    elif out:
        out[0].attrs.update(attrs)  # name and model for the unknown-device list
    return out


def normalise_unifi(
    topic: str, payload: bytes, received_utc: datetime, options: dict, source: str = "unifi"
) -> list[StatusEvent]:
    """One websocket frame (or a bare event / device object) -> events.

    >>> from datetime import datetime
    >>> body = (b'{"type": "add", "item": {"modelKey": "event", "type": "ring",'
    ...         b' "start": 1642971766763, "camera": "cam1"}}')
    >>> events = normalise_unifi("unifi/nvr/event/x", body, datetime(2026, 1, 1), {})
    >>> [(e.device_id, e.aspect, e.state) for e in events]
    [('unifi:cam1', 'event', 'doorbell_ring')]
    """
    obj = decode_json(payload)
    if not isinstance(obj, dict):
        raise MalformedMessage("UniFi message must be a JSON object")
    item = obj.get("item") if isinstance(obj.get("item"), dict) else obj
    ignore = set(options.get("ignore") or ())
    if item.get("modelKey") == "event" or (
        "modelKey" not in item and "start" in item and "type" in item
    ):
        return _event(item, received_utc, source, ignore)
    if item.get("modelKey") in _DEVICE_KEYS or "mac" in item:
        return _device(item, received_utc, source)
    raise MalformedMessage(f"UniFi item of kind {item.get('modelKey')!r} is not an event or device")
