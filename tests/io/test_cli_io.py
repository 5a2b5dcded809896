"""`passmap import` and `passmap export` from the command line."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from passmap.cli import main
from tests.io.io_makers import write_dxf, write_imdf_zip


@pytest.fixture
def _cli(capsys):
    """Run `passmap ...` in this process (same argument parsing and error path as the script)."""

    def run(*args):
        code = main([str(a) for a in args])
        out = capsys.readouterr()
        return SimpleNamespace(returncode=code, stdout=out.out, stderr=out.err)

    return run


def test_cli_import_dry_run_then_real_then_export(_cli, tmp_path):
    db = tmp_path / "cli.duckdb"
    dxf = write_dxf(tmp_path / "plan.dxf")
    common = [
        "--db",
        db,
        "--building",
        "office",
        "--layers",
        "walls=A-WALL;doors=A-DOOR;rooms=A-ROOM;labels=A-TEXT",
        "--georef",
        "0,0,-80.84,35.22;12000,0,-80.83986,35.22",
    ]
    dry = _cli("import", dxf, *common, "--dry-run", "--output", "json")
    assert dry.returncode == 0, dry.stderr
    report = json.loads(dry.stdout)
    assert report["dry_run"] and report["counts"]["zone"] == 2 and report["format"] == "dxf"
    real = _cli("import", dxf, *common)
    assert real.returncode == 0 and "plan.dxf (dxf) imported: " in real.stdout
    out = _cli("export", "--db", db, "--format", "imdf", "--out", tmp_path / "x.zip")
    assert out.returncode == 0 and json.loads(out.stdout)["written"]["unit"] == 2
    stats = _cli("stats", "--db", db, "--format", "json")
    assert json.loads(stats.stdout)["totals"]["zones"] == 2


def test_cli_refusal_is_one_sentence_on_stderr(_cli, tmp_path):
    db = tmp_path / "cli.duckdb"
    res = _cli("import", write_imdf_zip(tmp_path / "v.zip"), "--db", db, "--georef", "1,2,3")
    assert res.returncode == 1 and res.stdout == ""
    assert "--georef needs at least two points" in res.stderr
    res = _cli("import", tmp_path / "missing.zip", "--db", db)
    assert res.returncode == 1 and "missing.zip: no such file or folder" in res.stderr


def test_import_help_lists_every_format_it_reads(capsys):
    """`passmap import --help` names each format with the files it reads."""
    from passmap.importers.dispatch import FORMATS

    with pytest.raises(SystemExit) as done:
        main(["import", "--help"])
    assert done.value.code == 0
    text = capsys.readouterr().out
    listed = text.split("formats read", 1)[1]
    for fmt in FORMATS:
        assert f"\n  {fmt} " in listed
    for suffix in (".zip", ".osm", ".pbf", ".dxf", ".gml", ".shp", ".gpkg", ".fgb", ".xlsx"):
        assert suffix in listed


def test_negative_coordinates_are_values_not_options(_cli, tmp_path):
    """Every US longitude is negative: `--corners -80.84,...` (a separate argument starting with
    '-') is read as the corners, for --corners and --georef alike."""
    db = tmp_path / "cli.duckdb"
    dxf = write_dxf(tmp_path / "plan.dxf")
    layers = ["--layers", "walls=A-WALL;doors=A-DOOR;rooms=A-ROOM;labels=A-TEXT"]
    res = _cli(
        "import", dxf, "--db", db, "--building", "office", *layers,
        "--corners", "-80.8400,35.2200;-80.8398,35.2201", "--output", "json",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["counts"]["zone"] == 2
    res = _cli(
        "import", dxf, "--db", db, "--building", "office", *layers,
        "--georef", "-5,0,-80.84,35.22;12000,0,-80.83986,35.22", "--dry-run", "--output", "json",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr


def test_every_lon_lat_argument_takes_a_negative_longitude(_cli, _templates, tmp_path):
    """The other lon,lat argument (`passmap grid --origin`) and a basement `--ordinal -1`, given
    as separate arguments, are values too."""
    import shutil

    from passmap.store import Store

    db = tmp_path / "site.duckdb"
    shutil.copyfile(_templates / "site.duckdb", db)
    res = _cli("grid", "--db", db, "--campus", "c1", "--cell-m", 25, "--origin", "-80.841,35.221")
    assert res.returncode == 0 and "Grid of c1" in res.stdout, res.stderr
    with Store(db) as store:
        grid = store.get_responder_grid("c1")
    assert (grid["origin_lon"], grid["origin_lat"]) == (-80.841, 35.221)
    png = tmp_path / "b.png"
    from tests.io.io_makers import write_png

    write_png(png)
    res = _cli(
        "import", png, "--db", db, "--building", "b1", "--ordinal", "-1",
        "--corners", "-80.8400,35.2200;-80.8398,35.2201", "--underlay-dir", tmp_path / "u",
    )  # fmt: skip
    assert res.returncode == 0, res.stderr
    with Store(db) as store:
        assert -1 in set(store.list_levels("b1")["ordinal"])
