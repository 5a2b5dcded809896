"""How the app is started and put on a network (issue 12): `make run` listens on loopback unless
told otherwise, and the deployment guide gives a reverse proxy with TLS that passes the
websocket, the forwarded headers and the share routes."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def _make_run(*args: str) -> list[str]:
    """The Streamlit command line `make run` ends in: make -n prints its `passmap serve` line
    (nothing runs), which goes through the CLI's own parser to the command it would exec."""
    from passmap.cli import build_parser
    from passmap.cli.serve import streamlit_command

    out = subprocess.run(
        ["make", "-n", "-s", "run", *args], cwd=REPO, capture_output=True, text=True, check=True
    )
    line = next(line for line in out.stdout.splitlines() if " serve " in line)
    argv = shlex.split(line)
    parsed = build_parser().parse_args(argv[argv.index("serve") :])
    return streamlit_command(parsed.host, parsed.port)


def _option(command: list[str], name: str) -> str:
    return command[command.index(name) + 1]


def test_make_run_listens_on_loopback_unless_host_is_given():
    assert _option(_make_run(), "--server.address") == "127.0.0.1"
    assert _option(_make_run("HOST=0.0.0.0"), "--server.address") == "0.0.0.0"
    assert _option(_make_run("PORT=8611"), "--server.port") == "8611"


def test_the_guide_puts_tls_in_front_and_names_the_settings():
    guide = (REPO / "docs" / "DEPLOY.md").read_text(encoding="utf-8")
    caddy = re.search(r"```caddy\n(.*?)```", guide, re.S).group(1)
    nginx = re.search(r"```nginx\n(.*?)```", guide, re.S).group(1)
    assert "reverse_proxy 127.0.0.1:8501" in caddy
    assert "ssl_certificate" in nginx and "return 301 https://" in nginx
    assert "proxy_set_header Upgrade" in nginx and "X-Forwarded-Proto" in nginx
    for setting in ("PASSMAP_BASE_URL", "PASSMAP_TRUSTED_PROXIES", "HttpOnly", "SameSite=Strict"):
        assert setting in guide, setting
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert "docs/DEPLOY.md" in readme and "TLS" in readme
