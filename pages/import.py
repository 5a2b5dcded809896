"""Import plans: upload (or name a file on the server), choose options, preview what would be
written with its warnings and a map, then commit in one transaction."""

import tempfile
from pathlib import Path

import streamlit as st
from streamlit_folium import st_folium

from passmap.importers import import_path
from passmap.importers.base import ImportFailed
from passmap.importers.dispatch import FORMATS
from passmap.store import StoreError
from ui import data
from ui.editing import actor
from ui.guard import require
from ui.importing import build_options, preview_map

require("edit")

PREVIEW = "import_preview"
store = data.get_store()
st.title("Import plans")
st.caption(
    "IMDF archives, PassMap or plain GeoJSON, OpenStreetMap indoor, WRLD indoor folders, "
    "DXF drawings, PNG/JPG/PDF floor plans (as underlays), door and camera schedules."
)

source = st.radio("Source", ["Upload", "Path on the server"], horizontal=True, key="imp_source")
paths: list[Path] = []
if source == "Upload":
    files = st.file_uploader(
        "Files",
        accept_multiple_files=True,
        key="imp_files",
        type=["zip", "geojson", "json", "dxf", "png", "jpg", "jpeg", "pdf", "csv", "xlsx"],
    )
    if files:
        folder = Path(
            st.session_state.setdefault("imp_dir", tempfile.mkdtemp(prefix="passmap-up-"))
        )
        for f in files:
            target = folder / Path(f.name).name  # never a path from the browser
            target.write_bytes(f.getvalue())
        names = [Path(f.name).name for f in files]
        paths = [folder] if "main.json" in names else [folder / n for n in names]
else:
    typed = st.text_input("File or folder on the server", key="imp_path")
    paths = [Path(p.strip()) for p in typed.split(";") if p.strip()]

with st.expander("Options", expanded=True):
    c = st.columns(3)
    fmt = c[0].selectbox("Format", ["detect"] + list(FORMATS), key="imp_format")
    campus = c[1].text_input("Campus id (new or existing)", key="imp_campus")
    building = c[2].text_input("Building id (new or existing)", key="imp_building")
    level = c[0].text_input("Level id (DXF, images, schedules)", key="imp_level")
    ordinal = c[1].number_input("Floor number of a new level", value=0, step=1, key="imp_ordinal")
    bname = c[2].text_input("Name of a new building", key="imp_bname")
    layers = st.text_input(
        "DXF layers by role",
        key="imp_layers",
        placeholder="walls=A-WALL;doors=A-DOOR;rooms=A-ROOM;labels=A-TEXT",
    )
    georef = st.text_area(
        "Control points x,y,lon,lat (one per line, or a QGIS .points text)",
        key="imp_georef",
        height=80,
    )
    corners = st.text_input("Corners lon,lat;lon,lat (SW;NE) or TL;TR;BR;BL", key="imp_corners")
    columns = st.text_input("Column / property mapping field=Heading,...", key="imp_columns")
    kinds = st.text_input("Category to zone kind category=kind,...", key="imp_kinds")

form = {
    "format": fmt,
    "campus": campus,
    "building": building,
    "level": level,
    "ordinal": int(ordinal),
    "building_name": bname,
    "layers": layers,
    "georef": georef,
    "corners": corners,
    "columns": columns,
    "kinds": kinds,
}
key = (tuple(map(str, paths)), tuple(sorted(form.items())))


def run(dry_run: bool):
    try:
        options = build_options(form, dry_run=dry_run, actor=actor())
        return import_path(store, paths if len(paths) > 1 else paths[0], options)
    except (ImportFailed, StoreError, ValueError, FileNotFoundError) as exc:
        st.error(str(exc))
        return None


b = st.columns([1, 1, 4])
if b[0].button("Preview", disabled=not paths, key="imp_preview"):
    report = run(dry_run=True)
    st.session_state[PREVIEW] = (key, report) if report else None
held = st.session_state.get(PREVIEW)
ready = bool(held and held[0] == key)
if b[1].button("Commit import", type="primary", disabled=not ready, key="imp_commit"):
    report = run(dry_run=False)
    if report:
        st.session_state.pop(PREVIEW, None)
        data.clear_caches()
        st.success(
            f"Imported {report.source}: "
            + ", ".join(f"{t} {n}" for t, n in report.counts.items())
            + "."
        )
        for w in report.warnings:
            st.warning(w)
        held, ready = None, False

if ready:
    report = held[1]
    st.subheader(f"Preview: {report.source} ({report.format})")
    st.table(
        [
            {"table": t, "created": c["created"], "updated": c["updated"]}
            for t, c in (report.detail or {}).items()
        ]
    )
    for w in report.warnings:
        st.warning(w)
    m = preview_map(report.bundle or {})
    if m is not None:
        st_folium(m, key="imp_map", height=480, use_container_width=True, returned_objects=[])
    st.info("Nothing is written until you press Commit import.")
