"""Demo build step: load the starter catalogs and the demo checklist, record a first assessment."""

from __future__ import annotations

from passmap.catalog import CATALOG_DIR, import_checklist, load_starter

DEMO_CHECKLIST = CATALOG_DIR / "demo-checklist.csv"


def demo_step(store) -> str:
    """Used by ``passmap demo``; returns the id of the recorded assessment."""
    from passmap.compliance import assess, record

    load_starter(store, "v7", actor="demo")
    load_starter(store, "v6", actor="demo")
    if DEMO_CHECKLIST.exists():
        import_checklist(store, DEMO_CHECKLIST, edition="v7", actor="demo")
    return record(store, assess(store, edition="v7"), label="Demo baseline assessment")
