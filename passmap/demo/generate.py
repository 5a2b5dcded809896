"""Generate the demo district GeoJSON: `python -m passmap.demo.generate [--out DIR]`.

Deterministic (fixed seeds, no clock): running it twice writes identical files. Plans are laid
out in campus-local metres, projected through UTM 17N and written in WGS84 (docs/GEOJSON.md):
``data/districts/<district>.geojson`` and ``data/floorplans/<building>/<level>.geojson``.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from shapely.ops import unary_union

from passmap.config import DATA_DIR
from passmap.demo import campus_build, schools, secondary
from passmap.demo.frame import feature, utm_to_wgs84, write_collection

DISTRICT = {"id": "cedar-valley-usd", "name": "Cedar Valley Unified School District", "state": "NC"}
CAMPUSES = [
    {
        "id": "cvhs",
        "year_built": 2004,
        "short": "hs",
        "name": "Cedar Valley High School",
        "school_type": "high",
        "students": 1850,
        "address": "2400 Cedar Valley Parkway, Apex, NC 27539",
        "grades": "9-12",
        "lonlat": (-78.8700, 35.7150),
        "rotation_deg": 8.0,
        "profile": "strong",
        "plan": "high",
    },
    {
        "id": "cvms",
        "year_built": 1998,
        "short": "ms",
        "name": "Cedar Valley Middle School",
        "school_type": "middle",
        "students": 880,
        "address": "1150 Whitfield Road, Apex, NC 27523",
        "grades": "6-8",
        "lonlat": (-78.8420, 35.7330),
        "rotation_deg": -12.0,
        "profile": "partial",
        "plan": "middle",
    },
    {
        "id": "mres",
        "year_built": 2011,
        "short": "mr",
        "name": "Maple Ridge Elementary School",
        "school_type": "elementary",
        "students": 540,
        "address": "305 Maple Ridge Drive, Cary, NC 27519",
        "grades": "K-5",
        "lonlat": (-78.8350, 35.7050),
        "rotation_deg": 21.0,
        "profile": "partial",
        "plan": "elementary_secure",
    },
    {
        "id": "ohes",
        "year_built": 1968,
        "short": "oh",
        "name": "Oak Hollow Elementary School",
        "school_type": "elementary",
        "students": 470,
        "address": "88 Oak Hollow Lane, Apex, NC 27539",
        "grades": "K-5",
        "lonlat": (-78.8790, 35.7420),
        "rotation_deg": -6.0,
        "profile": "weak",
        "plan": "elementary_open",
        "annexes": [
            {
                "id": "portable-1",
                "name": "Portable Classroom Unit 1",
                "origin": (-128.0, 46.0),
                "first_number": 1,
                "year_built": 1996,
            },
            {
                "id": "portable-2",
                "name": "Portable Classroom Unit 2",
                "origin": (-102.0, 46.0),
                "first_number": 3,
                "year_built": 2003,
            },
        ],
    },
]
SEED = 20260901


def plan_for(name: str) -> dict:
    """The floor plan ``{ordinal: [Room, ...]}`` of a template name."""
    return {
        "elementary_secure": lambda: schools.elementary(True),
        "elementary_open": lambda: schools.mirrored(schools.elementary(False)),
        "middle": secondary.middle,
        "high": secondary.high,
    }[name]()


def generate(out_dir: Path = DATA_DIR) -> list[Path]:
    """Write every demo file under ``out_dir``; returns the paths written (sorted)."""
    district_features, written, parcels = [], [], []
    for i, spec in enumerate(CAMPUSES):
        rng = random.Random(SEED + i)
        result = campus_build.build_campus(DISTRICT["id"], spec, plan_for(spec["plan"]), rng)
        district_features += result.district_features
        parcels.append(result.parcel_utm)
        for building_id, level_id, feats in result.level_files:
            path = out_dir / "floorplans" / building_id / f"{level_id}.geojson"
            write_collection(path, feats)
            written.append(path)
    outline = unary_union(parcels).convex_hull.buffer(2500, quad_segs=4).simplify(50)
    head = feature(
        "district",
        utm_to_wgs84(outline),
        dict(
            DISTRICT, props={"website": "https://www.cvusd.example.org", "campuses": len(CAMPUSES)}
        ),
    )
    path = out_dir / "districts" / f"{DISTRICT['id']}.geojson"
    write_collection(path, [head] + district_features)
    written.append(path)
    return sorted(written)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=DATA_DIR, help="data directory to write into")
    args = parser.parse_args(argv)
    paths = generate(args.out)
    print(f"Wrote {len(paths)} demo files under {args.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
