"""Build hook only (everything else is in pyproject.toml): put the app into the wheel.

A non-editable install has no checkout around it, so the files the app runs from (app.py,
server.py, pages/, static/, .streamlit/config.toml) and the data it ships (the starter
catalogs, the demo district and floor plans under data/) are copied into the wheel as
``passmap/app-files/`` (a folder, not a package: it is never imported, only run by
``passmap serve`` and read by passmap.config). The repository keeps them at the top level
(DESIGN.md's layout), where a checkout and ``make run`` use them in place.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
APP_FILES = ("app.py", "server.py", ".streamlit/config.toml")
APP_FOLDERS = ("pages", "static", "data/catalog", "data/districts", "data/floorplans")
SKIP = shutil.ignore_patterns("__pycache__", "*.pyc", "*.duckdb", "*.duckdb.wal")


class BuildWithAppFiles(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):  # pip install -e: the checkout is used in place
            return
        dest = Path(self.build_lib) / "passmap" / "app-files"
        for name in APP_FILES:
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(HERE / name, dest / name)
        for name in APP_FOLDERS:
            shutil.copytree(HERE / name, dest / name, ignore=SKIP, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithAppFiles})
