"""A batch of queued messages -> one Arrow table of status events + dead letters.

The writer thread shares the GIL with the MQTT network thread, so per-message Python work is
what bounds ingest (bench/RESULTS.md, Live ingest). Messages of canonical gateways are parsed
together: their payloads are joined into NDJSON and read by Arrow's JSON reader, validated with
Arrow compute, and only the rows that fail go one by one through the normaliser (which names the
problem for the dead letter). Every other kind goes message by message.

Limits (``Limits``): a payload over ``max_payload_bytes``, a device id over ``max_id_chars`` and
an observed time more than ``future_skew_s`` ahead of the receiver's clock are dead-lettered with
the reason, never stored (one event dated 2099 would otherwise freeze the device's state).

>>> from passmap.feeds.registry import Gateway, Router
>>> router = Router([Gateway("p", "canonical", "p/#")])
>>> body = (b'{"device_id":"d","aspect":"position","state":"open",'
...         b'"observed_utc":"2026-03-02T13:05:00Z"}')
>>> table, dead = normalise_batch(router, [("p/x", body, 1772456700.0, None)], Limits())
>>> table.column("state").to_pylist(), dead
(['open'], [])
"""

from __future__ import annotations

import io
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.json as pj

from passmap.feeds.model import STATES, MalformedMessage, StatusEvent, event_key_id
from passmap.feeds.registry import normalise_message

SCHEMA = pa.schema(
    [
        ("event_id", pa.string()),
        ("device_id", pa.string()),
        ("aspect", pa.string()),
        ("state", pa.string()),
        ("observed_utc", pa.timestamp("us")),
        ("received_utc", pa.timestamp("us")),
        ("source", pa.string()),
        ("attrs", pa.string()),
    ]
)
PAYLOAD_KEEP_CHARS = 4000  # what a dead letter keeps of a payload (enough to read the problem)
TOPIC_KEEP_CHARS = 1000
MAX_ATTRS_CHARS = 4000  # larger attrs are replaced by their size (a 5 MB attrs blob is no state)
_FAST_SCHEMA = pa.schema(
    [(n, pa.string()) for n in ("device_id", "aspect", "state", "observed_utc")]
)
_FAST_OPTIONS = pj.ParseOptions(explicit_schema=_FAST_SCHEMA, unexpected_field_behavior="ignore")
_VALID_PAIRS = pa.array(sorted(f"{a}|{s}" for a, states in STATES.items() for s in states))


@dataclass(frozen=True)
class Limits:
    max_payload_bytes: int = 64 * 1024
    max_id_chars: int = 128
    future_skew_s: float = 300.0

    @classmethod
    def from_settings(cls, settings) -> Limits:
        return cls(
            settings.live_max_payload_bytes,
            settings.live_max_id_chars,
            settings.live_future_skew_s,
        )


def _utc(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC).replace(tzinfo=None)


def dead_letter(topic: str, payload, received_ts: float, reason: str, source=None) -> dict:
    text = (
        bytes(payload[:PAYLOAD_KEEP_CHARS]).decode("utf-8", "replace")
        if isinstance(payload, (bytes, bytearray, memoryview))
        else str(payload)[:PAYLOAD_KEEP_CHARS]
    )
    return {
        "id": uuid.uuid4().hex,
        "received_utc": _utc(received_ts),
        "source": source,
        "topic": str(topic)[:TOPIC_KEEP_CHARS],
        "payload": text,
        "reason": reason,
    }


def check_event(e: StatusEvent, received_ts: float, limits: Limits) -> None:
    """Raise MalformedMessage when an event breaks a limit (id length, future time)."""
    if len(e.device_id) > limits.max_id_chars:
        raise MalformedMessage(
            f"device id is {len(e.device_id)} characters long (limit {limits.max_id_chars})"
        )
    ahead_s = (e.observed_utc - _utc(received_ts)).total_seconds()
    if ahead_s > limits.future_skew_s:
        raise MalformedMessage(
            f"observed time {e.observed_utc:%Y-%m-%d %H:%M:%S} UTC is {ahead_s:,.0f} s ahead of "
            f"the receiver's clock (limit {limits.future_skew_s:g} s); not stored as the "
            "device's state"
        )


def _attrs_text(attrs: dict) -> str | None:
    if not attrs:
        return None
    text = json.dumps(attrs, default=str)
    if len(text) > MAX_ATTRS_CHARS:
        return json.dumps({"attrs_dropped_chars": len(text)})
    return text


def normalise_batch(router, items, limits: Limits) -> tuple[pa.Table, list[dict]]:
    """items: (topic, payload, received_ts, ack) -> (events table, dead letters)."""
    parts: list[pa.Table] = []
    dead: list[dict] = []
    slow: list[tuple] = []
    groups: dict[str, tuple] = {}
    for item in items:
        topic, payload = item[0], item[1]
        if len(payload) > limits.max_payload_bytes:
            dead.append(
                dead_letter(
                    topic,
                    payload,
                    item[2],
                    f"payload is {len(payload):,} bytes (limit {limits.max_payload_bytes:,})",
                )
            )
            continue
        gateway = router.route(topic)
        if gateway is None:
            dead.append(dead_letter(topic, payload, item[2], "no gateway subscribes to this topic"))
        elif (
            gateway.kind == "canonical"
            and isinstance(payload, bytes)
            and not (gateway.options or {}).get("ignore")
        ):
            groups.setdefault(gateway.id, (gateway, []))[1].append(item)
        else:
            slow.append((gateway, item))
    for gateway, group in groups.values():
        table, rest = _canonical_fast(gateway, group, limits)
        if table is not None:
            parts.append(table)
        slow.extend((gateway, item) for item in rest)
    if slow:
        parts.append(_one_by_one(slow, limits, dead))
    if not parts:
        return SCHEMA.empty_table(), dead
    return (parts[0] if len(parts) == 1 else pa.concat_tables(parts)), dead


def events_table(events: list[StatusEvent], received_ts: float) -> pa.Table:
    """Events made in the writer itself (derived held-open) as a batch table."""
    received = pa.array([int(received_ts * 1e6)] * len(events), pa.int64())
    return pa.table(
        {
            "event_id": [e.event_id for e in events],
            "device_id": [e.device_id for e in events],
            "aspect": [e.aspect for e in events],
            "state": [e.state for e in events],
            "observed_utc": pa.array([e.observed_utc for e in events], pa.timestamp("us")),
            "received_utc": received.cast(pa.timestamp("us")),
            "source": [e.source for e in events],
            "attrs": [_attrs_text(e.attrs) for e in events],
        },
        schema=SCHEMA,
    )


def _one_by_one(slow, limits: Limits, dead: list[dict]) -> pa.Table:
    cols: dict[str, list] = {name: [] for name in SCHEMA.names}
    for gateway, (topic, payload, received_ts, _ack) in slow:
        try:
            events = normalise_message(gateway, topic, payload, _utc(received_ts))
            ignore = gateway.options.get("ignore") if gateway.options else None
            if ignore:
                events = [e for e in events if e.state not in ignore]
            for e in events:
                check_event(e, received_ts, limits)
        except MalformedMessage as exc:
            dead.append(
                dead_letter(topic, payload, received_ts, f"{gateway.id}: {exc}", gateway.id)
            )
            continue
        except Exception as exc:  # noqa: BLE001 - a normaliser bug must not stop the feed
            reason = f"{gateway.id}: normaliser error {type(exc).__name__}: {exc}"
            dead.append(dead_letter(topic, payload, received_ts, reason, gateway.id))
            continue
        for e in events:
            cols["event_id"].append(e.event_id)
            cols["device_id"].append(e.device_id)
            cols["aspect"].append(e.aspect)
            cols["state"].append(e.state)
            cols["observed_utc"].append(e.observed_utc)
            cols["received_utc"].append(int(received_ts * 1e6))
            cols["source"].append(e.source)
            cols["attrs"].append(_attrs_text(e.attrs))
    cols["received_utc"] = pa.array(cols["received_utc"], pa.int64()).cast(pa.timestamp("us"))
    return pa.table(cols, schema=SCHEMA)


def _canonical_fast(gateway, group, limits: Limits) -> tuple[pa.Table | None, list]:
    """Parse a canonical gateway's messages together. Returns (table of the good rows, items
    to normalise one by one). Anything the vectorised path does not expect (a list payload,
    epoch times, a pretty-printed body) sends the whole group to the one-by-one path."""
    payloads = [item[1] for item in group]
    try:
        parsed = pj.read_json(io.BytesIO(b"\n".join(payloads)), parse_options=_FAST_OPTIONS)
        if parsed.num_rows != len(group):
            return None, group
        observed = pc.cast(parsed["observed_utc"], pa.timestamp("us", tz="UTC"))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None, group
    observed = observed.cast(pa.int64())
    received_us = pa.array([int(item[2] * 1e6) for item in group], pa.int64())
    device, aspect, state = parsed["device_id"], parsed["aspect"], parsed["state"]
    pair = pc.binary_join_element_wise(aspect, state, "|")
    known = pc.or_kleene(
        pc.is_in(pair, value_set=_VALID_PAIRS),
        pc.and_(pc.equal(aspect, "event"), pc.greater(pc.utf8_length(state), 0)),
    )
    good = pc.and_(
        pc.and_(known, pc.is_valid(observed)),
        pc.and_(
            pc.less_equal(pc.utf8_length(device), limits.max_id_chars),
            pc.greater(pc.utf8_length(device), 0),
        ),
    )
    ahead_us = pc.subtract(observed, received_us)
    good = pc.fill_null(
        pc.and_(good, pc.less_equal(ahead_us, int(limits.future_skew_s * 1e6))), False
    )
    mask = good.to_pylist()
    attrs = [None] * len(group)
    for i, item in enumerate(group):
        if mask[i] and b'"attrs"' in item[1]:
            value = json.loads(item[1]).get("attrs")
            if value is not None and not isinstance(value, dict):
                mask[i] = False  # the one-by-one path names the problem
            else:
                attrs[i] = _attrs_text(value or {})
    rest = [item for item, ok in zip(group, mask) if not ok]
    if len(rest) == len(group):
        return None, rest
    keep = pa.array(mask)
    device, aspect, state = (pc.filter(c, keep) for c in (device, aspect, state))
    observed_us = pc.filter(observed, keep)
    ids = [
        event_key_id(gateway.id, d, a, s, u)
        for d, a, s, u in zip(
            device.to_pylist(), aspect.to_pylist(), state.to_pylist(), observed_us.to_pylist()
        )
    ]
    attrs = [a for a, ok in zip(attrs, mask) if ok]
    table = pa.table(
        {
            "event_id": pa.array(ids, pa.string()),
            "device_id": device,
            "aspect": aspect,
            "state": state,
            "observed_utc": observed_us.cast(pa.timestamp("us")),
            "received_utc": pc.filter(received_us, keep).cast(pa.timestamp("us")),
            "source": pa.array([gateway.id] * len(ids), pa.string()),
            "attrs": pa.array(attrs, pa.string()),
        },
        schema=SCHEMA,
    )
    return table, rest
