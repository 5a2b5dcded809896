"""`passmap serve`: run the app (server.py under Streamlit) from wherever PassMap is installed.

``make run`` calls it in a checkout; after ``pip install .`` it serves the copy of the app the
package carries (passmap.config.ROOT). Streamlit runs in this process's place (exec), so
stopping ``passmap serve`` stops the server.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from passmap.cli import db_path
from passmap.config import ROOT


def register(sub, parent) -> None:
    p = sub.add_parser("serve", parents=[parent], help="run the app (http://HOST:PORT)")
    p.add_argument("--host", default="127.0.0.1", help="address to listen on (0.0.0.0: every one)")
    p.add_argument("--port", type=int, default=8501)
    p.add_argument(
        "--demo-if-missing",
        action="store_true",
        help="build the demo district first when the database does not exist (make run)",
    )
    p.set_defaults(func=cmd_serve)


def streamlit_command(host: str, port: int) -> list[str]:
    """The command line that serves the app (run with ROOT as the working directory, where
    Streamlit finds .streamlit/config.toml and the static/ folder).

    >>> streamlit_command("127.0.0.1", 8502)[1:5]
    ['-m', 'streamlit', 'run', 'server.py']
    """
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        "server.py",
        "--server.address",
        host,
        "--server.port",
        str(port),
    ]


def cmd_serve(args) -> int:
    db = Path(db_path(args)).resolve()
    if not db.exists():
        if args.demo_if_missing:
            from passmap.demo import build_demo

            build_demo(db)
            print(f"Built the demo district into {db}.")
        else:
            db.parent.mkdir(parents=True, exist_ok=True)  # the app creates an empty database
    command = streamlit_command(args.host, args.port)
    print(f"Serving {ROOT / 'app.py'} with {db} on http://{args.host}:{args.port}", flush=True)
    os.chdir(ROOT)
    os.execve(command[0], command, {**os.environ, "PASSMAP_DB": str(db)})
    return 0  # not reached: exec replaced this process
