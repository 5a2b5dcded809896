"""SIA DC-09 frames (SIA-DCS and ADM-CID) from intrusion/alarm panels and panic systems.

A receiver/gateway publishes the raw frame text (or ``{"raw": "<frame>"}``). Frames look like
``2E680078"SIA-DCS"6002L0#AAA[#AAA|Nri1/PA501]_14:12:04,09-25-2019``. Devices are
``sia:<account>:<zone>`` (the zone is the panic button, door or sensor point) or
``sia:<account>`` for panel-wide events. Encrypted frames (``"*SIA-DCS"``) whose block cannot be
read are rejected with a reason (the key lives on the receiver, not here).
"""

from __future__ import annotations

import re
from datetime import datetime

from passmap.feeds.common import decode_json
from passmap.feeds.model import MalformedMessage, StatusEvent

_FRAME = re.compile(
    r'"(?P<enc>\*?)(?P<proto>SIA-DCS|ADM-CID)"(?P<seq>\d{4})(?:R[0-9A-Fa-f]+)?'
    r"(?:L[0-9A-Fa-f]+)?(?:#(?P<acct>[0-9A-Za-z]+))?\[(?P<block>[^\]]*)\]"
    r"(?:\[[^\]]*\])*(?:_(?P<time>\d\d:\d\d:\d\d),(?P<date>\d\d-\d\d-\d+))?"
)
_SIA_EVENT = re.compile(
    r"N(?:ti\d\d:\d\d/)?(?:id\d+/)?(?:pi\d+/)?(?:ri(?P<area>\d+)/?)?"
    r"(?P<code>[A-Z]{2})(?P<zone>\d*)"
)
_CID_EVENT = re.compile(r"(?P<q>[136])(?P<code>\d{3}) (?P<part>\d\d) (?P<zone>\d{3})")

# SIA two-letter codes -> (aspect, state); written from the SIA DC-03 code list.
SIA_CODES: dict[str, tuple[str, str]] = {
    "PA": ("panic", "triggered"),
    "PH": ("panic", "idle"),
    "PR": ("panic", "idle"),
    "HA": ("panic", "triggered"),
    "HH": ("panic", "idle"),
    "HR": ("panic", "idle"),
    "QA": ("panic", "triggered"),
    "QH": ("panic", "idle"),  # emergency (medical) alarm
    "DF": ("door_alarm", "forced_open"),
    "DL": ("door_alarm", "held_open"),
    "DN": ("door_alarm", "held_open"),
    "DH": ("door_alarm", "normal"),
    "DR": ("door_alarm", "normal"),
    "DO": ("position", "open"),
    "DC": ("position", "closed"),
    "DZ": ("position", "closed"),
    "DY": ("lock", "locked"),
    "DK": ("lock", "locked_down"),
    "TA": ("health", "tamper"),
    "TR": ("health", "online"),
    "TH": ("health", "online"),
    # fire and burglary zones raise alarms (model.ALARM_TRIGGERS) until restored
    "FA": ("fire", "alarm"),
    "FM": ("fire", "alarm"),  # cross-point fire alarm
    "FH": ("fire", "normal"),
    "FR": ("fire", "normal"),
    "FT": ("fire", "trouble"),
    "FJ": ("fire", "normal"),
    "FS": ("fire", "supervisory"),
    "FX": ("fire", "test"),
    "BA": ("intrusion", "alarm"),
    "BM": ("intrusion", "alarm"),
    "BV": ("intrusion", "alarm"),  # verified burglary
    "BH": ("intrusion", "normal"),
    "BR": ("intrusion", "normal"),
    "BB": ("intrusion", "bypassed"),
    "BX": ("intrusion", "test"),
    "QR": ("panic", "idle"),
    "AT": ("health", "degraded"),
    "AR": ("health", "online"),
    "YT": ("health", "degraded"),
    "YR": ("health", "online"),
    "YM": ("health", "degraded"),
    "YC": ("health", "degraded"),
    "YK": ("health", "online"),
    "RP": ("health", "online"),
    "RX": ("health", "online"),
    "BT": ("intrusion", "trouble"),
    "BJ": ("intrusion", "normal"),
    "ET": ("health", "degraded"),
    "ER": ("health", "online"),
}
_EVENT_NAMES = {
    "CL": "armed",
    "OP": "disarmed",
    "WA": "water",
    "WH": "water_restore",
    "KA": "heat",
    "KR": "heat_restore",
    "NL": "perimeter_armed",
    "XC": "rf_restore",
    "JC": "user_code",
    "CG": "area_closed",
    "OG": "area_opened",
}
# Contact ID event codes -> (aspect, state when new, state when restored)
CID_CODES: dict[str, tuple[str, str, str]] = {
    "120": ("panic", "triggered", "idle"),
    "121": ("panic", "triggered", "idle"),
    "122": ("panic", "triggered", "idle"),
    "123": ("panic", "triggered", "idle"),
    "423": ("door_alarm", "forced_open", "normal"),
    "426": ("door_alarm", "held_open", "normal"),
    "137": ("health", "tamper", "online"),
    "144": ("health", "tamper", "online"),
    "383": ("health", "tamper", "online"),
    "145": ("health", "tamper", "online"),
    "110": ("fire", "alarm", "normal"),
    "111": ("fire", "alarm", "normal"),  # smoke
    "114": ("fire", "alarm", "normal"),  # heat
    "115": ("fire", "alarm", "normal"),  # pull station
    "130": ("intrusion", "alarm", "normal"),
    "131": ("intrusion", "alarm", "normal"),  # perimeter
    "132": ("intrusion", "alarm", "normal"),  # interior
    "134": ("intrusion", "alarm", "normal"),  # entry/exit
    "301": ("health", "degraded", "online"),
    "302": ("health", "degraded", "online"),
    "380": ("health", "degraded", "online"),
    "602": ("health", "online", "online"),
}
_CID_EVENTS = {"154": "water"}
_CID_OPEN_CLOSE = ("401", "402", "403", "407")  # qualifier 1 = opening (disarmed), 3 = closing


def _frame_time(m: re.Match, received_utc: datetime) -> tuple[datetime, dict]:
    if not m["time"]:
        return received_utc, {}
    try:
        return datetime.strptime(f"{m['date']} {m['time']}", "%m-%d-%Y %H:%M:%S"), {}
    except ValueError:
        return received_utc, {"frame_time_invalid": f"{m['time']},{m['date']}"}


def _device(acct: str, zone: str) -> str:
    zone = zone.lstrip("0") or ("0" if zone else "")
    return f"sia:{acct}:{zone}" if zone else f"sia:{acct}"


def _sia(block: str, acct: str) -> tuple[str, str, str, dict] | None:
    ev = _SIA_EVENT.search(block.rsplit("|", 1)[-1])
    if ev is None:
        return None
    code, zone = ev["code"], ev["zone"]
    aspect, state = SIA_CODES.get(code, ("event", _EVENT_NAMES.get(code, f"sia_{code.lower()}")))
    if code == "RP":
        zone = ""  # automatic test: the panel itself is alive
    return _device(acct, zone), aspect, state, {"sia_code": code, "area": ev["area"]}


def _cid(block: str, acct: str) -> tuple[str, str, str, dict] | None:
    ev = _CID_EVENT.search(block)
    if ev is None:
        return None
    if ev["code"] in _CID_OPEN_CLOSE:
        return (
            _device(acct, ev["zone"]),
            "event",
            "armed" if ev["q"] == "3" else "disarmed",
            {"cid_code": ev["code"], "partition": ev["part"]},
        )
    aspect, new, restored = CID_CODES.get(
        ev["code"],
        (
            "event",
            _CID_EVENTS.get(ev["code"], f"cid_{ev['code']}"),
            _CID_EVENTS.get(ev["code"], f"cid_{ev['code']}") + "_restore",
        ),
    )
    state = restored if ev["q"] == "3" else new
    return (
        _device(acct, ev["zone"]),
        aspect,
        state,
        {"cid_code": ev["code"], "partition": ev["part"]},
    )


def normalise_sia(
    topic: str, payload: bytes, received_utc: datetime, options: dict, source: str = "sia"
) -> list[StatusEvent]:
    """SIA DC-09 frame text -> events; one payload may hold several frames."""
    text = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else payload
    if text.lstrip().startswith("{"):
        raw = decode_json(text).get("raw") if isinstance(decode_json(text), dict) else None
        if not isinstance(raw, str):
            raise MalformedMessage("SIA JSON wrapper lacks a 'raw' frame string")
        text = raw
    out, problems = [], []
    for m in _FRAME.finditer(text):
        inner = re.match(r"#([0-9A-Za-z]+)\|", m["block"])
        acct = (
            m["acct"] or (inner[1] if inner else "") or str(options.get("account", "")) or "unknown"
        )
        parsed = (_cid if m["proto"] == "ADM-CID" else _sia)(m["block"], acct)
        if parsed is None:
            problems.append(
                "encrypted frame (no key)" if m["enc"] else "frame without an event block"
            )
            continue
        when, extra = _frame_time(m, received_utc)
        device, aspect, state, attrs = parsed
        attrs = {
            k: v for k, v in dict(attrs, **extra, seq=m["seq"], protocol=m["proto"]).items() if v
        }
        out.append(StatusEvent.make(device, aspect, state, when, source, attrs))
    if not out:
        if not problems and '"*SIA-DCS"' in text:
            problems.append("encrypted frame (no key)")
        raise MalformedMessage("SIA: " + (problems[0] if problems else "no DC-09 frame found"))
    return out
