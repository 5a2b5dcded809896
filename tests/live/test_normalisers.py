"""Every normaliser on payloads in the vendors' own shapes (written here), plus the real files."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from passmap.feeds.axis import normalise_axis, normalise_onvif
from passmap.feeds.canonical import normalise_canonical
from passmap.feeds.frigate import normalise_frigate
from passmap.feeds.generic import normalise_generic
from passmap.feeds.model import MalformedMessage
from passmap.feeds.sia import normalise_sia
from passmap.feeds.zigbee import normalise_zigbee2mqtt

from .live_helpers import SHARED_DATA

NOW = datetime(2026, 3, 2, 13, 0, 0)


def triples(events):
    return [(e.device_id, e.aspect, e.state) for e in events]


def test_canonical_single_and_list():
    one = {
        "device_id": "cv-lin-dc-001",
        "aspect": "door_alarm",
        "state": "forced_open",
        "observed_utc": "2026-03-02T08:01:02-05:00",
    }
    ev = normalise_canonical("passmap/status/x", json.dumps(one).encode(), NOW, {})
    assert triples(ev) == [("cv-lin-dc-001", "door_alarm", "forced_open")]
    assert ev[0].observed_utc == datetime(2026, 3, 2, 13, 1, 2)  # converted to UTC
    two = normalise_canonical(
        "t", json.dumps([one, dict(one, aspect="position", state="open")]).encode(), NOW, {}
    )
    assert [e.aspect for e in two] == ["door_alarm", "position"]


ONVIF_DOOR = """<?xml version="1.0" encoding="UTF-8"?>
<tt:MetadataStream xmlns:tt="http://www.onvif.org/ver10/schema"><tt:Event>
<wsnt:NotificationMessage xmlns:tns1="http://www.onvif.org/ver10/topics"
 xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:wsa5="http://www.w3.org/2005/08/addressing">
<wsnt:Topic Dialect="http://docs.oasis-open.org/wsn/t-1/TopicExpression/Simple">tns1:Door/State/{kind}</wsnt:Topic>
<wsnt:ProducerReference><wsa5:Address>uri://a1b2c3d4-0000-4000-8000-000000000001/ProducerReference</wsa5:Address></wsnt:ProducerReference>
<wsnt:Message><tt:Message UtcTime="2026-03-02T13:04:05.5Z" PropertyOperation="Changed">
<tt:Source><tt:SimpleItem Name="DoorToken" Value="Door_12"/></tt:Source>
<tt:Data><tt:SimpleItem Name="State" Value="{value}"/></tt:Data></tt:Message></wsnt:Message>
</wsnt:NotificationMessage></tt:Event></tt:MetadataStream>"""


@pytest.mark.parametrize(
    "kind,value,aspect,state",
    [
        ("DoorAlarm", "Forced", "door_alarm", "forced_open"),
        ("DoorAlarm", "OpenTooLong", "door_alarm", "held_open"),
        ("DoorAlarm", "Normal", "door_alarm", "normal"),
        ("DoorPhysicalState", "Open", "position", "open"),
        ("DoorMode", "LockedDown", "lock", "locked_down"),
        ("DoorMode", "Accessed", "lock", "unlocked"),
        ("DoorTamper", "Tamper", "door_alarm", "tamper"),
    ],
)
def test_onvif_door_events(kind, value, aspect, state):
    ev = normalise_onvif("onvif/acs1", ONVIF_DOOR.format(kind=kind, value=value).encode(), NOW, {})
    assert triples(ev) == [("a1b2c3d4-0000-4000-8000-000000000001:Door_12", aspect, state)]
    assert ev[0].observed_utc == datetime(2026, 3, 2, 13, 4, 5, 500000)


def test_axis_mqtt_io_port_as_panic_and_connection():
    payload = {
        "timestamp": 1772456645000,
        "topic": "onvif:Device/axis:IO/Port",
        "message": {"source": {"port": "2"}, "key": {}, "data": {"state": "1"}},
    }
    ev = normalise_axis(
        "axis/B8A44F000001/event/onvif/Device/axis/IO/Port",
        json.dumps(payload).encode(),
        NOW,
        {"io_ports": {"2": "panic"}},
    )
    assert triples(ev) == [("B8A44F000001:io2", "panic", "triggered")]
    off = normalise_axis(
        "axis/B8A44F000001/event/connection",
        b'{"serial": "B8A44F000001", "connected": false}',
        NOW,
        {},
    )
    assert triples(off) == [("B8A44F000001", "camera", "offline")]


def test_frigate_event_and_availability():
    msg = {
        "type": "end",
        "before": {},
        "after": {
            "id": "1772456645.1-abc",
            "camera": "gym_east",
            "label": "person",
            "frame_time": 1772456645.1,
            "end_time": 1772456650.0,
            "current_zones": [],
            "top_score": 0.9,
            "false_positive": False,
        },
    }
    assert triples(normalise_frigate("frigate/events", json.dumps(msg).encode(), NOW, {})) == [
        ("gym_east", "event", "idle")
    ]
    assert triples(normalise_frigate("frigate/available", b"offline", NOW, {})) == [
        ("frigate", "health", "offline")
    ]


def test_zigbee2mqtt_contact_true_means_closed():
    closed = normalise_zigbee2mqtt(
        "zigbee2mqtt/door_b12", b'{"contact": true, "battery": 97, "linkquality": 87}', NOW, {}
    )
    assert triples(closed) == [("door_b12", "position", "closed"), ("door_b12", "health", "online")]
    opened = normalise_zigbee2mqtt(
        "zigbee2mqtt/door_b12", b'{"contact": false, "battery_low": true}', NOW, {}
    )
    assert triples(opened) == [("door_b12", "position", "open"), ("door_b12", "health", "degraded")]
    assert triples(
        normalise_zigbee2mqtt("zigbee2mqtt/door_b12/availability", b'{"state": "offline"}', NOW, {})
    ) == [("door_b12", "health", "offline")]
    assert normalise_zigbee2mqtt("zigbee2mqtt/bridge/state", b'{"state": "online"}', NOW, {}) == []


@pytest.mark.parametrize(
    "frame,expected",
    [
        (
            'A1B20044"SIA-DCS"0007L0#5120[#5120|Nri1/PA012]_13:00:07,03-02-2026',
            ("sia:5120:12", "panic", "triggered"),
        ),
        (
            'A1B20044"SIA-DCS"0008L0#5120[#5120|Nri1/HA012]_13:00:08,03-02-2026',
            ("sia:5120:12", "panic", "triggered"),
        ),
        (
            'A1B20044"SIA-DCS"0009L0#5120[#5120|Nri1/DF004]_13:00:09,03-02-2026',
            ("sia:5120:4", "door_alarm", "forced_open"),
        ),
        (
            'A1B20044"SIA-DCS"0010L0#5120[#5120|Nri1/TA007]_13:00:10,03-02-2026',
            ("sia:5120:7", "health", "tamper"),
        ),
        (
            'A1B20044"SIA-DCS"0011L0#5120[#5120|Nri1/DR004]_13:00:11,03-02-2026',
            ("sia:5120:4", "door_alarm", "normal"),
        ),
        (
            'A1B20044"SIA-DCS"0012L0#5120[#5120|Nri1/YT000]_13:00:12,03-02-2026',
            ("sia:5120:0", "health", "degraded"),
        ),
        (
            '87CD0037"ADM-CID"0013L0#5120[#5120|1122 01 012]_13:00:13,03-02-2026',
            ("sia:5120:12", "panic", "triggered"),
        ),
        (
            '87CD0037"ADM-CID"0014L0#5120[#5120|3122 01 012]_13:00:14,03-02-2026',
            ("sia:5120:12", "panic", "idle"),
        ),
    ],
)
def test_sia_dc09_panic_holdup_forced_trouble_restore(frame, expected):
    ev = normalise_sia("sia/receiver1", frame.encode(), NOW, {})
    assert triples(ev) == [expected]
    assert ev[0].observed_utc.date() == datetime(2026, 3, 2).date()


def test_generic_mapping():
    opts = {
        "device": "topic:1",
        "time": "ts",
        "time_unit": "ms",
        "aspect": "lock",
        "state": "lock.mode",
        "states": {"secure": "locked", "free": "unlocked"},
    }
    ev = normalise_generic(
        "acme/R-101/lock", b'{"ts": 1772456645000, "lock": {"mode": "secure"}}', NOW, opts
    )
    assert triples(ev) == [("R-101", "lock", "locked")]
    with pytest.raises(MalformedMessage, match="no mapping"):
        normalise_generic("acme/R-101/lock", b'{"lock": {"mode": "jammed"}}', NOW, opts)


@pytest.mark.realdata
def test_real_axis_onvif_files():
    folder = SHARED_DATA / "events-axis-onvif"
    found = {}
    for path in sorted((folder / "onvif_metadata_xml").glob("*.xml")):
        for e in normalise_onvif("onvif/x", path.read_bytes(), NOW, {}):
            found[path.stem] = (e.aspect, e.state)
    assert found["PIR_CHANGE"] == ("event", "motion")
    assert found["PORT_0_INIT"] == ("position", "closed")
    assert found["STORAGE_ALERT_INIT"] == ("camera", "online")
    assert found["OBJECT_ANALYTICS_ANY_CHANGE"] == ("event", "human")
    assert "PTZ_MOVE_START" not in found  # PTZ moves are not device status
    lines = (folder / "axis_mqtt_event_examples.jsonl").read_bytes().splitlines()
    ev = normalise_axis("axis/ACCC8E000001/event/x", lines[0], NOW, {})
    assert triples(ev) == [("ACCC8E000001", "event", "idle")]
    assert ev[0].observed_utc == datetime(2020, 5, 21, 7, 13, 10, 230000)
    assert normalise_axis("axis/ACCC8E000001/event/x", lines[1], NOW, {})[0].observed_utc == NOW


@pytest.mark.realdata
def test_real_frigate_example():
    path = SHARED_DATA / "events-frigate" / "frigate_events_example.json"
    ev = normalise_frigate("frigate/events", path.read_bytes(), NOW, {})
    assert triples(ev) == [("front_door", "event", "person")]
    assert ev[0].attrs["zones"] == ["yard", "driveway"]


@pytest.mark.realdata
def test_real_sia_frames():
    path = SHARED_DATA / "events-sia-dc09-alarm-panel" / "sia_dc09_lines.jsonl"
    ok, rejected = [], []
    for line in path.read_text(encoding="utf-8").splitlines():
        raw = json.loads(line)["raw"]
        try:
            ok += normalise_sia("sia/r", raw.encode(), NOW, {})
        except MalformedMessage as exc:
            rejected.append(str(exc))
    assert len(ok) == 19 and rejected == ["SIA: encrypted frame (no key)"]
    states = {(e.device_id, e.state) for e in ok}
    assert ("sia:AAA:501", "armed") in states
    fire = {(e.device_id, e.aspect, e.state) for e in ok if e.aspect == "fire"}
    assert fire == {("sia:12345A:129", "fire", "alarm")}  # NFA129 and Contact ID 1110 zone 129
    assert ("sia:3080", "online") in states  # RP automatic test = panel heartbeat


_ALARM_FAMILIES = {"FIRE": "fire", "BURGLARY": "burglary", "PANIC": "duress", "HOLDUP": "duress"}
_ALARM_FAMILIES |= {"EMERGENCY": "duress", "TAMPER": "tamper"}


@pytest.mark.realdata
def test_sia_code_table_fire_burglary_panic_tamper_raise_and_restore_clear():
    """Every "<family> ALARM" code of the shared SIA event-code table raises that alarm kind, and
    every "<family> ... RESTORE / RESTORAL" code clears it (passmap.feeds.model rules)."""
    import csv

    from passmap.feeds.model import ALARM_CLEARS, ALARM_TRIGGERS

    path = SHARED_DATA / "events-sia-dc09-alarm-panel" / "sia_codes.csv"
    rows = list(csv.DictReader(path.read_text(encoding="utf-8-sig").splitlines()))
    restore = {"BURG": "BURGLARY", "EMRGCY": "EMERGENCY"}
    raised, cleared = {}, {}
    for row in rows:
        words = row["DESCRIPTION"].split()
        family = restore.get(words[0], words[0])
        if family not in _ALARM_FAMILIES:
            continue
        frame = f'"SIA-DCS"0001L0#77[#77|Nri1/{row["CODE"]}3]'.encode()
        (event,) = normalise_sia("sia/r", frame, NOW, {})
        if words[1:] == ["ALARM"]:
            raised[row["CODE"]] = ALARM_TRIGGERS.get((event.aspect, event.state))
        elif (
            words[-1] in ("RESTORE", "RESTORAL") and "TRBL" not in words and "TROUBLE" not in words
        ):
            cleared[row["CODE"]] = ALARM_CLEARS.get((event.aspect, event.state), ())
    assert raised == {
        "BA": "burglary", "FA": "fire", "HA": "duress", "PA": "duress", "QA": "duress",
        "TA": "tamper",
    }  # fmt: skip
    for code, kinds in cleared.items():
        assert kinds, f"{code} clears no alarm"
    assert set(cleared) >= {"BH", "BR", "FH", "FR", "HH", "HR", "PH", "PR", "QH", "QR", "TH", "TR"}
