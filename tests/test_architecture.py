"""The house rules that keep the codebase navigable (STYLE.md habits 1, 4, 6).

The import rules live in pyproject.toml ([tool.importlinter]) and `make test` runs
`lint-imports` before pytest; the tests here run the same contracts (and prove they catch a
planted violation), check the core at run time (dynamic imports included), and check that SQL
text, one line or many, appears only in passmap/store.
"""

from __future__ import annotations

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO

UI_LIBS = ("streamlit", "folium", "pydeck", "streamlit_folium")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")
CONTRACTS = (
    "The core never imports the presentation (ui, layers, pages) or a UI library",
    "Only the store imports duckdb",
    "Layers are pure builders: no store, no ui, no Streamlit",
    "No import cycles between sibling modules or packages",
)
# A statement's opening words and what follows them in SQL (SELECT ... FROM name, INSERT INTO
# name, UPDATE name SET col, DELETE FROM name, CREATE TABLE/VIEW/INDEX), across line breaks.
SQL = re.compile(
    r"\b(select\s+(distinct\s+)?[\w*(][^;]*?\s+from\s+\w"
    r"|insert\s+into\s+\w|update\s+\w+\s+set\s+\w|delete\s+from\s+\w"
    r"|create\s+(or\s+replace\s+)?(temp\s+|temporary\s+)?(table|view|index|sequence)\b)",
    re.IGNORECASE | re.DOTALL,
)


def sql_literals(source: str) -> list[tuple[int, str]]:
    """(line, statement start) of every string literal that holds SQL. Adjacent literals and
    f-strings are joined first, so a statement split over several lines is one literal.

    >>> sql_literals('q = ("SELECT id "\\n     "FROM zone WHERE level_id = ?")')
    [(1, 'SELECT id FROM z')]
    >>> sql_literals('doc = "Select a level to see its rooms."')
    []
    """
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            text = node.value
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
        else:
            continue
        if m := SQL.search(text):
            found.append((node.lineno, m.group(0)[:16]))
    return found


def _lint_imports(cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"], cwd=cwd, capture_output=True, text=True, timeout=300
    )


def test_the_import_contracts_hold():
    out = _lint_imports(REPO)
    assert out.returncode == 0, out.stdout + out.stderr
    for name in CONTRACTS:
        assert f"{name} KEPT" in out.stdout, out.stdout
    assert f"Contracts: {len(CONTRACTS)} kept, 0 broken." in out.stdout


def test_the_import_contracts_catch_a_planted_violation(tmp_path):
    for folder in ("passmap", "layers", "ui"):
        shutil.copytree(REPO / folder, tmp_path / folder, ignore=shutil.ignore_patterns("*.pyc"))
    shutil.copy(REPO / "pyproject.toml", tmp_path)
    (tmp_path / "passmap" / "planted.py").write_text("import duckdb\nimport streamlit\n")
    (tmp_path / "layers" / "planted.py").write_text("from passmap.store import Store\n")
    (tmp_path / "ui" / "planted_a.py").write_text("from ui import planted_b\n")
    (tmp_path / "ui" / "planted_b.py").write_text("from ui import planted_a\n")
    out = _lint_imports(tmp_path)
    assert out.returncode != 0
    for name in CONTRACTS:
        assert f"{name} BROKEN" in out.stdout, out.stdout
    assert "passmap.planted -> streamlit" in out.stdout
    assert "passmap.planted -> duckdb" in out.stdout
    assert "layers.planted -> passmap.store" in out.stdout


def test_core_never_imports_a_ui_library():
    code = (
        "import importlib, pkgutil, sys, passmap\n"
        "for m in pkgutil.walk_packages(passmap.__path__, 'passmap.'):\n"
        "    if not m.name.endswith('__main__'): importlib.import_module(m.name)\n"
        f"print(','.join(sorted(n for n in {UI_LIBS!r} if n in sys.modules)))\n"
        "print('duckdb' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    ui_loaded, duckdb_loaded = out.stdout.splitlines()
    assert ui_loaded == "", f"the core imported {ui_loaded}"
    assert duckdb_loaded == "True"  # the probe does import the whole core (the store included)


def _code_outside_the_store() -> list[Path]:
    paths = [REPO / "app.py", REPO / "server.py"]
    for folder in ("pages", "layers", "ui"):
        paths += sorted((REPO / folder).rglob("*.py"))
    for entry in sorted((REPO / "passmap").iterdir()):
        if entry.name != "store":
            paths += sorted(entry.rglob("*.py")) if entry.is_dir() else [entry]
    return [p for p in paths if p.suffix == ".py"]


def test_sql_lives_only_in_the_store():
    paths = _code_outside_the_store()
    assert len(paths) > 100 and REPO / "passmap" / "compliance" / "engine.py" in paths
    offenders = [
        f"{path.relative_to(REPO)}:{line}: {start}"
        for path in paths
        for line, start in sql_literals(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


def test_the_sql_check_joins_split_statements():
    split = 'q = (\n    "SELECT id "\n    f"FROM {table} "\n    "WHERE level_id = ?"\n)\n'
    triple = 'q = """\nUPDATE zone\n   SET name = ?\n WHERE id = ?"""\n'
    assert sql_literals(split) == [(2, "SELECT id FROM x")]
    assert sql_literals(triple) == [(1, "UPDATE zone\n   S")]
    # Conservative: prose shaped like SQL is flagged too (reword it), other prose is not.
    assert sql_literals('msg = "Select a level from the list to see its rooms."') != []
    assert sql_literals('msg = "Pick a level in the list; its rooms are shown."') == []


def test_the_sql_check_sees_the_store_s_multi_line_statements():
    """The same scan finds the store's SQL, multi-line statements included (presence check)."""
    store = (REPO / "passmap" / "store" / "editing.py").read_text(encoding="utf-8")
    found = sql_literals(store)
    assert len(found) >= 5
    tree = ast.parse(store)
    multi = [
        n.lineno
        for n in ast.walk(tree)
        if isinstance(n, ast.Constant)
        and isinstance(n.value, str)
        and n.end_lineno > n.lineno
        and SQL.search(n.value)
    ]
    assert multi, "no statement split over lines was found in passmap/store/editing.py"


# Settings are read in passmap/config.py alone. serve.py hands its environment on to the app it
# starts (os.execve), which reads nothing from it.
ENV_READERS = {"passmap/config.py", "passmap/cli/serve.py"}


def environment_reads(source: str) -> list[int]:
    """Lines that touch the process environment (os.environ, os.getenv, from os import ...).

    >>> environment_reads("import os\\nx = os.environ.get('A')\\ny = os.getenv('B')")
    [2, 3]
    >>> environment_reads("from os import environ as e\\nos.getpid()")
    [1]
    """
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and node.attr in ("environ", "getenv", "environb"):
            lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom) and node.module == "os":
            if any(a.name in ("environ", "getenv", "environb") for a in node.names):
                lines.append(node.lineno)
    return sorted(lines)


def test_settings_are_read_only_in_config():
    paths = _code_outside_the_store() + sorted((REPO / "passmap" / "store").rglob("*.py"))
    readers = {
        str(path.relative_to(REPO)): found
        for path in paths
        if (found := environment_reads(path.read_text(encoding="utf-8")))
    }
    assert "passmap/config.py" in readers  # the scan does see the one place that reads them
    assert {name: lines for name, lines in readers.items() if name not in ENV_READERS} == {}


def test_no_page_labels_a_time_as_utc():
    """People read times in the district's zone (passmap/localtime.py, PASSMAP_TIMEZONE): no
    page, panel or chart of the app labels a column or axis '(UTC)' (the CLI's JSON keeps UTC)."""
    paths = [REPO / "app.py"]
    for folder in ("pages", "ui", "layers"):
        paths += sorted((REPO / folder).rglob("*.py"))
    labelled = [
        f"{path.relative_to(REPO)}:{n}"
        for path in paths
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"\(UTC\)|\bin UTC\b", line)
    ]
    assert len(paths) > 50 and labelled == []
