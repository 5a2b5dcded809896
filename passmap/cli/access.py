"""Access commands: user add|list|disable|enable|reset-password, share create|list|revoke,
responder-map, grid, verify."""

from __future__ import annotations

import json
import sys

from passmap.cli import CommandError, db_path, reading_store

ACTOR = "cli"


def register(sub, parent) -> None:
    user = sub.add_parser("user", help="local accounts")
    usub = user.add_subparsers(dest="user_command", required=True)
    p = usub.add_parser(
        "add", parents=[parent], help="add an account (prints a generated password once)"
    )
    p.add_argument("username")
    p.add_argument(
        "--role", required=True, choices=("admin", "editor", "viewer", "partner", "board")
    )
    p.add_argument("--campus", action="append", help="limit to this campus id (repeatable)")
    p.add_argument("--display-name")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_user_add)
    p = usub.add_parser("list", parents=[parent], help="list accounts (never their passwords)")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_user_list, reads=True)
    p = usub.add_parser("disable", parents=[parent], help="disable an account")
    p.add_argument("username")
    p.set_defaults(func=cmd_user_disable)
    p = usub.add_parser("enable", parents=[parent], help="enable a disabled account")
    p.add_argument("username")
    p.set_defaults(func=cmd_user_enable)
    p = usub.add_parser(
        "reset-password",
        parents=[parent],
        help="set a new password (prints a generated one once); ends the account's sessions",
    )
    p.add_argument("username")
    p.add_argument("--password-stdin", action="store_true", help="read the password from stdin")
    p.set_defaults(func=cmd_user_reset_password)

    share = sub.add_parser("share", help="share links for public-safety partners")
    ssub = share.add_subparsers(dest="share_command", required=True)
    p = ssub.add_parser("create", parents=[parent], help="create a link and print it (shown once)")
    p.add_argument("--campus", action="append", required=True, help="campus id (repeatable)")
    p.add_argument("--layers", required=True, help="comma-separated, e.g. doors,hazards,aeds")
    p.add_argument("--expires", default="7d", help="duration: 7d, 12h, 30m")
    p.add_argument("--agency", default="Public safety partner")
    p.add_argument(
        "--base-url", help="the address partners open (default $PASSMAP_BASE_URL; one is needed)"
    )
    p.set_defaults(func=cmd_share_create)
    p = ssub.add_parser("list", parents=[parent], help="links with their use counts")
    p.add_argument("--format", choices=("json", "table"), default="table")
    p.set_defaults(func=cmd_share_list, reads=True)
    p = ssub.add_parser("revoke", parents=[parent], help="revoke a link at once")
    p.add_argument("link_id")
    p.set_defaults(func=cmd_share_revoke)

    p = sub.add_parser(
        "responder-map", parents=[parent], help="responder map: PDF, GeoJSON or IMDF"
    )
    p.add_argument("--campus", required=True)
    p.add_argument("--out", required=True)
    p.add_argument(
        "--format",
        choices=("pdf", "geojson", "imdf"),
        default=None,
        help="default: from the file name (.pdf, .geojson/.json, .zip)",
    )
    p.add_argument("--layers", help="only these layers (default: all)")
    p.set_defaults(func=cmd_responder_map)
    p = sub.add_parser("grid", parents=[parent], help="set a campus responder grid")
    p.add_argument("--campus", required=True)
    p.add_argument("--cell-m", type=float, default=50.0)
    p.add_argument("--origin", help="lon,lat of the north-west corner of A1")
    p.set_defaults(func=cmd_grid)
    p = sub.add_parser("verify", parents=[parent], help="record a walk-through verification")
    p.add_argument("--building", required=True)
    p.add_argument("--by", required=True, help="who walked the building")
    p.add_argument("--note")
    p.set_defaults(func=cmd_verify)


def _store(args, read_only=False):
    from passmap.store import Store

    return Store(db_path(args), read_only=read_only)


def cmd_user_add(args) -> int:
    from passmap.auth import AuthError, create_user, generate_password

    password = sys.stdin.readline().rstrip("\n") if args.password_stdin else generate_password()
    with _store(args) as store:
        try:
            create_user(
                store,
                args.username,
                password,
                args.role,
                actor=ACTOR,
                campus_scope=args.campus,
                display_name=args.display_name,
            )
        except AuthError as exc:
            raise CommandError(str(exc)) from None
    print(f"User {args.username} ({args.role}) created.")
    if not args.password_stdin:
        print(f"Password (shown once, not stored in clear): {password}")
    return 0


def _table(rows: list[dict], cols: list[str]) -> None:
    print("  ".join(f"{c:<20}" for c in cols))
    for r in rows:
        print("  ".join(f"{str(r.get(c) if r.get(c) is not None else '-')[:20]:<20}" for c in cols))


def cmd_user_list(args) -> int:
    with reading_store(args) as store:
        users = store.list_users()
    if args.format == "json":
        print(json.dumps(users, default=str, indent=1))
    else:
        _table(users, ["username", "role", "display_name", "campus_scope", "disabled", "is_demo"])
    return 0


def _set_disabled(args, disabled: bool) -> int:
    with _store(args) as store:
        if not store.set_user_disabled(args.username, disabled, actor=ACTOR):
            raise CommandError(f"No user named {args.username!r}.")
    print(f"User {args.username} {'disabled' if disabled else 'enabled'}.")
    return 0


def cmd_user_disable(args) -> int:
    return _set_disabled(args, True)


def cmd_user_enable(args) -> int:
    return _set_disabled(args, False)


def cmd_user_reset_password(args) -> int:
    from passmap.auth import AuthError, reset_password

    typed = sys.stdin.readline().rstrip("\n") if args.password_stdin else None
    with _store(args) as store:
        try:
            password = reset_password(store, args.username, ACTOR, typed)
        except AuthError as exc:
            raise CommandError(str(exc)) from None
    print(f"Password of {args.username} reset; its sessions are ended.")
    if typed is None:
        print(f"New password (shown once, not stored in clear): {password}")
    return 0


def cmd_share_create(args) -> int:
    from passmap.config import load_settings
    from passmap.share import ShareError, base_url, create_link, link_url, parse_duration

    campuses = [c.strip() for item in args.campus for c in item.split(",") if c.strip()]
    try:
        base = base_url(args.base_url or load_settings().base_url)
    except ShareError as exc:
        raise CommandError(f"{exc} (or pass --base-url)") from None
    with _store(args) as store:
        link_id, token = create_link(
            store, args.agency, campuses, args.layers, parse_duration(args.expires), actor=ACTOR
        )
        link = store.get_share_link(link_id)
    print(
        f"Share link {link_id} for {args.agency}, expires {link['expires_utc']:%Y-%m-%d %H:%M} UTC "
        "(shown once):",
        file=sys.stderr,
    )
    print(link_url(token, base))
    return 0


def cmd_share_list(args) -> int:
    with reading_store(args) as store:
        links = store.list_share_links()
    if args.format == "json":
        print(json.dumps(links, default=str, indent=1))
    else:
        _table(links, ["id", "agency", "campuses", "layers", "expires_utc", "revoked_utc", "uses"])
    return 0


def cmd_share_revoke(args) -> int:
    with _store(args) as store:
        if not store.revoke_share_link(args.link_id, actor=ACTOR):
            raise CommandError(f"No active share link {args.link_id!r}.")
    print(f"Share link {args.link_id} revoked.")
    return 0


def _format_of(args) -> str:
    if args.format:
        return args.format
    name = args.out.lower()
    if name.endswith(".pdf"):
        return "pdf"
    if name.endswith((".geojson", ".json")):
        return "geojson"
    if name.endswith(".zip"):
        return "imdf"
    raise CommandError(f"Cannot tell the format of {args.out}; pass --format pdf|geojson|imdf.")


def cmd_responder_map(args) -> int:
    from passmap.access import parse_layers
    from passmap.reports.responder import render_responder_pdf
    from passmap.reports.responder_export import responder_geojson, responder_imdf

    fmt = _format_of(args)
    layers = parse_layers(args.layers) if args.layers else None
    with _store(args) as store:
        if store.get("campus", args.campus) is None:
            raise CommandError(f"Unknown campus id {args.campus!r}.")
        if fmt == "pdf":
            info = render_responder_pdf(store, args.campus, args.out, layers)
            print(f"Responder map {args.out}: {info['pages']} pages.")
        elif fmt == "geojson":
            doc = responder_geojson(store, args.campus, layers)
            with open(args.out, "w", encoding="utf-8") as fh:
                json.dump(doc, fh, default=str)
            print(f"Responder GeoJSON {args.out}: {len(doc['features'])} features.")
        else:
            counts = responder_imdf(store, args.campus, args.out, layers)
            print(f"Responder IMDF {args.out}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    return 0


def cmd_grid(args) -> int:
    from passmap.grid import configure_grid

    origin = None
    if args.origin:
        try:
            lon, lat = (float(v) for v in args.origin.split(","))
        except ValueError:
            raise CommandError(f"--origin {args.origin!r} must be lon,lat.") from None
        origin = (lon, lat)
    with _store(args) as store:
        spec = configure_grid(store, args.campus, args.cell_m, origin, actor=ACTOR)
    print(
        f"Grid of {args.campus}: {spec.n_cols} columns x {spec.n_rows} rows of {spec.cell_m:g} m."
    )
    return 0


def cmd_verify(args) -> int:
    with _store(args) as store:
        building = store.get("building", args.building)
        if building is None:
            raise CommandError(f"Unknown building id {args.building!r}.")
        store.record_verification(args.building, args.by, args.note)
    print(f"Walk-through of {building['name']} recorded for {args.by}.")
    return 0
