"""Responder map: the campus grid, door numbers, rooms, hazards, shut-offs, AEDs...; search that
answers with the grid cell; walk-through verification; PDF / GeoJSON / IMDF downloads.
Partners (share links) see only their campuses and layers, read-only."""

import io
import json

import streamlit as st

from layers.deck import fit_view
from layers.responder import area_layer, door_layer, grid_layers, label_layer, point_layer
from passmap import share
from passmap.access import LAYERS
from passmap.grid import campus_grid
from passmap.reports.responder import render_responder_pdf, verification_status
from passmap.reports.responder_data import locate, responder_objects
from passmap.reports.responder_export import responder_geojson, responder_imdf
from ui import data
from ui.auth import client_id
from ui.guard import require
from ui.maps import show_layers
from ui.pickers import current
from ui.text import plain

viewer = require("view_responder")
store = data.get_store()
pick = current()
if not pick.campus or not viewer.can("view_responder", pick.campus):
    st.error("No campus you may see is selected.")
    st.stop()

campus = store.get("campus", pick.campus)
st.title(f"Responder map: {plain(campus['name'])}")
with st.expander("Layers", expanded=False):
    chosen = st.multiselect(
        "Layers",
        list(viewer.layers),
        default=list(viewer.layers),
        format_func=lambda n: LAYERS[n],
        key="responder_layers",
    )
chosen = [name for name in chosen if name in viewer.layers]
grid = campus_grid(store, pick.campus)
objs = responder_objects(store, pick.campus, chosen, grid)
if pick.level:
    view = objs[
        (objs["level_id"] == pick.level)
        | objs["building_id"].isna()
        | ((objs["layer"] == "buildings") & (objs["building_id"] != pick.building))
    ]
    view_name = f"level:{pick.level}"
else:
    view, view_name = objs[objs["building_id"].isna() | (objs["layer"] == "buildings")], "site"
if viewer.grant is not None and st.session_state.get("responder_logged") != (
    pick.campus,
    view_name,
):
    share.record_use(store, viewer.grant, pick.campus, f"responder:{view_name}", client_id())
    st.session_state["responder_logged"] = (pick.campus, view_name)

query = st.text_input("Find a room, door or device (answers with the grid cell)", key="responder_q")
for answer in locate(objs, query):
    st.markdown(f"- {answer['sentence']}", unsafe_allow_html=False)
if query and not locate(objs, query):
    st.caption("Nothing on the visible layers matches.")

layers = []
if "grid" in chosen:
    layers += grid_layers(grid.cells())
layers += [area_layer(view), door_layer(view), point_layer(view), label_layer(view)]
show_layers(
    layers,
    fit_view(tuple(objs.total_bounds) if len(objs) else campus["geometry"].bounds),
    key="responder_map",
    height=560,
)
st.caption(
    f"Grid: {grid.n_cols} columns (A-) x {grid.n_rows} rows of {grid.cell_m:g} m; "
    "the same labels on every printout of this campus."
)

status = verification_status(store, pick.campus, staff_names=viewer.grant is None)
names = dict(
    zip(
        store.list_buildings(campus_id=pick.campus)["id"],
        store.list_buildings(campus_id=pick.campus)["name"],
    )
)
st.subheader("Walk-through verification")
st.dataframe(
    [{"building": names.get(b, b), "status": v.stamp()} for b, v in status.items()], hide_index=True
)
if viewer.can("verify", pick.campus) and names:
    with st.form("verify"):
        building = st.selectbox("Building walked", list(names), format_func=names.get)
        note = st.text_input("Note")
        if st.form_submit_button("Record walk-through"):
            store.record_verification(building, viewer.username, note or None)
            st.success(f"Walk-through of {names[building]} recorded.")

st.subheader("Objects")
st.dataframe(view[["label", "layer", "cell"]], hide_index=True)

if viewer.can("export", pick.campus):
    st.subheader("Print and export")
    if st.button("Prepare printable PDF", key="responder_pdf_build"):
        buf = io.BytesIO()
        render_responder_pdf(store, pick.campus, buf, chosen, staff_names=viewer.grant is None)
        st.session_state["responder_pdf"] = (pick.campus, tuple(chosen), buf.getvalue())
    held = st.session_state.get("responder_pdf")
    if held and held[:2] == (pick.campus, tuple(chosen)):
        st.download_button(
            "Download PDF", held[2], f"responder-{pick.campus}.pdf", "application/pdf"
        )
    st.download_button(
        "Download GeoJSON (with grid)",
        json.dumps(responder_geojson(store, pick.campus, chosen), default=str),
        f"responder-{pick.campus}.geojson",
        "application/geo+json",
    )
    imdf = io.BytesIO()
    responder_imdf(store, pick.campus, imdf, chosen)
    st.download_button(
        "Download IMDF (zip)",
        imdf.getvalue(),
        f"responder-{pick.campus}-imdf.zip",
        "application/zip",
    )
