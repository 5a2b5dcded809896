"""The compliance engine: catalog practices evaluated over the site model.

>>> from passmap.compliance import RULES
>>> len(RULES) >= 10
True

Usage::

    result = assess(store, edition=EDITION, live=False)
    result.tiers["campus-1"], result.gaps.head(), roadmap(result, 250_000, 3)
"""

from __future__ import annotations

from datetime import date

from passmap.compliance.engine import run
from passmap.compliance.history import diff, record, tier_changes
from passmap.compliance.planning import roadmap
from passmap.compliance.result import AssessmentResult
from passmap.compliance.rules import RULES
from passmap.gcpause import gc_paused
from passmap.model import EDITION


def assess(
    store,
    edition: str = EDITION,
    live: bool = False,
    building_id: str | None = None,
    as_of: date | None = None,
    version: int | None = None,
) -> AssessmentResult:
    """Assess the district (or one building) against ``edition``.

    ``live=True`` reads device statuses for the *effective* tier: offline cameras lose their
    coverage, offline duress buttons stop counting, held-open exterior doors fail "locked and
    monitored", and live-health practices apply. ``version``: the store version read (kept on
    the result; the assessment service passes it).
    """
    if version is None:
        version = store.live_version() if live else store.data_version()
    with gc_paused():  # millions of surviving containers: see passmap.gcpause
        practices, ctx, findings = run(store, edition, live, building_id, as_of)
        return AssessmentResult(
            edition, live, ctx.as_of, practices, ctx, findings, building_id, version=version
        )


__all__ = ["assess", "roadmap", "record", "diff", "tier_changes", "AssessmentResult", "RULES"]
