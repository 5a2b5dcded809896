"""Settings from the environment, read in one place. Nothing here reaches the network."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from passmap.units import system_of

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
DEFAULT_DB = DATA_DIR / "passmap.duckdb"


@dataclass(frozen=True)
class Settings:
    db_path: Path
    tile_url: str | None  # XYZ template, e.g. https://tiles.district.local/{z}/{x}/{y}.png
    tile_attribution: str
    mqtt_url: str | None  # mqtt://user:pass@host:1883 or mqtts://...
    simulate: bool  # run the built-in demo feed when no broker is configured
    units: str = "us"  # how distances and areas are shown: "us" (feet, miles) or "metric"
    # -- imports (h14) --
    import_dir: Path | None = None  # server folder the Import page may read; None: uploads only
    underlay_dir: Path = DATA_DIR / "floorplans" / "images"  # plan images, read only in here
    upload_dir: Path | None = None  # where uploads wait for their import (None: system temp)
    import_max_bytes: int = 200 * 1024 * 1024  # per file, and in total for an archive


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read PASSMAP_* variables.

    >>> load_settings({"PASSMAP_DB": "/tmp/x.duckdb"}).db_path.name
    'x.duckdb'
    >>> load_settings({}).units, load_settings({"PASSMAP_UNITS": "metric"}).units
    ('us', 'metric')
    """
    env = os.environ if env is None else env
    return Settings(
        db_path=Path(env.get("PASSMAP_DB") or DEFAULT_DB),
        tile_url=env.get("PASSMAP_TILE_URL") or None,
        tile_attribution=env.get("PASSMAP_TILE_ATTRIBUTION", "Configured tile source"),
        mqtt_url=env.get("PASSMAP_MQTT_URL") or None,
        simulate=env.get("PASSMAP_SIMULATE", "1") not in ("0", "false", "no"),
        units=system_of(env.get("PASSMAP_UNITS")),
        **_import_settings(env),
    )


def _import_settings(env) -> dict:
    """PASSMAP_IMPORT_DIR, PASSMAP_UNDERLAY_DIR, PASSMAP_UPLOAD_DIR, PASSMAP_IMPORT_MAX_MB.

    >>> _import_settings({"PASSMAP_IMPORT_MAX_MB": "5"})["import_max_bytes"]
    5242880
    """
    out: dict = {}
    if env.get("PASSMAP_IMPORT_DIR"):
        out["import_dir"] = Path(env["PASSMAP_IMPORT_DIR"])
    if env.get("PASSMAP_UNDERLAY_DIR"):
        out["underlay_dir"] = Path(env["PASSMAP_UNDERLAY_DIR"])
    if env.get("PASSMAP_UPLOAD_DIR"):
        out["upload_dir"] = Path(env["PASSMAP_UPLOAD_DIR"])
    if env.get("PASSMAP_IMPORT_MAX_MB"):
        out["import_max_bytes"] = int(float(env["PASSMAP_IMPORT_MAX_MB"]) * 1024 * 1024)
    return out
