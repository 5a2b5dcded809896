"""Rows of the store as plain Python values (shared by the exporters)."""

from __future__ import annotations

from datetime import date, datetime

from shapely.geometry import mapping

from passmap.values import is_missing

SITE_ORDER = ("district", "campus", "building", "level", "zone", "opening", "control")


def plain(value):
    if not isinstance(value, (list, dict, str)) and is_missing(value):
        return None
    if isinstance(value, (datetime, date)):
        return (
            value.isoformat()[:10]
            if isinstance(value, date) and not isinstance(value, datetime)
            else value.isoformat()
        )
    if hasattr(value, "item") and not isinstance(value, (list, dict, str)):
        try:
            return plain(value.item())
        except (ValueError, AttributeError):
            return value
    return value


def table_rows(store, table: str) -> list[dict]:
    """All rows of a site table as dicts: plain values, shapely geometry under ``geometry``."""
    frame = store.list_site_table(table)
    out = []
    for rec in frame.to_dict("records"):
        geom = rec.pop("geometry", None)
        row = {k: plain(v) for k, v in rec.items()}
        row["geometry"] = None if geom is None or getattr(geom, "is_empty", False) else geom
        out.append(row)
    return out


def feature(props: dict, geom) -> dict:
    return {
        "type": "Feature",
        "properties": props,
        "geometry": None if geom is None else mapping(geom),
    }
