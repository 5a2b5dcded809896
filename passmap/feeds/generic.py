"""A generic JSON mapping configured per gateway, for feeds without a dedicated normaliser.

Options: ``device`` (dotted path, or ``topic:N`` for a topic segment), ``time`` (path; absent =
received time), ``time_unit`` (auto|s|ms), ``aspect`` (fixed) or ``aspect_path``, ``state``
(path) and ``states`` (raw value -> normalised state; unmapped values are rejected).

>>> from datetime import datetime
>>> opts = {"device": "dev.id", "state": "value", "aspect": "position",
...         "states": {"1": "open", "0": "closed"}}
>>> body = b'{"dev": {"id": "x"}, "value": 1}'
>>> [e.state for e in normalise_generic("t", body, datetime(2026, 1, 1), opts)]
['open']
"""

from __future__ import annotations

from datetime import datetime

from passmap.feeds.common import decode_object, get_path, parse_time, topic_part
from passmap.feeds.model import MalformedMessage, StatusEvent


def normalise_generic(
    topic: str, payload: bytes, received_utc: datetime, options: dict, source: str = "generic"
) -> list[StatusEvent]:
    if not options.get("device") or not options.get("state"):
        raise MalformedMessage(
            "generic gateway is not configured (needs 'device' and 'state' paths)"
        )
    obj = decode_object(payload)
    dev_path = options["device"]
    device = (
        topic_part(topic, int(dev_path[6:]))
        if dev_path.startswith("topic:")
        else get_path(obj, dev_path)
    )
    if device in (None, ""):
        raise MalformedMessage(f"no device id at {dev_path!r}")
    raw = get_path(obj, options["state"])
    if raw is None:
        raise MalformedMessage(f"no state at {options['state']!r}")
    key = str(raw).lower() if isinstance(raw, bool) else str(raw)
    if key in set(options.get("ignore") or ()):
        return []  # a value the gateway is told to ignore (e.g. motion) is no dead letter
    states = options.get("states")
    state = states.get(key) if states else key
    if state is None:
        raise MalformedMessage(f"state value {key!r} has no mapping in the gateway configuration")
    aspect = (
        get_path(obj, options["aspect_path"])
        if options.get("aspect_path")
        else options.get("aspect")
    )
    stamp = get_path(obj, options["time"]) if options.get("time") else None
    when = (
        parse_time(stamp, options.get("time_unit", "auto")) if stamp is not None else received_utc
    )
    return [StatusEvent.make(str(device), str(aspect), state, when, source)]
