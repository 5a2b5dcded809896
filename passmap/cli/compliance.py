"""Compliance commands: assess, roadmap, checklist import / load-starter."""

from __future__ import annotations

import json

from passmap.cli import CommandError, db_path, reading_store
from passmap.model import EDITION


def register(sub, parent) -> None:
    p = sub.add_parser(
        "assess", parents=[parent], help="PASS tiers per zone, building, campus, district"
    )
    p.add_argument("--campus", help="only this campus in the output")
    p.add_argument("--building", help="assess only this building (incremental path)")
    p.add_argument("--edition", default=EDITION)
    p.add_argument("--live", action="store_true", help="effective tier from device statuses")
    p.add_argument("--record", action="store_true", help="store the assessment with today's date")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_assess, reads=True)  # unless --record
    p = sub.add_parser("roadmap", parents=[parent], help="fit the gaps into yearly budgets")
    p.add_argument("--budget", type=float, required=True, help="budget per year in USD")
    p.add_argument("--years", type=int, default=3)
    p.add_argument("--edition", default=EDITION)
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_roadmap, reads=True)
    p = sub.add_parser("checklist", parents=[parent], help="district checklist and catalogs")
    csub = p.add_subparsers(dest="checklist_command", required=True)
    q = csub.add_parser("import", parents=[parent], help="import a district checklist (CSV/XLSX)")
    q.add_argument("file")
    q.add_argument("--edition", default=EDITION)
    q.add_argument("--mode", choices=("extend", "replace"), default="extend")
    q.set_defaults(func=cmd_checklist_import)
    q = csub.add_parser("load-starter", parents=[parent], help="load a starter catalog")
    q.add_argument("--edition", default=EDITION)
    q.set_defaults(func=cmd_load_starter)


def _assess(args, store):
    from passmap.compliance import assess

    if args.campus and args.campus not in set(store.list_campuses()["id"]):
        raise CommandError(f"unknown campus {args.campus!r}")
    return assess(
        store,
        edition=args.edition,
        live=getattr(args, "live", False),
        building_id=getattr(args, "building", None),
    )


def cmd_assess(args) -> int:
    from passmap.compliance import record
    from passmap.store import Store

    with Store(db_path(args)) if args.record else reading_store(args) as store:
        result = _assess(args, store)
        doc = result.to_json()
        if args.campus:
            doc["campuses"] = [c for c in doc["campuses"] if c["id"] == args.campus]
            keep = set(result.findings.loc[result.findings["campus_id"] == args.campus, "scope_id"])
            doc["gaps"] = [g for g in doc["gaps"] if g["scope_id"] in keep]
        recorded = record(store, result, label="cli") if args.record else None
    if args.format == "json":
        print(json.dumps(doc, indent=1, default=str))
        return 0

    def tier(t):
        return "not assessed (building only)" if t is None else t

    print(
        f"District {doc['district']['id']}: Tier {tier(doc['district']['tier'])} "
        f"(edition {args.edition}{', live' if args.live else ''})"
    )
    for c in doc["campuses"]:
        print(f"  {c['name'][:40]:<42} Tier {tier(c['tier'])}")
        for b in c["buildings"]:
            print(f"    {b['name'][:38]:<40} Tier {b['tier']}  ({len(b['zones'])} zones)")
    print(f"{len(doc['gaps'])} gaps; top 10:")
    for g in doc["gaps"][:10]:
        print(
            f"  {g['practice_id']:<9} T{g['tier']!s:<9} crit {g['criticality']} "
            f"${g['cost_usd']:>9,.0f}  {g['explanation'][:80]}"
        )
    if recorded:
        print(f"Recorded assessment {recorded}.")
    return 0


def cmd_roadmap(args) -> int:
    from passmap.compliance import assess, roadmap

    if args.budget <= 0 or args.years <= 0:
        raise CommandError("--budget and --years must be positive")
    with reading_store(args) as store:
        plan = roadmap(assess(store, edition=args.edition), args.budget, args.years)
    if args.format == "json":
        cols = ["year", "practice_id", "scope_id", "tier", "criticality", "cost_usd", "unlocks"]
        rows = json.loads(plan[cols].to_json(orient="records"))
        print(
            json.dumps(
                {"budget_per_year_usd": args.budget, "years": args.years, "items": rows}, indent=1
            )
        )
        return 0
    for year, g in plan.groupby(plan["year"].fillna(10**6)):
        label = f"Year {int(year)}" if year < 10**6 else "Beyond budget"
        print(f"{label}: {len(g)} items, ${g['cost_usd'].sum():,.0f}")
        for r in g.head(12).itertuples():
            print(
                f"   {r.practice_id:<9} {str(r.scope_id)[:24]:<25} ${r.cost_usd:>9,.0f} {r.unlocks}"
            )
    return 0


def cmd_checklist_import(args) -> int:
    from passmap.catalog import import_checklist
    from passmap.store import Store

    with Store(db_path(args)) as store:
        counts = import_checklist(store, args.file, edition=args.edition, mode=args.mode)
    print(
        f"Imported {counts['practices']} practices and {counts['statuses']} statuses "
        f"from {args.file} ({args.mode})."
    )
    for warning in counts["warnings"]:
        print(f"Warning: {warning}")
    return 0


def cmd_load_starter(args) -> int:
    from passmap.catalog import load_starter
    from passmap.store import Store

    with Store(db_path(args)) as store:
        n = load_starter(store, args.edition)
    print(
        f"Loaded {n} starter practices of edition {args.edition} (PassMap wording, not PASS text)."
    )
    return 0
