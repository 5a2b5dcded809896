"""Live status in the app: the feed runner started once per server process, and the fragment
that refreshes the live overlay every second without remounting the map (fixed deck key)."""

from __future__ import annotations

import logging
import time

import streamlit as st

from layers.live import URGENT, control_live_keys, live_layers, live_legend
from passmap.config import load_settings
from ui import data
from ui.maps import MAP_HEIGHT_PX, layers_json, show_spec

log = logging.getLogger(__name__)
REFRESH = "1s"


def get_runner():
    """The server's live ingest (passmap.feeds.service, started by server.py's lifespan), or
    None in a process that runs none (e.g. a test's AppTest). Never created here: a visit
    must not start a second writer, and a client's clear-cache must not drop this one."""
    from passmap.feeds.service import service_runner

    return service_runner(load_settings().db_path)


STALE_BUCKET_S = 30  # stale flags are computed against "now": recompute at least this often


@st.cache_data(ttl=120, max_entries=32, show_spinner=False)
def _summary(path: str, campus_id: str | None, version: tuple, bucket: int):
    from passmap.feeds.status import live_summary

    return live_summary(data.get_store(), campus_id)


def summary(campus_id: str | None = None):
    """The latest status per device (passmap.feeds.status.live_summary), recomputed only when
    the stored status changed (store.status_version) or every STALE_BUCKET_S."""
    version = data.get_store().status_version()
    return _summary(data.db_path(), campus_id, version, int(time.time() // STALE_BUCKET_S))


@st.cache_data(ttl=120, max_entries=64, show_spinner=False)
def _overlay_json(
    version: tuple, bucket: int, campus_id, scope_key: tuple, _controls, phase: int = 0
) -> list[str]:
    return layers_json(live_layers(_controls, summary(campus_id), phase=phase))


def _pulse_phase(now, controls) -> int:
    """0/1 alternating each second while an alarm or duress is on this map (the halo pulses);
    always 0 otherwise, so a quiet map keeps sending the identical spec."""
    keys = control_live_keys(now)
    here = set(controls["id"]) if controls is not None and len(controls) else set()
    urgent = any(k in URGENT for c, k in keys.items() if c in here)
    return int(time.time()) % 2 if urgent else 0


def live_map(
    static: tuple[dict, tuple[str, ...]],
    controls,
    campus_id: str | None,
    key: str,
    scope_key: tuple,
    height: int = MAP_HEIGHT_PX,
    basemap: bool = True,
    **map_args,
):
    """Draw the static spec (ui.maps.static_spec) plus the live overlay inside a fragment that
    reruns every REFRESH. An unchanged status gives the same JSON (a cache reference on the wire,
    no redraw in the browser). A click inside the fragment triggers one full rerun so the page's
    detail panel follows. Returns the chart event of the full run. ``scope_key`` names what
    decides ``controls`` (level or campus, viewer); ``map_args`` go to ui.maps.show_spec
    (scope, overlay, name)."""
    flag = f"_{key}_full_run"
    st.session_state[flag] = True

    @st.fragment(run_every=REFRESH)
    def _fragment():
        full_run = st.session_state.get(flag, False)
        st.session_state[flag] = False
        last = f"_{key}_selection"
        clicked = _selection(st.session_state.get(key))
        if not full_run and clicked != st.session_state.get(last):
            st.session_state[last] = clicked  # a click: straight to the full run, draw nothing
            st.rerun(scope="app")
        try:
            now = summary(campus_id)
            version = data.get_store().status_version()
            bucket = int(time.time() // STALE_BUCKET_S)
            phase = _pulse_phase(now, controls)
            overlay = _overlay_json(version, bucket, campus_id, scope_key, controls, phase)
        except Exception:  # live status must never break the map
            log.exception("live overlay failed")
            now, overlay = None, []
        event = show_spec(static, overlay, key, height=height, basemap=basemap, **map_args)
        _caption(controls, now)
        if now is not None and (legend := live_legend(now, controls)):
            st.html(legend)
        selection = _selection(event)
        if not full_run and selection != st.session_state.get(last):
            st.session_state[last] = selection
            st.rerun(scope="app")
        st.session_state[last] = selection
        st.session_state[f"_{key}_event"] = event

    _fragment()
    return st.session_state.get(f"_{key}_event")


def _selection(event):
    """What a click changed: its number (the map counts its clicks) and what it picked. The
    number matters: the same device clicked again, after its first click was set aside on
    another level, is a new click and opens its panel again."""
    try:
        return repr((event.get("seq"), event["selection"]["objects"]))
    except (AttributeError, KeyError, TypeError):
        return None


def _caption(controls, now) -> None:
    if len(controls) == 0:
        st.caption("Live: no device on this map.")
        return
    if now is None or len(now) == 0:
        st.caption("Live: no device status yet.")
        return
    here = now[now["control_id"].isin(set(controls["id"]))]
    if len(here) == 0:
        st.caption("Live: none of the devices on this map reports status.")
        return
    bad = here[here["state"].isin(["forced_open", "held_open", "triggered", "tamper", "offline"])]
    text = ", ".join(f"{r.control_name or r.control_id} {r.state}" for r in bad.itertuples())
    st.caption(
        f"Live: {len(here)} devices reporting"
        + (f"; attention: {text}" if text else "; all normal")
    )
