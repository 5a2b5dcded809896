"""Cyclic garbage collection paused while an assessment builds its findings, or an import
reads its features (passmap/importers/dispatch.py: a few dicts per feature that all live until
the write; ~15% of the time of a 20,000-feature PBF).

An assessment of a large district allocates a few million small containers that all stay
alive (evidence dicts, id lists, per-unit rows). CPython's collector runs a full pass over the
whole heap each time enough of them survived, about a dozen times during one run of the
200-campus district, which measured ~2.5 s of its ~8.5 s CPU; the one collection after the
pause costs ~0.15 s. Reference counting still frees everything that is not in a cycle. The
last overlapping assessment to finish turns the collector back on and runs that one young
collection itself, so the catch-up is part of the assessment's time (and the caller's
next steps, a page or a benchmark's next measurement, do not pay it).

>>> import gc
>>> before = gc.isenabled()
>>> with gc_paused():
...     gc.isenabled()
False
>>> gc.isenabled() == before
True
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# Assessments may overlap (several sessions of one server): the collector is turned back on
# by the last one to finish, and only if it was on before the first began.
_LOCK = threading.Lock()
_STATE = {"depth": 0, "was_enabled": False}


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with the cyclic garbage collector off (reentrant, thread-safe)."""
    with _LOCK:
        if _STATE["depth"] == 0:
            _STATE["was_enabled"] = gc.isenabled()
            gc.disable()
        _STATE["depth"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _STATE["depth"] -= 1
            if _STATE["depth"] == 0 and _STATE["was_enabled"]:
                gc.enable()
                gc.collect(1)  # the young generations: what the pause let pile up
