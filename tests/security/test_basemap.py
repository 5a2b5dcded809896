"""The aerial basemap under the printed map comes from the configured tile source only."""

import subprocess

import numpy as np
import pytest
from PIL import Image

from passmap.reports.responder import render_responder_pdf
from tests.helpers import serve_png

TILE_RGB = (0, 200, 255)


@pytest.fixture
def tile_server():
    with serve_png(TILE_RGB) as (base, requests):
        yield base + "/{z}/{x}/{y}.png", requests


def _share_of_tile_colour(pdf_path, tmp_path) -> float:
    subprocess.run(
        ["pdftoppm", "-r", "30", "-f", "1", "-l", "1", "-png", str(pdf_path), str(tmp_path / "p")],
        check=True,
    )
    page = np.asarray(Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")).astype(int)
    blended = np.array(TILE_RGB) * 0.9 + 255 * 0.1
    return float((np.abs(page - blended).sum(axis=2) < 30).mean())


def test_configured_tiles_are_drawn_under_the_site_page(store, tmp_path, tile_server):
    url, requests = tile_server
    out = tmp_path / "aerial.pdf"
    render_responder_pdf(store, "c1", out, tile_url=url)
    assert requests and all(r.endswith(".png") for r in requests)
    assert _share_of_tile_colour(out, tmp_path) > 0.05


def test_no_tile_source_means_no_request_and_no_basemap(store, tmp_path, tile_server):
    _, requests = tile_server
    out = tmp_path / "plain.pdf"
    render_responder_pdf(store, "c1", out, tile_url=None)
    assert requests == [] and _share_of_tile_colour(out, tmp_path) < 0.001


def test_an_unreachable_tile_source_still_prints_the_map(store, tmp_path):
    out = tmp_path / "down.pdf"
    info = render_responder_pdf(store, "c1", out, tile_url="http://127.0.0.1:9/{z}/{x}/{y}.png")
    assert info["pages"] == 3 and out.read_bytes().startswith(b"%PDF")
