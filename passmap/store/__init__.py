"""The store: the only module that writes SQL. ``Store(path)`` opens (and migrates) one file.

>>> import tempfile, pathlib
>>> with Store(pathlib.Path(tempfile.mkdtemp()) / "t.duckdb") as s:
...     s.stats()["totals"]["campuses"]
0
"""

from passmap.store.access import AccessMixin
from passmap.store.base import BaseStore, StoreError, StoreLockedError, utc_now
from passmap.store.compliance import ComplianceMixin
from passmap.store.editing import EditingMixin
from passmap.store.live import LiveMixin
from passmap.store.references import ReferencesMixin
from passmap.store.reports import ReportsMixin
from passmap.store.sites import SITE_TABLES, SitesMixin
from passmap.store.versions import VersionsMixin


class Store(
    SitesMixin,
    ComplianceMixin,
    LiveMixin,
    AccessMixin,
    EditingMixin,
    ReportsMixin,
    VersionsMixin,
    ReferencesMixin,
    BaseStore,
):
    """One DuckDB file; each area's named queries live in its own mixin module."""


__all__ = ["Store", "StoreError", "StoreLockedError", "SITE_TABLES", "utc_now"]
