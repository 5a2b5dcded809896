"""Live status on the maps: the district's "Devices offline" KPI and the detail panel's live
section, from device status written by the real feed runner (canonical MQTT JSON, normalised)."""

from __future__ import annotations

from passmap.feeds.runner import FeedRunner
from passmap.store import Store
from tests.helpers import first_level, submit_status
from tests.ui.conftest import deck_spec, map_args, page


def _write_status(db) -> dict:
    """On the level the pickers open first: a door contact forced open, a camera offline."""
    with Store(db) as store:
        campus, building, level = first_level(store)
        c = store.list_controls(campus, building, level)
        c = c[c["external_id"].notna()]
        door = c[c["type"] == "door_contact"].iloc[0]
        camera = c[c["type"] == "camera"].iloc[0]
        assert store.device_status_rows().empty  # the demo ships no status: counts below are ours
        runner = FeedRunner(store)
        submit_status(runner, door["external_id"], "door_alarm", "forced_open")
        submit_status(runner, camera["external_id"], "health", "offline")
        assert runner.flush()["new_events"] == 2
    return {"door": door.to_dict(), "camera": camera.to_dict()}


def _offline_metric(at):
    return next(m for m in at.metric if m.label == "Devices offline")


def _click(at, layer_id: str, row: dict) -> str:
    at.session_state["floor_map"] = {
        "selection": {"indices": {layer_id: [0]}, "objects": {layer_id: [row]}}
    }
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return " ".join(m.value for m in at.markdown) + " " + " ".join(c.value for c in at.caption)


def test_devices_offline_kpi_and_detail_panel_show_the_stored_live_status(
    maps_app, demo_db, monkeypatch
):
    monkeypatch.setenv("PASSMAP_TIMEZONE", "America/Chicago")
    devices = _write_status(demo_db)
    at = maps_app()
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert _offline_metric(at).value == "1"  # the camera; a forced door is not offline
    at.switch_page(page("floor")).run()
    door, camera = devices["door"], devices["camera"]
    text = _click(at, "controls", {"id": door["id"], "kind": "control"})
    assert f"({door['external_id']}): **forced_open**" in text, text[:600]
    assert "Alarm: forced, held open" in text
    seen = text.split("last seen ", 1)[1][:23]  # the district's zone (PASSMAP_TIMEZONE)
    assert seen.endswith((" CST", " CDT")), seen
    text = _click(at, "controls", {"id": camera["id"], "kind": "control"})
    assert f"({camera['external_id']}): **offline**" in text, text[:600]
    if isinstance(door.get("opening_id"), str):  # the door the contact watches shows it too
        text = _click(at, "doors", {"id": door["opening_id"], "kind": "opening"})
        assert "forced_open" in text, text[:600]


def test_devices_offline_kpi_says_no_feed_when_nothing_ever_reported(maps_app):
    at = maps_app()
    at.run()
    metric = _offline_metric(at)
    assert metric.value == "–" and "No live feed" in (metric.proto.help or "")


def test_an_unchanged_live_status_rerenders_the_identical_spec_and_a_change_adds_the_alarm(
    maps_app, demo_db
):
    """Identical JSON is what lets Streamlit send a cached-message reference and the browser
    keep its deck; a new status must change it (the overlay spliced after the static layers)."""
    at = maps_app()
    at.run()
    at.switch_page(page("floor")).run()
    first = map_args(at)
    at.run()
    assert map_args(at) == first
    devices = _write_status(demo_db)
    at.run()
    static = len(first["layers"]) - 4  # before the overlay
    assert map_args(at)["layers"][:static] == first["layers"][:static]
    spec = deck_spec(at)
    ids = [lyr["id"] for lyr in spec["layers"]]
    assert ids[-4:] == ["live-halo", "live-ring", "live-symbol", "live-label"]
    assert any(i.startswith("devices@") for i in ids), ids  # the device icons, by zoom step
    ring = next(lyr for lyr in spec["layers"] if lyr["id"] == "live-ring")
    assert {r["id"]: r["key"] for r in ring["data"]}[devices["door"]["id"]] == "alarm"
    assert ring["radiusUnits"] == "pixels"
    # the legend beside the map names what the rings mean (only the states drawn)
    legend = next(h.proto.body for h in at.get("html") if "<b>Live status</b>" in h.proto.body)
    assert "Alarm: forced, held open, fire, intrusion, tamper" in legend and "Offline" in legend
    assert "Duress triggered" not in legend
