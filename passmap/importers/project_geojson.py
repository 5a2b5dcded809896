"""Read the project's own GeoJSON schema (docs/GEOJSON.md) into a site bundle, without a store.

The demo build uses this; it is the same reader ``passmap import`` uses for these files
(``geojson_mapped.read_project``: one validation, one set of messages), so the demo, an
export and a district's own files are read the same way.
"""

from __future__ import annotations

from pathlib import Path

from passmap.importers.base import ImportContext, ImportOptions
from passmap.store.sites import SITE_TABLES


def read_project_files(paths: list[Path]) -> dict[str, list[dict]]:
    """Read several files of the project schema into one bundle ``{table: [row, ...]}``."""
    from passmap.importers.geojson_mapped import read_project

    paths = [Path(p) for p in paths]
    ctx = ImportContext(ImportOptions(), ", ".join(p.name for p in paths))
    read_project(ctx, paths)
    bundle = {t: ctx.bundle[t] for t in SITE_TABLES}
    if ctx.bundle["wall"]:
        bundle["wall"] = ctx.bundle["wall"]
    return bundle
