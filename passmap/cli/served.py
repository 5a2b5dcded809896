"""Read commands while the app server holds the database: the CLI asks the running server.

DuckDB lets one process hold a database file read-write and then no other process may open it,
not even read-only (STACK.md). The app server holds it for live ingest, so ``passmap status``
(and every other read command) could not read what the service wrote. Instead:

- At start the server writes ``<database>.server`` beside the database: its loopback address
  and a random token, readable by its owner only (0600, like the database). It removes the
  file when it stops.
- A read command finds that file and POSTs its arguments to ``/api/cli`` on that address with
  the token; the server runs the same command function on its own open store (a cursor of the
  thread, as for every script run) and answers with the command's output and exit status.
- The route answers only requests from this machine that carry the token and no proxy headers
  (a reverse proxy in front of the app cannot pass them on), and only read commands.
- No server file, or no answer from it: the command opens the database read-only itself; when
  another process holds it, one sentence says both.

Whoever can read the token can read the database file itself: the token gives nothing more.
"""

from __future__ import annotations

import argparse
import contextvars
import hmac
import json
import os
import secrets
import sys
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROUTE = "/api/cli"
ANSWER_TIMEOUT_S = 300.0  # an assessment of a large district takes a while on a busy server
MAX_BODY = 64 * 1024
_LOOPBACK = ("127.", "::1", "::ffff:127.")
_PROXY_HEADERS = ("x-forwarded-for", "forwarded", "x-real-ip", "x-forwarded-host")

# The server's own Store while a command runs for a client (passmap.cli.reading_store).
SERVED_STORE: contextvars.ContextVar = contextvars.ContextVar("passmap_served_store", default=None)


class ServerUnavailable(Exception):
    """No running server answered for the database; the message says why (for a person)."""


def link_path(db: str | Path) -> Path:
    """Where a running server leaves its address and token: beside the database.

    >>> link_path("/srv/pm/passmap.duckdb").name
    'passmap.duckdb.server'
    """
    db = Path(db).resolve()
    return db.with_name(db.name + ".server")


def is_read(args: argparse.Namespace) -> bool:
    """A command that only reads the database and prints (``set_defaults(reads=True)``);
    ``assess --record`` writes, so it is not one.

    >>> is_read(argparse.Namespace(reads=True, record=False)), is_read(argparse.Namespace())
    (True, False)
    """
    return bool(getattr(args, "reads", False)) and not getattr(args, "record", False)


# -- the client side (the passmap command) ---------------------------------------------------------
def ask(db: str | Path, argv: list[str]) -> tuple[int, str, str]:
    """Run ``argv`` on the server that holds ``db``: (exit status, stdout, stderr). Raises
    ServerUnavailable when no server is published for it or none answers."""
    path = link_path(db)
    try:
        link = json.loads(path.read_text(encoding="utf-8"))
        url, token = str(link["url"]), str(link["token"])
    except FileNotFoundError:
        raise ServerUnavailable(f"no PassMap server is running on it (no {path.name})") from None
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ServerUnavailable(f"{path} cannot be read ({exc})") from None
    request = urllib.request.Request(
        url.rstrip("/") + ROUTE,
        data=json.dumps({"argv": argv}).encode(),
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=ANSWER_TIMEOUT_S) as resp:
            answer = json.loads(resp.read())
    except urllib.error.HTTPError as exc:
        raise ServerUnavailable(
            f"the server at {url} refused the request (HTTP {exc.code}; {path.name} is stale?)"
        ) from None
    except (OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        raise ServerUnavailable(f"the server at {url} did not answer ({reason})") from None
    return int(answer["code"]), str(answer["stdout"]), str(answer["stderr"])


# -- the server side (server.py) ------------------------------------------------------------------
class _ThreadOutput:
    """sys.stdout/sys.stderr replacement: a thread running a client's command writes into its
    own buffer, every other thread to the real stream."""

    def __init__(self, real, local: threading.local, name: str):
        self._real, self._local, self._name = real, local, name

    def write(self, text: str) -> int:
        target = getattr(self._local, self._name, None)
        return (target if target is not None else self._real).write(text)

    def flush(self) -> None:
        if getattr(self._local, self._name, None) is None:
            self._real.flush()

    def __getattr__(self, name):
        return getattr(self._real, name)


_CAPTURE = threading.local()
_INSTALL = threading.Lock()


def _install_capture() -> None:
    with _INSTALL:
        if not isinstance(sys.stdout, _ThreadOutput):
            sys.stdout = _ThreadOutput(sys.stdout, _CAPTURE, "out")
        if not isinstance(sys.stderr, _ThreadOutput):
            sys.stderr = _ThreadOutput(sys.stderr, _CAPTURE, "err")


@contextmanager
def _captured():
    import io

    _install_capture()
    out, err = io.StringIO(), io.StringIO()
    _CAPTURE.out, _CAPTURE.err = out, err
    try:
        yield out, err
    finally:
        _CAPTURE.out = _CAPTURE.err = None


def run_for_client(argv: list[str], store) -> dict:
    """Parse and run one read command on ``store`` (the server's), capturing what it prints."""
    from passmap.cli import build_parser, join_negative_values, run, value_options

    with _captured() as (out, err):
        parser = build_parser()
        try:
            args = parser.parse_args(join_negative_values(argv, value_options(parser)))
        except SystemExit as exc:  # argparse printed the usage error
            return {"code": int(exc.code or 2), "stdout": out.getvalue(), "stderr": err.getvalue()}
        if not is_read(args):
            print(
                f"passmap {args.command}: only read commands run through the server; "
                "this one needs the database itself (stop the server first).",
                file=sys.stderr,
            )
            code = 2
        else:
            args.db = str(store.path)
            token = SERVED_STORE.set(store)
            try:
                code = run(args)
            finally:
                SERVED_STORE.reset(token)
    return {"code": code, "stdout": out.getvalue(), "stderr": err.getvalue()}


class ServerLink:
    """The server's half: a token made at import, the file published when the address is
    known, the route that checks both, and the file's removal at the end."""

    def __init__(self, db: str | Path):
        self.db = Path(db)
        self.path = link_path(db)
        self.token = secrets.token_urlsafe(32)
        self.bound: str | None = None  # the address the server listens on, when not loopback

    def publish(self, url: str, address: str | None = None) -> Path:
        """Write ``{url, token, pid}`` beside the database, owner-only (0600), atomically.
        ``address``: what the server listens on (a client on this machine reaching a server
        bound to one LAN address comes from that address, not from loopback)."""
        self.bound = address if address not in (None, "", "0.0.0.0", "::") else None
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.fchmod(fd, 0o600)
            body = {"url": url, "token": self.token, "pid": os.getpid()}
            os.write(fd, json.dumps(body).encode())
        finally:
            os.close(fd)
        os.replace(tmp, self.path)
        return self.path

    def withdraw(self) -> None:
        """Remove the file if it is still ours (another server may have replaced it)."""
        try:
            if json.loads(self.path.read_text(encoding="utf-8")).get("token") == self.token:
                self.path.unlink()
        except (OSError, ValueError):
            pass

    def allowed(self, client_host: str | None, headers) -> bool:
        """From this machine, not proxied, with this server's token (constant-time compare)."""
        if not client_host or not (client_host.startswith(_LOOPBACK) or client_host == self.bound):
            return False
        if any(h in headers for h in _PROXY_HEADERS):
            return False
        return hmac.compare_digest(
            headers.get("authorization", "").encode(), f"Bearer {self.token}".encode()
        )

    def routes(self, store_of) -> list:
        """``POST /api/cli``; ``store_of()`` returns the server's open Store."""
        import asyncio

        from starlette.responses import JSONResponse, PlainTextResponse
        from starlette.routing import Route

        async def handle(request):
            client = request.client.host if request.client else None
            if not self.allowed(client, request.headers):
                return PlainTextResponse("Forbidden", status_code=403)
            body = await request.body()
            try:
                argv = json.loads(body)["argv"] if len(body) <= MAX_BODY else None
            except (ValueError, KeyError, TypeError):
                argv = None
            if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
                return PlainTextResponse("Expected {'argv': [str, ...]}", status_code=400)
            result = await asyncio.to_thread(run_for_client, argv, store_of())
            return JSONResponse(result)

        return [Route(ROUTE, handle, methods=["POST"])]


def loopback_url(address: str | None, port: int) -> str:
    """The address a client on this machine reaches a server listening on ``address``.

    >>> loopback_url("0.0.0.0", 8501), loopback_url("", 80), loopback_url("::1", 8502)
    ('http://127.0.0.1:8501', 'http://127.0.0.1:80', 'http://[::1]:8502')
    """
    host = address or "127.0.0.1"
    if host in ("0.0.0.0", "::", "localhost"):
        host = "127.0.0.1"
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
