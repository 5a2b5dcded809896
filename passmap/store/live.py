"""Named queries for the live area (filled in by its issue)."""

from __future__ import annotations


class LiveMixin:
    pass
