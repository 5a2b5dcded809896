"""Build the demo database from the GeoJSON under data/districts and data/floorplans."""

from __future__ import annotations

from pathlib import Path

from passmap.config import DATA_DIR
from passmap.importers.project_geojson import read_project_files
from passmap.store import Store


def demo_files(data_dir: Path = DATA_DIR) -> list[Path]:
    files = sorted((data_dir / "districts").glob("*.geojson"))
    files += sorted((data_dir / "floorplans").rglob("*.geojson"))
    return files


def build_demo(db_path: Path, data_dir: Path = DATA_DIR) -> dict[str, int]:
    """(Re)build the demo district into ``db_path``; returns counts per table."""
    files = demo_files(data_dir)
    if not files:
        raise FileNotFoundError(
            f"No demo GeoJSON under {data_dir}/districts; the checkout is incomplete."
        )
    bundle = read_project_files(files)
    Path(db_path).parent.mkdir(parents=True, exist_ok=True)  # e.g. a fresh ~/.local/share/passmap
    tmp = Path(str(db_path) + ".building")
    tmp.unlink(missing_ok=True)
    with Store(tmp) as store:
        counts = store.write_sites(bundle, actor="demo", label="demo")
        for step in _post_steps():
            step(store)
    # A WAL left by a server that had the old file open would be replayed onto the new file.
    Path(str(db_path) + ".wal").unlink(missing_ok=True)
    tmp.replace(db_path)
    Path(str(tmp) + ".wal").unlink(missing_ok=True)
    return counts


def _post_steps():
    """Steps other areas add to the demo build (assessment, demo accounts, device statuses)."""
    from passmap.auth import create_demo_accounts
    from passmap.demo.baseline import demo_step
    from passmap.reports.responder import record_demo_walkthroughs

    return [
        demo_step,  # compliance: starter catalogs, demo checklist, first assessment
        create_demo_accounts,  # access: labelled demo accounts, one per role
        record_demo_walkthroughs,  # access: a past walk-through per building
    ]
