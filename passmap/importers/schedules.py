"""Door and camera schedules (CSV/XLSX from integrators) -> openings and controls.

Columns are found by their usual headings (``Door Number``, ``Room``, ``Lock Function``...;
``Camera ID``, ``Bearing``, ``FOV``, ``Range``...) or by ``column_map`` (our field -> heading).
Rows are matched to rooms of the chosen building by room number; an existing door (same number
in the building) or camera (same external id) is updated, otherwise one is created at its room
with a warning to move it into place in the editor.
"""

from __future__ import annotations

import csv
import re
import zipfile
import zlib
from pathlib import Path

import pandas as pd
from shapely.ops import nearest_points

from passmap.importers.base import ImportContext, slug
from passmap.model import CONTROL_TYPES, DOOR_CLASSES

# What pandas/openpyxl raise for a broken table, tried on empty, random, truncated and
# bit-flipped CSV and XLSX files: parser and encoding errors (ValueError), a zip that is not a
# workbook (KeyError), a damaged zip (BadZipFile, zlib.error), broken XML inside it (its
# ParseError is a SyntaxError), an empty CSV (csv.Error) and unreadable files (OSError).
BAD_TABLE_ERRORS = (
    ValueError,
    LookupError,
    OSError,
    csv.Error,
    zipfile.BadZipFile,
    zlib.error,
    SyntaxError,
)

HEADINGS = {
    "number": ("door number", "door no", "door #", "door", "mark", "number"),
    "room_number": ("room number", "room no", "room #", "room", "from room", "location"),
    "door_class": ("door class", "class", "door type"),
    "lock_function": ("lock function", "lock", "hardware set", "lockset"),
    "monitored": ("monitored", "dps", "door position"),
    "glazing_protection": ("glazing", "glazing protection"),
    "external_id": ("camera id", "device id", "external id", "id", "camera"),
    "name": ("name", "camera name", "description", "device name"),
    "type": ("device type", "type"),
    "bearing_deg": ("bearing", "bearing deg", "direction", "heading"),
    "fov_deg": ("fov", "fov deg", "field of view"),
    "range_m": ("range", "range m", "distance"),
}
TRUE = ("yes", "y", "true", "1", "x")


def read_table(ctx: ImportContext, path: Path) -> pd.DataFrame:
    try:
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            frame = pd.read_excel(path, dtype=str, engine="openpyxl")
        else:
            frame = pd.read_csv(path, dtype=str, sep=None, engine="python", encoding="utf-8-sig")
    except BAD_TABLE_ERRORS as exc:  # the type only: a parser's message can quote the file
        raise ctx.fail(f"not a readable table ({type(exc).__name__}).") from None
    frame = frame.dropna(how="all").fillna("")
    frame.columns = [str(c).strip() for c in frame.columns]
    if frame.empty:
        raise ctx.fail("the schedule has no rows.")
    return frame


_HEADING = re.compile(r"^[\w #./()&-]{1,40}$")


def _headings(frame: pd.DataFrame) -> str:
    """The column headings, only when they look like headings: a file that is not a schedule
    (a system file passed by mistake) must not have its first line echoed back."""
    cols = [str(c) for c in frame.columns]
    if len(cols) <= 30 and all(_HEADING.match(c) for c in cols):
        return "columns: " + ", ".join(cols)
    return f"{len(cols)} column(s) that do not look like schedule headings"


def columns(ctx: ImportContext, frame: pd.DataFrame) -> dict[str, str]:
    norm = {re.sub(r"[^a-z0-9#]+", " ", c.lower()).strip(): c for c in frame.columns}
    found = {}
    for field, names in HEADINGS.items():
        mapped = ctx.options.column_map.get(field)
        if mapped:
            if mapped not in frame.columns:
                raise ctx.fail(
                    f"column {mapped!r} (for {field}) is not in the schedule ({_headings(frame)})."
                )
            found[field] = mapped
            continue
        hit = next((norm[n] for n in names if n in norm), None)
        if hit and hit not in found.values():
            found[field] = hit
    return found


def read_schedule(ctx: ImportContext, path: Path) -> None:
    store, opts = ctx.store, ctx.options
    if not opts.building_id or store is None or store.get("building", opts.building_id) is None:
        raise ctx.fail(
            "a schedule is matched to the rooms of an existing building; "
            "give --building with its id."
        )
    frame = read_table(ctx, Path(path))
    cols = columns(ctx, frame)
    kind = opts.schedule_kind or (
        "cameras"
        if {"bearing_deg", "fov_deg"} & set(cols) or "camera" in Path(path).stem.lower()
        else "doors"
    )
    need = "number" if kind == "doors" else "external_id"
    if need not in cols:
        raise ctx.fail(
            f"no {need.replace('_', ' ')} column found ({_headings(frame)}); map it with "
            f"--columns {need}=HEADING."
        )
    zones = store.list_zones(building_id=opts.building_id, level_id=opts.level_id)
    rooms = {str(r): z for r, z in zip(zones["room_number"], zones.itertuples()) if r}
    if kind == "doors":
        _doors(ctx, frame, cols, rooms)
    else:
        _cameras(ctx, frame, cols, rooms)


def _room(ctx, rooms, value, label, required: bool):
    if not value:
        if required:
            raise ctx.fail(f"{label}: no room number.")
        return None
    z = rooms.get(str(value).strip())
    if z is None and required:
        raise ctx.fail(
            f"{label}: room {value!r} is not a room number of building {ctx.options.building_id!r}."
        )
    return z


def _schedule_rows(ctx, frame, cols, rooms, key_field: str, what: str, existing: dict):
    """Each spreadsheet row (numbered as the user sees it, header = row 1) as
    (get, key, label, existing row or None, room zone); a row without its key is refused."""
    for i, rec in enumerate(frame.to_dict("records"), start=2):

        def get(f, rec=rec):
            return str(rec.get(cols.get(f, ""), "")).strip()

        key = get(key_field)
        if not key:
            raise ctx.fail(f"row {i}: no {what} {'number' if what == 'door' else 'id'}.")
        label = f"row {i} ({what} {key})"
        old = existing.get(key)
        yield (
            get,
            key,
            label,
            old,
            _room(ctx, rooms, get("room_number"), label, required=old is None),
        )


def _doors(ctx, frame, cols, rooms) -> None:
    bid = ctx.options.building_id
    existing = ctx.store.list_openings(building_id=bid)
    by_number = {str(n): r for n, r in zip(existing["number"], existing.itertuples()) if n}
    created = 0
    for get, number, label, old, zone in _schedule_rows(
        ctx, frame, cols, rooms, "number", "door", by_number
    ):
        row = {"id": old.id if old is not None else f"{bid}-door-{slug(number)}"}
        door_class = get("door_class").lower().replace(" ", "-")
        if door_class and door_class not in DOOR_CLASSES:
            raise ctx.fail(
                f"{label}: door class {door_class!r} is not one of {', '.join(DOOR_CLASSES)}."
            )
        for f in ("lock_function", "glazing_protection"):
            if get(f):
                row[f] = get(f)
        if get("monitored"):
            row["monitored"] = get("monitored").lower() in TRUE
        if zone is not None:
            row["zone_id"] = zone.id
        if door_class:
            row["door_class"] = door_class
        if old is None:
            edge = nearest_points(zone.geometry.boundary, zone.geometry.centroid)[0]
            row.update(
                {
                    "campus_id": zone.campus_id,
                    "building_id": bid,
                    "level_id": zone.level_id,
                    "number": number,
                    "geom": edge,
                    "door_class": door_class
                    or ("classroom" if zone.kind == "classroom" else "interior"),
                }
            )
            created += 1
        ctx.add("opening", row, label)
    if created:
        ctx.warn(
            f"{created} door(s) created on their room's edge; move them into place in the editor."
        )


def _num(ctx, value: str, label: str, field: str):
    if not value:
        return None
    try:
        return float(value)
    except ValueError:
        raise ctx.fail(f"{label}: {field} {value!r} is not a number.") from None


def _cameras(ctx, frame, cols, rooms) -> None:
    bid = ctx.options.building_id
    existing = ctx.store.list_controls()
    by_ext = {str(e): r for e, r in zip(existing["external_id"], existing.itertuples()) if e}
    created = 0
    for get, ext, label, old, zone in _schedule_rows(
        ctx, frame, cols, rooms, "external_id", "camera", by_ext
    ):
        ctype = (get("type") or "camera").lower().replace(" ", "_")
        if ctype not in CONTROL_TYPES:
            raise ctx.fail(f"{label}: device type {ctype!r} is not a control type.")
        row = {"id": old.id if old is not None else f"{bid}-cam-{slug(ext)}", "type": ctype}
        for f in ("bearing_deg", "fov_deg", "range_m"):
            v = _num(ctx, get(f), label, f)
            if v is not None:
                row[f] = v
        if get("name"):
            row["name"] = get("name")
        if zone is not None:
            row["zone_id"] = zone.id
        if old is None:
            row.update(
                {
                    "campus_id": zone.campus_id,
                    "building_id": bid,
                    "level_id": zone.level_id,
                    "external_id": ext,
                    "geom": zone.geometry.representative_point(),
                }
            )
            created += 1
        ctx.add("control", row, label)
    if created:
        ctx.warn(f"{created} camera(s) created in their room; move them into place in the editor.")
