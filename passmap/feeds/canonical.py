"""The project's own canonical JSON: one status object or a list of them.

``{"device_id": "ext-door-12", "aspect": "position", "state": "open",
   "observed_utc": "2026-03-02T13:05:00Z", "attrs": {"battery_pct": 80}}``
"""

from __future__ import annotations

from datetime import datetime

from passmap.feeds.common import decode_json, parse_time
from passmap.feeds.model import MalformedMessage, StatusEvent

REQUIRED = ("device_id", "aspect", "state", "observed_utc")


def _one(obj, source: str) -> StatusEvent:
    if not isinstance(obj, dict):
        raise MalformedMessage("canonical status must be a JSON object")
    missing = [k for k in REQUIRED if obj.get(k) in (None, "")]
    if missing:
        raise MalformedMessage(f"canonical status lacks {', '.join(missing)}")
    attrs = obj.get("attrs") or {}
    if not isinstance(attrs, dict):
        raise MalformedMessage("canonical attrs must be an object")
    return StatusEvent.make(
        str(obj["device_id"]),
        obj["aspect"],
        obj["state"],
        parse_time(obj["observed_utc"]),
        source,
        attrs,
    )


def normalise_canonical(
    topic: str, payload: bytes, received_utc: datetime, options: dict, source: str = "canonical"
) -> list[StatusEvent]:
    """Canonical JSON -> events.

    >>> from datetime import datetime
    >>> p = (b'{"device_id":"d1","aspect":"position","state":"open",'
    ...      b'"observed_utc":"2026-03-02T13:05:00Z"}')
    >>> [e.state for e in normalise_canonical("t", p, datetime(2026, 3, 2), {})]
    ['open']
    """
    obj = decode_json(payload)
    items = obj if isinstance(obj, list) else [obj]
    if not items:
        raise MalformedMessage("canonical message is an empty list")
    return [_one(item, source) for item in items]
