"""Live commands: ingest (headless runner), bridge (webhooks), replay, simulate, status."""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time

from passmap.cli import CommandError, db_path, reading_store
from passmap.config import load_settings
from passmap.localtime import local_time


def register(sub, parent) -> None:
    p = sub.add_parser(
        "ingest", parents=[parent], help="run the feed runner headless (MQTT or simulator)"
    )
    p.add_argument("--mqtt-url", help="broker URL (default: $PASSMAP_MQTT_URL)")
    p.add_argument(
        "--simulate", action="store_true", help="drive the demo devices instead of a broker"
    )
    p.add_argument("--duration-s", type=float, default=None, help="stop after this many seconds")
    p.set_defaults(func=cmd_ingest)
    p = sub.add_parser(
        "bridge",
        parents=[parent],
        help="webhooks in (HMAC-signed), or `bridge unifi` (a UniFi Protect console), to MQTT",
    )
    p.add_argument("kind", nargs="?", choices=("webhook", "unifi"), default="webhook")
    p.add_argument("--unifi-host", help="UniFi Protect console (API key: $PASSMAP_UNIFI_API_KEY)")
    p.add_argument("--unifi-port", type=int, default=443)
    p.add_argument("--console", help="name used in the MQTT topics (default: the host)")
    p.add_argument(
        "--insecure", action="store_true", help="accept the console's self-signed certificate"
    )
    p.add_argument("--mqtt-url")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8787)
    p.add_argument(
        "--allow",
        action="append",
        help="topic pattern accepted (repeatable; default: built-in gateways)",
    )
    p.set_defaults(func=cmd_bridge)
    p = sub.add_parser(
        "replay",
        parents=[parent],
        help="replay an NDJSON recording (to MQTT, or into --db directly)",
    )
    p.add_argument("file")
    p.add_argument(
        "--mqtt-url",
        help="publish to this broker (default: $PASSMAP_MQTT_URL; none = write into --db)",
    )
    p.add_argument(
        "--rate", type=float, default=0, help="messages per second (0 = as fast as possible)"
    )
    p.set_defaults(func=cmd_replay)
    p = sub.add_parser("simulate", parents=[parent], help="publish the demo simulator to a broker")
    p.add_argument("--mqtt-url")
    p.add_argument("--duration-s", type=float, default=None)
    p.add_argument("--interval-s", type=float, default=2.0)
    p.set_defaults(func=cmd_simulate)
    p = sub.add_parser("status", parents=[parent], help="latest normalised status of every device")
    p.add_argument("--campus", default=None)
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.add_argument(
        "--dead-letters", action="store_true", help="list the rejected messages and why instead"
    )
    p.add_argument("--limit", type=int, default=50, help="dead letters to list (newest first)")
    p.set_defaults(func=cmd_status, reads=True)


def _mqtt_config(args, required: bool = True):
    from passmap.feeds.mqtt import MqttConfig

    url = _mqtt_url(args)
    if not url:
        if required:
            raise CommandError(
                "no broker: pass --mqtt-url or set PASSMAP_MQTT_URL (e.g. mqtt://127.0.0.1:1883)."
            )
        return None
    return MqttConfig.from_settings(load_settings(), url=url)


def _wait(duration_s: float | None) -> None:
    stop = threading.Event()
    for sig in (signal.SIGINT, signal.SIGTERM):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait(duration_s)


def cmd_ingest(args) -> int:
    """The same wiring as the app server's lifespan (passmap.feeds.service.build_runner), for a
    machine where ingest runs without the app (it then owns the database file)."""
    from passmap.feeds.service import build_runner
    from passmap.store import Store

    url = "" if args.simulate else _mqtt_config(args) and _mqtt_url(args)
    with Store(db_path(args)) as store:
        runner = build_runner(store, load_settings(), mqtt_url=url, simulate=args.simulate)
        print(f"passmap ingest: {runner.mode} -> {store.path} (Ctrl-C stops)", file=sys.stderr)
        _wait(args.duration_s)
        runner.stop()
        print(json.dumps(runner.stats.__dict__), file=sys.stderr)
    return 0


def _mqtt_url(args) -> str | None:
    return getattr(args, "mqtt_url", None) or load_settings().mqtt_url


def cmd_bridge(args) -> int:
    if args.kind == "unifi":
        return _bridge_unifi(args)
    import uvicorn

    from passmap.feeds.bridge import create_app
    from passmap.feeds.mqtt import Publisher
    from passmap.feeds.registry import DEFAULT_GATEWAYS

    secret = load_settings().webhook_secret
    if not secret:
        raise CommandError(
            "set PASSMAP_WEBHOOK_SECRET to the secret shared with the webhook senders."
        )
    publisher = Publisher(_mqtt_config(args), client_id=f"passmap-bridge-{os.getpid()}")
    patterns = args.allow or [g.topic_pattern for g in DEFAULT_GATEWAYS]
    app = create_app(publisher.publish, secret, patterns)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    publisher.close()
    return 0


def _bridge_unifi(args) -> int:
    import asyncio

    from passmap.feeds.mqtt import Publisher
    from passmap.feeds.unifi_bridge import UnifiBridge

    key = load_settings().unifi_api_key
    if not args.unifi_host or not key:
        raise CommandError(
            "bridge unifi needs --unifi-host and $PASSMAP_UNIFI_API_KEY (an API key from the "
            "console's Settings > Control Plane > Integrations)."
        )
    publisher = Publisher(_mqtt_config(args), client_id=f"passmap-unifi-{os.getpid()}")
    bridge = UnifiBridge(
        args.unifi_host, args.unifi_port, key, publisher.publish, args.console, not args.insecure
    )

    async def main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await bridge.run(stop)

    print(f"passmap bridge unifi: {args.unifi_host} -> MQTT unifi/#", file=sys.stderr)
    asyncio.run(main())
    publisher.close()
    print(f"{bridge.frames} frames published.", file=sys.stderr)
    return 0


def cmd_replay(args) -> int:
    from passmap.feeds.replay import read_recording

    cfg = _mqtt_config(args, required=False)
    messages = list(read_recording(args.file))
    delay = 1.0 / args.rate if args.rate else 0
    if cfg is not None:
        from passmap.feeds.mqtt import Publisher

        pub = Publisher(cfg)
        for _n, topic, payload in messages:
            pub.publish(topic, payload)
            time.sleep(delay)
        pub.close()
        print(f"Replayed {len(messages)} messages from {args.file} to {cfg.host}:{cfg.port}.")
        return 0
    from passmap.feeds.runner import FeedRunner
    from passmap.store import Store

    with Store(db_path(args)) as store:
        runner = FeedRunner(store)
        for _n, topic, payload in messages:
            runner.submit(topic, payload)
            time.sleep(delay)
        counts = runner.flush()
    print(
        f"Replayed {len(messages)} messages from {args.file} into {db_path(args)}: "
        f"{counts['new_events']} new events, {counts['dead_letters']} dead letters."
    )
    return 0


def cmd_simulate(args) -> int:
    from passmap.feeds.mqtt import Publisher
    from passmap.feeds.simulator import Simulator, SimulatorSource, demo_devices
    from passmap.store import Store

    with Store(db_path(args), read_only=True) as store:
        devices = demo_devices(store)
    if not devices:
        raise CommandError(
            f"no control in {db_path(args)} has an external_id; run `passmap demo` first."
        )
    pub = Publisher(_mqtt_config(args), client_id=f"passmap-sim-{os.getpid()}")
    src = SimulatorSource(Simulator(devices), pub.publish, args.interval_s).start()
    print(
        f"passmap simulate: {len(devices)} devices -> {pub.config.host}:{pub.config.port}",
        file=sys.stderr,
    )
    _wait(args.duration_s)
    src.stop()
    pub.close()
    return 0


def _dead_letters(args) -> int:
    with reading_store(args) as store:
        frame = store.list_dead_letters(args.limit)
        total = store.dead_letter_count()
    rows = [
        {
            "received_utc": str(r.received_utc),
            "source": r.source if isinstance(r.source, str) else None,
            "topic": r.topic,
            "reason": r.reason,
            "payload": r.payload[:200],
        }
        for r in frame.itertuples()
    ]
    if args.format == "json":
        print(json.dumps({"dead_letters": rows, "total": total}, indent=2))
        return 0
    tz = load_settings().timezone  # the table in the district's zone; JSON keeps UTC
    print(f"{'received':<24}  {'topic':<40}  reason")
    for r, when in zip(rows, frame["received_utc"]):
        print(f"{local_time(when, tz):<24}  {r['topic'][:40]:<40}  {r['reason']}")
    print(f"{len(rows)} of {total} dead letters shown (newest first; times {tz}).")
    return 0


def cmd_status(args) -> int:
    from passmap.feeds.status import live_summary

    if args.dead_letters:
        return _dead_letters(args)
    with reading_store(args) as store:
        summary = live_summary(store, args.campus)
        dead = store.dead_letter_count()
    rows = [
        {
            "device_id": r.device_id,
            "control_id": None if r.control_id != r.control_id else r.control_id,
            "state": r.state,
            "states": r.states,
            "last_seen_utc": None if r.last_seen_utc is None else str(r.last_seen_utc),
            "stale": bool(r.stale),
        }
        for r in summary.itertuples()
    ]
    if args.format == "json":
        print(json.dumps({"devices": rows, "dead_letters": dead}, indent=2))
        return 0
    tz = load_settings().timezone  # the table in the district's zone; JSON keeps UTC
    print(f"{'device':<28}{'control':<30}{'state':<14}{'last seen (' + tz + ')':<28}stale")
    for r, when in zip(rows, summary["last_seen_utc"]):
        print(
            f"{r['device_id'][:27]:<28}{(r['control_id'] or '-')[:29]:<30}{r['state']:<14}"
            f"{(local_time(when, tz) or '-'):<28}{'yes' if r['stale'] else 'no'}"
        )
    print(f"{len(rows)} devices; dead letters: {dead}")
    return 0
