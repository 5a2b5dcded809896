"""Gateways: where live status comes from (topic filter, normaliser, field mapping, values to
ignore), a dry run on a sample message, add / replace / remove. Administrators only. Saving
takes effect at once in the running ingest (FeedRunner.reload_gateways)."""

import json

import streamlit as st

from passmap.feeds.gateways import dry_run, gateways, options_json, remove_gateway, save_gateway
from passmap.feeds.registry import NORMALISERS, Gateway
from ui import data
from ui.guard import require
from ui.live import get_runner

viewer = require("settings")
store = data.get_store()
st.title("Gateways")
st.caption(
    "Each gateway takes the MQTT topics matching its filter and turns their messages into "
    "device status. The built-in ones stay; removing one disables it."
)
if done := st.session_state.pop("gw_done", None):
    st.success(done)
rows = gateways(store)
st.dataframe(
    [
        {
            "id": g.id,
            "kind": g.kind,
            "topic filter": g.topic_pattern,
            "enabled": g.enabled,
            "options": json.dumps(g.options),
        }
        for g in rows
    ],
    hide_index=True,
    width="stretch",
)


def _reload() -> None:
    runner = get_runner()
    if runner is not None:
        runner.reload_gateways()


by_id = {g.id: g for g in rows}
st.subheader("Add or change a gateway")
base = by_id.get(st.selectbox("Start from", ["(new)", *by_id], key="gw_from"))
base = base or Gateway("", "generic", "", {"device": "topic:1", "state": "state"})
with st.form("gw_form"):
    gid = st.text_input("Id (letters, digits, - or _)", base.id)
    kind = st.selectbox("Kind", list(NORMALISERS), index=list(NORMALISERS).index(base.kind))
    topic = st.text_input("Topic filter (e.g. site/doors/#)", base.topic_pattern)
    opts = {k: v for k, v in base.options.items() if k != "ignore"}
    options = st.text_area("Field mapping and options (JSON)", json.dumps(opts, indent=2))
    ignore = st.text_input(
        "Values to ignore (comma separated)", ", ".join(base.options.get("ignore", []))
    )
    stale = st.number_input(
        "Offline after silent for (s, 0 = default)", 0.0, value=base.stale_after_s or 0.0
    )
    enabled = st.checkbox("Enabled", base.enabled)
    saved = st.form_submit_button("Save gateway")
if saved:
    try:
        parsed = options_json(options)
        values = [v.strip() for v in ignore.split(",") if v.strip()]
        if values:
            parsed["ignore"] = values
        g = save_gateway(store, gid.strip(), kind, topic.strip(), parsed, stale or None, enabled)
    except ValueError as exc:
        st.error(f"Gateway {gid!r} not saved: {exc}.")
    else:
        _reload()
        st.session_state["gw_done"] = f"Gateway {g.id} saved; the ingest uses it now."
        st.rerun()

st.subheader("Dry run on a sample message")
pick = st.selectbox("Gateway", list(by_id), key="gw_test")
sample_topic = st.text_input("Topic", key="gw_test_topic")
sample = st.text_area("Message", key="gw_test_payload", height=120)
if st.button("Try it", key="gw_try") and pick:
    result = dry_run(by_id[pick], sample_topic, sample.encode("utf-8"))
    (st.success if result["problem"] is None else st.warning)(
        result["problem"] or f"{len(result['events'])} status event(s); nothing stored."
    )
    st.json(result)

st.subheader("Remove")
gone = st.selectbox("Gateway to remove", list(by_id), key="gw_remove")
if st.button("Remove gateway", key="gw_remove_go") and gone:
    st.session_state["gw_done"] = f"Gateway {gone} {remove_gateway(store, gone)}."
    _reload()
    st.rerun()
