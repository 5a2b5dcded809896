"""Procedure documents: a control's ``procedure_doc`` names a file in the procedure folder
(PASSMAP_PROCEDURE_DIR, default data/procedures), and only there.

The name comes from imported data (IMDF, GeoJSON, a spreadsheet), so it is untrusted: an
absolute path, ``..``, a symbolic link leading out, or a name of another kind of file than a
document gives None, never a read. ``procedures/`` at the start is the folder itself (the demo's
and older exports' form).
"""

from __future__ import annotations

from pathlib import Path, PurePosixPath

DOCUMENT_SUFFIXES = frozenset({".pdf", ".txt", ".md", ".docx", ".doc", ".odt", ".png", ".jpg"})
MAX_BYTES = 50 * 1024 * 1024


def procedure_file(doc: object, folder: Path) -> Path | None:
    """The document file ``doc`` names inside ``folder``, or None when it names nothing there.

    >>> procedure_file("../../.git/config", Path("/srv/procedures")) is None
    True
    >>> procedure_file("/etc/passwd", Path("/srv/procedures")) is None
    True
    """
    if not isinstance(doc, str) or not doc.strip() or "\x00" in doc or len(doc) > 500:
        return None
    name = PurePosixPath(doc.strip().replace("\\", "/"))
    if name.is_absolute() or ".." in name.parts:
        return None
    if name.parts and name.parts[0] == "procedures":
        name = PurePosixPath(*name.parts[1:]) if len(name.parts) > 1 else PurePosixPath()
    if name.suffix.lower() not in DOCUMENT_SUFFIXES:
        return None
    try:
        root = folder.resolve(strict=True)
        path = (root / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if root not in path.parents or not path.is_file() or path.stat().st_size > MAX_BYTES:
        return None
    return path
