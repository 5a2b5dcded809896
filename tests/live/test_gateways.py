"""Gateways from the CLI (passmap gateway add|list|test|remove), built-ins that never disappear,
values to ignore, dead letters listed with reasons, bulk attach by CSV with names and models."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from passmap.feeds.gateways import gateways, save_gateway
from passmap.feeds.registry import DEFAULT_GATEWAYS
from passmap.feeds.runner import FeedRunner
from passmap.store import Store

from .live_helpers import REPO, add_small_site


def _passmap(*args: str, **env: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "passmap.cli", *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        env=dict(os.environ, **env),
        timeout=120,
    )


def test_adding_a_gateway_to_a_fresh_database_keeps_the_built_in_ones(tmp_db):
    with Store(tmp_db) as store:
        save_gateway(store, "doors", "generic", "site/doors/#", {"device": "id", "state": "v"})
        ids = {g.id for g in gateways(store)}
    assert ids == {g.id for g in DEFAULT_GATEWAYS} | {"doors"}


def test_gateway_cli_add_list_test_remove(tmp_db):
    db = ["--db", str(tmp_db)]
    options = json.dumps({"device": "topic:2", "state": "event", "aspect": "position",
                          "states": {"opened": "open", "closed": "closed"}})  # fmt: skip
    added = _passmap("gateway", "add", "door-io", "--kind", "generic", "--topic", "site/doors/#",
                     "--options", options, "--ignore", "motion", *db)  # fmt: skip
    assert added.returncode == 0, added.stderr
    listed = json.loads(_passmap("gateway", "list", "--format", "json", *db).stdout)
    by_id = {g["id"]: g for g in listed}
    assert by_id["door-io"]["options"]["ignore"] == ["motion"] and "passmap" in by_id
    ok = _passmap("gateway", "test", "door-io", "--topic", "site/doors/d12",
                  "--payload", '{"event": "opened"}', *db)  # fmt: skip
    assert ok.returncode == 0, ok.stdout + ok.stderr
    result = json.loads(ok.stdout)
    assert [(e["device_id"], e["state"]) for e in result["events"]] == [("d12", "open")]
    ignored = json.loads(_passmap("gateway", "test", "door-io", "--topic", "site/doors/d12",
                                  "--payload", '{"event": "motion"}', *db).stdout)  # fmt: skip
    assert ignored["events"] == [] and ignored["problem"] is None  # ignored, not an error
    bad = _passmap("gateway", "test", "door-io", "--topic", "site/doors/d12",
                   "--payload", '{"event": "smoke"}', *db)  # fmt: skip
    assert bad.returncode == 1 and "has no mapping" in bad.stdout
    wrong = _passmap("gateway", "add", "x", "--kind", "generic", "--topic", "a/#/b", *db)
    assert wrong.returncode == 1 and "not a valid MQTT filter" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert (
        _passmap("gateway", "remove", "door-io", *db).stdout.strip() == "Gateway door-io removed."
    )
    assert "disabled" in _passmap("gateway", "remove", "frigate", *db).stdout
    listed = {g["id"]: g for g in json.loads(_passmap("gateway", "list", "--format", "json",
                                                      *db).stdout)}  # fmt: skip
    assert "door-io" not in listed and listed["frigate"]["enabled"] is False  # stays disabled


def test_dead_letters_are_listed_with_their_reasons(tmp_db):
    with Store(tmp_db) as store:
        runner = FeedRunner(store)
        runner.submit("passmap/status/x", b"{not json")
        runner.submit("nobody/listens", b"{}")
        runner.flush()
    out = _passmap("status", "--dead-letters", "--db", str(tmp_db), PASSMAP_TIMEZONE="Asia/Tokyo")
    assert out.returncode == 0, out.stderr
    assert "payload is not JSON" in out.stdout and "no gateway subscribes" in out.stdout
    assert "2 of 2 dead letters shown (newest first; times Asia/Tokyo)" in out.stdout
    assert out.stdout.count(" JST ") == 2  # received, in the district's zone
    data = json.loads(
        _passmap("status", "--dead-letters", "--format", "json", "--db", str(tmp_db)).stdout
    )
    assert {d["topic"] for d in data["dead_letters"]} == {"passmap/status/x", "nobody/listens"}


def test_unknown_devices_csv_with_names_then_bulk_attach(tmp_db, tmp_path):
    with Store(tmp_db) as store:
        add_small_site(store)
        runner = FeedRunner(store)
        for dev, name in (("unifi:aa", "Gym door"), ("unifi:bb", "Back door")):
            body = {"device_id": dev, "aspect": "position", "state": "closed",
                    "observed_utc": "2026-03-02T10:00:00Z", "attrs": {"name": name,
                    "model": "UP-Sense"}}  # fmt: skip
            runner.submit("passmap/status/x", json.dumps(body).encode())
        runner.flush()
    listing = _passmap("devices", "unknown", "--db", str(tmp_db))
    assert listing.returncode == 0, listing.stderr
    assert "unifi:aa,,Gym door,UP-Sense" in listing.stdout
    bad = tmp_path / "bad.csv"
    bad.write_text("external_id,control_id\nunifi:aa,ctl-spare\nunifi:bb,ctl-nope\n")
    refused = _passmap("devices", "attach", "--csv", str(bad), "--db", str(tmp_db))
    assert refused.returncode == 1 and "'ctl-nope' does not exist" in refused.stderr
    with Store(tmp_db, read_only=True) as store:
        assert len(store.list_unknown_devices()) == 2  # all or nothing
    good = tmp_path / "good.csv"
    good.write_text("external_id,control_id,name\nunifi:aa,ctl-spare,Gym door\n"
                    "unifi:bb,ctl-door,Back door\n")  # fmt: skip
    done = _passmap("devices", "attach", "--csv", str(good), "--db", str(tmp_db))
    assert done.returncode == 0 and "Attached 2 devices" in done.stdout, done.stderr
    with Store(tmp_db, read_only=True) as store:
        assert store.list_unknown_devices().empty
        rows = store.device_status_rows()
        assert dict(zip(rows["device_id"], rows["control_id"])) == {
            "unifi:aa": "ctl-spare",
            "unifi:bb": "ctl-door",
        }
