"""The house rules that keep the codebase navigable (STYLE.md habits 1, 4, 6)."""

import re
import subprocess
import sys

from tests.conftest import REPO

UI_LIBS = ("streamlit", "folium", "pydeck", "streamlit_folium")
SQL = re.compile(
    r"\b(select\s+[\w*].*\s+from|insert\s+into|update\s+\w+\s+set|delete\s+from|"
    r"create\s+table)\b",
    re.IGNORECASE,
)


def test_core_never_imports_a_ui_library():
    code = (
        "import importlib, pkgutil, sys, passmap\n"
        "for m in pkgutil.walk_packages(passmap.__path__, 'passmap.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        f"print(','.join(sorted(n for n in {UI_LIBS!r} if n in sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "", f"the core imported {out.stdout.strip()}"


def test_sql_lives_only_in_the_store():
    offenders = []
    paths = [
        REPO / "app.py",
        *(REPO / "pages").rglob("*.py"),
        *(REPO / "layers").rglob("*.py"),
        *(REPO / "ui").rglob("*.py"),
    ]
    for folder in (REPO / "passmap").iterdir():
        if folder.name != "store":
            paths += list(folder.rglob("*.py")) if folder.is_dir() else [folder]
    for path in paths:
        if path.suffix == ".py" and path.exists() and SQL.search(path.read_text(encoding="utf-8")):
            offenders.append(str(path.relative_to(REPO)))
    assert offenders == []


def test_layers_never_touch_the_database():
    for path in (REPO / "layers").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert "passmap.store" not in text and "import duckdb" not in text, path
