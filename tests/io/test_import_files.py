"""Import folders and limits (issue 12 findings on imports): server paths inside the import
folder only, underlays only inside the underlay folder, upload folders removed, archives capped
by total size."""

from __future__ import annotations

import gc
import json
import os
import time
import zipfile

import pytest

from passmap.config import load_settings
from passmap.importers import files, import_path
from passmap.importers.base import ImportFailed, ImportOptions
from tests.io.conftest import snapshot
from tests.io.io_makers import imdf_features, write_png


def _settings(tmp_path, **env):
    return load_settings({"PASSMAP_DB": str(tmp_path / "x.duckdb"), **env})


def test_server_paths_only_inside_the_import_folder(tmp_path):
    folder = tmp_path / "imports"
    (folder / "sub").mkdir(parents=True)
    (folder / "sub" / "plan.dxf").write_text("x")
    (tmp_path / "secret.txt").write_text("x")
    os.symlink(tmp_path / "secret.txt", folder / "sneaky.dxf")
    settings = _settings(tmp_path, PASSMAP_IMPORT_DIR=str(folder))
    assert files.server_path("sub/plan.dxf", settings) == (folder / "sub" / "plan.dxf").resolve()
    for typed in ("../secret.txt", str(tmp_path / "secret.txt"), "sneaky.dxf", "nope.dxf"):
        with pytest.raises(ImportFailed, match="not found in the server's import folder"):
            files.server_path(typed, settings)
    with pytest.raises(ImportFailed, match="turned off"):
        files.server_path("sub/plan.dxf", _settings(tmp_path))


def test_underlays_are_read_only_inside_the_underlay_folder(tmp_path):
    under = tmp_path / "underlays"
    under.mkdir()
    write_png(under / "l1.png")
    write_png(tmp_path / "elsewhere.png")
    settings = _settings(tmp_path, PASSMAP_UNDERLAY_DIR=str(under))
    url = files.underlay_url({"path": str(under / "l1.png")}, settings)
    assert url.startswith("data:image/png;base64,")
    assert files.underlay_url({"path": str(tmp_path / "elsewhere.png")}, settings) is None
    assert files.underlay_url({"path": str(under / ".." / "elsewhere.png")}, settings) is None
    layer = files.with_url({"path": str(under / "l1.png"), "bounds": [[0, 0], [1, 1]]}, settings)
    assert layer["url"] == url and layer["bounds"] == [[0, 0], [1, 1]]


def test_image_import_stores_the_underlay_in_the_configured_folder(
    site_store, tmp_path, monkeypatch
):
    monkeypatch.setenv("PASSMAP_UNDERLAY_DIR", str(tmp_path / "plans"))
    opts = ImportOptions(
        building_id="b1", level_id="b1-l0", corners=[(-80.84, 35.22), (-80.83, 35.23)]
    )
    import_path(site_store, write_png(tmp_path / "floor.png"), opts)
    underlay = site_store.get("level", "b1-l0")["props"]["underlay"]
    assert (tmp_path / "plans" / "b1-l0.png").exists()
    assert files.underlay_url(underlay).startswith("data:image/png;base64,")


def test_upload_folders_removed_after_use_and_stale_ones_swept(tmp_path):
    settings = _settings(tmp_path, PASSMAP_UPLOAD_DIR=str(tmp_path / "up"))
    fresh, stale = files.new_upload_dir(settings), files.new_upload_dir(settings)
    assert oct(fresh.stat().st_mode)[-3:] == "700"
    past = time.time() - files.STALE_AFTER_S - 60
    os.utime(stale, (past, past))
    assert files.sweep_stale_uploads(settings) == 1
    assert fresh.exists() and not stale.exists()
    files.remove_upload_dir(fresh)
    assert not fresh.exists()
    files.remove_upload_dir(tmp_path)  # not one of ours: left alone
    assert tmp_path.exists()


def test_a_session_upload_folder_goes_with_the_session(tmp_path, monkeypatch):
    """The page keeps its folder in session state; when Streamlit drops the session, the
    holder is garbage collected and the folder is removed."""
    monkeypatch.setenv("PASSMAP_UPLOAD_DIR", str(tmp_path / "up"))
    from ui.importing import _UploadFolder

    state = {"imp_upload": _UploadFolder()}
    folder = state["imp_upload"].path
    (folder / "plan.dxf").write_text("x")
    assert folder.exists()
    state.clear()
    gc.collect()
    assert not folder.exists()


def test_archives_are_capped_by_their_total_size(site_store, tmp_path):
    members = {k: json.dumps(v).encode() for k, v in imdf_features(2).items()}
    path = tmp_path / "v.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
        for n in range(4):  # each extra member well under the limit, together over it
            zf.writestr(f"extra{n}.bin", bytes(300_000))
    before = snapshot(site_store)
    with pytest.raises(ImportFailed, match="archive expands to 1.2 MB, over the 1 MB limit"):
        import_path(site_store, path, ImportOptions(max_bytes=1_100_000, max_zip_ratio=1e9))
    assert snapshot(site_store) == before


def test_the_edit_map_draws_an_underlay_only_from_inside_the_underlay_folder(tmp_path, monkeypatch):
    """ui/edit_map reads the stored path through files.with_url like the Floor plan: a level whose
    props name a file outside PASSMAP_UNDERLAY_DIR draws no image."""
    import folium

    from ui.edit_map import build_edit_map

    under = tmp_path / "underlays"
    under.mkdir()
    write_png(under / "l1.png")
    write_png(tmp_path / "elsewhere.png")
    monkeypatch.setenv("PASSMAP_UNDERLAY_DIR", str(under))
    bounds = [[35.22, -80.84], [35.221, -80.839]]

    def overlays(path):
        level = {"props": {"underlay": {"path": str(path), "bounds": bounds}}}
        m = build_edit_map(level, {}, (-80.84, 35.22, -80.839, 35.221))
        return [c for c in m._children.values() if isinstance(c, folium.raster_layers.ImageOverlay)]

    inside = overlays(under / "l1.png")
    assert len(inside) == 1 and inside[0].url.startswith("data:image/png;base64,")
    assert overlays(tmp_path / "elsewhere.png") == []
    assert overlays(under / ".." / "elsewhere.png") == []
