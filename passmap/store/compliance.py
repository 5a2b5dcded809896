"""Named queries for the compliance area (filled in by its issue)."""

from __future__ import annotations


class ComplianceMixin:
    pass
