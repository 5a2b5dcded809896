"""The normalised status vocabulary (DOMAIN.md section 5) and the StatusEvent record.

>>> at = datetime(2026, 3, 2, 8, 0)
>>> e = StatusEvent.make("door-1", "door_alarm", "forced_open", at, "gw")
>>> e.event_id == StatusEvent.make("door-1", "door_alarm", "forced_open", at, "gw").event_id
True
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

# aspect -> allowed normalised states
STATES: dict[str, frozenset[str]] = {
    "lock": frozenset({"locked", "unlocked", "locked_down", "locked_open", "unknown", "fault"}),
    "position": frozenset({"closed", "open", "unknown", "fault"}),
    "door_alarm": frozenset({"normal", "forced_open", "held_open", "tamper", "fault"}),
    "health": frozenset({"online", "offline", "degraded", "tamper", "out_of_service"}),
    "camera": frozenset(
        {"online", "offline", "recording", "not_recording", "video_loss", "tamper", "storage_fail"}
    ),
    "panic": frozenset(
        {"idle", "triggered", "acknowledged", "dispatched", "resolved", "test", "fault"}
    ),
    "posture": frozenset({"normal", "hold", "secure", "lockdown", "evacuate", "shelter"}),
    # alarm-panel zones (SIA fire and burglary families): an alarm until the panel restores it
    "fire": frozenset({"normal", "alarm", "trouble", "supervisory", "test"}),
    "intrusion": frozenset({"normal", "alarm", "trouble", "bypassed", "test"}),
    "event": frozenset(),  # free vocabulary: motion, person, burglary, fire, arm, disarm ...
}
POSTURES = ("normal", "hold", "secure", "lockdown", "evacuate", "shelter")

# (aspect, state) -> alarm kind raised when such an event arrives
ALARM_TRIGGERS: dict[tuple[str, str], str] = {
    ("door_alarm", "forced_open"): "door_forced",
    ("door_alarm", "held_open"): "door_held_open",
    ("door_alarm", "tamper"): "tamper",
    ("health", "tamper"): "tamper",
    ("camera", "tamper"): "tamper",
    ("panic", "triggered"): "duress",
    ("fire", "alarm"): "fire",
    ("intrusion", "alarm"): "burglary",
}
# (aspect, state) -> alarm kinds whose condition this event clears
ALARM_CLEARS: dict[tuple[str, str], tuple[str, ...]] = {
    ("door_alarm", "normal"): ("door_forced", "door_held_open", "tamper"),
    ("panic", "idle"): ("duress",),
    ("panic", "resolved"): ("duress",),
    ("health", "online"): ("tamper",),
    ("camera", "online"): ("tamper",),
    ("fire", "normal"): ("fire",),
    ("intrusion", "normal"): ("burglary",),
}

# Most severe first: the one state shown for a device on the map.
SEVERITY = (
    "triggered",
    "alarm",
    "forced_open",
    "held_open",
    "tamper",
    "offline",
    "video_loss",
    "storage_fail",
    "fault",
    "degraded",
    "trouble",
    "supervisory",
    "bypassed",
    "locked_down",
    "open",
    "unlocked",
    "locked_open",
    "not_recording",
    "test",
    "acknowledged",
    "dispatched",
    "out_of_service",
    "unknown",
    "closed",
    "locked",
    "normal",
    "idle",
    "resolved",
    "recording",
    "online",
)
_RANK = {s: i for i, s in enumerate(SEVERITY)}


class MalformedMessage(ValueError):
    """A message that cannot be normalised; the reason goes to the dead-letter table."""


def to_utc_naive(value: datetime) -> datetime:
    """Aware -> naive UTC; naive values are taken as UTC already."""
    if value.tzinfo is not None:
        value = value.astimezone(UTC).replace(tzinfo=None)
    return value


_EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)


def epoch_us(naive_utc: datetime) -> int:
    return (naive_utc - _EPOCH) // _US


def event_key_id(source: str, device_id: str, aspect: str, state: str, observed_us: int) -> str:
    """The idempotency key of an event (the same message twice is stored once). The batch
    normaliser computes it from Arrow columns, StatusEvent.make from one event: same text."""
    key = f"{source}|{device_id}|{aspect}|{state}|{observed_us}"
    return hashlib.blake2b(key.encode(), digest_size=12).hexdigest()


@dataclass(slots=True)
class StatusEvent:
    device_id: str
    aspect: str
    state: str
    observed_utc: datetime
    source: str
    attrs: dict[str, Any] = field(default_factory=dict)
    event_id: str = ""

    @classmethod
    def make(
        cls,
        device_id: str,
        aspect: str,
        state: str,
        observed_utc: datetime,
        source: str,
        attrs: dict | None = None,
    ) -> StatusEvent:
        """Validate against the vocabulary and derive the idempotency key."""
        if not device_id or not isinstance(device_id, str):
            raise MalformedMessage("device id is missing or not text")
        allowed = STATES.get(aspect)
        if allowed is None:
            raise MalformedMessage(f"unknown aspect {aspect!r}")
        if allowed and state not in allowed:
            raise MalformedMessage(f"state {state!r} is not a {aspect} state")
        if not state:
            raise MalformedMessage("state is empty")
        observed = to_utc_naive(observed_utc)
        event_id = event_key_id(source, device_id, aspect, state, epoch_us(observed))
        return cls(device_id, aspect, state, observed, source, attrs or {}, event_id)


def summary_state(states: dict[str, str]) -> str:
    """The most severe of a device's aspect states (what one map symbol shows).

    >>> summary_state({"position": "open", "door_alarm": "held_open", "health": "online"})
    'held_open'
    """
    if not states:
        return "unknown"
    return min(states.values(), key=lambda s: _RANK.get(s, len(SEVERITY)))
