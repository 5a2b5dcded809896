"""MQTT (paho 2.x): the subscribing source for the runner and a small publisher.

Configuration (read in passmap.config): ``PASSMAP_MQTT_URL`` (``mqtt://host:1883`` or
``mqtts://user:pass@host:8883``), ``PASSMAP_MQTT_USERNAME`` / ``PASSMAP_MQTT_PASSWORD`` (override
the URL's), ``PASSMAP_MQTT_CA`` (CA bundle for TLS), ``PASSMAP_MQTT_CLIENT_ID`` (fixed id: the
broker keeps the session and queues QoS 1 messages while we are away), ``PASSMAP_MQTT_QOS``
(default 1).

>>> c = MqttConfig.from_env({"PASSMAP_MQTT_URL": "mqtts://u:p@broker.district.local"})
>>> (c.host, c.port, c.tls, c.username)
('broker.district.local', 8883, True, 'u')
"""

from __future__ import annotations

import logging
import os
import socket
import ssl
import threading
from dataclasses import dataclass
from urllib.parse import unquote, urlparse

import paho.mqtt.client as mqtt

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class MqttConfig:
    host: str
    port: int = 1883
    tls: bool = False
    username: str | None = None
    password: str | None = None
    ca_file: str | None = None
    client_id: str = "passmap-ingest"
    qos: int = 1
    keepalive_s: int = 30
    inflight_window: int = 20  # the broker's max_inflight_messages (mosquitto's default)

    @classmethod
    def from_settings(cls, settings, url: str | None = None) -> MqttConfig:
        """The broker at ``url`` (default ``settings.mqtt_url``) with the settings' credentials
        and options (passmap.config: PASSMAP_MQTT_*)."""
        url = url or settings.mqtt_url
        if not url:
            raise ValueError("PASSMAP_MQTT_URL is not set (e.g. mqtt://127.0.0.1:1883).")
        parsed = urlparse(url)
        if parsed.scheme not in ("mqtt", "mqtts", "tcp", "ssl") or not parsed.hostname:
            raise ValueError(
                f"MQTT URL {url!r} must look like mqtt://host:1883 or mqtts://host:8883."
            )
        tls = parsed.scheme in ("mqtts", "ssl")
        return cls(
            host=parsed.hostname,
            port=parsed.port or (8883 if tls else 1883),
            tls=tls,
            username=settings.mqtt_username
            or (unquote(parsed.username) if parsed.username else None),
            password=settings.mqtt_password
            or (unquote(parsed.password) if parsed.password else None),
            ca_file=settings.mqtt_ca,
            client_id=settings.mqtt_client_id or f"passmap-ingest-{socket.gethostname()}",
            qos=settings.mqtt_qos,
            inflight_window=settings.mqtt_inflight,
        )

    @classmethod
    def from_env(cls, env: dict | None = None, url: str | None = None) -> MqttConfig:
        """``from_settings`` of the settings ``env`` gives (default: this process's)."""
        from passmap.config import load_settings

        return cls.from_settings(load_settings(env), url)


def make_client(
    config: MqttConfig,
    client_id: str | None = None,
    persistent: bool = True,
    manual_ack: bool = False,
) -> mqtt.Client:
    """A paho 2.x client with TLS/credentials applied, reconnecting with backoff (1 s .. 30 s)."""
    client = mqtt.Client(
        mqtt.CallbackAPIVersion.VERSION2,
        client_id=client_id or config.client_id,
        clean_session=not persistent,
        protocol=mqtt.MQTTv311,
        manual_ack=manual_ack,
    )
    if config.username:
        client.username_pw_set(config.username, config.password)
    if config.tls:
        client.tls_set(ca_certs=config.ca_file, cert_reqs=ssl.CERT_REQUIRED)
    client.reconnect_delay_set(min_delay=1, max_delay=30)
    client.max_queued_messages_set(0)
    return client


class MqttSource:
    """Subscribes the gateways' topic patterns and hands every message to ``runner.submit``.

    QoS 1 messages are acknowledged by the runner after their batch is committed (paho's
    manual acks), never on arrival: a stop or a crash before the commit leaves them with the
    broker, which delivers them again to the same persistent session (same client id). The
    broker sends at most its ``max_inflight_messages`` unacknowledged messages at a time
    (mosquitto's default is 20): the runner flushes early when that many wait (``flush_at``),
    and a broker for a busy district should allow more (README, Live feeds)."""

    def __init__(self, runner, config: MqttConfig, patterns: list[str] | None = None):
        self.runner = runner
        self.config = config
        self.patterns = patterns or [g.topic_pattern for g in runner.gateways if g.enabled]
        self.connected = threading.Event()
        self.connects = 0
        self.client = make_client(config, manual_ack=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self._subscribe_mid: int | None = None
        if config.qos:  # flush before the broker's window of unacknowledged messages fills
            runner.flush_at = min(runner.flush_at, max(1, config.inflight_window // 2))

    def _on_message(self, client, _userdata, msg) -> None:
        if msg.qos == 0:
            self.runner.submit(msg.topic, msg.payload)
            return
        generation, mid, qos = self.connects, msg.mid, msg.qos

        def ack() -> None:
            # a message id names a message only within its connection: after a reconnect the
            # broker sends the unacknowledged ones again, and those are acknowledged then
            if generation == self.connects:
                client.ack(mid, qos)

        self.runner.submit(msg.topic, msg.payload, ack=ack)

    def _on_connect(self, client, _userdata, _flags, reason_code, _props) -> None:
        if reason_code.is_failure:
            log.warning("MQTT connect to %s refused: %s", self.config.host, reason_code)
            return
        self.connects += 1
        if not self.patterns:  # every gateway disabled: nothing to wait for
            self.connected.set()
            return
        _rc, self._subscribe_mid = client.subscribe([(p, self.config.qos) for p in self.patterns])

    def _on_subscribe(self, _client, _userdata, mid, _reason_codes, _props) -> None:
        # connected = the broker has confirmed the subscriptions (SUBACK): from now on it keeps
        # this session's messages, so a publisher may start (the health route reports this)
        if mid == self._subscribe_mid:
            self.connected.set()

    def _on_disconnect(self, _client, _userdata, _flags, reason_code, _props) -> None:
        self.connected.clear()
        log.info("MQTT disconnected (%s); paho reconnects with backoff", reason_code)

    def resubscribe(self, patterns: list[str]) -> None:
        old, self.patterns = set(self.patterns), list(patterns)
        gone = sorted(old - set(patterns))
        if gone:
            self.client.unsubscribe(gone)
        new = [(p, self.config.qos) for p in patterns if p not in old]
        if new:
            self.client.subscribe(new)

    def start(self) -> MqttSource:
        self.client.connect_async(self.config.host, self.config.port, self.config.keepalive_s)
        self.client.loop_start()
        self.runner.sources.append(self)
        return self

    def stop(self) -> None:
        """Disconnect after the acknowledgements already queued (paho sends in order)."""
        self.client.disconnect()
        self.client.loop_stop()


class Publisher:
    """A QoS-1 publisher for the bridge, the simulator and replay (waits for broker acks)."""

    def __init__(self, config: MqttConfig, client_id: str | None = None):
        self.client = make_client(
            config, client_id or f"{config.client_id}-pub-{os.getpid()}", persistent=False
        )
        self.client.max_inflight_messages_set(1000)
        self.config = config
        self._last = None
        self.client.connect(config.host, config.port, config.keepalive_s)
        self.client.loop_start()

    def publish(self, topic: str, payload: bytes | str, qos: int | None = None):
        self._last = self.client.publish(
            topic, payload, qos=self.config.qos if qos is None else qos
        )
        return self._last

    def close(self, timeout_s: float = 10.0) -> None:
        if self._last is not None and self._last.rc == mqtt.MQTT_ERR_SUCCESS:
            self._last.wait_for_publish(timeout_s)
        self.client.disconnect()
        self.client.loop_stop()
