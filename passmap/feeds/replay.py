"""NDJSON recordings: one ``{"topic": "...", "payload": <text or JSON value>}`` per line."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path


def read_recording(path: str | Path) -> Iterator[tuple[int, str, bytes]]:
    """(line number, topic, payload bytes) per recorded message; bad lines raise ValueError."""
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                topic, payload = rec["topic"], rec["payload"]
            except (ValueError, KeyError, TypeError):
                raise ValueError(
                    f"{path} line {n}: expected a JSON object with topic and payload"
                ) from None
            data = payload if isinstance(payload, str) else json.dumps(payload)
            yield n, str(topic), data.encode("utf-8")
