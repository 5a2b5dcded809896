"""Plans in the shapes districts bring them (written by the project, like real files): DXF
drawings in French and Chinese with the surprises real CAD files hold, OSM XML and API JSON,
IndoorGML, GIS files.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.io.io_makers import LAT0, LON0, M, box, fc, feat, line


def write_indoorgml(path: Path, pixels: bool = True, solid: bool = False) -> Path:
    """An IndoorGML 1.0 document as the OGC examples and InEditor write it: two rooms and a
    corridor (GeneralSpace / TransitionSpace) on two storeys, a door (ConnectionSpace) and a
    connection boundary. ``pixels``: plan coordinates (y down); else EPSG:4326 lon/lat."""

    def ring(x0, y0, w, h, z=None):
        pts = [(x0, y0), (x0 + w, y0), (x0 + w, y0 + h), (x0, y0 + h), (x0, y0)]
        if not pixels:
            pts = [(LON0 + x * M / 0.817, LAT0 + y * M) for x, y in pts]
        return " ".join(f"{x} {y}" + (f" {z}" if z is not None else "") for x, y in pts)

    def cell(tag, gid, name, x0, y0, w, h, level, extra=""):
        if solid:
            z = level * 3.0
            geom = (
                f'<core:Geometry3D><gml:Solid gml:id="s-{gid}"><gml:exterior><gml:Shell>'
                f'<gml:surfaceMember><gml:Polygon gml:id="f-{gid}"><gml:exterior><gml:LinearRing>'
                f'<gml:posList srsDimension="3">{ring(x0, y0, w, h, z)}</gml:posList>'
                "</gml:LinearRing></gml:exterior></gml:Polygon></gml:surfaceMember>"
                "</gml:Shell></gml:exterior></gml:Solid></core:Geometry3D>"
            )
        else:
            geom = (
                f'<core:Geometry2D><gml:Polygon gml:id="p-{gid}"><gml:exterior><gml:LinearRing>'
                f"<gml:posList>{ring(x0, y0, w, h)}</gml:posList></gml:LinearRing></gml:exterior>"
                "</gml:Polygon></core:Geometry2D>"
            )
        lvl = "" if solid else f"<core:level>{level}</core:level>"
        return (
            f'<core:cellSpaceMember><navi:{tag} gml:id="{gid}"><gml:name>{name}</gml:name>'
            f"<core:cellSpaceGeometry>{geom}</core:cellSpaceGeometry>{lvl}{extra}"
            f"</navi:{tag}></core:cellSpaceMember>"
        )

    srs = "" if pixels else ' srsName="urn:ogc:def:crs:OGC:1.3:CRS84"'
    body = "".join(
        [
            cell("GeneralSpace", "R101", "101 Salle de classe", 0, 0, 100, 80, 0),
            cell("GeneralSpace", "R102", "102 Biblioteca\n45 m²", 100, 0, 100, 80, 0),
            cell("TransitionSpace", "C1", "Corridor", 0, 80, 200, 30, 0),
            cell("ConnectionSpace", "D1", "Door 101", 45, 78, 10, 4, 0),
            cell("GeneralSpace", "R201", "201 Music room", 0, 0, 100, 80, 1),
        ]
    )
    doc = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<core:IndoorFeatures xmlns:core="http://www.opengis.net/indoorgml/1.0/core" '
        'xmlns:navi="http://www.opengis.net/indoorgml/1.0/navigation" '
        f'xmlns:gml="http://www.opengis.net/gml/3.2" gml:id="IF1"{srs}>'
        '<core:primalSpaceFeatures><core:PrimalSpaceFeatures gml:id="PS1">'
        f"{body}</core:PrimalSpaceFeatures></core:primalSpaceFeatures></core:IndoorFeatures>"
    )
    path.write_text(doc, encoding="utf-8")
    return path


def write_plan_dxf(
    path: Path,
    version: str = "R2018",
    codepage: str = "ANSI_1252",
    layer_rooms: str = "Pièces",
    layer_text: str = "Texte_Pièces",
    layer_doors: str = "Portes",
    layer_walls: str = "A—墙体",
    scale: float = 1.0,
    bowtie: bool = False,
    far_door: bool = False,
    windows: bool = False,
    zero_wall: bool = False,
    room_at: float | None = None,
) -> Path:
    """A French school floor in mm (x ``scale``): two rooms whose MTEXT holds number, name and
    area, door blocks, walls on a Chinese-named layer; optional real-file surprises."""
    import ezdxf

    doc = ezdxf.new(version)
    doc.header["$INSUNITS"] = 4
    doc.header["$DWGCODEPAGE"] = codepage
    for name in (layer_rooms, layer_text, layer_doors, layer_walls):
        doc.layers.add(name)
    door = doc.blocks.new("PORTE_900")
    door.add_line((0, 0), (900 * scale, 0))
    door.add_arc((0, 0), 900 * scale, 0, 90)
    win = doc.blocks.new("FENETRE_1400")
    win.add_lwpolyline([(0, 0), (1400 * scale, 0), (1400 * scale, 80 * scale), (0, 80 * scale)])
    mul = doc.blocks.new("MULLION_A")
    mul.add_lwpolyline([(0, 0), (60 * scale, 0), (60 * scale, 900 * scale), (0, 900 * scale)])
    msp = doc.modelspace()
    s = scale
    rooms = [("101", "Salle de classe", "52,5 m²"), ("102", "Bibliothèque", "48 m2")]
    for i, (num, name, area) in enumerate(rooms):
        x = i * 8000 * s
        pts = [(x, 0), (x + 8000 * s, 0), (x + 8000 * s, 6000 * s), (x, 6000 * s)]
        if bowtie and i == 1:
            pts = [(x, 0), (x + 8000 * s, 6000 * s), (x + 8000 * s, 0), (x, 6000 * s)]
        msp.add_lwpolyline(pts, close=True, dxfattribs={"layer": layer_rooms})
        msp.add_mtext(
            f"{num}\\P{name}\\P{area}",
            dxfattribs={"layer": layer_text, "insert": (x + 2000 * s, 3000 * s)},
        )
        msp.add_lwpolyline(
            [(x, 0), (x + 8000 * s, 0), (x + 8000 * s, 6000 * s)],
            dxfattribs={"layer": layer_walls},
        )
        msp.add_blockref("PORTE_900", (x + 3000 * s, 6000 * s), dxfattribs={"layer": layer_doors})
    if windows:
        msp.add_blockref("FENETRE_1400", (1000 * s, 0), dxfattribs={"layer": layer_doors})
        msp.add_blockref("MULLION_A", (5000 * s, 0), dxfattribs={"layer": layer_doors})
    if far_door:  # a block inserted 13 km off the plan (a stray copy in model space)
        msp.add_blockref("PORTE_900", (13_000_000 * s, 200 * s), dxfattribs={"layer": layer_doors})
    if zero_wall:
        msp.add_line((500 * s, 500 * s), (500 * s, 500 * s), dxfattribs={"layer": layer_walls})
    if room_at is not None:
        r = room_at
        msp.add_lwpolyline(
            [(r, r), (r + 1000, r), (r + 1000, r + 1000), (r, r + 1000)],
            close=True,
            dxfattribs={"layer": layer_rooms},
        )
    doc.saveas(path)
    return path


def write_osm_xml(path: Path) -> Path:
    """JOSM-style .osm (negative ids of unsaved objects): a room, a door, a fence, a gate, a
    parking lot, a driveway and a football pitch."""
    nodes, ways = [], []
    k = M / 0.817

    def node(nid, x, y, tags=()):
        t = "".join(f'<tag k="{a}" v="{b}"/>' for a, b in tags)
        nodes.append(
            f'<node id="{nid}" lat="{LAT0 + y * M:.8f}" lon="{LON0 + x * k:.8f}">{t}</node>'
        )

    def way(wid, refs, tags):
        nd = "".join(f'<nd ref="{r}"/>' for r in refs)
        t = "".join(f'<tag k="{a}" v="{b}"/>' for a, b in tags)
        ways.append(f'<way id="{wid}">{nd}{t}</way>')

    for nid, (x, y) in enumerate([(0, 0), (10, 0), (10, 8), (0, 8)], start=1):
        node(-nid, x, y)
    node(-5, 5, 8, [("door", "hinged"), ("level", "0"), ("ref", "D1")])
    way(-100, [-1, -2, -3, -4, -1], [("indoor", "room"), ("level", "0"), ("name", "101 Aula")])
    for nid, (x, y) in enumerate([(-20, -20), (40, -20), (40, 40)], start=10):
        node(-nid, x, y)
    way(-101, [-10, -11, -12], [("barrier", "fence")])
    node(-13, 10, -20, [("barrier", "gate")])
    for nid, (x, y) in enumerate([(20, 0), (35, 0), (35, 15), (20, 15)], start=20):
        node(-nid, x, y)
    way(-102, [-20, -21, -22, -23, -20], [("amenity", "parking"), ("name", "Lot A")])
    node(-30, 0, -15)
    node(-31, 30, -15)
    way(-103, [-30, -31], [("highway", "service"), ("service", "driveway")])
    for nid, (x, y) in enumerate([(50, 0), (90, 0), (90, 30), (50, 30)], start=40):
        node(-nid, x, y)
    way(-104, [-40, -41, -42, -43, -40], [("leisure", "pitch"), ("sport", "soccer")])
    body = "\n".join(nodes + ways)
    path.write_text(
        f'<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6" generator="JOSM">\n'
        f"{body}\n</osm>\n",
        encoding="utf-8",
    )
    return path


def write_osm_json(path: Path) -> Path:
    """The OSM API's JSON (``/api/0.6/map.json``): elements with nodes and ways."""
    k = M / 0.817
    pts = {1: (0, 0), 2: (10, 0), 3: (10, 8), 4: (0, 8), 5: (20, -5), 6: (40, -5)}
    elements = [
        {"type": "node", "id": i, "lat": LAT0 + y * M, "lon": LON0 + x * k}
        for i, (x, y) in pts.items()
    ]
    elements[0]["tags"] = {"entrance": "main", "door": "yes", "level": "0"}
    elements += [
        {
            "type": "way",
            "id": 10,
            "nodes": [1, 2, 3, 4, 1],
            "tags": {"indoor": "room", "level": "0", "name": "Sala de profesores", "ref": "12"},
        },
        {"type": "way", "id": 11, "nodes": [5, 6], "tags": {"barrier": "fence"}},
    ]
    path.write_text(json.dumps({"version": "0.6", "generator": "OSM API", "elements": elements}))
    return path


def write_campus_geojson(path: Path) -> Path:
    """Campus data mapped as plain GeoJSON: a fence, a footway, a gate, a parking lot, a room."""
    feats = [
        feat({"id": "fence-1", "barrier": "fence"}, line(-20, -20, 60, -20)),
        feat({"id": "path-1", "highway": "footway"}, line(0, -10, 40, -10)),
        feat({"id": "gate-1", "barrier": "gate"}, line(10, -20, 14, -20)),
        feat({"id": "lot-1", "amenity": "parking", "name": "Lot"}, box(0, 30, 20, 10)),
        feat({"id": "r1", "name": "101 Classroom", "kind": "classroom"}, box(0, 0, 10, 8)),
        feat({"id": "d1", "type": "door"}, line(5, 8, 6, 8)),
    ]
    path.write_text(json.dumps(fc(feats)))
    return path


def write_osm_pbf(path: Path, rooms: int = 1) -> Path:
    """A PBF (pyosmium writer): ``rooms`` indoor rooms in a row with a door each, a fence."""
    import osmium
    from osmium.osm.mutable import Node, Way

    k = M / 0.817
    path.unlink(missing_ok=True)
    writer = osmium.SimpleWriter(str(path))
    nid, ways = 1, []
    for i in range(rooms):
        x0, y0 = (i % 100) * 10, (i // 100) * 8
        ids = []
        for x, y in ((x0, y0), (x0 + 10, y0), (x0 + 10, y0 + 8), (x0, y0 + 8)):
            writer.add_node(Node(id=nid, location=(LON0 + x * k, LAT0 + y * M), tags={}))
            ids.append(nid)
            nid += 1
        tags = {"door": "hinged", "level": "0", "ref": f"D{i}"}
        loc = (LON0 + (x0 + 5) * k, LAT0 + y0 * M)
        writer.add_node(Node(id=nid, location=loc, tags=tags))
        nid += 1
        name = f"{100 + i} Classroom"
        ways.append(
            Way(id=i + 1, nodes=ids + ids[:1], tags={"indoor": "room", "level": "0", "name": name})
        )
    fence = []
    for x, y in ((-30, -30), (1100, -30)):
        writer.add_node(Node(id=nid, location=(LON0 + x * k, LAT0 + y * M), tags={}))
        fence.append(nid)
        nid += 1
    for w in ways:
        writer.add_way(w)
    writer.add_way(Way(id=rooms + 1, nodes=fence, tags={"barrier": "fence"}))
    writer.close()
    return path


def write_gis(path: Path, crs: str = "EPSG:2264") -> Path:
    """Rooms and a door in a projected CRS (NC State Plane, US feet) as GPKG / SHP / FGB."""
    import geopandas as gpd
    from shapely.geometry import shape

    rooms = [
        {"ROOM_NO": "101", "ROOM_NAME": "101 Classroom", "geometry": shape(box(0, 0, 10, 8))},
        {"ROOM_NO": "102", "ROOM_NAME": "Library", "geometry": shape(box(10, 0, 10, 8))},
        {"ROOM_NO": None, "ROOM_NAME": "Fence", "geometry": shape(line(-20, -20, 60, -20))},
    ]
    frame = gpd.GeoDataFrame(rooms, crs="EPSG:4326").to_crs(crs)
    frame["barrier"] = [None, None, "fence"]
    if path.suffix == ".shp":
        frame = frame.iloc[:2]
    frame.to_file(path)
    return path
