"""Share links held under an incident's load: what a link shows is built ONCE per (link, data
version) and served from memory to every visitor of that link; no Streamlit script runs per
visitor (issue 18; the README's layout section says why).

- ``ShareService``: per request the token is checked (``passmap.share.grant_of``: unknown,
  expired and revoked links get the same refusal) on the link's row kept in memory while the
  store's share generation stands still (it moves at the commit of a revocation), then the
  answer comes from a cache: the page bundle, the live posture/alarm snapshot (computed at most
  once a second per link), search answers and downloads. Concurrent askers of something not yet
  built wait for the one build in progress (single flight) instead of each building it. A warm
  opening reads nothing from DuckDB: the verdict, the data version and the bundle are in memory,
  so one more responder costs a dictionary look-up and a queued log row.
- ``AccessLog``: every opening and every download is committed to ``share_access`` BEFORE its
  answer is sent. Openings that arrive together share one commit (group commit), so the log
  is as complete as before and never the bottleneck.
- ``page_html``: the bundle's page, a fixed template with the payload as a JSON data block
  (never markup: user text is escaped for the HTML parser and drawn as text by the viewer).

The map content itself (layer JSON, legend) is built by a function handed in from outside the
core (ui/share_content.py), which calls the same pure layer builders as the staff responder map.
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import logging
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from shapely.geometry import box, mapping

from passmap import share
from passmap.access import allowed, visible_layers
from passmap.grid import campus_grid
from passmap.search import search as find
from passmap.store.base import utc_now

log = logging.getLogger(__name__)
MISS = object()  # "not in memory": the caller asks again in a worker thread (it reads the store)
MAX_TOKEN_CHARS = 200

LIVE_MAX_AGE_S = 1.0  # the live snapshot of a link is at most this old
LIVE_MIN_AGE_S = 0.25  # ... and recomputed at most this often (after a device event)
DATA_PLACEHOLDER = "<!--SHARE-DATA-->"
DOWNLOADS = {  # file suffix -> (format, media type)
    "pdf": ("pdf", "application/pdf"),
    "geojson": ("geojson", "application/geo+json"),
    "imdf.zip": ("imdf", "application/zip"),
}


@dataclass(frozen=True)
class BundleContent:
    """What the content builder returns: the page payload and, per campus, the search index of
    the objects the map was drawn from with their geometries (search answers come from it)."""

    payload: dict
    objects: dict[str, Any]


@dataclass(frozen=True)
class Bundle:
    link_id: str
    version: Hashable
    html: bytes
    html_gz: bytes
    etag: str
    objects: dict[str, Any] = field(repr=False)


@dataclass(frozen=True)
class Download:
    filename: str
    media_type: str
    body: bytes


def data_version(store) -> Hashable:
    """What a bundle is built from, as two numbers held in memory (no query): the store's data
    version (site model, catalog, checklist, procedures, walk-through stamps: every write a
    page shows) and its grid generation (responder grids saved). A move of either rebuilds a
    link's bundle on its next opening."""
    return (store.data_version(), store.grid_generation())


def embed_json(payload: dict) -> str:
    """JSON safe inside a <script type="application/json"> block: '<', '>' and '&' escaped, so
    no user text can close the block or open a tag.

    >>> embed_json({"name": "</script><img src=x onerror=alert(1)>"})
    '{"name":"\\\\u003c/script\\\\u003e\\\\u003cimg src=x onerror=alert(1)\\\\u003e"}'
    """
    text = json.dumps(payload, separators=(",", ":"), ensure_ascii=False, default=str)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


def page_html(template: str, payload: dict) -> bytes:
    if template.count(DATA_PLACEHOLDER) != 1:
        raise ValueError(f"The share page template needs exactly one {DATA_PLACEHOLDER}.")
    return template.replace(DATA_PLACEHOLDER, embed_json(payload)).encode("utf-8")


def gzip_bytes(body: bytes) -> bytes:
    return gzip.compress(body, compresslevel=6, mtime=0)


class OnceCache:
    """Futures of built values by key: the first asker submits the build, later askers of the
    same key get the same future (built or in progress). A failed build is not kept. Oldest
    entries go first beyond ``max_entries``."""

    def __init__(self, executor: ThreadPoolExecutor, max_entries: int):
        self._executor = executor
        self._max = max_entries
        self._lock = threading.Lock()
        self._items: OrderedDict[Hashable, Future] = OrderedDict()

    def get(self, key: Hashable, build: Callable[[], Any]) -> Future:
        with self._lock:
            fut = self._items.get(key)
            if fut is not None and not (fut.done() and fut.exception() is not None):
                self._items.move_to_end(key)
                return fut
            fut = self._items[key] = self._executor.submit(build)
            while len(self._items) > self._max:
                self._items.popitem(last=False)
            return fut

    def drop(self, stale: Callable[[Hashable], bool]) -> None:
        with self._lock:
            for key in [k for k in self._items if stale(k)]:
                del self._items[key]

    def __len__(self) -> int:
        return len(self._items)


class AccessLog:
    """Group commit of share_access rows by one writer thread: ``submit`` returns a future that
    is done once the row is committed (or failed with the store's error)."""

    def __init__(self, store):
        self._store = store
        self._cond = threading.Condition()
        self._pending: list[tuple[dict, Future]] = []
        self._closed = False
        self.commits = 0  # how many commits carried the rows so far (tests, bench)
        self._thread = threading.Thread(target=self._run, name="share-access-log", daemon=True)
        self._thread.start()

    def submit(self, link_id: str, campus_id: str | None, view: str, client: str | None) -> Future:
        fut: Future = Future()
        row = {
            "at_utc": utc_now(),
            "link_id": link_id,
            "campus_id": campus_id,
            "view": view,
            "client": client,
        }
        with self._cond:
            if self._closed:
                fut.set_exception(RuntimeError("The share access log is closed."))
                return fut
            self._pending.append((row, fut))
            self._cond.notify()
        return fut

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._pending and not self._closed:
                    self._cond.wait()
                batch, self._pending = self._pending, []
            if not batch:
                return  # closed and drained
            try:
                self._store.log_share_accesses([row for row, _ in batch])
            except Exception as exc:
                log.exception("share access log: %d rows not written", len(batch))
                for _, fut in batch:
                    fut.set_exception(exc)
            else:
                self.commits += 1
                for _, fut in batch:
                    fut.set_result(None)

    def close(self, timeout_s: float = 10.0) -> None:
        """Write what is queued, then stop (the server's shutdown)."""
        with self._cond:
            self._closed = True
            self._cond.notify()
        self._thread.join(timeout_s)


def live_snapshot(store, campus_ids) -> dict:
    """Posture and open alarms of the link's campuses, for responders: no staff names, no
    free-text reasons (a person's words), no device ids."""
    levels = store.list_levels()
    level_names = dict(zip(levels["id"], levels["name"]))
    building_of = dict(zip(levels["id"], levels["building_id"]))
    campuses = []
    for cid in campus_ids:
        posture = store.get_posture(cid)
        buildings = store.list_buildings(campus_id=cid)
        building_names = dict(zip(buildings["id"], buildings["name"]))
        alarms = []
        for _, a in store.list_alarms(campus_id=cid).iterrows():
            level_id = a.get("level_id")
            where = " - ".join(
                str(x)
                for x in (
                    building_names.get(building_of.get(level_id)),
                    level_names.get(level_id),
                    a.get("control_name"),
                )
                if isinstance(x, str) and x
            )
            alarms.append(
                {"kind": a["kind"], "state": a["state"], "raised_utc": _iso(a["raised_utc"])}
                | {"where": where}
            )
        campuses.append(
            {
                "campus_id": cid,
                "posture": posture["state"],
                "since_utc": _iso(posture["since_utc"]),
                "alarms": alarms,
            }
        )
    return {"generated_utc": _iso(utc_now()), "campuses": campuses}


def _iso(value) -> str | None:
    if value is None or (isinstance(value, float) and value != value):
        return None
    if isinstance(value, datetime):
        return value.replace(microsecond=0).isoformat() + "Z"
    if hasattr(value, "to_pydatetime"):
        return _iso(value.to_pydatetime())
    return str(value)


def search_answers(found, query: str, limit: int = 12) -> list[dict]:
    """The one search of every map (passmap.search) over the link's index, with what the share
    page needs to show a hit: its view, bounds and geometry (to pan, zoom and highlight).
    ``found`` is (index, geometries by object id) as built with the bundle."""
    if found is None:
        return []
    index, geoms = found
    out = []
    for a in find(index, query, limit=limit):
        geom = geoms.get(a["id"]) if a["kind"] != "cell" else None
        if geom is None:
            geom = box(*a["bbox"])
        level = a.get("level_id")
        out.append(
            {
                "id": a["id"],
                "sentence": a["sentence"],
                "cell": a.get("cell"),
                "view": f"level:{level}" if isinstance(level, str) and level else "site",
                "bounds": [round(v, 7) for v in geom.bounds],
                "geometry": _rounded(mapping(geom)),
            }
        )
    return out


def _rounded(obj):
    if isinstance(obj, float):
        return round(obj, 7)
    if isinstance(obj, (list, tuple)):
        return [_rounded(v) for v in obj]
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    return obj


class ShareService:
    """Everything the share routes answer, built once and shared (module docstring).

    Methods are synchronous (they may read the store): HTTP handlers call them in a worker
    thread and await the futures they return, so no thread waits on a build or a commit; the
    ``*_now``/``cached_*`` variants read memory only and answer MISS instead."""

    def __init__(
        self,
        store,
        build_content: Callable[[Any, share.ShareGrant], BundleContent],
        template: str,
        max_links: int = 64,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = utc_now,
    ):
        self.store = store
        self._build_content = build_content
        self._template = template
        self._clock = clock
        self._now = now  # the wall clock links expire by
        self._builds = ThreadPoolExecutor(2, thread_name_prefix="share-build")
        self._quick = ThreadPoolExecutor(2, thread_name_prefix="share-quick")
        self.bundles = OnceCache(self._builds, max_links)
        self._downloads = OnceCache(self._builds, 32)
        self._searches = OnceCache(self._quick, 512)
        self._live_lock = threading.Lock()
        self._live: dict[str, tuple[float, int, Future]] = {}
        self.access_log = AccessLog(store)
        self._links_lock = threading.Lock()
        self._links: OrderedDict[str, tuple[int, dict]] = OrderedDict()  # token hash -> row
        self._max_links_kept = 4096
        self.builds = 0  # bundles built so far (tests, bench)
        self._gridded: set[str] = set()
        self._grid_lock = threading.Lock()

    # -- the gate -------------------------------------------------------------------------------
    def grant(self, token: str | None) -> share.ShareGrant | None:
        """The link's grant (None: unknown, expired or revoked: the same refusal). The link's
        row is read from the store once and kept while the store's share generation stands
        still (a revocation moves it at its commit); expiry is decided on every request."""
        held = self.cached_grant(token)
        if held is not MISS:
            return held
        token_hash = share.hash_token(token)
        generation = self.store.share_generation()  # read BEFORE the row: a later write wins
        row = self.store.share_link_by_hash(token_hash)
        if row is not None:  # unknown tokens are not kept (nobody can fill the memory)
            with self._links_lock:
                self._links[token_hash] = (generation, row)
                while len(self._links) > self._max_links_kept:
                    self._links.popitem(last=False)
        return share.grant_of(row, self._now())

    def cached_grant(self, token: str | None) -> share.ShareGrant | None | object:
        """``grant`` from memory only: MISS when the link's row must be read from the store."""
        if not token or len(token) > MAX_TOKEN_CHARS:
            return None
        token_hash = share.hash_token(token)
        with self._links_lock:
            held = self._links.get(token_hash)
        if held is None or held[0] != self.store.share_generation():
            return MISS
        return share.grant_of(held[1], self._now())

    def _ensure_grids(self, grant: share.ShareGrant) -> None:
        """Store the responder grid of each campus before the data version is read: a campus's
        first grid is a write, and would otherwise make the bundle just built stale at once."""
        if self._gridded.issuperset(grant.campuses):
            return
        with self._grid_lock:  # one writer: concurrent first openings would conflict
            for campus_id in set(grant.campuses) - self._gridded:
                if self.store.get("campus", campus_id) is not None:
                    campus_grid(self.store, campus_id, actor="share")
                self._gridded.add(campus_id)

    def bundle(self, grant: share.ShareGrant, version: Hashable | None = None) -> Future:
        """The link's bundle at the current data version (built once, then from memory)."""
        self._ensure_grids(grant)
        version = data_version(self.store) if version is None else version
        key = (grant.link_id, grant.campuses, grant.layers, grant.expires_utc, version)
        fut = self.bundles.get(key, lambda: self._build_bundle(grant, version))
        # Older versions of this link, and links past their expiry, are never served again.
        now = self._now()
        self.bundles.drop(lambda k: (k[0] == grant.link_id and k != key) or k[3] <= now)
        return fut

    def open(self, token: str | None, client: str | None):
        """(grant, bundle future, log future) for a valid token, else None (the refusal)."""
        grant = self.grant(token)
        if grant is None:
            return None
        bundle = self.bundle(grant)
        return grant, bundle, self.access_log.submit(grant.link_id, None, "open", client)

    def open_now(self, token: str | None, client: str | None):
        """``open`` without reading the store (an HTTP handler calls it on its event loop):
        MISS when it would have to (the link not yet in memory, a campus grid not yet
        stored); then the caller runs ``open`` in a worker thread."""
        grant = self.cached_grant(token)
        if grant is MISS or (grant is not None and not self._gridded.issuperset(grant.campuses)):
            return MISS
        if grant is None:
            return None
        bundle = self.bundle(grant)
        return grant, bundle, self.access_log.submit(grant.link_id, None, "open", client)

    def _build_bundle(self, grant: share.ShareGrant, version: Hashable) -> Bundle:
        content = self._build_content(self.store, grant)
        html = page_html(self._template, content.payload)
        self.builds += 1
        return Bundle(
            grant.link_id,
            version,
            html,
            gzip_bytes(html),
            '"' + hashlib.sha256(html).hexdigest()[:24] + '"',
            content.objects,
        )

    # -- live -----------------------------------------------------------------------------------
    def live(self, grant: share.ShareGrant) -> Future:
        """JSON bytes of the link's live snapshot, at most LIVE_MAX_AGE_S old; one computation
        per link and second whatever the number of visitors. A device event (an alarm raised
        or cleared, a lockdown it causes) moves the store's live version: the snapshot is then
        recomputed after LIVE_MIN_AGE_S already (a staff posture change waits for the second)."""
        now = self._clock()
        version = self.store.live_version()
        with self._live_lock:
            held = self._live.get(grant.link_id)
            if held is not None and not _failed(held[2]):
                age = now - held[0]
                if age < LIVE_MIN_AGE_S or (age < LIVE_MAX_AGE_S and held[1] == version):
                    return held[2]
            fut = self._quick.submit(
                lambda: json.dumps(
                    live_snapshot(self.store, grant.campuses), separators=(",", ":")
                ).encode()
            )
            self._live[grant.link_id] = (now, version, fut)
            return fut

    # -- search and downloads -------------------------------------------------------------------
    def search(self, grant: share.ShareGrant, campus_id: str, query: str) -> Future | None:
        """Answers for ``query`` on one of the link's campuses (None: not one of them)."""
        if campus_id not in grant.campuses:
            return None
        q = " ".join((query or "").split())[:80]
        self._ensure_grids(grant)
        version = data_version(self.store)
        bundle_fut = self.bundle(grant, version)

        def answer() -> bytes:
            found = bundle_fut.result().objects.get(campus_id)
            return json.dumps(search_answers(found, q), separators=(",", ":")).encode()

        return self._searches.get((grant.link_id, version, campus_id, q.lower()), answer)

    def download(self, grant, campus_id: str, suffix: str, client: str | None):
        """(download future, log future) when the link allows it, else None."""
        if (
            suffix not in DOWNLOADS
            or campus_id not in grant.campuses
            or not allowed("partner", "export", campus_id, grant.campuses)
        ):
            return None
        fmt = DOWNLOADS[suffix][0]
        version = data_version(self.store)
        fut = self._downloads.get(
            (grant.link_id, version, campus_id, fmt),
            lambda: self._render_download(grant, campus_id, suffix),
        )
        return fut, self.access_log.submit(grant.link_id, campus_id, f"download:{fmt}", client)

    def _render_download(self, grant, campus_id: str, suffix: str) -> Download:
        from passmap.reports.responder import render_responder_pdf
        from passmap.reports.responder_export import responder_geojson, responder_imdf

        layers = list(visible_layers("partner", grant.layers))
        fmt, media_type = DOWNLOADS[suffix]
        buf = io.BytesIO()
        if fmt == "pdf":
            render_responder_pdf(self.store, campus_id, buf, layers, staff_names=False)
        elif fmt == "imdf":
            responder_imdf(self.store, campus_id, buf, layers)
        else:
            data = responder_geojson(self.store, campus_id, layers)
            buf.write(json.dumps(data, default=str).encode())
        return Download(f"responder-{campus_id}.{suffix}", media_type, buf.getvalue())

    def close(self) -> None:
        self.access_log.close()
        self._builds.shutdown(wait=False, cancel_futures=True)
        self._quick.shutdown(wait=False, cancel_futures=True)


def _failed(fut: Future) -> bool:
    return fut.done() and fut.exception() is not None
