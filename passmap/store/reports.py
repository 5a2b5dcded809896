"""Named queries for the reports area (filled in by its issue)."""

from __future__ import annotations


class ReportsMixin:
    pass
