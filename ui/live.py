"""Live status in the app: the feed runner started once per server process, and the fragment
that refreshes the live overlay every 2 s without remounting the map (fixed deck key)."""

from __future__ import annotations

import logging
from typing import Callable

import streamlit as st

from layers.live import live_layers
from passmap.config import load_settings
from ui import data

log = logging.getLogger(__name__)
REFRESH = "2s"


@st.cache_resource(show_spinner=False)
def get_runner():
    """The single DuckDB writer of live status for this process: MQTT when PASSMAP_MQTT_URL is
    set, else the built-in simulator unless PASSMAP_SIMULATE=0 (then it only marks stale)."""
    from passmap.feeds.mqtt import MqttConfig, MqttSource
    from passmap.feeds.runner import FeedRunner
    from passmap.feeds.simulator import Simulator, SimulatorSource, demo_devices

    settings = load_settings()
    store = data.get_store()
    runner = FeedRunner(store, flush_interval_s=0.25).start()  # ~0.25 s to the map + 2 s fragment
    if settings.mqtt_url:
        runner.mode = "mqtt"
        MqttSource(runner, MqttConfig.from_env()).start()
    elif settings.simulate:
        runner.mode = "simulator"
        runner.sources.append(SimulatorSource(Simulator(demo_devices(store)), runner.submit).start())
    else:
        runner.mode = "off"
    return runner


def summary(campus_id: str | None = None):
    from passmap.feeds.status import live_summary

    get_runner()
    return live_summary(data.get_store(), campus_id)


def live_map(render: Callable[[list], object], controls, campus_id: str | None = None,
             key: str = "live_map"):
    """Call ``render(extra_layers)`` (which draws the deck with its fixed key) inside a fragment
    that reruns every 2 s with fresh live layers. A click on the map inside the fragment triggers
    a full rerun so the page's detail panel follows. Returns the chart event of the full run."""
    flag = f"_{key}_full_run"
    st.session_state[flag] = True

    @st.fragment(run_every=REFRESH)
    def _fragment():
        full_run = st.session_state.get(flag, False)
        st.session_state[flag] = False
        try:
            now = summary(campus_id)
        except Exception:  # live status must never break the map
            log.exception("live overlay failed")
            now = None
        event = render(live_layers(controls, now) if now is not None else [])
        _caption(controls, now)
        last = f"_{key}_selection"
        selection = _selection(event)
        if not full_run and selection != st.session_state.get(last):
            st.session_state[last] = selection
            st.rerun(scope="app")
        st.session_state[last] = selection
        st.session_state[f"_{key}_event"] = event

    _fragment()
    return st.session_state.get(f"_{key}_event")


def _selection(event):
    try:
        return repr(event["selection"]["objects"])
    except (KeyError, TypeError):
        return None


def _caption(controls, now) -> None:
    if now is None or len(now) == 0:
        st.caption("Live: no device status yet.")
        return
    here = now[now["control_id"].isin(set(controls["id"]))]
    bad = here[here["state"].isin(["forced_open", "held_open", "triggered", "tamper", "offline"])]
    text = ", ".join(f"{r.control_name or r.control_id} {r.state}" for r in bad.itertuples())
    st.caption(f"Live: {len(here)} devices reporting" + (f"; attention: {text}" if text else "; all normal"))
