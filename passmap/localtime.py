"""Times as people read them: in the district's time zone (Settings.timezone, PASSMAP_TIMEZONE),
never bare UTC. The store keeps naive UTC; these turn it into text for pages, the banner, the
share view's payload and printed reports.

>>> from datetime import datetime
>>> local_time(datetime(2026, 3, 2, 13, 5), "America/Chicago")
'2026-03-02 07:05:00 CST'
>>> local_day(datetime(2026, 3, 3, 2, 30), "America/Los_Angeles")  # still the 2nd there
'2026-03-02'
>>> local_time(None, "America/Chicago") is None
True
"""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pandas as pd

from passmap.values import is_missing


def to_local(value, tz_name: str) -> datetime | None:
    """Naive UTC (or an aware value) -> an aware datetime in the zone (None stays None)."""
    if value is None or is_missing(value):
        return None
    stamp = pd.Timestamp(value)
    if stamp.tzinfo is not None:  # an aware value (an ISO text with an offset)
        stamp = stamp.tz_convert("UTC").tz_localize(None)
    return stamp.to_pydatetime().replace(tzinfo=UTC).astimezone(ZoneInfo(tz_name))


def local_time(value, tz_name: str) -> str | None:
    """Naive UTC -> 'YYYY-MM-DD HH:MM:SS TZ' in the zone (None stays None)."""
    local = to_local(value, tz_name)
    return None if local is None else local.strftime("%Y-%m-%d %H:%M:%S %Z")


def local_day(value, tz_name: str) -> str | None:
    """Naive UTC -> the calendar day 'YYYY-MM-DD' in the zone (a walk-through's or a print's
    date: 9 pm in New York is already tomorrow in UTC)."""
    local = to_local(value, tz_name)
    return None if local is None else local.strftime("%Y-%m-%d")


def district_clock(value, tz_name: str | None = None) -> datetime | None:
    """Naive UTC -> the naive wall-clock time in the district's zone (Settings.timezone unless
    ``tz_name``), for reports that format or plot dates themselves."""
    from passmap.config import load_settings

    local = to_local(value, tz_name or load_settings().timezone)
    return None if local is None else local.replace(tzinfo=None)
