"""`passmap` command line. Each area registers its subcommands from its own module here.

Every command takes ``--db PATH`` (default: PASSMAP_DB). ``--format json`` prints only JSON on
stdout; errors go to stderr with a non-zero exit.
"""

from __future__ import annotations

import argparse
import importlib
import pkgutil
import re
import sys

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


def _value_options(parser: argparse.ArgumentParser) -> set[str]:
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


def main(argv: list[str] | None = None) -> int:
    from passmap.store import StoreError

    parser = build_parser()
    argv = sys.argv[1:] if argv is None else list(argv)
    args = parser.parse_args(join_negative_values(argv, _value_options(parser)))
    try:
        return int(args.func(args) or 0)
    except (CommandError, StoreError, FileNotFoundError, ValueError) as exc:
        print(f"passmap {args.command}: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
