"""Floor-plan images (PNG/JPG, or a PDF page rendered with pdftoppm) as level underlays.

The image is placed by its corners (2: south-west, north-east; 4: top-left, top-right,
bottom-right, bottom-left) or by control points in pixels (x right, y down -> lon/lat). After
the import commits, the file is copied to the underlay folder (default data/floorplans/images)
and the level's ``props.underlay`` records path, bounds and corners for the map pages.
"""

from __future__ import annotations

import math
import shutil
import subprocess
import tempfile
from pathlib import Path

from passmap.config import ROOT, load_settings
from passmap.importers.base import ImportContext, slug
from passmap.importers.georef import fit_placement
from passmap.importers.hierarchy import ensure_building, ensure_level

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg")


def render_pdf_page(ctx: ImportContext, path: Path, page: int, out_dir: Path) -> Path:
    """Render one PDF page to PNG with pdftoppm (150 dpi)."""
    stem = out_dir / "page"
    try:
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "150",
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                str(path),
                str(stem),
            ],
            check=True,
            capture_output=True,
            timeout=120,
        )
    except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
        err = getattr(exc, "stderr", b"") or b""
        raise ctx.fail(
            f"page {page} could not be rendered ({err.decode(errors='replace')[:200].strip()})."
        ) from None
    return stem.with_suffix(".png")


def image_size(ctx: ImportContext, path: Path) -> tuple[int, int]:
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(path) as im:
            im.verify()
        with Image.open(path) as im:
            return im.size
    except (UnidentifiedImageError, OSError, SyntaxError) as exc:
        raise ctx.fail(f"not a readable image ({exc}).") from None


def is_rotated(corners: list[tuple[float, float]], tolerance: float = 0.02) -> bool:
    """Whether the image's top and left edges (corners TL, TR, BR, BL in lon/lat) leave the
    east-west and north-south lines by more than ``tolerance`` (about 1 degree). Measured on the
    map, not in UTM: the UTM grid itself turns 1-3 degrees away from north off its zone's centre.

    >>> is_rotated([(-78.87, 35.72), (-78.86, 35.72), (-78.86, 35.71), (-78.87, 35.71)])
    False
    >>> is_rotated([(-78.87, 35.72), (-78.86, 35.721), (-78.861, 35.711), (-78.871, 35.71)])
    True
    """
    (lon0, lat0), (lon1, lat1), _, (lon3, lat3) = corners
    k = math.cos(math.radians(lat0))
    top_x, top_y = (lon1 - lon0) * k, lat1 - lat0
    left_x, left_y = (lon3 - lon0) * k, lat3 - lat0
    return abs(top_y) > tolerance * math.hypot(top_x, top_y) or abs(
        left_x
    ) > tolerance * math.hypot(left_x, left_y)


def read_image(ctx: ImportContext, path: Path) -> None:
    path = Path(path)
    size = path.stat().st_size
    if size > ctx.options.max_bytes:
        raise ctx.fail(
            f"file is {size / 1e6:.1f} MB, over the {ctx.options.max_bytes / 1e6:.0f} "
            "MB import limit."
        )
    tmp = Path(tempfile.mkdtemp(prefix="passmap-img-"))
    src = (
        render_pdf_page(ctx, path, ctx.options.pdf_page, tmp)
        if path.suffix.lower() == ".pdf"
        else path
    )
    w, h = image_size(ctx, src)
    t = fit_placement(
        ctx,
        (0, 0, w, h),
        "an image is placed by control points in pixels "
        '(--georef "px,py,lon,lat;...") or its corners (--corners).',
        y_down=True,
    )
    corners = [t.apply_xy(x, y) for x, y in ((0, 0), (w, 0), (w, h), (0, h))]
    for lon, lat in corners:
        if not (-180 <= lon <= 180 and -90 <= lat <= 90):
            raise ctx.fail(f"the placement puts the image at {lon:.3f},{lat:.3f}, not on Earth.")
    from shapely.geometry import Polygon

    outline = Polygon(corners)
    bid, _ = ensure_building(ctx, ctx.options.building_name or path.stem, outline)
    lid_hint = ctx.options.level_id or f"{bid}-l{ctx.options.level_ordinal}"
    folder = Path(ctx.options.underlay_dir or load_settings().underlay_dir)
    dest = folder / f"{slug(lid_hint)}{src.suffix.lower()}"
    lons, lats = [c[0] for c in corners], [c[1] for c in corners]
    underlay = {
        "path": _rel(dest),
        "url": _url(dest),
        "width_px": w,
        "height_px": h,
        "bounds": [[min(lats), min(lons)], [max(lats), max(lons)]],
        "corners": [list(c) for c in corners],
        "rms_m": round(t.rms_m, 3),
        "source": path.name,
    }
    ensure_level(
        ctx,
        bid,
        ctx.options.level_ordinal,
        ctx.options.level_name,
        lid_hint,
        props={"underlay": underlay},
    )
    ctx.after_commit.append(lambda: _store_file(src, dest, tmp))
    if is_rotated(corners):
        ctx.warn("the image is rotated; the map shows it in its bounding box, unrotated.")


def _store_file(src: Path, dest: Path, tmp: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)
    shutil.rmtree(tmp, ignore_errors=True)


def _rel(dest: Path) -> str:
    try:
        return str(dest.resolve().relative_to(ROOT))
    except ValueError:
        return str(dest.resolve())


def _url(dest: Path) -> str | None:
    """Streamlit serves ./static at /app/static; an underlay stored there gets a URL."""
    try:
        return "/app/static/" + str(dest.resolve().relative_to(ROOT / "static"))
    except ValueError:
        return None
