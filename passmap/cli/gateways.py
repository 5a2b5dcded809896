"""Gateway and device commands: ``passmap gateway add|list|test|remove`` and
``passmap devices unknown|attach`` (passmap.feeds.gateways does the work).

The database must not be held by a running app server (DuckDB: one writer): stop it, or use the
Gateways admin page, which runs inside the server. A changed gateway takes effect when the
ingest restarts (the server restarts its ingest when the admin page saves)."""

from __future__ import annotations

import json
from pathlib import Path

from passmap.cli import CommandError, db_path, reading_store


def register(sub, parent) -> None:
    gw = sub.add_parser("gateway", help="configure live-feed gateways")
    gsub = gw.add_subparsers(dest="action", required=True)
    p = gsub.add_parser("add", parents=[parent], help="add or replace a gateway")
    p.add_argument("id")
    p.add_argument("--kind", required=True, help="canonical, generic, unifi, sia, zigbee2mqtt ...")
    p.add_argument("--topic", required=True, help="MQTT topic filter, e.g. site/doors/#")
    p.add_argument("--options", default="{}", help='JSON, e.g. \'{"device": "id", "state": "v"}\'')
    p.add_argument("--ignore", action="append", default=[], help="a value to drop (repeatable)")
    p.add_argument("--held-open-s", type=float, help="derive 'held open' after this many seconds")
    p.add_argument("--stale-after-s", type=float, help="a device silent this long is offline")
    p.set_defaults(func=cmd_add, command="gateway add")
    p = gsub.add_parser("list", parents=[parent], help="the gateways, built-in ones included")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_list, command="gateway list", reads=True)
    p = gsub.add_parser("test", parents=[parent], help="dry run of one sample message")
    p.add_argument("id")
    p.add_argument("--topic", required=True)
    p.add_argument("--payload", help="the message text")
    p.add_argument("--payload-file", help="or a file holding it")
    p.set_defaults(func=cmd_test, command="gateway test")
    p = gsub.add_parser("remove", parents=[parent], help="remove (built-in: disable) a gateway")
    p.add_argument("id")
    p.set_defaults(func=cmd_remove, command="gateway remove")
    dev = sub.add_parser("devices", help="feed devices not attached to a placed control")
    dsub = dev.add_subparsers(dest="action", required=True)
    p = dsub.add_parser("unknown", parents=[parent], help="CSV of unknown devices to fill in")
    p.set_defaults(func=cmd_unknown, command="devices unknown", reads=True)
    p = dsub.add_parser("attach", parents=[parent], help="attach devices from a CSV")
    p.add_argument("--csv", required=True, help="columns external_id,control_id")
    p.add_argument("--actor", default="cli")
    p.set_defaults(func=cmd_attach, command="devices attach")


def _store(args, read_only: bool = False):
    from passmap.store import Store

    return Store(db_path(args), read_only=read_only)


def cmd_add(args) -> int:
    from passmap.feeds.gateways import options_json, save_gateway

    options = options_json(args.options)
    if args.ignore:
        options["ignore"] = sorted(set(options.get("ignore", [])) | set(args.ignore))
    if args.held_open_s is not None:
        options["held_open_s"] = args.held_open_s
    with _store(args) as store:
        g = save_gateway(store, args.id, args.kind, args.topic, options, args.stale_after_s)
    print(f"Gateway {g.id} ({g.kind}) on {g.topic_pattern} saved in {db_path(args)}.")
    return 0


def cmd_list(args) -> int:
    from passmap.feeds.gateways import gateways

    with reading_store(args) as store:
        rows = gateways(store)
    if args.format == "json":
        print(json.dumps([g.__dict__ for g in rows], indent=2))
        return 0
    print(f"{'id':<16}{'kind':<13}{'topic filter':<28}{'enabled':<9}options")
    for g in rows:
        on = "yes" if g.enabled else "no"
        print(f"{g.id:<16}{g.kind:<13}{g.topic_pattern:<28}{on:<9}{json.dumps(g.options)}")
    return 0


def cmd_test(args) -> int:
    from passmap.feeds.gateways import dry_run, gateway

    if (args.payload is None) == (args.payload_file is None):
        raise CommandError("give the sample message with --payload or --payload-file.")
    payload = (
        args.payload.encode() if args.payload is not None else Path(args.payload_file).read_bytes()
    )
    with _store(args) as store:
        result = dry_run(gateway(store, args.id), args.topic, payload)
    print(json.dumps(result, indent=2, default=str))
    return 0 if result["problem"] is None else 1


def cmd_remove(args) -> int:
    from passmap.feeds.gateways import remove_gateway

    with _store(args) as store:
        what = remove_gateway(store, args.id)
    print(f"Gateway {args.id} {what}.")
    return 0


def cmd_unknown(args) -> int:
    from passmap.feeds.gateways import unknown_devices_csv

    with reading_store(args) as store:
        print(unknown_devices_csv(store), end="")
    return 0


def cmd_attach(args) -> int:
    from passmap.feeds.gateways import read_attach_csv

    pairs = read_attach_csv(Path(args.csv).read_text(encoding="utf-8"), args.csv)
    with _store(args) as store:
        n = store.attach_devices(pairs, args.actor)
    print(f"Attached {n} devices from {args.csv}.")
    return 0
