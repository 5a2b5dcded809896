"""`passmap` command line. Each area registers its subcommands from its own module here.

Every command takes ``--db PATH`` (default: PASSMAP_DB). ``--format json`` prints only JSON on
stdout; errors go to stderr with a non-zero exit. Read commands (``set_defaults(reads=True)``)
open the database through ``reading_store``; while the app server holds it they run inside
that server instead (passmap/cli/served.py).
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from passmap.config import load_settings


class CommandError(Exception):
    """A user-facing failure: printed as one sentence on stderr, exit status 1."""


def common_parent() -> argparse.ArgumentParser:
    parent = argparse.ArgumentParser(add_help=False)
    parent.add_argument(
        "--db",
        default=None,
        help="DuckDB file (default: $PASSMAP_DB, else passmap.duckdb in the data folder; README)",
    )
    return parent


def db_path(args) -> str:
    return str(args.db or load_settings().db_path)


@contextmanager
def reading_store(args) -> Iterator:
    """The Store a read command reads: the running server's own while it runs the command for
    a client (passmap/cli/served.py), else the database opened read-only."""
    from passmap.cli.served import SERVED_STORE

    served = SERVED_STORE.get()
    if served is not None:
        yield served
        return
    from passmap.store import Store

    with Store(db_path(args), read_only=True) as store:
        yield store


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="passmap", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    parent = common_parent()
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        if info.name.startswith("_"):  # __main__ would run main() on import
            continue
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if register:
            register(sub, parent)
    return parser


_NEGATIVE = re.compile(r"^-\.?\d")


def value_options(parser: argparse.ArgumentParser) -> set[str]:
    """Every option string (any subcommand) that takes a value."""
    out, todo = set(), [parser]
    while todo:
        p = todo.pop()
        for action in p._actions:
            if isinstance(action, argparse._SubParsersAction):
                todo.extend(action.choices.values())
            elif action.option_strings and action.nargs != 0:
                out.update(action.option_strings)
    return out


def join_negative_values(argv: list[str], options: set[str]) -> list[str]:
    """``--corners -80.8,35.2;...`` -> ``--corners=-80.8,35.2;...``: argparse takes a value
    that starts with '-' (every US longitude) for an option and refuses it.

    >>> join_negative_values(["import", "--corners", "-80.8,35.2", "x"], {"--corners"})
    ['import', '--corners=-80.8,35.2', 'x']
    """
    out, i = [], 0
    while i < len(argv):
        tok = argv[i]
        if tok in options and i + 1 < len(argv) and _NEGATIVE.match(argv[i + 1]):
            out.append(f"{tok}={argv[i + 1]}")
            i += 2
            continue
        out.append(tok)
        i += 1
    return out


def run(args) -> int:
    """Run a parsed command; a user-facing failure becomes one sentence on stderr, status 1."""
    from passmap.store import StoreError

    try:
        return int(args.func(args) or 0)
    except (CommandError, StoreError, FileNotFoundError, ValueError) as exc:
        print(f"passmap {args.command}: {exc}", file=sys.stderr)
        return 1


def _read(args, argv: list[str]) -> int:
    """A read command: through the server that holds the database when one is published
    beside it, else on the file itself; one sentence when neither works."""
    from passmap.cli import served
    from passmap.store import StoreError, StoreLockedError

    try:
        code, out, err = served.ask(db_path(args), argv)
    except served.ServerUnavailable as exc:
        why = str(exc)
    else:
        sys.stdout.write(out)
        sys.stderr.write(err)
        return code
    try:
        return int(args.func(args) or 0)
    except StoreLockedError:
        print(
            f"passmap {args.command}: cannot read {db_path(args)}: another process holds the "
            f"file (DuckDB allows one writer) and {why}; stop that process, or let the PassMap "
            "server (make run, passmap serve) hold the file: it answers read commands.",
            file=sys.stderr,
        )
        return 1
    except (CommandError, StoreError, FileNotFoundError, ValueError) as exc:
        print(f"passmap {args.command}: {exc}", file=sys.stderr)
        return 1


def main(argv: list[str] | None = None) -> int:
    from passmap.cli.served import is_read

    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    argv = join_negative_values(argv, value_options(parser))
    args = parser.parse_args(argv)
    if is_read(args):
        return _read(args, argv)
    return run(args)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
