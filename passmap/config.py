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
    )
