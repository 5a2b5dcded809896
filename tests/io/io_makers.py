"""Files in the shapes real systems write: IMDF zips, OSM indoor GeoJSON, DXF, PNG, schedules.

Coordinates sit near a school in Charlotte, NC (lon -80.84, lat 35.22).
"""

from __future__ import annotations

import json
import uuid
import zipfile
from pathlib import Path

LON0, LAT0 = -80.8400, 35.2200
M = 1 / 111_000  # ~ degrees per metre (lat); good enough for fixtures


def box(x0, y0, w, h):
    """A lon/lat rectangle from metre offsets."""
    k = M / 0.817  # cos(35.22 deg) for longitude
    x, y = LON0 + x0 * k, LAT0 + y0 * M
    X, Y = LON0 + (x0 + w) * k, LAT0 + (y0 + h) * M
    return {"type": "Polygon", "coordinates": [[[x, y], [X, y], [X, Y], [x, Y], [x, y]]]}


def pt(x0, y0):
    return {"type": "Point", "coordinates": [LON0 + x0 * M / 0.817, LAT0 + y0 * M]}


def line(x0, y0, x1, y1):
    return {
        "type": "LineString",
        "coordinates": [pt(x0, y0)["coordinates"], pt(x1, y1)["coordinates"]],
    }


def fc(features, **extra):
    return {"type": "FeatureCollection", "features": features, **extra}


def feat(props, geom, fid=None, ftype=None):
    f = {"type": "Feature", "properties": props, "geometry": geom}
    if fid:
        f["id"] = fid
    if ftype:
        f["feature_type"] = ftype
    return f


def imdf_features(n_units: int = 3, odd_category: bool = True) -> dict[str, dict]:
    """A vendor IMDF venue: 1 building, 1 level, n units in a row, doors between, an AED."""
    u = lambda: str(uuid.uuid4())  # noqa: E731
    venue, bld, lvl = u(), u(), u()
    cols = max(1, int(n_units**0.5))
    units, openings = [], []
    for i in range(n_units):
        cx, cy = (i % cols) * 10, (i // cols) * 8
        cat = "classroom" if i % 3 else "walkway"
        if odd_category and i == 1:
            cat = "weird.vendor.thing"
        units.append(
            feat(
                {
                    "category": cat,
                    "restriction": None,
                    "accessibility": None,
                    "name": {"en": f"Room {100 + i}"},
                    "alt_name": {"en": str(100 + i)},
                    "display_point": None,
                    "level_id": lvl,
                },
                box(cx, cy, 10, 8),
                u(),
                "unit",
            )
        )
        openings.append(
            feat(
                {
                    "category": "pedestrian.principal" if i == 0 else "pedestrian",
                    "door": {"type": "door", "automatic": False, "material": "wood"},
                    "access_control": ["cardaccess"] if i == 0 else None,
                    "name": {"en": f"D{i}"},
                    "level_id": lvl,
                },
                line(cx + 10, cy + 3, cx + 10, cy + 4),
                u(),
                "opening",
            )
        )
    width, height = cols * 10, ((n_units - 1) // cols + 1) * 8
    outline = box(0, 0, width, height)
    amen = [
        feat(
            {
                "category": "defibrillator",
                "unit_ids": [units[0]["id"]],
                "name": {"en": "AED lobby"},
            },
            pt(2, 2),
            u(),
            "amenity",
        ),
        feat(
            {"category": "vendingmachine", "unit_ids": [units[0]["id"]]}, pt(3, 3), u(), "amenity"
        ),
    ]
    return {
        "manifest.json": {"version": "1.0.0", "created": "2024-01-01T00:00:00", "language": "en"},
        "venue.geojson": fc(
            [feat({"category": "education", "name": {"en": "Test High"}}, outline, venue, "venue")]
        ),
        "building.geojson": fc(
            [feat({"name": {"en": "Main"}, "category": "unspecified"}, None, bld, "building")]
        ),
        "footprint.geojson": fc(
            [feat({"category": "ground", "building_ids": [bld]}, outline, u(), "footprint")]
        ),
        "level.geojson": fc(
            [
                feat(
                    {
                        "category": "unspecified",
                        "ordinal": 0,
                        "outdoor": False,
                        "name": {"en": "Ground"},
                        "building_ids": [bld],
                    },
                    outline,
                    lvl,
                    "level",
                )
            ]
        ),
        "unit.geojson": fc(units),
        "opening.geojson": fc(openings),
        "amenity.geojson": fc(amen),
        "address.geojson": fc([]),
    }


def write_imdf_zip(path: Path, n_units: int = 3, macosx: bool = True, **kw) -> Path:
    files = imdf_features(n_units, **kw)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, doc in files.items():
            zf.writestr(f"venue/{name}", json.dumps(doc))
        if macosx:
            zf.writestr("__MACOSX/venue/._unit.geojson", b"\x00\x05\x16\x07junk")
    return path


def write_osm(path: Path) -> Path:
    """overpass-turbo style: @id, indoor=room/corridor (one 'Room'), levels as int and str."""
    feats = [
        feat(
            {"@id": "way/1", "indoor": "room", "level": "0", "name": "Aula 101", "ref": "101"},
            box(0, 0, 10, 8),
        ),
        feat(
            {"@id": "way/2", "indoor": "Room", "level": 0, "name": "Biblioteca", "ref": "102"},
            box(10, 0, 10, 8),
        ),
        feat({"@id": "way/3", "indoor": "corridor", "level": "0"}, box(0, 8, 20, 3)),
        feat(
            {"@id": "way/4", "indoor": "room", "level": "1", "room": "class", "ref": "201"},
            box(0, 0, 10, 8),
        ),
        feat({"@id": "node/5", "door": "hinged", "level": "0", "ref": "D1"}, pt(5, 8)),
        feat({"@id": "way/6", "highway": "footway", "level": "0"}, line(0, 20, 5, 20)),
        feat({"@id": "way/7", "amenity": "parking", "level": 0, "name": "Lot"}, box(0, 30, 20, 10)),
        feat({"@id": "node/8", "shop": "kiosk"}, pt(30, 30)),
    ]
    path.write_text(json.dumps(fc(feats, generator="overpass-ide")))
    return path


def write_dxf(path: Path, rooms: int = 2, units: int = 4) -> Path:
    """An office floor in mm: wall polylines, door blocks, closed room outlines, text labels."""
    import ezdxf

    doc = ezdxf.new("R2018")
    doc.header["$INSUNITS"] = units
    for name in ("A-WALL", "A-DOOR", "A-ROOM", "A-TEXT", "Furniture"):
        doc.layers.add(name)
    blk = doc.blocks.new("DOOR900")
    blk.add_line((0, 0), (900, 0))
    blk.add_arc((0, 0), 900, 0, 90)
    msp = doc.modelspace()
    for i in range(rooms):
        x = i * 6000
        msp.add_lwpolyline(
            [(x, 0), (x + 6000, 0), (x + 6000, 5000), (x, 5000)],
            close=True,
            dxfattribs={"layer": "A-ROOM"},
        )
        msp.add_lwpolyline(
            [(x, 0), (x + 6000, 0), (x + 6000, 5000)], dxfattribs={"layer": "A-WALL"}
        )
        msp.add_blockref("DOOR900", (x + 2000, 5000), dxfattribs={"layer": "A-DOOR"})
        msp.add_text(f"{101 + i}", dxfattribs={"layer": "A-TEXT", "insert": (x + 3000, 2500)})
        msp.add_text("Classroom", dxfattribs={"layer": "A-TEXT", "insert": (x + 3000, 2000)})
        msp.add_circle((x + 1000, 1000), 300, dxfattribs={"layer": "Furniture"})
    doc.saveas(path)
    return path


def _east(distance_m: float) -> tuple[float, float]:
    from pyproj import Geod

    lon, lat, _ = Geod(ellps="WGS84").fwd(LON0, LAT0, 90, distance_m)
    return lon, lat


# Drawing mm -> lon/lat near LON0/LAT0: 12 m due east = 12000 mm.
DXF_GEOREF = [(0, 0, LON0, LAT0), (12000, 0, *_east(12.0))]


def write_png(path: Path, w: int = 400, h: int = 200) -> Path:
    from PIL import Image, ImageDraw

    im = Image.new("RGB", (w, h), "white")
    d = ImageDraw.Draw(im)
    d.rectangle([10, 10, w - 10, h - 10], outline="black", width=3)
    d.line([w // 2, 10, w // 2, h - 10], fill="black", width=3)
    im.save(path)
    return path


def write_pdf(path: Path) -> Path:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(4, 2))
    ax.plot([0, 1, 1, 0, 0], [0, 0, 1, 1, 0])
    fig.savefig(path)
    plt.close(fig)
    return path


def write_door_csv(path: Path, rows: list[dict] | None = None) -> Path:
    import csv

    rows = rows or [
        {
            "Door No": "101A",
            "Room Number": "101",
            "Door Class": "classroom",
            "Lock Function": "classroom-security",
            "Monitored": "yes",
        },
        {
            "Door No": "1",
            "Room Number": "102",
            "Door Class": "exterior-primary",
            "Lock Function": "electrified",
            "Monitored": "Y",
        },
    ]
    with path.open("w", newline="") as fh:
        w = csv.DictWriter(fh, fieldnames=list(rows[0]))
        w.writeheader()
        w.writerows(rows)
    return path


def write_camera_xlsx(path: Path, rows: list[list] | None = None) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.append(["Camera ID", "Camera Name", "Room", "Bearing", "FOV", "Range"])
    for r in rows or [
        ["CAM-0101", "Hall cam", "101", 90, 80, 15],
        ["CAM-0102", "Library cam", "102", 180, 60, 12],
    ]:
        ws.append(r)
    wb.save(path)
    return path


def base_bundle() -> dict[str, list[dict]]:
    """A district, campus, building, level and two rooms with numbers (for schedules/editing)."""
    from shapely.geometry import shape

    return {
        "district": [{"id": "d1", "name": "Test District", "state": "NC"}],
        "campus": [
            {
                "id": "c1",
                "district_id": "d1",
                "name": "Test High",
                "school_type": "high",
                "geom": shape(box(-20, -20, 80, 80)),
            }
        ],
        "building": [
            {"id": "b1", "campus_id": "c1", "name": "Main", "geom": shape(box(0, 0, 20, 8))}
        ],
        "level": [{"id": "b1-l0", "building_id": "b1", "ordinal": 0, "name": "Ground"}],
        "zone": [
            {
                "id": "z101",
                "campus_id": "c1",
                "building_id": "b1",
                "level_id": "b1-l0",
                "kind": "classroom",
                "name": "Room 101",
                "room_number": "101",
                "geom": shape(box(0, 0, 10, 8)),
            },
            {
                "id": "z102",
                "campus_id": "c1",
                "building_id": "b1",
                "level_id": "b1-l0",
                "kind": "library",
                "name": "Library",
                "room_number": "102",
                "geom": shape(box(10, 0, 10, 8)),
            },
            {
                "id": "lot",
                "campus_id": "c1",
                "kind": "parking",
                "name": "Lot",
                "geom": shape(box(0, 30, 20, 10)),
            },
        ],
    }
