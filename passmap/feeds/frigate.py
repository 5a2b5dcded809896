"""Frigate NVR MQTT: ``frigate/events`` (new/update/end) and ``frigate/available``.

Device = the camera name (``after.camera``), optionally prefixed by ``options['device_prefix']``.
"""

from __future__ import annotations

from datetime import datetime

from passmap.feeds.common import decode_object, parse_time
from passmap.feeds.model import MalformedMessage, StatusEvent


def normalise_frigate(
    topic: str, payload: bytes, received_utc: datetime, options: dict, source: str = "frigate"
) -> list[StatusEvent]:
    prefix = options.get("device_prefix", "")
    if topic.endswith("/available"):
        text = payload.decode("utf-8", "replace").strip()
        if text not in ("online", "offline"):
            raise MalformedMessage(f"Frigate availability {text[:40]!r} is not online/offline")
        return [StatusEvent.make(f"{prefix}frigate", "health", text, received_utc, source)]
    obj = decode_object(payload)
    kind, after = obj.get("type"), obj.get("after")
    if kind not in ("new", "update", "end") or not isinstance(after, dict):
        raise MalformedMessage("Frigate event needs type new|update|end and an 'after' object")
    camera = after.get("camera")
    if not camera:
        raise MalformedMessage("Frigate event has no camera")
    stamp = (
        after.get("end_time")
        if kind == "end" and after.get("end_time")
        else after.get("frame_time")
    )
    when = parse_time(stamp, "s") if stamp is not None else received_utc
    label = str(after.get("label") or "object")
    state = "idle" if kind == "end" or after.get("false_positive") else label
    attrs = {
        "label": label,
        "zones": after.get("current_zones") or [],
        "score": after.get("top_score"),
        "frigate_id": after.get("id"),
        "type": kind,
    }
    return [StatusEvent.make(f"{prefix}{camera}", "event", state, when, source, attrs)]
