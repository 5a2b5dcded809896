"""The one clock: naive UTC datetimes, the form every timestamp column stores.

>>> utc_now().tzinfo is None
True
"""

from __future__ import annotations

from datetime import UTC, datetime


def utc_now() -> datetime:
    """Now in UTC without tzinfo (DuckDB TIMESTAMP columns hold naive UTC)."""
    return datetime.now(UTC).replace(tzinfo=None)
