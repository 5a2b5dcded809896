"""Vendored browser code is exactly what was recorded, and each piece carries its licence.

Each vendor folder has a SHA256SUMS (sha256sum format, so `sha256sum -c SHA256SUMS` checks it
by hand too) covering every file but its README; see static/vendor/README.md.
"""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import pytest

from tests.conftest import REPO

VENDOR_DIRS = [REPO / "static" / "vendor", REPO / "ui" / "deckmap" / "frontend" / "vendor"]
NOT_SUMMED = {"SHA256SUMS", "README.md"}


def recorded_sums(folder: Path) -> dict[str, str]:
    sums = {}
    for line in (folder / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        sums[name.lstrip("*")] = digest
    return sums


def files_on_disk(folder: Path) -> set[str]:
    return {
        p.relative_to(folder).as_posix()
        for p in folder.rglob("*")
        if p.is_file() and p.name not in NOT_SUMMED
    }


def check(folder: Path) -> dict[str, list[str]]:
    """Files without a checksum, checksums without a file, and files whose bytes changed."""
    sums, on_disk = recorded_sums(folder), files_on_disk(folder)
    return {
        "unrecorded": sorted(on_disk - set(sums)),
        "missing": sorted(set(sums) - on_disk),
        "changed": sorted(
            name
            for name in set(sums) & on_disk
            if hashlib.sha256((folder / name).read_bytes()).hexdigest() != sums[name]
        ),
    }


@pytest.mark.parametrize("folder", VENDOR_DIRS, ids=lambda p: str(p.relative_to(REPO)))
def test_every_vendored_file_matches_its_recorded_sha256(folder):
    assert len(recorded_sums(folder)) >= 4
    assert check(folder) == {"unrecorded": [], "missing": [], "changed": []}


def test_the_check_notices_a_changed_an_added_and_a_missing_file(tmp_path):
    folder = tmp_path / "vendor"
    shutil.copytree(VENDOR_DIRS[0], folder)
    assert check(folder) == {"unrecorded": [], "missing": [], "changed": []}
    js = folder / "leaflet" / "leaflet.js"
    js.write_bytes(js.read_bytes().replace(b"Leaflet", b"Leafl3t", 1))
    (folder / "leaflet" / "extra.js").write_text("alert(1)", encoding="utf-8")
    (folder / "jquery" / "jquery.min.js").unlink()
    assert check(folder) == {
        "unrecorded": ["leaflet/extra.js"],
        "missing": ["jquery/jquery.min.js"],
        "changed": ["leaflet/leaflet.js"],
    }


def test_every_vendored_package_carries_its_licence():
    static = VENDOR_DIRS[0]
    packages = sorted(p for p in static.iterdir() if p.is_dir())
    assert {p.name for p in packages} >= {"leaflet", "leaflet-draw", "jquery", "bootstrap"}
    for package in packages:
        licences = [p for p in package.iterdir() if p.name.upper().startswith("LICENSE")]
        assert licences, f"{package.relative_to(REPO)} has no LICENSE file"
        text = licences[0].read_text(encoding="utf-8")
        assert len(text) > 500 and ("Copyright" in text or "License" in text), package.name
    deck = VENDOR_DIRS[1]
    assert "Permission is hereby granted" in (deck / "LICENSE-deck.gl").read_text(encoding="utf-8")
    bundled = (deck / "LICENSES-bundled.txt").read_text(encoding="utf-8")
    for name in ("@luma.gl/core", "@math.gl/core", "@loaders.gl/core", "h3-js", "long", "jsep"):
        assert f"\n  {name} " in bundled, f"{name} missing from LICENSES-bundled.txt"
