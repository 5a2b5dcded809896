"""The responder page's panels under the map: walk-through verification, the objects with
their grid cells, and the printable / open-format downloads."""

from __future__ import annotations

import io
import json

import streamlit as st

from passmap.access import LAYERS
from passmap.grid import GridSpec, column_letters
from passmap.reports.responder import render_responder_pdf, verification_status
from passmap.reports.responder_export import responder_geojson, responder_imdf
from passmap.units import format_length
from ui.text import plain


def grid_caption(grid: GridSpec, system: str) -> str:
    """'Grid: 14 columns (A–N) × 12 rows (1–12), cells of 164 ft; ...'

    >>> grid_caption(GridSpec("c", 0.0, 0.0, 50.0, 14, 12), "us")[:48]
    'Grid: 14 columns (A–N) × 12 rows (1–12), cells o'
    """
    last = column_letters(grid.n_cols - 1)
    return (
        f"Grid: {grid.n_cols} columns (A–{last}) × {grid.n_rows} rows (1–{grid.n_rows}), "
        f"cells of {format_length(grid.cell_m, system)}; the same cells on every printout of "
        "this campus."
    )


def walkthrough(store, viewer, campus_id: str) -> None:
    status = verification_status(store, campus_id, staff_names=viewer.grant is None)
    buildings = store.list_buildings(campus_id=campus_id)
    names = dict(zip(buildings["id"], buildings["name"]))
    st.subheader("Walk-through verification")
    st.dataframe(
        [{"Building": names.get(b, b), "Walk-through": v.stamp()} for b, v in status.items()],
        hide_index=True,
    )
    if viewer.can("verify", campus_id) and names:
        with st.form("verify"):
            building = st.selectbox("Building walked", list(names), format_func=names.get)
            note = st.text_input("Note")
            if st.form_submit_button("Record walk-through"):
                store.record_verification(building, viewer.username, note or None)
                st.success(f"Walk-through of {plain(names[building])} recorded.")


def objects_table(view) -> None:
    st.subheader("On this map")
    table = view[["label", "layer", "cell"]].rename(
        columns={"label": "What", "layer": "Layer", "cell": "Grid cell"}
    )
    table["Layer"] = [LAYERS.get(n, n).capitalize() for n in table["Layer"]]
    st.dataframe(table, hide_index=True)


def exports(store, viewer, campus_id: str, chosen: list[str]) -> None:
    if not viewer.can("export", campus_id):
        return
    st.subheader("Print and export")
    if st.button("Prepare printable PDF", key="responder_pdf_build"):
        buf = io.BytesIO()
        render_responder_pdf(store, campus_id, buf, chosen, staff_names=viewer.grant is None)
        st.session_state["responder_pdf"] = (campus_id, tuple(chosen), buf.getvalue())
    held = st.session_state.get("responder_pdf")
    if held and held[:2] == (campus_id, tuple(chosen)):
        st.download_button("Download PDF", held[2], f"responder-{campus_id}.pdf", "application/pdf")
    st.download_button(
        "Download GeoJSON (with grid)",
        json.dumps(responder_geojson(store, campus_id, chosen), default=str),
        f"responder-{campus_id}.geojson",
        "application/geo+json",
    )
    imdf = io.BytesIO()
    responder_imdf(store, campus_id, imdf, chosen)
    st.download_button(
        "Download IMDF (zip)", imdf.getvalue(), f"responder-{campus_id}-imdf.zip", "application/zip"
    )
