"""Helpers of the Import page: options from the form, uploads in a private folder removed
after the import (and when the session ends), messages in the page's words, the preview map."""

from __future__ import annotations

import html
import re
import weakref
from pathlib import Path

import folium
import shapely

from layers.folium_offline import offline_map
from passmap.importers import files as import_files
from passmap.importers.base import ImportFailed, ImportOptions
from passmap.importers.georef import parse_corners, parse_points

PREVIEW_LIMIT = 3000  # features per layer drawn in the preview (STACK.md: folium cost)
COLOURS = {
    "building": "#333333",
    "zone": "#4a6fa5",
    "opening": "#c0392b",
    "control": "#1e8449",
    "wall": "#555555",
    "level": "#999999",
}


def _pairs(text: str, sep: str = ",") -> dict[str, str]:
    out = {}
    for part in (text or "").split(sep):
        if "=" in part:
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def build_options(form: dict, dry_run: bool, actor: str) -> ImportOptions:
    """ImportOptions from the page's form values (same meaning as the CLI flags)."""
    layers = {
        k: [n.strip() for n in v.split(",") if n.strip()]
        for k, v in _pairs(form.get("layers") or "", ";").items()
    }
    georef = parse_points(form.get("georef") or "")
    if (form.get("georef") or "").strip() and len(georef) < 2:
        raise ImportFailed("Control points: give at least two lines x,y,lon,lat.")
    try:
        corners = parse_corners(form["corners"]) if form.get("corners") else []
    except ValueError as exc:
        raise ImportFailed(f"Corners: {exc}") from None
    return ImportOptions(
        format=None if form.get("format") in (None, "detect") else form["format"],
        campus_id=form.get("campus") or None,
        building_id=form.get("building") or None,
        building_name=form.get("building_name") or None,
        level_id=form.get("level") or None,
        level_ordinal=int(form.get("ordinal") or 0),
        layers=layers,
        georef=georef,
        corners=corners,
        column_map=_pairs(form.get("columns", "")),
        zone_kind_map=_pairs(form.get("kinds", "")),
        dry_run=dry_run,
        actor=actor,
    )


def preview_map(bundle: dict[str, list[dict]]):
    """A folium map of what the import would write (each layer capped at PREVIEW_LIMIT)."""
    geoms = [r["geom"] for rows in bundle.values() for r in rows if r.get("geom") is not None]
    if not geoms:
        return None
    minx, miny, maxx, maxy = shapely.union_all(geoms[:20000]).bounds
    m = offline_map([(miny + maxy) / 2, (minx + maxx) / 2], zoom_start=18)
    m.fit_bounds([[miny, minx], [maxy, maxx]])
    for table in ("building", "zone", "wall", "opening", "control"):
        rows = [r for r in bundle.get(table, []) if r.get("geom") is not None][:PREVIEW_LIMIT]
        if not rows:
            continue
        feats = [
            {
                "type": "Feature",
                "geometry": shapely.geometry.mapping(r["geom"]),
                "properties": {
                    "label": html.escape(
                        f"{table} {r['id']} {r.get('name') or r.get('kind') or ''}"
                    )
                },
            }
            for r in rows
        ]
        colour = COLOURS[table]
        folium.GeoJson(
            {"type": "FeatureCollection", "features": feats},
            name=table,
            style_function=lambda _, c=colour: {"color": c, "weight": 2, "fillOpacity": 0.1},
            tooltip=folium.GeoJsonTooltip(["label"], labels=False),
        ).add_to(m)
    return m


# -- uploads ---------------------------------------------------------------------------------
class _UploadFolder:
    """Owns one session's upload folder: removed when the import is done, or when Streamlit
    drops the session (its state, and this object with it, is garbage collected)."""

    def __init__(self):
        self.path = import_files.new_upload_dir()
        self._finalizer = weakref.finalize(self, import_files.remove_upload_dir, self.path)

    def remove(self) -> None:
        self._finalizer()


_SWEPT = {"done": False}


def sweep_once() -> None:
    """Remove upload folders a crashed server left behind (once per server process)."""
    if not _SWEPT["done"]:
        _SWEPT["done"] = True
        import_files.sweep_stale_uploads()


def save_uploads(state, files) -> list[Path]:
    """Write the uploaded files into the session's private folder; the paths to import."""
    holder = state.get("imp_upload")
    if holder is None or not holder.path.exists():
        holder = state["imp_upload"] = _UploadFolder()
    names = []
    for f in files:
        target = holder.path / Path(f.name).name  # never a path from the browser
        target.write_bytes(f.getvalue())
        names.append(target.name)
    return [holder.path] if "main.json" in names else [holder.path / n for n in names]


def done_with_uploads(state) -> None:
    holder = state.pop("imp_upload", None)
    if holder is not None:
        holder.remove()


# -- messages in the page's words ------------------------------------------------------------
FIELDS = {
    "campus": "the Campus id field",
    "building": "the Building id field",
    "level": "the Level id field",
    "georef": "pick them on the two maps below",
    "corners": "the Corners field",
    "columns": "the Column mapping field",
    "kinds": "the Zone kinds field",
    "layers": "the DXF layers field",
    "format": "the Format choice",
    "schedule": "the Format choice",
}
_FLAG = re.compile(r"--([a-z][a-z-]*)(?:[ =](?:\"[^\"]*\"|[\w-]+=[\w-]+))?")


def for_web(message: str) -> str:
    """An importer's sentence for the web page: CLI flags become the page's fields.

    >>> for_web('place it by points (--georef "x,y,lon,lat") or corners (--corners).')
    'place it by points (pick them on the two maps below) or corners (the Corners field).'
    """
    return _FLAG.sub(lambda m: FIELDS.get(m.group(1), "the options above"), message)


# -- placing a plan by clicking ----------------------------------------------------------------
SIDECARS = (".shx", ".dbf", ".prj", ".cpg")  # uploaded with a Shapefile, not imported alone
PLACED = (".dxf", ".png", ".jpg", ".jpeg", ".gml")


def placement_section(store, path: Path, form: dict) -> str | None:
    """Pick control points on the plan and the campus map; their text once two pairs exist."""
    import streamlit as st

    from passmap.importers.placement import plan_of
    from ui import placing

    if path.suffix.lower() not in PLACED:
        return None
    cache = st.session_state.setdefault("imp_plan_cache", {})
    ck = (str(path), path.stat().st_mtime, form.get("layers"))
    if ck not in cache:
        cache.clear()
        placing.reset()
        try:
            cache[ck] = plan_of(path, build_options(form, dry_run=True, actor="preview"))
        except (ValueError, OSError) as exc:
            st.error(for_web(str(exc)))
            cache[ck] = None
    plan = cache[ck]
    if plan is None or (plan.kind == "drawing" and not plan.geoms and path.suffix == ".gml"):
        return None
    st.subheader("Place the plan")
    campus = _placement_campus(store, form)
    buildings = store.list_buildings(campus_id=campus["id"]) if campus else None
    text = placing.pick_points(plan, campus, buildings)
    if st.button("Start the points again", key="imp_place_reset"):
        placing.reset()
        st.rerun()
    return text


def _placement_campus(store, form: dict) -> dict | None:
    import streamlit as st

    if form.get("campus"):
        found = store.get("campus", form["campus"])
        if found is not None:
            return found
    campuses = store.list_campuses()
    if campuses.empty:
        st.caption("No campus yet: pick the points on the map where the building stands.")
        return None
    names = dict(zip(campuses["id"], campuses["name"]))
    chosen = st.selectbox(
        "Campus map to place it on",
        list(names),
        format_func=lambda i: str(names[i]),
        key="imp_place_campus",
    )
    return store.get("campus", chosen)
