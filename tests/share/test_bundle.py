"""The share bundle's core (passmap/share_bundle.py) on the real demo database: built once per
link and data version, shared by concurrent askers, rebuilt after a change, refused when the
link is not valid, every opening and download committed to the access log (group commit)."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest

from passmap import share
from passmap.feeds.batch import events_table
from passmap.feeds.model import StatusEvent
from passmap.share_bundle import (
    DATA_PLACEHOLDER,
    LIVE_MIN_AGE_S,
    MISS,
    ShareService,
    embed_json,
    page_html,
)
from passmap.store.base import utc_now
from tests.share.conftest import SENSITIVE_LABELS, tips

TEMPLATE = f'<html><script type="application/json" id="share-data">{DATA_PLACEHOLDER}</script>'


@pytest.fixture
def store(demo_db):
    from passmap.store import Store

    with Store(demo_db) as s:
        yield s


def _service(store, clock=None, now=None):
    from ui.share_content import build_content

    kwargs = {"clock": clock} if clock else {}
    kwargs |= {"now": now} if now else {}
    return ShareService(store, build_content, TEMPLATE, **kwargs)


def _link(store, layers, campuses=("cvhs",), agency="County Sheriff"):
    return share.create_link(store, agency, list(campuses), layers, timedelta(days=1), "test")


def test_concurrent_openings_share_one_build_and_each_is_logged(store, defaults):
    link_id, token = _link(store, defaults)
    svc = _service(store)
    try:
        with ThreadPoolExecutor(20) as pool:
            opened = list(pool.map(lambda i: svc.open(token, f"10.0.0.{i}"), range(20)))
        bundles = {o[1].result(timeout=120).etag for o in opened}
        for o in opened:
            o[2].result(timeout=60)  # the log row of each opening is committed
        assert svc.builds == 1 and len(bundles) == 1
        uses = store.share_accesses(link_id)
        assert len(uses) == 20 and {u["view"] for u in uses} == {"open"}
        assert {u["client"] for u in uses} == {f"10.0.0.{i}" for i in range(20)}
        assert 1 <= svc.access_log.commits < 20  # openings shared commits
    finally:
        svc.close()


def test_a_data_change_rebuilds_and_a_revoked_link_is_refused(store, defaults):
    link_id, token = _link(store, defaults)
    svc = _service(store)
    try:
        first = svc.open(token, "c")[1].result(timeout=120)
        again = svc.open(token, "c")[1].result(timeout=120)
        assert again is first and svc.builds == 1
        store.record_verification("cvhs-main", "Inspector Example", "walked")  # a write
        rebuilt = svc.open(token, "c")[1].result(timeout=120)
        assert rebuilt is not first and svc.builds == 2
        assert len(svc.bundles) == 1  # the old version is dropped
        assert b"Inspector Example" not in rebuilt.html  # no staff names in a share view
        assert b"Last verified by walk-through" in rebuilt.html
        store.revoke_share_link(link_id, "admin")
        assert svc.open(token, "c") is None and svc.open(token + "x", "c") is None
        assert svc.grant(token) is None
    finally:
        svc.close()


def test_a_warm_link_opens_from_memory_and_still_expires_and_revokes(store, defaults):
    """One more responder costs no query: the link's verdict, the data version and the bundle
    are in memory (open_now never reads the store: MISS sends a cold link to a worker). The
    kept row is judged at every opening (expiry) and read again after a revocation commits."""
    link_id, token = _link(store, defaults)
    other_id, other = _link(store, defaults)
    wall = [utc_now()]
    svc = _service(store, now=lambda: wall[0])
    try:
        assert svc.open_now(token, "c") is MISS  # nothing in memory yet
        built = svc.open(token, "c")[1].result(timeout=120)
        warm = [svc.open_now(token, f"w{i}") for i in range(20)]
        assert all(w is not MISS and w[1].done() and w[1].result() is built for w in warm)
        for w in warm:
            w[2].result(timeout=60)
        assert len(store.share_accesses(link_id)) == 21 and svc.builds == 1
        expires = warm[0][0].expires_utc
        wall[0] = expires  # the same kept row, now past its expiry: refused, not logged
        assert svc.open_now(token, "late") is None and svc.grant(token) is None
        wall[0] = utc_now()
        svc.open(other, "c")[1].result(timeout=120)
        store.revoke_share_link(other_id, "admin")  # another link: this one's bundle stays
        assert svc.open_now(token, "c") is MISS  # ... but its verdict is read again
        assert svc.open(token, "c")[1].result(timeout=120) is built
        assert svc.open_now(other, "c") is MISS and svc.open(other, "c") is None
        assert svc.open_now(other, "c") is None  # the refusal is now the kept verdict
        assert svc.builds == 2
        assert "late" not in {u["client"] for u in store.share_accesses(link_id)}
    finally:
        svc.close()


def test_the_payload_holds_only_the_links_campus_and_layers(store, defaults):
    _, narrow = _link(store, ["grid", "buildings", "rooms", "doors", "aeds"])
    _, wide = _link(store, [*defaults, "cameras", "access_control", "duress"])
    svc = _service(store)
    try:
        pages = {}
        for name, token in (("narrow", narrow), ("wide", wide)):
            html = svc.open(token, "c")[1].result(timeout=120).html.decode()
            pages[name] = json.loads(html.split('id="share-data">', 1)[1].split("</script>")[0])
        narrow_tips, wide_tips = tips(pages["narrow"]), tips(pages["wide"])
        assert [c["id"] for c in pages["narrow"]["campuses"]] == ["cvhs"]
        assert any(t.startswith("AED") for t in narrow_tips)
        assert any(t.startswith("Door ") for t in narrow_tips)
        for label in (*SENSITIVE_LABELS, "Trauma kit", "Hazard"):
            assert not any(t.startswith(label) for t in narrow_tips), label
        for label in ("Camera", "Card reader", "Panic alarm", "Trauma kit"):
            assert any(t.startswith(label) for t in wide_tips), label
        for other in ("Maple Ridge", "Oak Hollow", "Cedar Valley Middle"):
            assert other not in json.dumps(pages["narrow"])
    finally:
        svc.close()


def test_live_is_computed_at_most_once_a_second_per_link(store, defaults):
    _, token = _link(store, defaults)
    now = [100.0]
    svc = _service(store, clock=lambda: now[0])
    try:
        grant = svc.grant(token)
        first = svc.live(grant)
        assert all(svc.live(grant) is first for _ in range(50))
        body = json.loads(first.result(timeout=60))
        assert body["campuses"][0]["posture"] == "normal"
        store.set_posture("cvhs", "lockdown", "Officer Example", reason="Smith called it")
        assert svc.live(grant) is first  # within the second: the same snapshot
        now[0] += 1.01
        fresh = svc.live(grant)
        assert fresh is not first
        text = fresh.result(timeout=60).decode()
        assert json.loads(text)["campuses"][0]["posture"] == "lockdown"
        assert "Officer Example" not in text and "Smith" not in text  # no staff words
        # A duress pressed: the device event moves the live version, so the snapshot is
        # recomputed after LIVE_MIN_AGE_S, not at the end of the second.
        now[0] += 0.3
        assert svc.live(grant) is fresh  # nothing moved: within the second, the same snapshot
        button = (
            store.list_controls("cvhs")
            .query("type == 'duress_button' and external_id.notna()")
            .iloc[0]
        )
        event = StatusEvent.make(
            button["external_id"], "panic", "triggered", utc_now(), "test", None
        )
        store.write_status_batch(events_table([event], time.time()), [])
        now[0] += LIVE_MIN_AGE_S + 0.01
        pressed = json.loads(svc.live(grant).result(timeout=60))["campuses"][0]
        assert len(pressed["alarms"]) == 1 and pressed["alarms"][0]["kind"] == "duress"
    finally:
        svc.close()


def test_downloads_follow_the_link_and_are_logged(store):
    link_id, token = _link(store, ["grid", "buildings", "doors"])
    svc = _service(store)
    try:
        grant = svc.grant(token)
        file_fut, log_fut = svc.download(grant, "cvhs", "geojson", "10.1.1.1")
        doc = json.loads(file_fut.result(timeout=120).body)
        log_fut.result(timeout=60)
        layers = {f["properties"].get("layer") for f in doc["features"]}
        assert "doors" in layers and "aeds" not in layers and "cameras" not in layers
        assert svc.download(grant, "mres", "geojson", "c") is None  # not the link's campus
        assert svc.download(grant, "cvhs", "exe", "c") is None
        views = [u["view"] for u in store.share_accesses(link_id)]
        assert views == ["download:geojson"]
    finally:
        svc.close()


def test_user_text_cannot_leave_the_data_block():
    hostile = '</script><script>window.__pm_xss=1</script><!-- & "'
    html = page_html(TEMPLATE, {"agency": hostile}).decode()
    assert "</script><script>" not in html and html.count("</script>") == 1
    assert json.loads(embed_json({"agency": hostile}))["agency"] == hostile
    with pytest.raises(ValueError):
        page_html("<html>no placeholder</html>", {})


def test_the_access_log_writes_every_row_under_concurrency(store, defaults):
    link_id, _ = _link(store, defaults)
    svc = _service(store)
    try:
        futures = []
        lock = threading.Lock()

        def submit(i):
            fut = svc.access_log.submit(link_id, None, "open", f"c{i}")
            with lock:
                futures.append(fut)

        threads = [threading.Thread(target=submit, args=(i,)) for i in range(200)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        for fut in futures:
            fut.result(timeout=60)
        assert len(store.share_accesses(link_id)) == 200
    finally:
        svc.close()
