"""Import plans: upload (or, when the server allows it, name a file in its import folder),
choose options, place a drawing or image by clicking, preview what would be written with its
warnings and a map, then commit in one transaction."""

import streamlit as st
from streamlit_folium import st_folium

from passmap.config import load_settings
from passmap.importers import import_path
from passmap.importers.base import ImportFailed
from passmap.importers.dispatch import FORMATS
from passmap.importers.files import server_path
from passmap.store import StoreError
from ui import data, importing, placing
from ui.editing import actor
from ui.guard import require

require("edit")

PREVIEW = "import_preview"
store = data.get_store()
settings = load_settings()
importing.sweep_once()
st.title("Import plans")
st.caption(
    "IMDF archives, PassMap or plain GeoJSON, OpenStreetMap (.osm, .pbf, JSON), IndoorGML, "
    "Shapefile / GeoPackage / FlatGeobuf, WRLD indoor folders, DXF drawings, PNG/JPG/PDF floor "
    "plans (as underlays), door and camera schedules."
)

sources = ["Upload"] + (["File on the server"] if settings.import_dir else [])
source = st.radio("Source", sources, horizontal=True, key="imp_source")
paths, problem = [], None
if source == "Upload":
    files = st.file_uploader(
        "Files",
        accept_multiple_files=True,
        key="imp_files",
        type=["zip", "geojson", "json", "dxf", "png", "jpg", "jpeg", "pdf", "csv", "xlsx"]
        + ["osm", "pbf", "gml", "gpkg", "fgb", "shp", "shx", "dbf", "prj", "cpg"],
    )
    if files:
        paths = importing.save_uploads(st.session_state, files)
        paths = [p for p in paths if p.suffix.lower() not in importing.SIDECARS]
else:
    typed = st.text_input("File or folder in the server's import folder", key="imp_path")
    try:
        paths = [server_path(p) for p in typed.split(";") if p.strip()]
    except ImportFailed as exc:
        problem = str(exc)

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
    corners = st.text_input("Corners lon,lat;lon,lat (SW;NE) or TL;TR;BR;BL", key="imp_corners")
    typed_points = st.text_area(
        "Control points x,y,lon,lat, one per line (or pick them on the maps below)",
        key="imp_georef",
        height=68,
    )
    columns = st.text_input("Column mapping field=Heading,...", key="imp_columns")
    kinds = st.text_input("Zone kinds: category or name=kind,...", key="imp_kinds")

form = {
    "format": fmt,
    "campus": campus,
    "building": building,
    "level": level,
    "ordinal": int(ordinal),
    "building_name": bname,
    "layers": layers,
    "georef": typed_points,
    "corners": corners,
    "columns": columns,
    "kinds": kinds,
}
if problem:
    st.error(problem)
elif paths and not corners and not typed_points.strip():
    form["georef"] = importing.placement_section(store, paths[0], form) or ""
key = (tuple(map(str, paths)), tuple(sorted(form.items())))


def run(dry_run: bool):
    try:
        options = importing.build_options(form, dry_run=dry_run, actor=actor())
        return import_path(store, paths if len(paths) > 1 else paths[0], options)
    except (ValueError, StoreError) as exc:  # ImportFailed is a ValueError: one sentence
        st.error(importing.for_web(str(exc)))
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
        importing.done_with_uploads(st.session_state)
        placing.reset()
        data.clear_caches()
        st.success(
            f"Imported {report.source}: "
            + ", ".join(f"{t} {n}" for t, n in report.counts.items())
            + "."
        )
        for w in report.warnings:
            st.warning(importing.for_web(w))
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
        st.warning(importing.for_web(w))
    m = importing.preview_map(report.bundle or {})
    if m is not None:
        st_folium(m, key="imp_map", height=480, use_container_width=True, returned_objects=[])
    st.info("Nothing is written until you press Commit import.")
