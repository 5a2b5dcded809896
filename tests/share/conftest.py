"""Fixtures of the share-link tests: the demo district with links, and an HTTP fetch helper."""

from __future__ import annotations

import gzip
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import timedelta

import pytest

# What a link without the sensitive layers must never carry, and what the default layers do.
SENSITIVE_LABELS = ("Camera", "Card reader", "Intercom", "Door contact", "Panic alarm")
DATA_RE = re.compile(r'<script type="application/json" id="share-data">(.*?)</script>', re.S)


@dataclass
class Fetched:
    status: int
    headers: dict
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", errors="replace")

    def payload(self) -> dict:
        """The map payload the page carries (its JSON data block)."""
        match = DATA_RE.search(self.text)
        assert match, "the page carries no map payload"
        return json.loads(match.group(1))


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(url: str, follow: bool = True, timeout_s: float = 120, headers=None) -> Fetched:
    """GET with gzip accepted (as a browser), body decoded; errors returned, not raised."""
    handlers = [] if follow else [_NoRedirect]
    opener = urllib.request.build_opener(*handlers)
    req = urllib.request.Request(url, headers={"Accept-Encoding": "gzip", **(headers or {})})
    try:
        resp = opener.open(req, timeout=timeout_s)
    except urllib.error.HTTPError as err:
        resp = err
    with resp:
        body = resp.read()
        headers = {k.lower(): v for k, v in resp.headers.items()}
        if headers.get("content-encoding") == "gzip":
            body = gzip.decompress(body)
        return Fetched(resp.status if hasattr(resp, "status") else resp.code, headers, body)


def make_link(db, layers, campuses=("cvhs",), agency="County Sheriff", expires=timedelta(days=7)):
    """(link id, token) of a new link, written before the server opens the file."""
    from passmap import share
    from passmap.store import Store

    with Store(db) as s:
        return share.create_link(s, agency, list(campuses), list(layers), expires, "test")


def tips(payload: dict) -> list[str]:
    """Every tooltip text of every drawn object of the payload (what a responder can read)."""
    out = []
    for campus in payload["campuses"]:
        for view in campus["views"]:
            for layer in view["layers"]:
                out += [str(row.get("tip", "")) for row in layer.get("data") or []]
    return out


@pytest.fixture
def defaults():
    from passmap.access import DEFAULT_SHARE_LAYERS

    return list(DEFAULT_SHARE_LAYERS)
