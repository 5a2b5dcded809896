"""Malformed and hostile inputs: each is refused with a message naming the file, the feature and
the problem, and the database is exactly as it was (table counts and a checksum of every row)."""

from __future__ import annotations

import json
import zipfile

import pytest

from passmap.importers import import_path
from passmap.importers.base import ImportFailed, ImportOptions
from passmap.store import StoreError
from tests.io.conftest import snapshot
from tests.io.io_makers import (
    box,
    fc,
    feat,
    imdf_features,
    write_camera_xlsx,
    write_door_csv,
    write_dxf,
    write_png,
)
from tests.io.plan_makers import write_plan_dxf


def _zone(fid, geom, **extra):
    return feat(
        {"feature_type": "zone", "id": fid, "campus_id": "c1", "kind": "classroom", **extra}, geom
    )


def _json(path, doc):
    path.write_text(json.dumps(doc))
    return path


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


def _imdf_members(drop=()):
    return {k: json.dumps(v).encode() for k, v in imdf_features(2).items() if k not in drop}


CASES = {
    "broken-json": (
        lambda p: (
            (p / "a.geojson").write_text('{"type": "FeatureCollection", "features": [')
            and p / "a.geojson"
        ),
        {},
        "not valid JSON",
    ),
    "not-a-collection": (
        lambda p: _json(p / "a.geojson", {"type": "Feature", "properties": {}}),
        {"format": "geojson"},
        "expected a GeoJSON FeatureCollection",
    ),
    "projected-coordinates": (
        lambda p: _json(
            p / "a.geojson",
            fc(
                [
                    _zone(
                        "zp",
                        {
                            "type": "Polygon",
                            "coordinates": [
                                [
                                    [500000, 3900000],
                                    [500010, 3900000],
                                    [500010, 3900010],
                                    [500000, 3900000],
                                ]
                            ],
                        },
                    )
                ]
            ),
        ),
        {},
        "zp: coordinates are not lon/lat",
    ),
    "unrepairable-geometry": (
        lambda p: _json(
            p / "a.geojson",
            fc(
                [
                    _zone(
                        "zflat",
                        {
                            "type": "Polygon",
                            "coordinates": [
                                [[-80.84, 35.22], [-80.83, 35.22], [-80.82, 35.22], [-80.84, 35.22]]
                            ],
                        },
                    )
                ]
            ),
        ),
        {},
        "zflat: invalid geometry",
    ),
    "duplicate-id": (
        lambda p: _json(
            p / "a.geojson", fc([_zone("z9", box(0, 0, 5, 5)), _zone("z9", box(5, 0, 5, 5))])
        ),
        {},
        "duplicate zone id 'z9'",
    ),
    "unknown-level": (
        lambda p: _json(p / "a.geojson", fc([_zone("z8", box(0, 0, 5, 5), level_id="nope")])),
        {},
        "zone z8: unknown level 'nope'",
    ),
    "unknown-feature-type": (
        lambda p: _json(
            p / "a.geojson", fc([feat({"feature_type": "spaceship", "id": "x"}, None)])
        ),
        {"format": "geojson"},
        "unknown feature_type 'spaceship'",
    ),
    "unknown-campus": (
        lambda p: _json(
            p / "a.geojson",
            fc(
                [
                    feat({"feature_type": "district", "id": "d-new", "name": "New"}, None),
                    feat(
                        {
                            "feature_type": "zone",
                            "id": "z-orphan",
                            "campus_id": "no-such-campus",
                            "kind": "gym",
                        },
                        box(0, 0, 5, 5),
                    ),
                ]
            ),
        ),
        {},
        "zone z-orphan: unknown campus 'no-such-campus' (not in the files nor in the database)",
    ),
    "zip-slip": (
        lambda p: _zip(p / "v.zip", {**_imdf_members(), "../../evil.geojson": b"{}"}),
        {},
        "'../../evil.geojson' has an absolute or '..' path",
    ),
    "zip-absolute": (
        lambda p: _zip(p / "v.zip", {**_imdf_members(), "/etc/cron.d/x": b"{}"}),
        {},
        "absolute or '..' path",
    ),
    "zip-bomb": (
        lambda p: _zip(p / "v.zip", {**_imdf_members(), "unit.geojson": b" " * 30_000_000}),
        {},
        "possible zip bomb",
    ),
    "oversize-file": (
        lambda p: _json(p / "a.geojson", fc([_zone(f"z{i}", box(i, 0, 1, 1)) for i in range(20)])),
        {"max_bytes": 2000},
        "over the 0 MB import limit",
    ),
    "imdf-without-levels": (
        lambda p: _zip(p / "v.zip", _imdf_members(drop=("level.geojson",))),
        {},
        "no level.geojson",
    ),
    "not-a-zip": (
        lambda p: (p / "v.zip").write_bytes(b"PK but not really") and p / "v.zip",
        {},
        "not a valid zip archive",
    ),
    "garbage-dxf": (
        lambda p: (p / "x.dxf").write_text("0\nSECTION\n2\nNONSENSE\n") and p / "x.dxf",
        {"georef": [(0, 0, -80.84, 35.22), (1, 0, -80.83, 35.22)]},
        "not a readable DXF",
    ),
    "dxf-without-georeference": (
        lambda p: write_dxf(p / "x.dxf"),
        {},
        "place it by two or more control points",
    ),
    "dxf-unknown-layer": (
        lambda p: write_dxf(p / "x.dxf"),
        {
            "layers": {"walls": ["NOPE"]},
            "georef": [(0, 0, -80.84, 35.22), (1000, 0, -80.83, 35.22)],
        },
        "layer(s) NOPE for walls not in the drawing",
    ),
    "osm-unknown-level": (
        lambda p: _json(
            p / "o.geojson",
            fc([feat({"@id": "way/9", "indoor": "room", "level": "mezzanine"}, box(0, 0, 5, 5))]),
        ),
        {},
        "way/9: unknown level 'mezzanine'",
    ),
    "schedule-unknown-room": (
        lambda p: write_door_csv(p / "d.csv", [{"Door No": "7", "Room Number": "999"}]),
        {"building_id": "b1"},
        "row 2 (door 7): room '999' is not a room number",
    ),
    "schedule-bad-door-class": (
        lambda p: write_door_csv(
            p / "d.csv", [{"Door No": "7", "Room Number": "101", "Door Class": "trapdoor"}]
        ),
        {"building_id": "b1"},
        "door class 'trapdoor'",
    ),
    "camera-schedule-bad-number": (
        lambda p: write_camera_xlsx(p / "c.xlsx", [["CAM-1", "x", "101", "north-ish", 80, 10]]),
        {"building_id": "b1"},
        "bearing_deg 'north-ish' is not a number",
    ),
    "image-not-an-image": (
        lambda p: (p / "plan.png").write_text("hello") and p / "plan.png",
        {"building_id": "b1", "corners": [(-80.84, 35.22), (-80.83, 35.23)]},
        "not a readable image",
    ),
    "imdf-opening-unknown-level": (
        lambda p: _zip(
            p / "v.zip",
            {
                **_imdf_members(),
                "opening.geojson": json.dumps(
                    fc(
                        [
                            feat(
                                {
                                    "category": "pedestrian",
                                    "level_id": "00000000-0000-0000-0000-000000000000",
                                },
                                {
                                    "type": "LineString",
                                    "coordinates": [[-80.84, 35.22], [-80.84, 35.22001]],
                                },
                                "o1",
                                "opening",
                            )
                        ]
                    )
                ).encode(),
            },
        ),
        {},
        "opening o1: unknown level",
    ),
    "osm-xml-truncated": (
        lambda p: _text(p / "s.osm", '<?xml version="1.0"?><osm version="0.6"><node id="1" lat='),
        {},
        "not a readable OpenStreetMap file",
    ),
    "osm-pbf-garbage": (
        lambda p: _text(p / "s.osm.pbf", "\x00\x00\x00\x0dnot a pbf at all"),
        {},
        "s.osm.pbf",
    ),
    "osm-json-no-rooms": (
        lambda p: _json(p / "m.json", {"version": "0.6", "elements": [{"type": "node", "id": 1}]}),
        {},
        "no indoor rooms",
    ),
    "indoorgml-not-xml": (
        lambda p: _text(p / "b.gml", "<core:IndoorFeatures><oops"),
        {},
        "not well-formed XML",
    ),
    "indoorgml-entity-bomb": (
        lambda p: _text(p / "b.gml", BILLION_LAUGHS),
        {},
        "b.gml",
    ),
    "indoorgml-bad-numbers": (
        lambda p: _text(p / "b.gml", BAD_POSLIST),
        {},
        "b.gml cell c1: unreadable coordinates (could not convert string to float: 'ten')",
    ),
    "gpkg-garbage": (
        lambda p: _text(p / "f.gpkg", "SQLite format 3\x00 but not really"),
        {},
        "not a readable GeoPackage file",
    ),
    "shapefile-without-dbf": (
        lambda p: _text(p / "f.shp", "\x00\x00\x27\x0a" + "x" * 96),
        {},
        "f.shp",
    ),
    "geojson-unknown-crs": (
        lambda p: _json(
            p / "c.geojson",
            {**fc([feat({"id": "a"}, box(0, 0, 1, 1))]), "crs": {"properties": {"name": "EPSG:1"}}},
        ),
        {},
        "unknown coordinate reference system 'EPSG:1'",
    ),
    "image-corner-off-earth": (
        lambda p: write_png(p / "plan.png"),
        {"building_id": "b1", "corners": [(276.9, 35.22), (277.0, 35.23)]},
        "276.9,35.22 is not a longitude,latitude",
    ),
    "dxf-room-at-1e12-only": (
        lambda p: write_plan_dxf(p / "huge.dxf", room_at=1e12),
        {"layers": {"rooms": ["Pièces"]}, "georef": [(0, 0, -80.84, 35.22), (1, 0, -80.83, 35.22)]},
        "huge.dxf",
    ),
    "wrld-missing-level-file": (
        lambda p: _json(
            p / "main.json", {"name": "X", "levels": [{"id": "1", "filename": "x.json"}]}
        ),
        {"format": "wrld"},
        "file 'x.json' is missing",
    ),
}

BILLION_LAUGHS = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    '<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
    '<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>'
    '<core:IndoorFeatures xmlns:core="x"><gml:name xmlns:gml="y">&lol3;</gml:name>'
    "</core:IndoorFeatures>"
)
BAD_POSLIST = (
    '<core:IndoorFeatures xmlns:core="http://www.opengis.net/indoorgml/1.0/core" '
    'xmlns:gml="http://www.opengis.net/gml/3.2"><core:CellSpace gml:id="c1"><gml:Polygon>'
    "<gml:exterior><gml:LinearRing><gml:posList>0 0 ten 0 10 10 0 0</gml:posList>"
    "</gml:LinearRing></gml:exterior></gml:Polygon></core:CellSpace></core:IndoorFeatures>"
)


def _text(path, text: str):
    path.write_bytes(text.encode("latin-1"))
    return path


@pytest.mark.parametrize("case", sorted(CASES))
def test_refused_with_message_and_database_unchanged(site_store, tmp_path, case):
    make, options, expected = CASES[case]
    path = make(tmp_path)
    before = snapshot(site_store)
    with pytest.raises((ImportFailed, StoreError)) as err:
        import_path(site_store, path, ImportOptions(**options))
    message = str(err.value)
    assert expected in message, message
    assert path.name in message, f"the message should name the file: {message}"
    assert str(tmp_path) not in message and "\n" not in message, message  # one sentence
    assert "Traceback" not in message
    assert snapshot(site_store) == before


def test_repairable_bowtie_is_repaired_with_a_warning(site_store, tmp_path):
    bow = {
        "type": "Polygon",
        "coordinates": [
            [
                [-80.84, 35.22],
                [-80.839, 35.221],
                [-80.839, 35.22],
                [-80.84, 35.221],
                [-80.84, 35.22],
            ]
        ],
    }
    path = _json(tmp_path / "a.geojson", fc([_zone("bow", bow)]))
    report = import_path(site_store, path)
    assert any("bow: invalid geometry (Self-intersection" in w for w in report.warnings)
    assert site_store.get("zone", "bow")["geometry"].is_valid


def test_a_system_file_passed_as_a_schedule_is_not_echoed(site_store, tmp_path):
    path = tmp_path / "doors.csv"
    path.write_text("root:$6$Zq9$hashhashhash:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\n")
    before = snapshot(site_store)
    with pytest.raises(ImportFailed) as err:
        import_path(site_store, path, ImportOptions(building_id="b1"))
    message = str(err.value)
    assert "doors.csv: no number column found" in message and "do not look like" in message
    assert "root" not in message and "$6$" not in message and "hash" not in message
    assert snapshot(site_store) == before


def _cli_args(options: dict) -> list[str]:
    """The same options as `passmap import` flags (max_bytes is PASSMAP_IMPORT_MAX_MB)."""
    flags = {"format": "--format", "building_id": "--building"}
    out = []
    for key, value in options.items():
        if key in flags:
            out += [flags[key], value]
        elif key == "corners":
            out += ["--corners", ";".join(f"{lon},{lat}" for lon, lat in value)]
        elif key == "georef":
            out += ["--georef", ";".join(",".join(map(str, p)) for p in value)]
        elif key == "layers":
            out += ["--layers", ";".join(f"{r}={','.join(n)}" for r, n in value.items())]
    return out


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_command_line_prints_the_one_sentence(_templates, tmp_path, monkeypatch, capsys, case):
    """`passmap import` with each broken file: exit 1, the reader's sentence on stderr as one
    line (no traceback, no server folder), nothing on stdout, the database unchanged."""
    import shutil

    from passmap.cli import main
    from passmap.store import Store

    make, options, expected = CASES[case]
    db = tmp_path / "cli.duckdb"
    shutil.copyfile(_templates / "site.duckdb", db)
    files = tmp_path / "files"
    files.mkdir()
    path = make(files)
    if "max_bytes" in options:
        monkeypatch.setenv("PASSMAP_IMPORT_MAX_MB", str(options["max_bytes"] / 1024 / 1024))
    with Store(db) as store:
        before = snapshot(store)
    code = main(["import", str(path), "--db", str(db), *_cli_args(options)])
    out = capsys.readouterr()
    assert code == 1 and out.out == "", out
    lines = out.err.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0], out.err
    # a malformed option is refused before any file is read, naming the option instead
    assert path.name in lines[0] or lines[0].startswith("passmap import: --"), out.err
    assert str(files) not in out.err and "Traceback" not in out.err
    with Store(db) as store:
        assert snapshot(store) == before
