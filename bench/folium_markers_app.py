"""Baseline for bench_maps.py: folium with one CircleMarker (+ tooltip) per control, the
approach the maps avoid. Reads BENCH_DB and BENCH_LIMIT (controls, busiest level first).

    BENCH_DB=/tmp/large.duckdb BENCH_LIMIT=5000 streamlit run bench/folium_markers_app.py

Streamlit serves ./static next to the main script, so bench_maps.py runs a copy of this file
from a folder that links static/ and .streamlit/ of the repository.
"""

import os
import sys
from pathlib import Path

import folium
import streamlit as st
from streamlit_folium import st_folium

sys.path.insert(0, os.environ.get("BENCH_REPO", str(Path(__file__).resolve().parent.parent)))
from layers.folium_offline import offline_map
from passmap.store import Store


@st.cache_resource
def controls(path: str, limit: int):
    with Store(path, read_only=True) as store:
        frame = store.list_controls()
    busiest = frame["level_id"].value_counts().index.tolist()
    order = {lv: i for i, lv in enumerate(busiest)}
    frame = frame.assign(rank=frame["level_id"].map(order).fillna(len(order)))
    return frame.sort_values(["rank", "id"]).head(limit)


frame = controls(os.environ["BENCH_DB"], int(os.environ.get("BENCH_LIMIT", "1000")))
pts = frame.geometry.representative_point()
m = offline_map([pts.y.mean(), pts.x.mean()], zoom_start=17)
for cid, ctype, p in zip(frame["id"], frame["type"], pts):
    folium.CircleMarker([p.y, p.x], radius=5, tooltip=f"{ctype} {cid}").add_to(m)
st.caption(f"folium baseline: {len(frame)} markers")
st_folium(m, height=640, width=1000, returned_objects=[], key="folium_bench")
