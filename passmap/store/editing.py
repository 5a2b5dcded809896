"""Named queries for the editing area (filled in by its issue)."""

from __future__ import annotations


class EditingMixin:
    pass
