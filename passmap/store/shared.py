"""One Store per database file per process, shared by every script run, thread and server hook.

DuckDB allows one read-write process per file (STACK.md), so the app server opens each file once
and every thread works on its own ``cursor()``. The registry lives here, outside Streamlit's
caches, so that a client's "clear cache" can never drop the store (and with it the live writer).

>>> import tempfile, pathlib
>>> p = pathlib.Path(tempfile.mkdtemp()) / "s.duckdb"
>>> shared_store(p) is shared_store(str(p))
True
>>> close_shared(p)
"""

from __future__ import annotations

import threading
from pathlib import Path

from passmap.store import Store

_LOCK = threading.Lock()
_STORES: dict[str, Store] = {}


def _key(path: str | Path) -> str:
    return str(Path(path).resolve())


def shared_store(path: str | Path) -> Store:
    """The process-wide Store of ``path``, opened (and migrated) on first use."""
    key = _key(path)
    with _LOCK:
        store = _STORES.get(key)
        if store is None:
            store = _STORES[key] = Store(key)
        return store


def close_shared(path: str | Path | None = None) -> None:
    """Close one shared store (or all of them): the server's shutdown hook."""
    with _LOCK:
        keys = [_key(path)] if path is not None else list(_STORES)
        for key in keys:
            store = _STORES.pop(key, None)
            if store is not None:
                store.close()
