"""Settings from the environment, read in one place. Nothing here reaches the network.

Where things are:

- ``ROOT``: the folder the app runs from (app.py, server.py, pages/, static/, .streamlit/),
  with the data it ships under ``DATA_DIR`` (starter catalogs, the demo district and its floor
  plans). In a checkout that is the repository; in an installed package (``pip install .``) it
  is the copy inside the package, ``passmap/app-files`` (setup.py puts it in the wheel). The
  app reads it and never writes to it once installed.
- ``Settings.data_home``: where the app writes (the database, uploaded floor-plan images):
  PASSMAP_DATA_DIR; else, in a checkout, its data/ folder (what ``make run`` always used);
  else $XDG_DATA_HOME/passmap or ~/.local/share/passmap (site-packages is no place for data).
- ``Settings.db_path``: PASSMAP_DB, else ``data_home/passmap.duckdb``.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from passmap.throttle import parse_proxies
from passmap.units import system_of

_PACKAGE = Path(__file__).resolve().parent
IS_CHECKOUT = all((_PACKAGE.parent / name).is_file() for name in ("pyproject.toml", "app.py"))
ROOT = _PACKAGE.parent if IS_CHECKOUT else _PACKAGE / "app-files"
DATA_DIR = ROOT / "data"
DB_FILE_NAME = "passmap.duckdb"


@dataclass(frozen=True)
class Settings:
    data_home: Path  # where the database and uploaded files are written
    db_path: Path
    tile_url: str | None  # XYZ template, e.g. https://tiles.district.local/{z}/{x}/{y}.png
    tile_attribution: str
    mqtt_url: str | None  # mqtt://user:pass@host:1883 or mqtts://...
    simulate: bool  # run the built-in demo feed when no broker is configured
    base_url: str | None  # the address people use, e.g. https://passmap.district.org (share links)
    trusted_proxies: tuple  # networks of reverse proxies whose X-Forwarded-For is believed
    procedure_dir: Path  # procedure documents (a control's procedure_doc) are read only in here
    units: str = "us"  # how distances and areas are shown: "us" (feet, miles) or "metric"
    # -- imports (h14) --
    import_dir: Path | None = None  # server folder the Import page may read; None: uploads only
    underlay_dir: Path = DATA_DIR / "floorplans" / "images"  # plan images, read only in here
    upload_dir: Path | None = None  # where uploads wait for their import (None: system temp)
    import_max_bytes: int = 200 * 1024 * 1024  # per file, and in total for an archive
    # live feeds (passmap.feeds.batch.Limits): larger payloads / ids and observed times further
    # ahead of this server's clock are dead-lettered with the reason, never stored
    live_max_payload_bytes: int = 64 * 1024
    live_max_id_chars: int = 128
    live_future_skew_s: float = 300.0
    # the district's time zone (IANA name): alarm and status times are shown in it
    timezone: str = "America/New_York"
    # -- live feed credentials and broker options (passmap.feeds.mqtt.MqttConfig.from_settings,
    # `passmap bridge`): PASSMAP_MQTT_USERNAME/_PASSWORD override the URL's, PASSMAP_MQTT_CA is a
    # CA bundle for TLS, PASSMAP_MQTT_CLIENT_ID a fixed id (the broker keeps the session and
    # queues QoS 1 messages while we are away), PASSMAP_MQTT_QOS, PASSMAP_MQTT_INFLIGHT
    mqtt_username: str | None = None
    mqtt_password: str | None = None
    mqtt_ca: str | None = None
    mqtt_client_id: str | None = None  # None: passmap-ingest-<host name>
    mqtt_qos: int = 1
    mqtt_inflight: int = 20  # the broker's max_inflight_messages (mosquitto's default)
    webhook_secret: str = ""  # PASSMAP_WEBHOOK_SECRET, shared with the webhook senders
    unifi_api_key: str = ""  # PASSMAP_UNIFI_API_KEY, from the UniFi console


def data_home(env: dict[str, str]) -> Path:
    """Where the app writes (see the module docstring).

    >>> data_home({"PASSMAP_DATA_DIR": "/srv/passmap"})
    PosixPath('/srv/passmap')
    >>> data_home({"XDG_DATA_HOME": "/x"}) == (DATA_DIR if IS_CHECKOUT else Path("/x/passmap"))
    True
    """
    if env.get("PASSMAP_DATA_DIR"):
        return Path(env["PASSMAP_DATA_DIR"])
    if IS_CHECKOUT:
        return DATA_DIR
    xdg = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME") or Path.home()) / ".local/share")
    return Path(xdg) / "passmap"


def load_settings(env: dict[str, str] | None = None) -> Settings:
    """Read PASSMAP_* variables.

    >>> load_settings({"PASSMAP_DB": "/tmp/x.duckdb"}).db_path.name
    'x.duckdb'
    >>> load_settings({"PASSMAP_DATA_DIR": "/srv/pm"}).db_path
    PosixPath('/srv/pm/passmap.duckdb')
    >>> load_settings({}).units, load_settings({"PASSMAP_UNITS": "metric"}).units
    ('us', 'metric')
    """
    env = os.environ if env is None else env
    home = data_home(env)
    return Settings(
        data_home=home,
        db_path=Path(env.get("PASSMAP_DB") or home / DB_FILE_NAME),
        tile_url=env.get("PASSMAP_TILE_URL") or None,
        tile_attribution=env.get("PASSMAP_TILE_ATTRIBUTION", "Configured tile source"),
        mqtt_url=env.get("PASSMAP_MQTT_URL") or None,
        simulate=env.get("PASSMAP_SIMULATE", "1") not in ("0", "false", "no"),
        base_url=(env.get("PASSMAP_BASE_URL") or "").strip().rstrip("/") or None,
        trusted_proxies=parse_proxies(env.get("PASSMAP_TRUSTED_PROXIES")),
        procedure_dir=Path(env.get("PASSMAP_PROCEDURE_DIR") or DATA_DIR / "procedures"),
        units=unit_system(env),
        **_import_settings(env, home),
        live_max_payload_bytes=_number(env, "PASSMAP_LIVE_MAX_PAYLOAD_BYTES", 64 * 1024, int),
        live_max_id_chars=_number(env, "PASSMAP_LIVE_MAX_ID_CHARS", 128, int),
        live_future_skew_s=_number(env, "PASSMAP_LIVE_FUTURE_SKEW_S", 300.0, float),
        timezone=_timezone(env.get("PASSMAP_TIMEZONE") or "America/New_York"),
        **_feed_settings(env),
    )


def _feed_settings(env) -> dict:
    """PASSMAP_MQTT_USERNAME/_PASSWORD/_CA/_CLIENT_ID/_QOS/_INFLIGHT, PASSMAP_WEBHOOK_SECRET,
    PASSMAP_UNIFI_API_KEY.

    >>> _feed_settings({"PASSMAP_MQTT_QOS": "0"})["mqtt_qos"]
    0
    >>> _feed_settings({"PASSMAP_MQTT_QOS": "high"})
    Traceback (most recent call last):
    ValueError: PASSMAP_MQTT_QOS='high' must be 0, 1 or 2.
    """
    qos = (env.get("PASSMAP_MQTT_QOS") or "1").strip()
    if qos not in ("0", "1", "2"):
        raise ValueError(f"PASSMAP_MQTT_QOS={qos!r} must be 0, 1 or 2.")
    return {
        "mqtt_username": env.get("PASSMAP_MQTT_USERNAME") or None,
        "mqtt_password": env.get("PASSMAP_MQTT_PASSWORD") or None,
        "mqtt_ca": env.get("PASSMAP_MQTT_CA") or None,
        "mqtt_client_id": env.get("PASSMAP_MQTT_CLIENT_ID") or None,
        "mqtt_qos": int(qos),
        "mqtt_inflight": _number(env, "PASSMAP_MQTT_INFLIGHT", 20, int),
        "webhook_secret": env.get("PASSMAP_WEBHOOK_SECRET", ""),
        "unifi_api_key": env.get("PASSMAP_UNIFI_API_KEY", ""),
    }


def unit_system(env: dict[str, str] | None = None) -> str:
    """PASSMAP_UNITS alone ("us" or "metric"), for code that formats many values and should not
    read every setting each time (passmap.compliance.explain).

    >>> unit_system({"PASSMAP_UNITS": "metres"}), unit_system({})
    ('metric', 'us')
    """
    return system_of((os.environ if env is None else env).get("PASSMAP_UNITS"))


def _import_settings(env, home: Path | None = None) -> dict:
    """PASSMAP_IMPORT_DIR, PASSMAP_UNDERLAY_DIR, PASSMAP_UPLOAD_DIR, PASSMAP_IMPORT_MAX_MB; plan
    images default to ``home``/floorplans/images (the folder the app writes to).

    >>> _import_settings({"PASSMAP_IMPORT_MAX_MB": "5"})["import_max_bytes"]
    5242880
    """
    out: dict = {}
    if env.get("PASSMAP_IMPORT_DIR"):
        out["import_dir"] = Path(env["PASSMAP_IMPORT_DIR"])
    if env.get("PASSMAP_UNDERLAY_DIR"):
        out["underlay_dir"] = Path(env["PASSMAP_UNDERLAY_DIR"])
    elif home is not None:
        out["underlay_dir"] = home / "floorplans" / "images"
    if env.get("PASSMAP_UPLOAD_DIR"):
        out["upload_dir"] = Path(env["PASSMAP_UPLOAD_DIR"])
    if env.get("PASSMAP_IMPORT_MAX_MB"):
        out["import_max_bytes"] = int(float(env["PASSMAP_IMPORT_MAX_MB"]) * 1024 * 1024)
    return out


def _number(env, name: str, default, kind):
    raw = env.get(name)
    if raw in (None, ""):
        return default
    try:
        value = kind(raw)
    except ValueError:
        raise ValueError(f"{name}={raw!r} is not a number.") from None
    if value <= 0:
        raise ValueError(f"{name}={raw!r} must be more than 0.")
    return value


def _timezone(name: str) -> str:
    """An IANA time zone name (e.g. America/Chicago), checked against the tz database.

    >>> _timezone("Mars/Olympus")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ValueError: PASSMAP_TIMEZONE='Mars/Olympus' is not an IANA time zone name ...
    """
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f"PASSMAP_TIMEZONE={name!r} is not an IANA time zone name (e.g. America/Chicago)."
        ) from None
    return name
