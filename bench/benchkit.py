"""What several benchmarks set up the same way: a private copy of a district database (built
first when the given path does not exist yet) and a share link into it.

Imported by the bench scripts (``python bench/<name>.py`` puts bench/ on the path); pytest does
not collect it.
"""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

from passmap import share
from passmap.access import DEFAULT_SHARE_LAYERS


def copy_db(source: Path, work: Path, name: str, build) -> Path:
    """``work/name``: a copy of ``source``, which ``build(source)`` makes first if missing."""
    if not source.exists():
        build(source)
    db = work / name
    shutil.copy(source, db)
    return db


def share_link(store, campuses: list[str]) -> str:
    """A day-long link for the County Sheriff with the default layers; its token."""
    _, token = share.create_link(
        store, "County Sheriff", campuses, list(DEFAULT_SHARE_LAYERS), timedelta(days=1), "bench"
    )
    return token
