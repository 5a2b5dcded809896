"""What every IMDF archive PassMap writes shares: one id per entity, the feature envelope, the
manifest and the zip. The full store export (passmap/exporters/imdf.py) and the responder
export (passmap/reports/responder_export.py) both write through here, so a system importing
both finds the same zone, door or level under the same IMDF id.

Ids: IMDF needs UUIDs; ours are mapped stably with ``imdf_uuid`` (uuid5 of ``table:id``).

>>> imdf_uuid("zone", "r101") == imdf_uuid("zone", "r101") != imdf_uuid("opening", "r101")
True
>>> f = imdf_feature("zone", "r101", "unit", {"category": "classroom"}, None)
>>> f["id"] == imdf_uuid("zone", "r101"), f["feature_type"], f["geometry"]
(True, 'unit', None)
"""

from __future__ import annotations

import json
import uuid
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

from passmap.exporters.common import feature

NAMESPACE = uuid.UUID("6f1c2d4e-8a7b-5c3d-9e0f-a1b2c3d4e5f6")
IMDF_VERSION = "1.0.0"


def imdf_uuid(table: str, entity_id: str) -> str:
    """The IMDF id of one PassMap entity (``table`` is its store table: zone, opening, ...)."""
    return str(uuid.uuid5(NAMESPACE, f"{table}:{entity_id}"))


def imdf_feature(table: str, entity_id: str, ftype: str, props: dict, geom) -> dict:
    """One IMDF feature of type ``ftype``, its id ``imdf_uuid(table, entity_id)``."""
    f = feature(props, geom)
    return {
        "id": imdf_uuid(table, entity_id),
        "type": "Feature",
        "feature_type": ftype,
        "geometry": f["geometry"],
        "properties": f["properties"],
    }


def write_imdf_zip(
    out: str | Path | IO[bytes], files: dict[str, list[dict]], extensions: list[str]
) -> dict[str, int]:
    """Write manifest.json and one ``<name>.geojson`` a file; returns the feature count per file.

    ``out`` is a path (its folder made when missing) or a binary file object.
    """
    manifest = {
        "version": IMDF_VERSION,
        "created": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "generated_by": "PassMap",
        "language": "en",
        "extensions": list(extensions),
    }
    if isinstance(out, (str, Path)):
        out = Path(out)
        out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("manifest.json", json.dumps(manifest, indent=2))
        for name, feats in files.items():
            doc = {"type": "FeatureCollection", "name": name, "features": feats}
            zf.writestr(f"{name}.geojson", json.dumps(doc, default=str))
    return {name: len(feats) for name, feats in files.items()}
