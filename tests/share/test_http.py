"""Share links through the real app server (streamlit run server.py): the static route answers
20 concurrent openings with the scoped map, each opening is in the access log; old links are
redirected without a script run; refusals, headers, live posture and logged downloads."""

from __future__ import annotations

import hashlib
import json
import re
from concurrent.futures import ThreadPoolExecutor

from passmap import share
from tests.share.conftest import SENSITIVE_LABELS, fetch, make_link, tips


def _accesses(db, link_id):
    from passmap.store import Store

    with Store(db, read_only=True) as s:
        return s.share_accesses(link_id)


def test_twenty_concurrent_sessions_get_the_scoped_map_and_are_logged(
    demo_db, app_server, defaults
):
    link_id, token = make_link(demo_db, defaults)
    _, wide_token = make_link(demo_db, [*defaults, "cameras", "access_control", "duress"])
    server = app_server(demo_db)
    spoofed = {"X-Forwarded-For": "198.51.100.7"}  # no trusted proxy configured: not believed
    with ThreadPoolExecutor(20) as pool:
        pages = list(
            pool.map(lambda _: fetch(f"{server.url}/share/{token}", headers=spoofed), range(20))
        )
    wide = fetch(f"{server.url}/share/{wide_token}")
    for page in pages:
        assert page.status == 200, page.text[:300]
        payload = page.payload()
        assert [c["id"] for c in payload["campuses"]] == ["cvhs"]
        assert payload["campuses"][0]["name"] == "Cedar Valley High School"
        assert {layer["name"] for layer in payload["layers"]} == set(defaults)
        drawn = tips(payload)
        assert any(t.startswith("Door ") for t in drawn) and any(t.startswith("AED") for t in drawn)
        for label in SENSITIVE_LABELS:
            assert not any(t.startswith(label) for t in drawn), label
        assert "Maple Ridge" not in page.text and "Oak Hollow" not in page.text
    wide_tips = tips(wide.payload())
    for label in ("Camera", "Card reader", "Panic alarm"):
        assert any(t.startswith(label) for t in wide_tips), label
    assert "Traceback" not in server.log()
    server.stop()
    opens = [u for u in _accesses(demo_db, link_id) if u["view"] == "open"]
    assert len(opens) == 20 and all(u["client"] == "127.0.0.1" for u in opens)


def test_behind_a_trusted_proxy_the_log_records_the_visitor_not_the_proxy(
    demo_db, app_server, defaults
):
    """Behind a reverse proxy every request comes from the proxy's address: the access log must
    name the address the proxy forwarded for, or it names the proxy for every officer."""
    link_id, token = make_link(demo_db, defaults)
    server = app_server(demo_db, PASSMAP_TRUSTED_PROXIES="127.0.0.1")
    for visitor in ("198.51.100.7", "203.0.113.20"):
        forwarded = {"X-Forwarded-For": f"{visitor}, 127.0.0.1"}
        assert fetch(f"{server.url}/share/{token}", headers=forwarded).status == 200
    campus = fetch(f"{server.url}/share/{token}/download/cvhs.geojson", headers=forwarded)
    assert campus.status == 200, campus.text[:200]
    server.stop()
    logged = [(u["view"], u["client"]) for u in _accesses(demo_db, link_id)]
    assert sorted(logged) == sorted(
        [("open", "198.51.100.7"), ("open", "203.0.113.20"), ("download:geojson", "203.0.113.20")]
    ), logged


def test_a_bare_streamlit_run_believes_no_forwarded_header_either(demo_db, app_server, defaults):
    """`streamlit run server.py` without `passmap serve`: uvicorn's own default believes
    X-Forwarded-For from loopback and would log whatever address a local process names."""
    link_id, token = make_link(demo_db, defaults)
    server = app_server(demo_db, FORWARDED_ALLOW_IPS="127.0.0.1,::1")  # uvicorn's default
    spoofed = {"X-Forwarded-For": "198.51.100.7"}
    assert fetch(f"{server.url}/share/{token}", headers=spoofed).status == 200
    server.stop()
    assert [u["client"] for u in _accesses(demo_db, link_id)] == ["127.0.0.1"]


def test_old_links_redirect_and_bad_tokens_get_the_refusal(demo_db, app_server, defaults):
    link_id, token = make_link(demo_db, defaults)
    revoked_id, revoked = make_link(demo_db, defaults)
    from passmap.store import Store

    with Store(demo_db) as s:
        s.revoke_share_link(revoked_id, "admin")
    server = app_server(demo_db)
    old = fetch(f"{server.url}/?share={token}", follow=False)
    assert old.status == 303 and old.headers["location"] == f"/share/{token}"
    assert fetch(f"{server.url}/?share={token}").payload()["campuses"][0]["id"] == "cvhs"
    for bad in (revoked, token[:-1] + ("A" if token[-1] != "A" else "B"), "x" * 300):
        for url in (f"{server.url}/?share={bad}", f"{server.url}/share/{bad}"):
            page = fetch(url)
            assert page.status == 403 and share.REFUSAL in page.text
            assert "share-data" not in page.text and "Cedar Valley" not in page.text
        for tail in ("/live.json", "/search?campus=cvhs&q=114", "/download/cvhs.geojson"):
            refused = fetch(f"{server.url}/share/{bad}{tail}")
            assert refused.status == 403 and "Cedar Valley" not in refused.text
    page = fetch(f"{server.url}/share/{token}")
    headers = page.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert "script-src 'self'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY" and headers["referrer-policy"] == "no-referrer"
    assert headers["cache-control"] == "no-store"
    assert "<script>" not in page.text  # no inline script: every script is a file of ours
    server.stop()
    views = [u["view"] for u in _accesses(demo_db, link_id)]
    assert views.count("open") == 2  # the redirected opening and the direct one
    assert _accesses(demo_db, revoked_id) == []


def test_live_search_and_downloads(demo_db, app_server):
    link_id, token = make_link(demo_db, ["grid", "buildings", "rooms", "doors"])
    from passmap.store import Store

    with Store(demo_db) as s:
        s.set_posture("cvhs", "lockdown", "Officer Example", reason="Smith saw it")
    server = app_server(demo_db)
    base = f"{server.url}/share/{token}"
    live = fetch(f"{base}/live.json")
    assert live.status == 200
    assert json.loads(live.body)["campuses"][0]["posture"] == "lockdown"
    assert "Officer Example" not in live.text and "Smith" not in live.text
    hits = json.loads(fetch(f"{base}/search?campus=cvhs&q=115").body)
    assert (
        hits and hits[0]["sentence"].startswith("Room 115") and hits[0]["view"].startswith("level:")
    )
    assert hits[0]["geometry"]["type"] == "Polygon" and len(hits[0]["bounds"]) == 4
    door = json.loads(fetch(f"{base}/search?campus=cvhs&q=D7").body)  # passmap.search's forms
    assert door and door[0]["sentence"].startswith("Door 7") and "grid cell" in door[0]["sentence"]
    assert json.loads(fetch(f"{base}/search?campus=cvhs&q=AED").body) == []  # not shared
    assert fetch(f"{base}/search?campus=mres&q=114").status == 403  # not the link's campus
    opened = fetch(base)
    page = opened.payload()  # export files only behind the token (checked per request):
    hrefs = [d["href"] for c in page["campuses"] for d in c["downloads"]]  # no /media/ URL
    assert hrefs == [f"download/cvhs.{s}" for s in ("pdf", "geojson", "imdf.zip")], hrefs
    geo = fetch(f"{base}/download/cvhs.geojson")
    assert geo.status == 200 and "attachment" in geo.headers["content-disposition"]
    assert {f["properties"].get("layer") for f in json.loads(geo.body)["features"]} >= {"doors"}
    imdf = fetch(f"{base}/download/cvhs.imdf.zip")
    assert imdf.status == 200 and imdf.body[:2] == b"PK"
    assert fetch(f"{base}/download/mres.geojson").status == 403
    # The page names its code by content hash: cached for a year (a phone that opened once
    # keeps it); the plain name is revalidated, so a new release is never hidden by a cache.
    named = re.findall(r'"/share-assets/([^"]+)"', opened.text)
    assert sorted(n.split(".")[0] for n in named) == ["canvasmap", "viewer", "viewer"], named
    for name in named:
        asset = fetch(f"{server.url}/share-assets/{name}")
        assert asset.status == 200 and "immutable" in asset.headers["cache-control"], name
        assert name.split(".")[1] == hashlib.sha256(asset.body).hexdigest()[:16], name
        assert "deck.gl" not in name  # the share page draws with Canvas 2D, not WebGL
    plain = fetch(f"{server.url}/share-assets/viewer.js")
    assert plain.status == 200 and plain.headers["cache-control"] == "public, no-cache"
    assert plain.headers["etag"].strip('"') in " ".join(named)
    assert fetch(f"{server.url}/share-assets/share_http.py").status == 404  # only its files
    sneaky = fetch(f"{server.url}/share-assets/..%2Fshare_http.py")
    assert sneaky.status in (400, 404) and b"import" not in sneaky.body
    server.stop()
    views = sorted(u["view"] for u in _accesses(demo_db, link_id))
    assert views == ["download:geojson", "download:imdf", "open"]
