"""`passmap report board --out FILE.pdf [--pptx FILE.pptx] [--csv FILE.csv]
[--budget N --years N]`: the board report from the same figures as the Board page."""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from passmap.cli import CommandError, db_path


def register(sub, parent) -> None:
    report = sub.add_parser("report", help="board reports (PDF, PowerPoint, CSV)")
    kinds = report.add_subparsers(dest="report_kind", required=True)
    p = kinds.add_parser(
        "board",
        parents=[parent],
        help="the board report: tiers, map, gaps, roadmap, progress, live",
    )
    p.add_argument("--out", required=True, help="the PDF file to write")
    p.add_argument("--pptx", help="also write the PowerPoint deck here")
    p.add_argument("--csv", help="also write the gaps and roadmap CSV here")
    p.add_argument("--budget", type=float, default=250_000, help="budget per year in USD")
    p.add_argument("--years", type=int, default=3, help="years in the roadmap")
    p.add_argument("--top", type=int, default=10, help="gaps listed on the gaps slide")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_board)


def cmd_board(args) -> int:
    from passmap.reports.board import board_figures
    from passmap.reports.board_pdf import write_board_pdf
    from passmap.reports.board_text import write_board_csv
    from passmap.store import Store

    if args.budget < 0 or args.years < 1:
        raise CommandError("--budget must be >= 0 and --years >= 1.")
    outputs = [Path(p) for p in (args.out, args.pptx, args.csv) if p]
    for path in outputs:
        if not path.parent.exists():
            raise CommandError(f"Folder {path.parent} does not exist (for {path.name}).")
    started = time.perf_counter()
    with Store(db_path(args), read_only=True) as store:
        report = board_figures(store, args.budget, args.years, top_n=args.top)
    written = {"pdf": str(write_board_pdf(report, args.out))}
    if args.pptx:
        from passmap.reports.board_pptx import write_board_pptx

        written["pptx"] = str(write_board_pptx(report, args.pptx))
    if args.csv:
        written["csv"] = str(write_board_csv(report, args.csv))
    summary = {
        "district": report.district_name,
        "campuses": len(report.campuses),
        "district_tier": report.design_tier,
        "gaps": len(report.gaps),
        "roadmap_items": len(report.roadmap),
        "unfunded_items": len(report.unscheduled),
        "files": written,
        "seconds": round(time.perf_counter() - started, 2),
    }
    if args.format == "json":
        print(json.dumps(summary, indent=2))
    else:
        for kind, path in written.items():
            print(f"wrote {kind.upper():<4} {path}")
        print(
            f"{summary['campuses']} campuses, {summary['gaps']} gaps, "
            f"{summary['roadmap_items']} roadmap items in {summary['seconds']} s",
            file=sys.stderr,
        )
    return 0
