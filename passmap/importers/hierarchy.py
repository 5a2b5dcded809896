"""Where imported rooms go: find or create the district, campus, building and level.

Single-building formats (OSM indoor, WRLD, DXF, images) need a building; when the person names
an existing one it is used as is, otherwise one is created under ``--campus`` (or the only
campus in the database, or a new campus under an "imported" district), with a warning.
"""

from __future__ import annotations

from passmap.importers.base import ImportContext, slug
from passmap.importers.metres import buffer_m, hull_of

IMPORTED_DISTRICT = "imported"
CAMPUS_MARGIN_M = 20.0  # around the buildings when a campus outline is derived


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
            "geom": None
            if geom is None
            else buffer_m(geom.envelope, CAMPUS_MARGIN_M, join_style="mitre"),
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
    """Return the level id, adding (or, with ``props``, updating) the level row. Without an id,
    the building's level at that floor number is the one (whatever id another import gave it),
    so a floor imported again, or from another format, is not a second level at that floor."""
    lid = level_id or _level_at(ctx, building_id, ordinal) or f"{building_id}-l{ordinal}"
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


def _level_at(ctx: ImportContext, building_id: str, ordinal: int) -> str | None:
    """The id of the one level at floor ``ordinal`` of the building (file first, then the
    database), or None."""
    same = [
        r["id"]
        for r in ctx.bundle["level"]
        if r["building_id"] == building_id and int(r["ordinal"]) == int(ordinal)
    ]
    if not same and ctx.store is not None and _exists(ctx, "building", building_id):
        levels = ctx.store.list_levels(building_id)
        same = [str(i) for i in levels.loc[levels["ordinal"] == int(ordinal), "id"]]
    return same[0] if len(same) == 1 else None


def fill_missing_geometry(ctx: ImportContext) -> None:
    """Give every new building and campus of the bundle a geometry, from its parts when the file
    has none (plain GeoJSON, IMDF without footprints): a NULL outline breaks maps and scoring."""
    if all(r.get("geom") is not None for t in ("campus", "building") for r in ctx.bundle[t]):
        return  # every new outline came with the file (DXF, images, most venues)
    by_pair: dict[tuple, list] = {}  # (building id, campus id) -> geometries: one dict a row
    for table in ("level", "zone", "opening", "control", "wall"):
        for row in ctx.bundle[table]:
            g = row.get("geom")
            if g is not None:
                key = (row.get("building_id"), row.get("campus_id"))
                found = by_pair.get(key)
                if found is None:
                    by_pair[key] = [g]
                else:
                    found.append(g)
    parts: dict[tuple[str, str], list] = {}
    for (bid, cid), geoms in by_pair.items():
        if bid:
            parts.setdefault(("building", bid), []).extend(geoms)
        if cid:
            parts.setdefault(("campus", cid), []).extend(geoms)
    for row in ctx.bundle["building"]:
        if row.get("geom") is None:
            got = parts.get(("building", row["id"]))
            if got:
                row["geom"] = _hull(got)
        if row.get("geom") is not None:
            parts.setdefault(("campus", row["campus_id"]), []).append(row["geom"])
    for row in ctx.bundle["campus"]:
        if row.get("geom") is None:
            got = parts.get(("campus", row["id"]))
            if got:
                row["geom"] = buffer_m(_hull(got), CAMPUS_MARGIN_M, join_style="mitre")
    for table in ("campus", "building"):
        for row in ctx.bundle[table]:
            if row.get("geom") is None:
                raise ctx.fail(
                    f"{table} {row['id']!r}: no outline in the file and nothing placed in it "
                    "to draw one from."
                )


def _hull(geoms: list):
    """The convex hull of every vertex of the parts (vectorised: 10,000 rooms in ms)."""
    hull = hull_of(geoms)
    return hull if hull.geom_type == "Polygon" else buffer_m(hull, CAMPUS_MARGIN_M / 4)
