"""Named queries for the access area (filled in by its issue)."""

from __future__ import annotations


class AccessMixin:
    pass
