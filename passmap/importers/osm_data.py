"""OpenStreetMap data as mappers keep it: ``.osm`` XML, ``.pbf`` and the API's / Overpass JSON.

XML and PBF are read by GDAL's OSM driver (pyogrio's bundled GDAL has it, so no extra library)
with PassMap's own ``osmconf.ini`` (every tag kept, closed indoor ways as polygons). The JSON
form (``{"elements": [...]}``) is assembled here: nodes, ways (closed rooms and areas as
polygons) and multipolygon relations. All three become the GeoJSON-shaped features the OSM
indoor importer reads (rooms, corridors, doors on levels; grounds; fences and gates).

>>> parse_other_tags('"indoor"=>"room","level"=>"1","name"=>"Aula \\\\"B\\\\""')
{'indoor': 'room', 'level': '1', 'name': 'Aula "B"'}
"""

from __future__ import annotations

import json
import re
import warnings
from pathlib import Path

import shapely
from shapely.geometry import LineString, Point, Polygon

from passmap.importers.base import ImportContext, read_bytes_limited

CONFIG = Path(__file__).with_name("osmconf.ini")
LAYERS = ("points", "lines", "multipolygons", "multilinestrings")
AREA_KEYS = ("indoor", "building", "amenity", "leisure", "landuse", "room", "area:highway")
_TAG = re.compile(r'"((?:[^"\\]|\\.)*)"=>"((?:[^"\\]|\\.)*)"')


def parse_other_tags(text) -> dict[str, str]:
    """GDAL's HSTORE-like ``other_tags`` column -> a dict."""
    if not text:
        return {}
    text = str(text)
    if "\\" not in text:  # nothing escaped (nearly every tag): the pairs as they are
        return dict(_TAG.findall(text))
    unescape = lambda s: s.replace('\\"', '"').replace("\\\\", "\\")  # noqa: E731
    return {unescape(k): unescape(v) for k, v in _TAG.findall(text)}


def is_osm_json(doc: dict) -> bool:
    elements = doc.get("elements")
    return isinstance(elements, list) and any(
        isinstance(e, dict) and e.get("type") in ("node", "way") for e in elements[:50]
    )


def is_osm_data(paths: list[Path]) -> bool:
    """True for .osm/.pbf files and OSM API JSON (not GeoJSON from osmtogeojson)."""
    first = paths[0]
    if first.suffix.lower() in (".osm", ".pbf"):
        return True
    try:
        with open(first, "rb") as fh:
            head = fh.read(4096).decode("utf-8", errors="replace")
    except OSError:
        return False
    return '"elements"' in head and '"FeatureCollection"' not in head


def read_osm_data(ctx: ImportContext, paths: list[Path]) -> None:
    from passmap.importers.osm_indoor import read_features

    feats = []
    for path in paths:
        if path.suffix.lower() in (".osm", ".pbf"):
            feats += _gdal_features(ctx, path)
        else:
            feats += _json_features(ctx, path)
    read_features(ctx, feats, Path(paths[0]).stem)


def _gdal_features(ctx: ImportContext, path: Path) -> list[tuple[str, int, dict]]:
    import pyogrio

    size = path.stat().st_size
    if size > ctx.options.max_bytes:
        raise ctx.fail(
            f"{path.name}: file is {size / 1e6:.1f} MB, over the "
            f"{ctx.options.max_bytes / 1e6:.0f} MB import limit."
        )
    config = {"OSM_CONFIG_FILE": str(CONFIG), "OSM_USE_CUSTOM_INDEXING": "NO"}
    before = {k: pyogrio.get_gdal_config_option(k) for k in config}
    pyogrio.set_gdal_config_options(config)
    out = []
    try:
        for layer in LAYERS:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                # Not read_arrow: GDAL's Arrow stream ends quietly where a damaged file does,
                # read_dataframe raises (a truncated .osm must be refused, not half read).
                frame = pyogrio.read_dataframe(path, layer=layer)
            oids, names, others = (frame[c].tolist() for c in ("osm_id", "name", "other_tags"))
            ways = frame["osm_way_id"].tolist() if "osm_way_id" in frame else oids
            geoms = frame.geometry.to_numpy()
            kind = {"points": "node", "lines": "way"}.get(layer, "relation")
            for n, (oid, way, name, other, geom) in enumerate(
                zip(oids, ways, names, others, geoms)
            ):
                if geom is None:
                    continue
                tags = parse_other_tags(other)
                if name:
                    tags["name"] = name
                tags["@id"] = f"way/{way}" if layer == "multipolygons" and way else f"{kind}/{oid}"
                out.append((path.name, n, {"properties": tags, "geometry": geom}))
    except (
        pyogrio.errors.DataSourceError,
        pyogrio.errors.DataLayerError,
        pyogrio.errors.FeatureError,
    ):
        raise ctx.fail(f"{path.name}: not a readable OpenStreetMap file.") from None
    finally:
        pyogrio.set_gdal_config_options(before)
    return out


def _json_features(ctx: ImportContext, path: Path) -> list[tuple[str, int, dict]]:
    try:
        doc = json.loads(read_bytes_limited(path, ctx.options))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise ctx.fail(
            f"{path.name}: not valid JSON ({getattr(exc, 'msg', 'bad text')})."
        ) from None
    elements = doc.get("elements") if isinstance(doc, dict) else None
    if not isinstance(elements, list):
        raise ctx.fail(f"{path.name}: no OSM 'elements' list.")
    nodes = {e["id"]: (e["lon"], e["lat"]) for e in elements if _is(e, "node") and "lat" in e}
    ways: dict = {}
    out = []
    for n, e in enumerate(elements):
        if not isinstance(e, dict):
            continue
        tags = dict(e.get("tags") or {})
        if _is(e, "node") and tags and e["id"] in nodes:
            geom = Point(nodes[e["id"]])
        elif _is(e, "way"):
            coords = _way_coords(e, nodes)
            ways[e.get("id")] = coords
            geom = _way_geometry(coords, tags)
        elif _is(e, "relation") and tags.get("type") == "multipolygon":
            geom = _multipolygon(e, ways)
        else:
            continue
        if geom is None or not tags:
            continue
        tags["@id"] = f"{e['type']}/{e.get('id')}"
        out.append((path.name, n, {"properties": tags, "geometry": geom}))
    return out


def _is(e, kind: str) -> bool:
    return isinstance(e, dict) and e.get("type") == kind


def _way_coords(e: dict, nodes: dict) -> list:
    if e.get("geometry"):  # Overpass "out geom"
        return [(g["lon"], g["lat"]) for g in e["geometry"] if g]
    return [nodes[n] for n in e.get("nodes") or [] if n in nodes]


def _way_geometry(coords: list, tags: dict):
    if len(coords) < 2:
        return None
    closed = len(coords) >= 4 and coords[0] == coords[-1]
    area = tags.get("area") == "yes" or any(k in tags for k in AREA_KEYS)
    if closed and area and tags.get("area") != "no":
        return Polygon(coords)
    return LineString(coords)


def _multipolygon(e: dict, ways: dict):
    lines = [
        LineString(ways[m["ref"]])
        for m in e.get("members") or []
        if m.get("type") == "way" and len(ways.get(m.get("ref")) or []) >= 2
    ]
    if not lines:
        return None
    polys = list(shapely.polygonize(lines).geoms)
    return shapely.union_all(polys) if polys else None
