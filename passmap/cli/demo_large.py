"""`passmap demo-large`: write a large synthetic district (benchmarks)."""

from __future__ import annotations

import json
from pathlib import Path

from passmap.cli import CommandError, db_path


def register(sub, parent) -> None:
    p = sub.add_parser(
        "demo-large",
        parents=[parent],
        help="write a large synthetic district (200 campuses by default) for benchmarks",
    )
    p.add_argument("--campuses", type=int, default=200, help="number of campuses (default 200)")
    p.add_argument("--seed", type=int, default=1, help="random seed (same seed, same district)")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_demo_large)


def cmd_demo_large(args) -> int:
    from passmap.demo.large import DISTRICT_ID, generate_large
    from passmap.store import Store

    if args.campuses < 1:
        raise CommandError("--campuses must be at least 1.")
    path = Path(db_path(args))
    if path.exists():
        with Store(path, read_only=True) as store:
            if store.get("district", DISTRICT_ID) is not None:
                raise CommandError(
                    f"{path} already holds the large district; give a new --db path."
                )
    counts = generate_large(path, campuses=args.campuses, seed=args.seed)
    if args.format == "json":
        print(json.dumps(counts))
    else:
        print(
            f"Large district written to {path}: " + ", ".join(f"{k} {v}" for k, v in counts.items())
        )
    return 0
