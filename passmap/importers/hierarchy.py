"""Where imported rooms go: find or create the district, campus, building and level.

Single-building formats (OSM indoor, WRLD, DXF, images) need a building; when the person names
an existing one it is used as is, otherwise one is created under ``--campus`` (or the only
campus in the database, or a new campus under an "imported" district), with a warning.
"""

from __future__ import annotations

from passmap.importers.base import ImportContext, slug

IMPORTED_DISTRICT = "imported"


def _exists(ctx: ImportContext, table: str, entity_id: str | None) -> dict | None:
    if not entity_id or ctx.store is None:
        return None
    return ctx.store.get(table, entity_id)


def ensure_campus(ctx: ImportContext, name_hint: str, geom=None) -> str:
    opts = ctx.options
    if opts.campus_id:
        if _exists(ctx, "campus", opts.campus_id) or ctx.has("campus", opts.campus_id):
            return opts.campus_id
        cid = opts.campus_id
    else:
        cid = slug(name_hint) + "-campus"
        if ctx.has("campus", cid) or _exists(ctx, "campus", cid):
            return cid
    if not (_exists(ctx, "district", IMPORTED_DISTRICT) or ctx.has("district", IMPORTED_DISTRICT)):
        ctx.add("district", {"id": IMPORTED_DISTRICT, "name": "Imported"})
    ctx.add(
        "campus",
        {
            "id": cid,
            "district_id": IMPORTED_DISTRICT,
            "name": name_hint,
            "geom": None if geom is None else geom.envelope.buffer(0.0002),
        },
    )
    ctx.warn(
        f"created campus {cid!r} under district {IMPORTED_DISTRICT!r}; move it with "
        "--campus next time."
    )
    return cid


def ensure_building(ctx: ImportContext, name_hint: str, footprint=None) -> tuple[str, str]:
    """Return (building_id, campus_id), adding a building row when it does not exist yet."""
    opts = ctx.options
    bid = opts.building_id or slug(name_hint)
    found = _exists(ctx, "building", bid)
    if found:
        return bid, found["campus_id"]
    for row in ctx.bundle["building"]:
        if row["id"] == bid:
            return bid, row["campus_id"]
    cid = ensure_campus(ctx, opts.building_name or name_hint, footprint)
    ctx.add(
        "building",
        {"id": bid, "campus_id": cid, "name": opts.building_name or name_hint, "geom": footprint},
    )
    return bid, cid


def ensure_level(
    ctx: ImportContext,
    building_id: str,
    ordinal: int,
    name: str | None = None,
    level_id: str | None = None,
    geom=None,
    props: dict | None = None,
) -> str:
    """Return the level id, adding (or, with ``props``, updating) the level row."""
    lid = level_id or f"{building_id}-l{ordinal}"
    found = _exists(ctx, "level", lid)
    if found and found["building_id"] != building_id:
        raise ctx.fail(
            f"level {lid!r} belongs to building {found['building_id']!r}, not {building_id!r}."
        )
    if ctx.has("level", lid):
        return lid
    if found and not props:
        return lid
    row = {
        "id": lid,
        "building_id": building_id,
        "ordinal": int(found["ordinal"]) if found else int(ordinal),
        "name": (found or {}).get("name") or name or f"Level {ordinal}",
    }
    if geom is not None or not found:
        row["geom"] = geom if geom is not None else (found or {}).get("geometry")
    if props is not None:
        row["props"] = {**((found or {}).get("props") or {}), **props}
    ctx.add("level", row)
    return lid
