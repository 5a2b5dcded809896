"""Axis MQTT event JSON and ONVIF event XML (tt:MetadataStream / wsnt:NotificationMessage).

Both carry an ONVIF topic (``onvif:Device/axis:IO/Port`` or ``tns1:Device/tnsaxis:IO/Port``), a
Source and a Data item set. Topics are compared with their namespace prefixes removed.
Options: ``io_ports`` ({"1": "position"|"panic"|"tamper"}; default position, active = open).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from datetime import datetime

from passmap.feeds.common import decode_object, parse_time, topic_part
from passmap.feeds.model import MalformedMessage, StatusEvent

_PREFIX = re.compile(r"\b[A-Za-z0-9]+:")
_NS = {
    "wsnt": "http://docs.oasis-open.org/wsn/b-2",
    "tt": "http://www.onvif.org/ver10/schema",
    "wsa5": "http://www.w3.org/2005/08/addressing",
}
_LOCK = {
    "locked": "locked",
    "doublelocked": "locked",
    "blocked": "locked",
    "unlocked": "unlocked",
    "accessed": "unlocked",
    "lockeddown": "locked_down",
    "lockedopen": "locked_open",
    "unknown": "unknown",
}
_POSITION = {"open": "open", "closed": "closed", "fault": "fault", "unknown": "unknown"}
_DOOR_ALARM = {"normal": "normal", "forced": "forced_open", "opentoolong": "held_open"}
_ON = {"1", "true", "active", "on"}


def strip_prefixes(onvif_topic: str) -> str:
    """``tns1:Device/tnsaxis:IO/Port`` -> ``Device/IO/Port``."""
    return _PREFIX.sub("", onvif_topic.strip())


def _io(port, active: bool, options: dict) -> tuple[str, str, str]:
    role = (options.get("io_ports") or {}).get(str(port), "position")
    suffix = "io" if str(port) in ("-1", "") else f"io{port}"
    if role == "panic":
        return suffix, "panic", "triggered" if active else "idle"
    if role == "tamper":
        return suffix, "health", "tamper" if active else "online"
    return suffix, "position", "open" if active else "closed"


def map_topic(
    topic: str, source: dict, data: dict, options: dict
) -> list[tuple[str, str, str, dict]]:
    """ONVIF topic + items -> [(device suffix, aspect, state, attrs)]; [] for topics we ignore."""
    first = lambda *keys: next((str(data[k]) for k in keys if k in data), "")  # noqa: E731
    value = first("state", "State", "active", "LogicalState", "triggered", "alert", "Failed")
    token = source.get("DoorToken") or source.get("Door") or ""
    low = value.lower()
    if topic.startswith("Device/IO/Port") or topic.startswith("Device/IO/VirtualInput"):
        port = source.get("port", source.get("input", ""))
        return [(*_io(port, low in _ON, options), {})]
    if topic.startswith("Door/State/"):
        kind = topic.rsplit("/", 1)[-1]
        table = {
            "DoorMode": ("lock", _LOCK),
            "DoorPhysicalState": ("position", _POSITION),
            "DoorAlarm": ("door_alarm", _DOOR_ALARM),
        }.get(kind)
        if kind == "DoorTamper":
            table = ("door_alarm", {"tamper": "tamper", "notintamper": "normal"})
        if table is None:
            return []
        aspect, mapping = table
        if low not in mapping:
            raise MalformedMessage(f"ONVIF {kind} state {value!r} is not recognised")
        return [(str(token), aspect, mapping[low], {})]
    if topic.startswith("VideoSource/SignalLoss"):
        return [("", "camera", "video_loss" if low in _ON else "online", {})]
    if topic.startswith("VideoSource/GlobalSceneChange"):
        return [("", "camera", "tamper" if low in _ON else "online", {})]
    if topic.startswith("Storage/Alert") or topic.startswith("Device/HardwareFailure/Storage"):
        return [
            (
                "",
                "camera",
                "storage_fail" if low in _ON else "online",
                {"disk": source.get("disk_id")} if source.get("disk_id") else {},
            )
        ]
    if topic.startswith("Device/Trigger/Relay"):
        return [("", "event", "relay_active" if low in _ON else "relay_inactive", {})]
    if topic.startswith(("Device/Sensor/PIR", "RuleEngine", "CameraApplicationPlatform")):
        label = data.get("classTypes") or "motion"
        return [("", "event", str(label) if low in _ON else "idle", {"rule": topic})]
    return []


def _events(
    device: str, topic: str, source: dict, data: dict, when: datetime, src: str, options: dict
) -> list[StatusEvent]:
    out = []
    for suffix, aspect, state, attrs in map_topic(topic, source, data, options):
        dev = f"{device}:{suffix}" if suffix else device
        out.append(StatusEvent.make(dev, aspect, state, when, src, dict(attrs, onvif_topic=topic)))
    return out


def normalise_axis(
    topic: str, payload: bytes, received_utc: datetime, options: dict, source: str = "axis"
) -> list[StatusEvent]:
    """Axis MQTT event JSON on ``axis/<serial>/event/...`` -> events.

    The device is the serial in the MQTT topic (``options['serial_index']``, default 1) or
    ``payload['serial']``. A ``{"connected": false}`` message reports the camera offline.
    """
    obj = decode_object(payload)
    device = str(obj.get("serial") or topic_part(topic, int(options.get("serial_index", 1))) or "")
    if not device:
        raise MalformedMessage("Axis message has no device serial in topic or payload")
    when = parse_time(obj["timestamp"], "ms") if "timestamp" in obj else received_utc
    if "connected" in obj:
        state = "online" if obj["connected"] in (True, "true", 1) else "offline"
        return [StatusEvent.make(device, "camera", state, when, source)]
    msg = obj.get("message")
    if not isinstance(obj.get("topic"), str) or not isinstance(msg, dict):
        raise MalformedMessage("Axis event lacks 'topic' text or 'message' object")
    src, data = msg.get("source") or {}, msg.get("data") or {}
    if not isinstance(src, dict) or not isinstance(data, dict):
        raise MalformedMessage("Axis event message source/data must be objects")
    return _events(device, strip_prefixes(obj["topic"]), src, data, when, source, options)


def _items(node) -> dict:
    if node is None:
        return {}
    return {i.get("Name"): i.get("Value") for i in node.findall("tt:SimpleItem", _NS)}


def normalise_onvif(
    topic: str, payload: bytes, received_utc: datetime, options: dict, source: str = "onvif"
) -> list[StatusEvent]:
    """ONVIF MetadataStream / Notify XML -> events (device = ProducerReference uuid)."""
    try:
        root = ET.fromstring(payload)
    except ET.ParseError as exc:
        raise MalformedMessage(f"payload is not well-formed XML ({exc})") from None
    out: list[StatusEvent] = []
    for note in root.iter(f"{{{_NS['wsnt']}}}NotificationMessage"):
        onvif_topic = note.findtext("wsnt:Topic", "", _NS)
        address = note.findtext("wsnt:ProducerReference/wsa5:Address", "", _NS)
        device = address.replace("uri://", "").replace("/ProducerReference", "") or str(
            options.get("device_id") or topic_part(topic, -1) or ""
        )
        msg = note.find("wsnt:Message/tt:Message", _NS)
        if msg is None or not onvif_topic:
            raise MalformedMessage("ONVIF notification lacks Topic or tt:Message")
        when = parse_time(msg.get("UtcTime")) if msg.get("UtcTime") else received_utc
        out += _events(
            device,
            strip_prefixes(onvif_topic),
            _items(msg.find("tt:Source", _NS)),
            _items(msg.find("tt:Data", _NS)),
            when,
            source,
            options,
        )
    return out
