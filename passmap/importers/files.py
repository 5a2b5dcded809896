"""Where import files may come from and where plan images may be read: the two folders a
district configures, checked after resolving every symlink.

- Server paths (``PASSMAP_IMPORT_DIR``): off by default; a path is used only when it resolves
  inside that folder. Messages name what the person typed, never the server's folders.
- Uploads wait in a private folder of their own (``PASSMAP_UPLOAD_DIR``, default the system
  temp folder) that is removed after the import, when the browser session ends, and, for
  folders left by a crash, when the server starts.
- Underlay images (``PASSMAP_UNDERLAY_DIR``) are read only from inside that folder.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
import time
from pathlib import Path

from passmap.config import ROOT, Settings, load_settings
from passmap.importers.base import ImportFailed

UPLOAD_PREFIX = "passmap-up-"
STALE_AFTER_S = 6 * 3600


def inside(path: Path, folder: Path) -> bool:
    """True when ``path`` (resolved, symlinks followed) lies inside ``folder`` (resolved)."""
    try:
        path.resolve(strict=True).relative_to(folder.resolve(strict=True))
    except (OSError, ValueError, RuntimeError):  # missing, outside, or a symlink loop
        return False
    return True


def server_path(typed: str, settings: Settings | None = None) -> Path:
    """A file or folder named on the Import page, inside the import folder, or a refusal."""
    settings = settings or load_settings()
    if settings.import_dir is None:
        raise ImportFailed("reading files on the server is turned off; upload the files instead.")
    text = typed.strip()
    candidate = Path(text) if Path(text).is_absolute() else settings.import_dir / text
    if not inside(candidate, settings.import_dir):
        shown = Path(text).name or "that path"
        raise ImportFailed(
            f"{shown}: not found in the server's import folder (only files inside it can be "
            "imported)."
        )
    return candidate.resolve()


def _upload_root(settings: Settings) -> Path:
    root = settings.upload_dir or Path(tempfile.gettempdir())
    root.mkdir(parents=True, exist_ok=True)
    return root


def new_upload_dir(settings: Settings | None = None) -> Path:
    """A private folder (mode 0700) for one import's uploaded files."""
    return Path(
        tempfile.mkdtemp(prefix=UPLOAD_PREFIX, dir=_upload_root(settings or load_settings()))
    )


def remove_upload_dir(folder: Path | str | None) -> None:
    """Remove an upload folder (only one of ours: the name prefix is checked)."""
    if folder and Path(folder).name.startswith(UPLOAD_PREFIX):
        shutil.rmtree(folder, ignore_errors=True)


def sweep_stale_uploads(settings: Settings | None = None, max_age_s: float = STALE_AFTER_S) -> int:
    """Remove upload folders older than ``max_age_s`` (left by a crash); returns how many."""
    root = _upload_root(settings or load_settings())
    now, removed = time.time(), 0
    for folder in root.glob(f"{UPLOAD_PREFIX}*"):
        try:
            old = now - folder.stat().st_mtime > max_age_s
        except OSError:
            continue
        if old and folder.is_dir():
            remove_upload_dir(folder)
            removed += 1
    return removed


def underlay_file(underlay: dict | None, settings: Settings | None = None) -> Path | None:
    """The image file of a level's underlay, only when it lies inside the underlay folder."""
    if not underlay or not underlay.get("path"):
        return None
    settings = settings or load_settings()
    path = Path(underlay["path"])
    path = path if path.is_absolute() else ROOT / path
    return path if inside(path, settings.underlay_dir) else None


def underlay_url(underlay: dict | None, settings: Settings | None = None) -> str | None:
    """A URL a map can draw the underlay from: the served one, else a data: URL of the file
    (read only inside the underlay folder). None when there is nothing safe to show."""
    if not underlay:
        return None
    if underlay.get("url"):
        return underlay["url"]
    path = underlay_file(underlay, settings)
    if path is None:
        return None
    mime = "image/png" if path.suffix.lower() == ".png" else "image/jpeg"
    return f"data:{mime};base64," + base64.b64encode(path.read_bytes()).decode()


def with_url(underlay: dict | None, settings: Settings | None = None) -> dict | None:
    """The underlay with ``url`` filled in for map layers (``layers.floor.underlay_layer``)."""
    url = underlay_url(underlay, settings)
    return None if url is None else {**underlay, "url": url}
