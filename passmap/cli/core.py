"""Core commands: init, demo, stats."""

from __future__ import annotations

import json

from passmap.cli import db_path, reading_store


def register(sub, parent) -> None:
    p = sub.add_parser(
        "init", parents=[parent], help="create an empty database (migrations applied)"
    )
    p.set_defaults(func=cmd_init)
    p = sub.add_parser("demo", parents=[parent], help="build the demo district database")
    p.add_argument("--if-missing", action="store_true", help="do nothing if the database exists")
    p.set_defaults(func=cmd_demo)
    p = sub.add_parser("stats", parents=[parent], help="counts per campus and in total")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_stats, reads=True)


def cmd_init(args) -> int:
    from passmap.store import Store

    with Store(db_path(args)) as store:
        print(f"Database {store.path} ready (schema {store.schema_versions()[-1]}).")
    return 0


def cmd_demo(args) -> int:
    from pathlib import Path

    from passmap.demo import build_demo

    path = Path(db_path(args))
    if args.if_missing and path.exists():
        print(f"Demo database {path} exists; leaving it as it is.")
        return 0
    summary = build_demo(path)
    print(f"Demo database {path} built: " + ", ".join(f"{k} {v}" for k, v in summary.items()))
    return 0


def cmd_stats(args) -> int:
    with reading_store(args) as store:
        stats = store.stats()
    if args.format == "json":
        print(json.dumps(stats, indent=2))
        return 0
    cols = ("buildings", "levels", "zones", "openings", "controls")
    print(f"{'campus':<36}" + "".join(f"{c:>10}" for c in cols))
    for c in stats["campuses"] + [dict(stats["totals"], name="TOTAL")]:
        print(f"{c['name'][:35]:<36}" + "".join(f"{c[k]:>10}" for k in cols))
    print(
        "controls by type: "
        + ", ".join(f"{t} {n}" for t, n in stats["totals"]["controls_by_type"].items())
    )
    return 0
