"""Helpers for the live tests (a plain module: conftest modules cannot be imported by name)."""

from __future__ import annotations

import socket
from pathlib import Path

from tests.helpers import wait_until  # noqa: F401  (the suite's one polling helper, re-exported)

REPO = Path(__file__).resolve().parents[2]
SHARED_DATA = REPO / ".." / "shared" / "data"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ingest_health(server) -> dict:
    """The app server's GET /healthz/ingest (connected, mode, new_events...); {} while it does
    not answer (or its answer is cut off)."""
    import http.client
    import json
    import urllib.request

    try:
        with urllib.request.urlopen(server.url + "/healthz/ingest", timeout=2) as resp:
            return json.loads(resp.read())
    except (OSError, http.client.HTTPException):  # e.g. an answer cut off by a SIGKILL
        return {}


def subscribed(server) -> bool:
    """The app's ingest is connected to the broker with its subscriptions (GET /healthz/ingest)."""
    health = ingest_health(server)
    return health.get("mode") == "mqtt" and bool(health.get("connected"))


def add_small_site(store) -> None:
    """One campus, one floor, a door contact, a camera and a duress button with external ids."""
    from shapely.geometry import Point, box

    pt = lambda dx: Point(-80.84 + dx * 1e-5, 35.22)  # noqa: E731
    rows = {
        "district": [
            {"id": "dist-t", "name": "Test ISD", "geom": box(-80.85, 35.21, -80.83, 35.23)}
        ],
        "campus": [
            {
                "id": "campus-t",
                "district_id": "dist-t",
                "name": "Test High",
                "school_type": "high",
                "geom": box(-80.841, 35.219, -80.839, 35.221),
            }
        ],
        "building": [
            {
                "id": "bldg-t",
                "campus_id": "campus-t",
                "name": "Main",
                "geom": box(-80.8405, 35.2195, -80.8395, 35.2205),
            }
        ],
        "level": [{"id": "lvl-t", "building_id": "bldg-t", "ordinal": 0, "name": "Ground"}],
        "control": [
            {
                "id": "ctl-door",
                "campus_id": "campus-t",
                "building_id": "bldg-t",
                "level_id": "lvl-t",
                "type": "door_contact",
                "name": "Main entrance contact",
                "geom": pt(0),
                "external_id": "ext-door-1",
            },
            {
                "id": "ctl-cam",
                "campus_id": "campus-t",
                "building_id": "bldg-t",
                "level_id": "lvl-t",
                "type": "camera",
                "name": "Lobby camera",
                "geom": pt(1),
                "external_id": "ext-cam-1",
            },
            {
                "id": "ctl-duress",
                "campus_id": "campus-t",
                "building_id": "bldg-t",
                "level_id": "lvl-t",
                "type": "duress_button",
                "name": "Office duress",
                "geom": pt(2),
                "external_id": "ext-duress-1",
            },
            {
                "id": "ctl-spare",
                "campus_id": "campus-t",
                "building_id": "bldg-t",
                "level_id": "lvl-t",
                "type": "door_contact",
                "name": "Gym door contact",
                "geom": pt(3),
            },
        ],
    }
    with store.transaction() as cur:
        for table, items in rows.items():
            store._insert_rows(cur, table, items)
