"""`passmap import PATH ...` and `passmap export --format ... --out PATH`."""

from __future__ import annotations

import json
from pathlib import Path

from passmap.cli import CommandError, db_path


def register(sub, parent) -> None:
    import argparse

    from passmap.importers.dispatch import READS

    p = sub.add_parser(
        "import",
        parents=[parent],
        help="import plans, venues, drawings, images or schedules (one transaction)",
        description="Import plans, venues, drawings, images or schedules in one transaction "
        "(nothing is written when anything is refused).",
        epilog="formats read (detected from the file; --format to force one):\n"
        + "\n".join(f"  {name:<14}{text}" for name, text in READS.items()),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("path", nargs="+", help="file, folder or archive (several files of one format)")
    p.add_argument(
        "--format",
        dest="import_format",
        default=None,
        choices=tuple(READS),
        help="one of the formats listed below (default: detect from the file)",
    )
    p.add_argument("--campus", help="campus id to import into (created if new)")
    p.add_argument("--building", help="building id (existing, or created with this id)")
    p.add_argument("--building-name", help="name of a new building")
    p.add_argument("--level", help="level id for single-level files (DXF, image, schedules)")
    p.add_argument(
        "--ordinal", type=int, default=0, help="floor number of a new level (0 = ground)"
    )
    p.add_argument("--layers", help="DXF layers by role: walls=A,B;doors=C;rooms=D;labels=E")
    p.add_argument(
        "--georef", help='control points "x,y,lon,lat;x,y,lon,lat;..." or a .points file'
    )
    p.add_argument("--corners", help='"lon,lat;lon,lat" (SW;NE) or 4 corners TL;TR;BR;BL')
    p.add_argument("--columns", help="schedule/GeoJSON property mapping: field=Heading,...")
    p.add_argument("--kinds", help="category to zone kind: category=kind,...")
    p.add_argument(
        "--schedule", choices=("doors", "cameras"), help="schedule kind (default: detect)"
    )
    p.add_argument(
        "--underlay-dir", help="where images are stored (default data/floorplans/images)"
    )
    p.add_argument("--page", type=int, default=1, help="PDF page to render")
    p.add_argument("--actor", default="cli", help="name recorded in the audit log")
    p.add_argument("--dry-run", action="store_true", help="check and count, write nothing")
    p.add_argument("--output", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_import)
    p = sub.add_parser(
        "export", parents=[parent], help="export IMDF, GeoJSON, CSV inventory or a DB copy"
    )
    p.add_argument(
        "--format",
        dest="export_format",
        required=True,
        choices=("imdf", "geojson", "csv", "duckdb"),
    )
    p.add_argument("--out", required=True, help="output file (folder for geojson)")
    p.set_defaults(func=cmd_export)


def _pairs(text: str | None, sep: str = ",") -> dict[str, str]:
    out = {}
    for part in (text or "").split(sep):
        if part.strip():
            if "=" not in part:
                raise CommandError(f"expected NAME=VALUE, got {part.strip()!r}.")
            k, v = part.split("=", 1)
            out[k.strip()] = v.strip()
    return out


def options_from_args(args):
    from passmap.importers.base import ImportOptions
    from passmap.importers.georef import parse_corners, parse_points

    georef = []
    if args.georef:
        text = Path(args.georef).read_text() if Path(args.georef).is_file() else args.georef
        georef = parse_points(text)
        if len(georef) < 2:
            raise CommandError("--georef needs at least two points x,y,lon,lat.")
    layers = {
        k: [n.strip() for n in v.split(",") if n.strip()]
        for k, v in _pairs(args.layers, ";").items()
    }
    try:
        corners = parse_corners(args.corners) if args.corners else []
    except ValueError as exc:
        raise CommandError(f"--corners: {exc} Expected lon,lat;lon,lat.") from None
    return ImportOptions(
        format=args.import_format,
        campus_id=args.campus,
        building_id=args.building,
        building_name=args.building_name,
        level_id=args.level,
        level_ordinal=args.ordinal,
        layers=layers,
        georef=georef,
        corners=corners,
        column_map=_pairs(args.columns),
        zone_kind_map=_pairs(args.kinds),
        schedule_kind=args.schedule,
        underlay_dir=Path(args.underlay_dir) if args.underlay_dir else None,
        pdf_page=args.page,
        dry_run=args.dry_run,
        actor=args.actor,
    )


def cmd_import(args) -> int:
    from passmap.importers import import_path
    from passmap.store import Store

    options = options_from_args(args)
    paths = [Path(p) for p in args.path]
    with Store(db_path(args)) as store:
        report = import_path(store, paths if len(paths) > 1 else paths[0], options)
    # import_path turns every reader failure into ImportFailed (a ValueError: one sentence)
    if args.output == "json":
        print(json.dumps(report.as_dict(), indent=2))
        return 0
    verb = "would import" if report.dry_run else "imported"
    print(
        f"{report.source} ({report.format}) {verb}: "
        + ", ".join(f"{t} {n}" for t, n in report.counts.items())
    )
    for w in report.warnings:
        print(f"warning: {w}")
    return 0


def cmd_export(args) -> int:
    from passmap.exporters import export
    from passmap.store import Store

    with Store(db_path(args)) as store:
        result = export(store, args.export_format, Path(args.out))
    print(json.dumps({"format": args.export_format, "out": args.out, "written": result}))
    return 0
