"""The built-in demo feed: drives the demo devices (controls with an external_id) through
realistic states on a school-day schedule, as canonical JSON messages that go through the same
normalise-and-store path as a real gateway (``emit(topic, payload)``: the runner's ``submit`` in
the app, an MQTT publish in ``passmap simulate``).

>>> sim = Simulator([{"device_id": "cv-x-dc-001", "type": "door_contact"}], seed=1)
>>> msgs = sim.tick(datetime(2026, 3, 2, 13, 0), local_hour=7.5)
>>> all(t.startswith("passmap/status/sim/") for t, _ in msgs)
True
"""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from passmap.clock import utc_now

DOOR_TYPES = ("door_contact", "access_reader")
HEARTBEAT_S = 60.0
# probability per tick (2 s) that one door changes, by part of the school day
_RATES = (
    (6.5, 7.0, 0.05),
    (7.0, 8.25, 0.35),
    (8.25, 14.75, 0.08),
    (14.75, 15.5, 0.35),
    (15.5, 18.0, 0.06),
)


def door_activity(local_hour: float) -> float:
    """Chance per tick that a door moves: busy at arrival/dismissal and passing periods."""
    for start, end, rate in _RATES:
        if start <= local_hour < end:
            passing = start == 8.25 and (local_hour * 60) % 55 > 50
            return 0.3 if passing else rate
    return 0.02  # nights and weekends: custodians


class Simulator:
    def __init__(
        self, devices: list[dict], seed: int | None = None, topic_prefix: str = "passmap/status/sim"
    ):
        self.devices = [d for d in devices if d.get("device_id")]
        self.rng = random.Random(seed)
        self.prefix = topic_prefix
        self.state: dict[str, dict] = {d["device_id"]: {} for d in self.devices}
        self.next_beat: dict[str, datetime] = {}
        self.incidents: list[tuple[datetime, str, str, str]] = []  # (due, device, aspect, state)

    def _msg(
        self, device: str, aspect: str, state: str, now: datetime, **attrs
    ) -> tuple[str, bytes]:
        self.state[device][aspect] = state
        body = {
            "device_id": device,
            "aspect": aspect,
            "state": state,
            "observed_utc": now.isoformat() + "Z",
            "attrs": dict(attrs, simulated=True),
        }
        return f"{self.prefix}/{device}", json.dumps(body).encode()

    def tick(self, now: datetime, local_hour: float | None = None) -> list[tuple[str, bytes]]:
        """Messages for one step of the simulated day at ``now`` (UTC)."""
        hour = (
            local_hour
            if local_hour is not None
            else datetime.now().hour + datetime.now().minute / 60
        )
        out = self._heartbeats(now) + self._due(now)
        doors = [d for d in self.devices if d.get("type") in DOOR_TYPES]
        if doors and self.rng.random() < door_activity(hour):
            out += self._door_cycle(self.rng.choice(doors)["device_id"], now)
        roll = self.rng.random()
        if roll < 0.004 and doors:  # a door propped open
            dev = self.rng.choice(doors)["device_id"]
            out += [
                self._msg(dev, "position", "open", now),
                self._msg(dev, "door_alarm", "held_open", now),
            ]
            self._later(now, 90, dev, "position", "closed")
            self._later(now, 90, dev, "door_alarm", "normal")
        elif roll < 0.007:
            out += self._incident(now)
        return out

    def _heartbeats(self, now: datetime) -> list[tuple[str, bytes]]:
        out = []
        for d in self.devices:
            dev = d["device_id"]
            due = self.next_beat.get(dev)
            if due is None:  # first tick: report everything, staggered heartbeats after
                self.next_beat[dev] = now + timedelta(seconds=self.rng.uniform(0, HEARTBEAT_S))
                out += self._initial(d, now)
            elif now >= due and self.state[dev].get("camera") != "offline":
                self.next_beat[dev] = now + timedelta(seconds=HEARTBEAT_S)
                out.append(
                    self._msg(dev, "health", "online", now, battery=self.rng.randint(60, 100))
                )
        return out

    def _initial(self, d: dict, now: datetime) -> list[tuple[str, bytes]]:
        dev, kind = d["device_id"], d.get("type")
        out = [self._msg(dev, "health", "online", now)]
        if kind in DOOR_TYPES:
            out += [
                self._msg(dev, "position", "closed", now),
                self._msg(dev, "door_alarm", "normal", now),
            ]
        if kind == "access_reader":
            out.append(self._msg(dev, "lock", "locked", now))
        if kind == "camera":
            out.append(self._msg(dev, "camera", "recording", now))
        if kind in ("duress_button", "wearable_duress_coverage"):
            out.append(self._msg(dev, "panic", "idle", now))
        return out

    def _door_cycle(self, dev: str, now: datetime) -> list[tuple[str, bytes]]:
        self._later(now, self.rng.uniform(4, 12), dev, "position", "closed")
        return [self._msg(dev, "position", "open", now)]

    def _incident(self, now: datetime) -> list[tuple[str, bytes]]:
        cams = [d["device_id"] for d in self.devices if d.get("type") == "camera"]
        duress = [d["device_id"] for d in self.devices if d.get("type") == "duress_button"]
        if cams and self.rng.random() < 0.7:
            dev = self.rng.choice(cams)
            self._later(now, 180, dev, "camera", "recording")
            return [self._msg(dev, "camera", "offline", now)]
        if duress:
            dev = self.rng.choice(duress)
            self._later(now, 20, dev, "panic", "idle")
            return [self._msg(dev, "panic", "test", now)]
        return []

    def _later(self, now, seconds, dev, aspect, state) -> None:
        self.incidents.append((now + timedelta(seconds=seconds), dev, aspect, state))

    def _due(self, now: datetime) -> list[tuple[str, bytes]]:
        due = [i for i in self.incidents if i[0] <= now]
        self.incidents = [i for i in self.incidents if i[0] > now]
        return [self._msg(dev, aspect, state, now) for _, dev, aspect, state in due]


def demo_devices(store) -> list[dict]:
    """The placed controls that carry an external id, as simulator devices."""
    controls = store.list_controls()
    controls = controls[controls["external_id"].notna()]
    return [{"device_id": e, "type": t} for e, t in zip(controls["external_id"], controls["type"])]


class SimulatorSource:
    """Runs a Simulator every ``interval_s`` on a daemon thread, emitting into ``emit``."""

    def __init__(
        self, simulator: Simulator, emit: Callable[[str, bytes], object], interval_s: float = 2.0
    ):
        self.sim, self.emit, self.interval_s = simulator, emit, interval_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="passmap-simulator", daemon=True)

    def start(self) -> SimulatorSource:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        while True:
            for topic, payload in self.sim.tick(utc_now()):
                self.emit(topic, payload)
            if self._stop.wait(self.interval_s):
                return
