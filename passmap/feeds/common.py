"""Helpers shared by the vendor normalisers: JSON decoding, time parsing, dotted paths."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from passmap.feeds.model import MalformedMessage, to_utc_naive


def decode_json(payload: bytes | str) -> Any:
    """Payload -> Python object, or MalformedMessage naming the problem."""
    try:
        text = payload.decode("utf-8") if isinstance(payload, (bytes, bytearray)) else payload
        return json.loads(text)
    except UnicodeDecodeError:
        raise MalformedMessage("payload is not UTF-8 text") from None
    except ValueError as exc:
        raise MalformedMessage(f"payload is not JSON ({exc.msg} at char {exc.pos})") from None


def decode_object(payload: bytes | str) -> dict:
    obj = decode_json(payload)
    if not isinstance(obj, dict):
        raise MalformedMessage(f"payload is JSON {type(obj).__name__}, expected an object")
    return obj


def parse_time(value: Any, unit: str = "auto") -> datetime:
    """ISO-8601 text, epoch seconds or epoch milliseconds -> naive UTC.

    >>> parse_time(1590045190230).isoformat()
    '2020-05-21T07:13:10.230000'
    >>> parse_time("2026-03-02T13:05:00Z").isoformat()
    '2026-03-02T13:05:00'
    """
    if isinstance(value, bool) or value is None:
        raise MalformedMessage(f"time {value!r} is not a timestamp")
    if isinstance(value, (int, float)):
        seconds = value / 1000.0 if unit == "ms" or (unit == "auto" and value > 1e11) else value
        try:
            return datetime.fromtimestamp(seconds, UTC).replace(tzinfo=None)
        except (OverflowError, OSError, ValueError):
            raise MalformedMessage(f"time {value!r} is out of range") from None
    if isinstance(value, str):
        text = value.strip()
        if text.replace(".", "", 1).isdigit():
            return parse_time(float(text), unit)
        try:
            return to_utc_naive(datetime.fromisoformat(text.replace("Z", "+00:00")))
        except ValueError:
            raise MalformedMessage(f"time {value!r} is not ISO-8601 or epoch") from None
    raise MalformedMessage(f"time {value!r} is not a timestamp")


def get_path(obj: Any, path: str, default: Any = None) -> Any:
    """Dotted path into nested dicts/lists: ``get_path({"a": [{"b": 1}]}, "a.0.b") == 1``."""
    cur = obj
    for part in path.split("."):
        if isinstance(cur, dict):
            cur = cur.get(part, default)
        elif (
            isinstance(cur, list)
            and part.lstrip("-").isdigit()
            and -len(cur) <= int(part) < len(cur)
        ):
            cur = cur[int(part)]
        else:
            return default
    return cur


def topic_part(topic: str, index: int) -> str | None:
    parts = topic.split("/")
    return parts[index] if -len(parts) <= index < len(parts) else None
