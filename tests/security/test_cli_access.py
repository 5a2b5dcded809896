"""The access CLI: users, share links, responder map; hostile arguments change nothing."""

import contextlib
import io
import json
from types import SimpleNamespace

from passmap.cli import main
from tests.security.tiny_site import SQLI


def passmap(db, *args):
    """Run the real CLI entry point in-process (a subprocess costs ~4 s of imports here)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = main([*args, "--db", str(db)])
        except SystemExit as exc:  # argparse rejections
            code = exc.code
    return SimpleNamespace(returncode=code, stdout=out.getvalue(), stderr=err.getvalue())


def table_counts(db) -> dict:
    from passmap.store import Store

    with Store(db, read_only=True) as s:
        cur = s.cursor()
        return {
            t: cur.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in ("app_user", "share_link", "zone", "campus", "control")
        }


def test_user_add_list_disable(tiny_db):
    out = passmap(tiny_db, "user", "add", "ops1", "--role", "editor", "--campus", "c1")
    assert out.returncode == 0, out.stderr
    password = out.stdout.split("shown once, not stored in clear): ")[1].strip()
    assert len(password) >= 20
    users = json.loads(passmap(tiny_db, "user", "list", "--format", "json").stdout)
    ops = [u for u in users if u["username"] == "ops1"][0]
    assert ops["role"] == "editor" and ops["campus_scope"] == ["c1"]
    assert "password_hash" not in ops and password not in json.dumps(users)
    assert passmap(tiny_db, "user", "disable", "ops1").returncode == 0
    assert passmap(tiny_db, "user", "disable", "ghost").returncode == 1


def test_share_create_prints_only_the_link_then_list_and_revoke(tiny_db):
    out = passmap(
        tiny_db,
        "share",
        "create",
        "--campus",
        "c1",
        "--layers",
        "doors,hazards",
        "--expires",
        "7d",
        "--agency",
        "County Sheriff",
        "--base-url",
        "https://passmap.district.example/",
    )
    assert out.returncode == 0, out.stderr
    link = out.stdout.strip()
    assert link.startswith("https://passmap.district.example/share/")
    assert len(link.split("/")[-1]) >= 43
    links = json.loads(passmap(tiny_db, "share", "list", "--format", "json").stdout)
    assert links[0]["layers"] == ["doors", "hazards"] and links[0]["revoked_utc"] is None
    assert link.split("/")[-1] not in json.dumps(links)
    assert passmap(tiny_db, "share", "revoke", links[0]["id"]).returncode == 0
    links = json.loads(passmap(tiny_db, "share", "list", "--format", "json").stdout)
    assert links[0]["revoked_utc"] is not None


def test_responder_map_in_three_formats(tiny_db, tmp_path):
    for name in ("r.pdf", "r.geojson", "r.zip"):
        out = passmap(tiny_db, "responder-map", "--campus", "c1", "--out", str(tmp_path / name))
        assert out.returncode == 0, out.stderr
        assert (tmp_path / name).stat().st_size > 1000
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    out = passmap(
        tiny_db,
        "responder-map",
        "--campus",
        "c1",
        "--out",
        str(tmp_path / "x.json"),
        "--format",
        "geojson",
        "--layers",
        "grid,doors",
    )
    layers = {
        f["properties"]["layer"] for f in json.loads((tmp_path / "x.json").read_text())["features"]
    }
    assert layers == {"grid", "doors"}


def test_share_create_needs_the_address_partners_open(tiny_db, monkeypatch):
    monkeypatch.delenv("PASSMAP_BASE_URL", raising=False)
    args = ("share", "create", "--campus", "c1", "--layers", "doors")
    out = passmap(tiny_db, *args)
    assert out.returncode != 0 and "PASSMAP_BASE_URL" in out.stderr and not out.stdout
    assert table_counts(tiny_db)["share_link"] == 0  # no link made whose address is unknown
    monkeypatch.setenv("PASSMAP_BASE_URL", "https://pm.example.org")
    out = passmap(tiny_db, *args)
    assert out.stdout.startswith("https://pm.example.org/share/"), out.stderr


def test_user_reset_password_and_enable_from_the_cli(tiny_db, monkeypatch):
    from passmap import auth
    from passmap.store import Store

    out = passmap(tiny_db, "user", "reset-password", "demo-viewer")
    assert out.returncode == 0, out.stderr
    new = out.stdout.split("not stored in clear): ")[1].strip()
    assert passmap(tiny_db, "user", "disable", "demo-viewer").returncode == 0
    assert passmap(tiny_db, "user", "enable", "demo-viewer").returncode == 0
    with Store(tiny_db) as s:
        assert auth.authenticate(s, "demo-viewer", new).ok
        assert not auth.authenticate(s, "demo-viewer", auth.DEMO_PASSWORD).ok
    monkeypatch.setattr("sys.stdin", io.StringIO("password1234\n"))
    weak = passmap(tiny_db, "user", "add", "weak.one", "--role", "viewer", "--password-stdin")
    assert weak.returncode != 0 and "too easy to guess" in weak.stderr


HOSTILE = [
    ["user", "add", SQLI, "--role", "viewer"],
    ["user", "disable", SQLI],
    ["share", "create", "--campus", SQLI, "--layers", "doors"],
    ["share", "create", "--campus", "c1", "--layers", SQLI],
    ["share", "create", "--campus", "c1", "--layers", "doors", "--expires", SQLI],
    ["share", "revoke", SQLI],
    ["responder-map", "--campus", SQLI, "--out", "/tmp/never.pdf"],
    ["verify", "--building", SQLI, "--by", SQLI],
    ["grid", "--campus", SQLI],
]


def test_sql_injection_in_cli_arguments_changes_nothing(tiny_db):
    before = table_counts(tiny_db)
    for args in HOSTILE:
        out = passmap(tiny_db, *args)
        assert out.returncode != 0 and "Traceback" not in out.stderr, args
        assert out.stderr.startswith("passmap "), out.stderr  # one sentence for a person
    assert table_counts(tiny_db) == before
