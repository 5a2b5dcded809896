"""Floor-plan templates of the demo schools, in building-local metres (front = south, y < 0).

Each template returns ``{ordinal: [Room, ...]}``; the spine corridor runs east along y = 0 with
the main entrance in its south (front) row. Upper floors repeat the classroom wings so stairs
line up on every level.
"""

from __future__ import annotations

from passmap.demo.plan import Slot, block_room, wing

P, S, T = "exterior-primary", "exterior-secondary", "exterior-tertiary"
GAP = Slot("gap", 3.0)


def cls(label: str = "", ext=(), width: float = 9.5) -> Slot:
    return Slot("classroom", width, label=label, ext=ext)


def entrance(secure: bool, width: float = 8.0, depth: float = 12.0) -> Slot:
    """The main entrance slot: a secure vestibule + lobby, or a door straight into a corridor."""
    if secure:
        return Slot(
            "lobby",
            width,
            depth,
            ext=(P,),
            links=("Main Office",),
            sub=(("vestibule", 5.0, "Secure Vestibule"), ("lobby", depth - 5.0, "Main Lobby")),
        )
    return Slot("corridor", width, depth, label="Entry Hall", ext=(P,))


def north_wings(spine, specs, ends_kind=S):
    """Attach one wing going north at each gap of the spine's north row."""
    out = []
    for gap, (key, left, right) in zip(spine.gaps, specs):
        out.append(
            wing(
                key, gap, "N", left, right, start=9.0, ends=((), (ends_kind,) if ends_kind else ())
            )
        )
    return out


def elementary(secure: bool) -> dict:
    """One storey: spine with the office, two classroom wings (E shape), commons to the east."""
    south = [
        cls(),
        cls(),
        Slot("restroom", 5, label="Girls Restroom"),
        Slot("restroom", 5, label="Boys Restroom"),
        Slot("nurse", 7, depth=12 if secure else 9),
        Slot("main_office", 14, 12, label="Main Office"),
        entrance(secure),
        Slot("staff", 9, label="Staff Lounge / Workroom"),
        Slot("staff", 7, label="Conference Room"),
        Slot("mdf_idf", 4, label="MDF"),
        cls(),
        Slot("storage", 3.5, label="Custodial"),
    ]
    if not secure:  # older plan: office set back from the entrance, the door opens on the hall
        south[5], south[6] = entrance(False, 8, 9), Slot("main_office", 14, 9, label="Main Office")
    north = [
        cls(),
        cls(),
        GAP,
        cls(width=9.0),
        Slot("library", 24.5, 16, label="Library / Media Center"),
        cls(width=9.0),
        GAP,
        cls(),
        cls(),
        Slot("storage", 4, label="Book Room"),
    ]
    spine = wing("a", (0, 0), "E", north, south, ends=((S,), ()))
    wings = north_wings(
        spine,
        [
            (
                "b",
                [cls(ext=(T,)), cls(), cls(ext=(T,)), cls(), cls(), cls()],
                [
                    Slot("restroom", 4.5, label="Girls Restroom"),
                    Slot("restroom", 4.5, label="Boys Restroom"),
                    cls(),
                    cls(),
                    cls(),
                    cls(),
                    cls(),
                ],
            ),
            (
                "c",
                [cls(), cls(), cls(), cls(), cls(), cls()],
                [
                    cls(),
                    cls(),
                    Slot("mdf_idf", 3, label="IDF-C"),
                    cls(),
                    cls(),
                    cls(),
                    Slot("storage", 4.5, label="Custodial"),
                ],
            ),
        ],
    )
    x = spine.corridor.rect.bounds[2]
    commons = [
        block_room(
            "k-corr", "corridor", x, -1.5, x + 44, 1.5, "Commons Corridor", ext=[(S, (x + 44, 0))]
        ),
        block_room(
            "k-gym",
            "gym",
            x,
            -29.5,
            x + 34,
            -1.5,
            "Gymnasium / Multipurpose",
            "k-corr",
            ext=[(S, (x + 17, -29.5)), (T, (x, -20))],
        ),
        block_room("k-gst", "storage", x + 34, -13, x + 44, -1.5, "PE Storage", "k-corr"),
        block_room(
            "k-mech",
            "mechanical",
            x + 34,
            -29.5,
            x + 44,
            -13,
            "Mechanical / Electrical",
            ext=[(T, (x + 44, -20))],
        ),
        block_room(
            "k-caf",
            "cafeteria",
            x,
            1.5,
            x + 26,
            25.5,
            "Cafeteria",
            "k-corr",
            ext=[(S, (x + 13, 25.5))],
        ),
        block_room(
            "k-kit", "kitchen", x + 26, 1.5, x + 44, 19.5, "Kitchen", "k-corr", links=["Cafeteria"]
        ),
        block_room(
            "k-dock",
            "loading_dock",
            x + 26,
            19.5,
            x + 44,
            25.5,
            "Loading Dock",
            ext=[(T, (x + 38, 25.5))],
            links=["Kitchen"],
        ),
    ]
    rooms = spine.rooms + [r for w in wings for r in w.rooms] + commons
    return {0: rooms}


def upper(slots: list) -> list:
    """The row one floor up: stairs, restrooms and closets stay; other rooms become classrooms."""
    keep = {
        "stair",
        "restroom",
        "elevator",
        "mdf_idf",
        "storage",
        "gap",
        "classroom",
        "science_lab",
    }
    out = []
    for s in slots:
        if s.kind in keep:
            label = "IDF-2" if s.label == "MDF" else s.label
            out.append(Slot(s.kind, s.width, label=label if s.kind != "classroom" else ""))
        elif s.width < 8:
            out.append(
                Slot(
                    "storage" if s.width < 5 else "staff",
                    s.width,
                    label="" if s.width < 5 else "Teacher Workroom",
                )
            )
        else:
            n = max(1, round(s.width / 9.5))
            out += [cls(width=s.width / n) for _ in range(n)]
    return out


def stair(label: str, ext=()) -> Slot:
    return Slot("stair", 6.0, label=label, ext=ext)


def portable(x0: float, y0: float, rooms: int = 2) -> dict:
    """A double-wide portable classroom unit: rooms side by side, each with its own outside door."""
    out = []
    for i in range(rooms):
        left = x0 + i * 9.75
        door = P if i == 0 else S
        out.append(
            block_room(
                f"p{i}",
                "classroom",
                left,
                y0,
                left + 9.75,
                y0 + 9.5,
                ext=[(door, (left + 2.5, y0))],
            )
        )
    return {0: out}


def mirrored(plan: dict) -> dict:
    """The plan flipped east-west (an older school built to the mirror image of the standard)."""
    from shapely.affinity import scale

    for rooms in plan.values():
        for r in rooms:
            r.rect = scale(r.rect, xfact=-1, origin=(0, 0))
            r.ext = [(c, (-x, y)) for c, (x, y) in r.ext]
    return plan
