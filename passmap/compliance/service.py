"""The current assessment of each open database, kept in step with every write.

One service per (Store, edition, design|effective) in a process-wide registry (like
``passmap.store.shared``; no Streamlit cache can drop it). Asking it for the result compares the
result's version with the store's data version (a number in memory) and, when writes happened,
reads the store's change log and re-assesses only the campuses they touched
(``AssessmentResult.update_campuses``); a change that reaches everything (the catalog, a
district-wide checklist status, a district or campus row) runs a full assessment. Every page,
report and share view that asks gets the same result for the same version.

>>> import tempfile, pathlib
>>> from passmap.store import Store
>>> s = Store(pathlib.Path(tempfile.mkdtemp()) / "x.duckdb")
>>> service_for(s).version() is None     # no catalog yet: nothing to assess
True
"""

from __future__ import annotations

import threading

from passmap.compliance import assess
from passmap.compliance.engine import NothingToAssess
from passmap.compliance.result import AssessmentResult
from passmap.model import EDITION
from passmap.store.versions import NOT_ASSESSED

_LOCK = threading.Lock()
_SERVICES: dict[tuple, AssessmentService] = {}


class AssessmentService:
    """The assessment of one store, edition and mode as of the store's latest write."""

    def __init__(self, store, edition: str = EDITION, live: bool = False):
        self.store, self.edition, self.live = store, edition, live
        self._lock = threading.Lock()
        self._result: AssessmentResult | None = None
        self.updates = {"full": 0, "campus": 0}  # how often each path ran (tests, bench)

    def store_version(self) -> int:
        return self.store.live_version() if self.live else self.store.data_version()

    def current(self) -> AssessmentResult:
        """The result as of the store's latest committed write (brought up to date first).
        Raises NothingToAssess when there is nothing to assess (no catalog loaded)."""
        with self._lock:
            target = self.store_version()
            if self._result is None or self._result.version != target:
                self._result = self._advance(self._result, target)
            return self._result

    def version(self) -> int | None:
        """The version of the current result (None when nothing can be assessed): what a page
        polls to know whether its tiers are still the latest."""
        try:
            return self.current().version
        except NothingToAssess:
            return None

    def _advance(self, result: AssessmentResult | None, target: int) -> AssessmentResult:
        if result is None:
            return self._full(target)
        changes = self.store.data_changes_since(result.version)
        if changes is None:  # the log no longer reaches back to our version
            return self._full(target)
        relevant = [
            c
            for c in changes
            if (self.live or c["kind"] != "status") and c["kind"] not in NOT_ASSESSED
        ]
        newest = max([target, *(c["version"] for c in relevant)])
        campuses = self._campuses(result, relevant)
        if campuses is None:
            return self._full(newest)
        if not campuses:
            return _with_version(result, newest)
        self.updates["campus"] += 1
        return result.update_campuses(self.store, campuses, version=newest)

    def _full(self, version: int) -> AssessmentResult:
        self.updates["full"] += 1
        return assess(self.store, self.edition, self.live, version=version)

    @staticmethod
    def _campuses(result: AssessmentResult, changes: list[dict]) -> set | None:
        """The campuses the changes touched; None when one reaches everything."""
        campuses: set = set()
        scope_campus = None
        for c in changes:
            if c["is_global"]:
                return None
            campuses |= set(c["campus_ids"] or ())
            for scope in c["scope_ids"] or ():
                if scope_campus is None:
                    s = result.scopes
                    scope_campus = dict(zip(s["scope_id"], s["campus_id"]))
                campus = scope_campus.get(scope)
                if campus is None or campus != campus:  # the district, or a scope we never saw
                    return None
                campuses.add(campus)
        return campuses


def _with_version(result: AssessmentResult, version: int) -> AssessmentResult:
    """The same result under a newer version (writes that changed nothing it shows)."""
    import copy

    new = copy.copy(result)
    new.version = version
    return new


def service_for(store, edition: str = EDITION, live: bool = False) -> AssessmentService:
    """The process-wide service of ``store`` (one per Store object, edition and mode)."""
    key = (id(store), str(store.path), edition, bool(live))
    with _LOCK:
        service = _SERVICES.get(key)
        if service is None or service.store is not store:
            service = _SERVICES[key] = AssessmentService(store, edition, live)
        return service


def warm_up(path, edition: str = EDITION) -> threading.Thread:
    """Assess the shared store of ``path`` (design and effective) on a background thread, so
    the first visitor does not wait for a full run. For the server's lifespan hook."""
    from passmap.store.shared import shared_store

    def work():
        store = shared_store(path)
        for live in (False, True):
            service_for(store, edition, live).version()

    thread = threading.Thread(target=work, name="passmap-assess-warm-up", daemon=True)
    thread.start()
    return thread


__all__ = ["AssessmentService", "service_for", "warm_up"]
