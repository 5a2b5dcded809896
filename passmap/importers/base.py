"""Shared shapes of every importer: options, the report, and the bundle being built.

An importer reads a file into a *bundle* ``{table: [row, ...]}`` (rows are dicts of column
values, geometry under ``geom`` as shapely) and the dispatcher writes it in ONE transaction.

>>> ctx = ImportContext(ImportOptions(building_id="b1"), source="x.dxf")
>>> ctx.warn("layer 'rooms' is empty"); ctx.warnings
["x.dxf: layer 'rooms' is empty"]
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Tables an import may write, parents first. ``wall`` comes from migration 0005.
BUNDLE_TABLES = ("district", "campus", "building", "level", "zone", "opening", "control", "wall")


class ImportFailed(ValueError):
    """A file could not be imported; the message names the file, the feature and the problem."""


def _settings():
    from passmap.config import load_settings

    return load_settings()


@dataclass
class ImportOptions:
    """What the person chose for one import (CLI flags or the Import page)."""

    format: str | None = None  # auto-detected when None
    campus_id: str | None = None
    building_id: str | None = None
    building_name: str | None = None
    level_id: str | None = None  # single-level formats: DXF, image, schedules
    level_ordinal: int = 0
    level_name: str | None = None
    layers: dict[str, list[str]] = field(default_factory=dict)  # DXF role -> layer names
    georef: list[tuple[float, float, float, float]] = field(default_factory=list)  # x, y, lon, lat
    corners: list[tuple[float, float]] = field(default_factory=list)  # lon, lat
    zone_kind_map: dict[str, str] = field(default_factory=dict)  # source category -> zone kind
    column_map: dict[str, str] = field(default_factory=dict)  # our field -> source column
    schedule_kind: str | None = None  # doors | cameras (detected from columns)
    underlay_dir: Path | None = None  # where images go (default: <data home>/floorplans/images)
    pdf_page: int = 1
    dry_run: bool = False
    actor: str = "local"
    max_bytes: int = field(default_factory=lambda: _settings().import_max_bytes)
    max_zip_ratio: float = 100.0


@dataclass
class ImportReport:
    """What an import wrote (or would write, on a dry run) and what it warned about."""

    source: str
    format: str
    counts: dict[str, int]
    warnings: list[str]
    dry_run: bool = False
    bundle: dict[str, list[dict]] | None = None  # kept for previews; not serialised
    detail: dict[str, dict[str, int]] | None = None  # created / updated per table

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "format": self.format,
            "counts": self.counts,
            "warnings": self.warnings,
            "dry_run": self.dry_run,
            "detail": self.detail,
        }


_NOT_SLUG = re.compile(r"[^a-z0-9]+")


def slug(text: Any) -> str:
    """A lower-case id fragment.

    >>> slug("Westport House / Floor 1")
    'westport-house-floor-1'
    """
    s = _NOT_SLUG.sub("-", str(text).lower()).strip("-")
    return s or "x"


class ImportContext:
    """Collects rows and warnings for one import; knows the source name for messages."""

    def __init__(self, options: ImportOptions, source: str, store=None):
        self.options = options
        self.source = source
        self._names = [n for n in source.split(", ") if n]
        self.store = store
        self.warnings: list[str] = []
        self.bundle: dict[str, list[dict]] = {t: [] for t in BUNDLE_TABLES}
        self._ids: dict[tuple[str, str], str | None] = {}  # -> label
        self.after_commit: list = []  # file copies etc., run only once the data is committed
        self.language: str | None = None  # an archive's declared language (IMDF manifest)

    def _named(self, message: str) -> str:
        """Prefix the source, unless the message already starts with one of its file names."""
        if any(message.startswith(f"{n}:") or message.startswith(f"{n} ") for n in self._names):
            return message
        return f"{self.source}: {message}"

    def warn(self, message: str) -> None:
        self.warnings.append(self._named(message))

    def fail(self, message: str) -> ImportFailed:
        return ImportFailed(self._named(message))

    def add(self, table: str, row: dict, label: str | None = None) -> dict:
        """Add a row; a second row with the same id in one import is an error naming both."""
        key = (table, str(row["id"]))
        if key in self._ids:  # the names are made only for the message (10,000 rows: ~3 ms)
            where, also = (x or f"feature {row['id']}" for x in (label, self._ids[key]))
            raise self.fail(f"{where}: duplicate {table} id {row['id']!r} (also {also}).")
        self._ids[key] = label
        self.bundle[table].append(row)
        return row

    def has(self, table: str, entity_id: str) -> bool:
        return (table, str(entity_id)) in self._ids

    def counts(self) -> dict[str, int]:
        return {t: len(rows) for t, rows in self.bundle.items() if rows}


def read_bytes_limited(path: Path, options: ImportOptions) -> bytes:
    """Read a file, refusing one larger than ``options.max_bytes``."""
    size = Path(path).stat().st_size
    if size > options.max_bytes:
        raise ImportFailed(
            f"{path}: file is {size / 1e6:.1f} MB, over the "
            f"{options.max_bytes / 1e6:.0f} MB import limit."
        )
    return Path(path).read_bytes()
