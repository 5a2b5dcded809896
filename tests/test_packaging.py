"""`pip install .` (not editable) gives a working PassMap with no checkout around it.

The wheel is built from a copy of the tree's files, installed into a fresh virtualenv, and run
from a folder outside the repository with HOME pointing at an empty temporary folder: `passmap
demo` must find the catalogs and the demo district inside the package and write the database
under ~/.local/share/passmap; `passmap serve` must serve the packaged app (health, vendored
static files); the packaged app.py must sign a person in and draw the district page.

Speed: the dependencies (about 1 GB) are not reinstalled; the fresh virtualenv borrows this
environment's site-packages through a .pth line (appended after its own site-packages, so the
installed passmap, layers and ui are the wheel's, which the test checks). That the wheel
declares the dependencies pyproject.toml lists is checked on its metadata instead.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import urllib.request
import zipfile
from pathlib import Path

import pytest
from packaging.requirements import Requirement

from tests.conftest import REPO, free_port
from tests.helpers import wait_until

SOURCES = (
    "pyproject.toml",
    "setup.py",
    "MANIFEST.in",
    "README.md",
    "app.py",
    "server.py",
    ".streamlit",
    "passmap",
    "layers",
    "ui",
    "pages",
    "static",
    "data/catalog",
    "data/districts",
    "data/floorplans",
)
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.duckdb", "*.duckdb.wal", "*.building")
APP_CHECK = """
import json, sys
from streamlit.testing.v1 import AppTest
from passmap.config import ROOT
at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
assert not at.exception, [e.value for e in at.exception]
at.text_input(key="login_user").input("demo-admin")
at.text_input(key="login_password").input(sys.argv[1])
at.button[0].click().run()
assert not at.exception, [e.value for e in at.exception]
signed_in = "login_user" not in [t.key for t in at.text_input]
print("SIGNED IN" if signed_in else "LOGIN FORM STILL SHOWN")
print(json.dumps({"pickers": [str(sb.value) for sb in at.selectbox],
                  "metrics": {m.label: m.value for m in at.metric}}))
"""


def _requirement(text: str) -> tuple[str, frozenset]:
    req = Requirement(text)
    return req.name.lower(), frozenset(str(s) for s in req.specifier)


def _run(cmd, cwd, env, timeout=300) -> subprocess.CompletedProcess:
    out = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)
    assert out.returncode == 0, f"{cmd[:3]} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """(venv python, clean environment, wheel path) with the wheel installed."""
    tmp = tmp_path_factory.mktemp("packaging")
    src = tmp / "src"
    for name in SOURCES:
        if (REPO / name).is_dir():
            shutil.copytree(REPO / name, src / name, ignore=SKIP)
        else:
            (src / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(REPO / name, src / name)
    _run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp), str(src)],
        tmp,
        None,
    )
    wheel = next(tmp.glob("passmap-*.whl"))
    venv = tmp / "venv"
    _run([sys.executable, "-m", "venv", str(venv)], tmp, None)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            tmp,
            None,
        ).stdout.strip()
    )
    (site / "zz_borrowed_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    _run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], tmp, None)
    home = tmp / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PASSMAP_", "XDG_"))}
    env.update(HOME=str(home), PASSMAP_SIMULATE="0", STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    env.pop("PYTHONPATH", None)
    return python, env, wheel, home


def test_the_installed_package_is_the_wheel_not_the_checkout(installed):
    python, env, _wheel, home = installed
    code = (
        "import json, passmap, layers, ui, passmap.config as c\n"
        "print(json.dumps([passmap.__file__, layers.__file__, ui.__file__, str(c.ROOT),"
        " c.IS_CHECKOUT, str(c.load_settings().db_path)]))"
    )
    files = json.loads(_run([str(python), "-c", code], home, env).stdout)
    venv = str(python.parent.parent)
    assert all(f.startswith(venv) for f in files[:4]), files
    assert files[3].endswith("passmap/app-files") and files[4] is False
    assert files[5] == str(home / ".local" / "share" / "passmap" / "passmap.duckdb")
    assert not any(f.startswith(str(REPO) + "/") for f in files[:4])


def test_the_wheel_declares_the_project_dependencies(installed):
    _python, _env, wheel, _home = installed
    with zipfile.ZipFile(wheel) as zf:
        meta = zf.read(next(n for n in zf.namelist() if n.endswith("METADATA"))).decode()
        names = zf.namelist()
    wanted = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]["dependencies"]
    declared = [
        line.split(": ", 1)[1]
        for line in meta.splitlines()
        if line.startswith("Requires-Dist: ") and "extra ==" not in line
    ]
    assert {_requirement(d) for d in declared} == {_requirement(w) for w in wanted}
    for needed in (
        "passmap/store/migrations/0001_core.sql",
        "ui/deckmap/frontend/index.html",
        "passmap/app-files/app.py",
        "passmap/app-files/.streamlit/config.toml",
        "passmap/app-files/data/catalog/pass-v7-starter.json",
    ):
        assert needed in names


def test_passmap_demo_and_the_app_run_from_the_installed_package(installed):
    python, env, _wheel, home = installed
    passmap = python.parent / "passmap"
    out = _run([str(passmap), "demo"], home, env)
    db = home / ".local" / "share" / "passmap" / "passmap.duckdb"
    assert db.is_file(), out.stdout
    stats = json.loads(_run([str(passmap), "stats", "--format", "json"], home, env).stdout)
    assert stats["totals"]["campuses"] >= 4 and stats["totals"]["zones"] > 100
    site_files = python.parent.parent / "lib"
    assert not list(site_files.rglob("*.duckdb")), "a database was written inside the venv"

    from passmap.auth import DEMO_PASSWORD

    signed = _run([str(python), "-c", APP_CHECK, DEMO_PASSWORD], home, env)
    assert signed.stdout.startswith("SIGNED IN"), signed.stdout + signed.stderr
    page = json.loads(signed.stdout.splitlines()[1])  # the district overview, after the gate
    assert "cvhs" in page["pickers"] and page["metrics"].get("Campuses per tier") == "4", page


def test_passmap_serve_serves_the_packaged_app(installed):
    python, env, _wheel, home = installed
    port = free_port()
    log = (home / "serve.log").open("wb")
    proc = subprocess.Popen(
        [str(python.parent / "passmap"), "serve", "--port", str(port), "--demo-if-missing"],
        cwd=home,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"

        def answered_or_ended() -> bool:
            if proc.poll() is not None:
                return True  # ended: the assertion below shows why
            try:
                with urllib.request.urlopen(url + "/_stcore/health", timeout=2) as resp:
                    return resp.status == 200
            except OSError:
                return False

        wait_until(answered_or_ended, 120, 0.3, what="`passmap serve` answering its health check")
        assert proc.poll() is None, (home / "serve.log").read_text(errors="replace")[-3000:]
        with urllib.request.urlopen(url + "/app/static/vendor/leaflet/leaflet.js", timeout=10) as r:
            assert r.read() == (REPO / "static/vendor/leaflet/leaflet.js").read_bytes()
        with urllib.request.urlopen(url + "/", timeout=10) as resp:
            assert resp.status == 200 and b'<div id="root">' in resp.read()
        # the share page's code ships in the wheel (ui/share_page: package data)
        with urllib.request.urlopen(url + "/share-assets/canvasmap.js", timeout=10) as r:
            assert r.read() == (REPO / "ui/share_page/canvasmap.js").read_bytes()
    finally:
        proc.terminate()
        proc.wait(30)
        log.close()
    text = (home / "serve.log").read_text(errors="replace")
    assert "app-files/app.py" in text, text[-2000:]
