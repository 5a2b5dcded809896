"""Gateway configuration (what the CLI ``passmap gateway`` and the Gateways admin page call):
add or replace, list, dry-run on a sample message, remove; attach devices in bulk from a CSV.

The built-in gateways (registry.DEFAULT_GATEWAYS) are always present: they are written on
first use and again whenever one is missing, so adding a gateway never hides them; removing
a built-in one disables it (it stays listed, and ``add`` with its id brings it back).

>>> import tempfile, pathlib
>>> from passmap.store import Store
>>> with Store(pathlib.Path(tempfile.mkdtemp()) / "g.duckdb") as s:
...     _ = save_gateway(s, "door-io", "generic", "site/doors/#",
...                      {"device": "topic:2", "state": "v", "aspect": "position",
...                       "states": {"1": "open", "0": "closed"}})
...     sorted(g.id for g in gateways(s))[:3], dry_run(gateway(s, "door-io"), "site/doors/d7",
...                                                   b'{"v": 1}')["events"][0]["state"]
(['axis', 'door-io', 'frigate'], 'open')
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict
from datetime import UTC, datetime

from paho.mqtt.client import topic_matches_sub

from passmap.feeds.batch import Limits, check_event
from passmap.feeds.model import MalformedMessage
from passmap.feeds.registry import DEFAULT_GATEWAYS, NORMALISERS, Gateway, normalise_message

_BUILT_IN = {g.id: g for g in DEFAULT_GATEWAYS}
_OPTION_KEYS = {
    "generic": {"device", "state", "aspect", "aspect_path", "states", "time", "time_unit"},
    "unifi": {"held_open_s"},
    "zigbee2mqtt": {"base_topic", "device_prefix", "held_open_s"},
    "sia": {"account"},
}
_COMMON_OPTIONS = {"ignore", "held_open_s"}


def ensure_defaults(store) -> None:
    """Write any built-in gateway that is missing (never overwrites an edited one)."""
    have = {r["id"] for r in store.list_gateways()}
    for g in DEFAULT_GATEWAYS:
        if g.id not in have:
            store.save_gateway(asdict(g))


def gateways(store) -> list[Gateway]:
    ensure_defaults(store)
    return [Gateway(**r) for r in store.list_gateways()]


def gateway(store, gateway_id: str) -> Gateway:
    found = [g for g in gateways(store) if g.id == gateway_id]
    if not found:
        raise ValueError(f"no gateway {gateway_id!r}; `passmap gateway list` shows them")
    return found[0]


def _check_topic(pattern: str) -> None:
    parts = pattern.split("/")
    bad = any(("#" in p and p != "#") or ("+" in p and p != "+") for p in parts)
    if not pattern or bad or "#" in parts[:-1]:
        raise ValueError(
            f"topic filter {pattern!r} is not a valid MQTT filter ('+' for one level, "
            "'#' only as the last level)"
        )


def validate(kind: str, topic_pattern: str, options: dict) -> None:
    """Raise ValueError with one sentence naming the problem."""
    if kind not in NORMALISERS:
        raise ValueError(f"gateway kind {kind!r} is unknown; use one of {', '.join(NORMALISERS)}")
    _check_topic(topic_pattern)
    if not isinstance(options, dict):
        raise ValueError("gateway options must be a JSON object")
    unknown = set(options) - _OPTION_KEYS.get(kind, set()) - _COMMON_OPTIONS
    if unknown:
        raise ValueError(f"options {', '.join(sorted(unknown))} mean nothing to a {kind} gateway")
    if kind == "generic" and not (options.get("device") and options.get("state")):
        raise ValueError("a generic gateway needs the 'device' and 'state' paths")
    ignore = options.get("ignore", [])
    if not isinstance(ignore, list) or not all(isinstance(v, str) for v in ignore):
        raise ValueError("'ignore' must be a list of values, e.g. [\"motion\"]")


def save_gateway(
    store,
    gateway_id: str,
    kind: str,
    topic_pattern: str,
    options: dict | None = None,
    stale_after_s: float | None = None,
    enabled: bool = True,
) -> Gateway:
    """Add (or replace) a gateway after checking it; the built-ins stay."""
    options = dict(options or {})
    if not gateway_id or not gateway_id.replace("-", "").replace("_", "").isalnum():
        raise ValueError(f"gateway id {gateway_id!r} must be letters, digits, '-' or '_'")
    validate(kind, topic_pattern, options)
    ensure_defaults(store)
    g = Gateway(gateway_id, kind, topic_pattern, options, stale_after_s, enabled)
    store.save_gateway(asdict(g))
    return g


def remove_gateway(store, gateway_id: str) -> str:
    """Delete a gateway; a built-in one is disabled instead (so it does not come back)."""
    g = gateway(store, gateway_id)
    if g.id in _BUILT_IN:
        store.save_gateway(asdict(g) | {"enabled": False})
        return "disabled"
    store.delete_gateway(g.id)
    return "removed"


def dry_run(g: Gateway, topic: str, payload: bytes, limits: Limits | None = None) -> dict:
    """What the gateway would store for one sample message, without storing anything:
    {"matches": bool, "events": [...], "problem": text or None}."""
    matches = topic_matches_sub(g.topic_pattern, topic)
    now = datetime.now(UTC).replace(tzinfo=None)
    try:
        events = normalise_message(g, topic, payload, now)
        for e in events:
            check_event(e, _ts(now), limits or Limits())
        ignore = set(g.options.get("ignore") or ())
        kept = [e for e in events if e.state not in ignore]
    except MalformedMessage as exc:
        return {"matches": matches, "events": [], "problem": str(exc)}
    return {
        "matches": matches,
        "events": [
            {
                "device_id": e.device_id,
                "aspect": e.aspect,
                "state": e.state,
                "observed_utc": e.observed_utc.isoformat(),
                "attrs": e.attrs,
            }
            for e in kept
        ],
        "ignored": len(events) - len(kept),
        "problem": None if matches else f"topic {topic!r} does not match {g.topic_pattern!r}",
    }


def _ts(naive_utc: datetime) -> float:
    return naive_utc.replace(tzinfo=UTC).timestamp()


def read_attach_csv(text: str, name: str = "the CSV") -> list[tuple[str, str]]:
    """external id -> control id rows (header ``external_id,control_id``; extra columns such as
    name or model are ignored). One sentence names the first problem."""
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or not {"external_id", "control_id"} <= set(rows[0]):
        raise ValueError(f"{name} needs the columns external_id and control_id")
    pairs = []
    for n, row in enumerate(rows, 2):
        ext, ctl = (row.get("external_id") or "").strip(), (row.get("control_id") or "").strip()
        if not ext or not ctl:
            raise ValueError(f"{name} line {n}: external_id and control_id must both be filled")
        pairs.append((ext, ctl))
    dupes = {e for e, _ in pairs if sum(1 for x, _ in pairs if x == e) > 1}
    if dupes:
        raise ValueError(f"{name}: device {sorted(dupes)[0]!r} is listed more than once")
    return pairs


def unknown_devices_csv(store) -> str:
    """The unknown devices as a CSV to fill in (control_id empty), names and models included."""
    frame = store.list_unknown_devices()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["external_id", "control_id", "name", "model", "source", "states"])
    for r in frame.itertuples():
        text = [v if isinstance(v, str) else "" for v in (r.name, r.model, r.source, r.states)]
        writer.writerow([r.device_id, "", *text])
    return out.getvalue()


def options_json(text: str) -> dict:
    try:
        value = json.loads(text or "{}")
    except ValueError as exc:
        raise ValueError(f"options are not JSON ({exc})") from None
    if not isinstance(value, dict):
        raise ValueError("options must be a JSON object")
    return value
