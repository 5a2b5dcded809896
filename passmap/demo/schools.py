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
        return Slot("lobby", width, depth, ext=(P,), links=("Main Office",),
                    sub=(("vestibule", 5.0, "Secure Vestibule"), ("lobby", depth - 5.0, "Main Lobby")))
    return Slot("corridor", width, depth, label="Entry Hall", ext=(P,))


def _north_wings(spine, specs, ends_kind=S):
    """Attach one wing going north at each gap of the spine's north row."""
    out = []
    for gap, (key, left, right) in zip(spine.gaps, specs):
        out.append(wing(key, gap, "N", left, right, start=9.0, ends=((), (ends_kind,) if ends_kind else ())))
    return out


def elementary(secure: bool) -> dict:
    """One storey: spine with the office, two classroom wings (E shape), commons to the east."""
    south = [cls(), cls(), Slot("restroom", 5, label="Girls Restroom"),
             Slot("restroom", 5, label="Boys Restroom"), Slot("nurse", 7, depth=12 if secure else 9),
             Slot("main_office", 14, 12, label="Main Office"), entrance(secure),
             Slot("staff", 9, label="Staff Lounge / Workroom"), Slot("staff", 7, label="Conference Room"),
             Slot("mdf_idf", 4, label="MDF"), cls(), Slot("storage", 3.5, label="Custodial")]
    if not secure:   # older plan: office set back from the entrance, the door opens on the hall
        south[5], south[6] = entrance(False, 8, 9), Slot("main_office", 14, 9, label="Main Office")
    north = [cls(), cls(), GAP, cls(width=9.0), Slot("library", 24.5, 16, label="Library / Media Center"),
             cls(width=9.0), GAP, cls(), cls(), Slot("storage", 4, label="Book Room")]
    spine = wing("a", (0, 0), "E", north, south, ends=((S,), ()))
    wings = _north_wings(spine, [
        ("b", [cls(ext=(T,)), cls(), cls(ext=(T,)), cls(), cls(), cls()],
         [Slot("restroom", 4.5, label="Girls Restroom"), Slot("restroom", 4.5, label="Boys Restroom"),
          cls(), cls(), cls(), cls(), cls()]),
        ("c", [cls(), cls(), cls(), cls(), cls(), cls()],
         [cls(), cls(), Slot("mdf_idf", 3, label="IDF-C"), cls(), cls(), cls(),
          Slot("storage", 4.5, label="Custodial")]),
    ])
    x = spine.corridor.rect.bounds[2]
    commons = [
        block_room("k-corr", "corridor", x, -1.5, x + 44, 1.5, "Commons Corridor", ext=[(S, (x + 44, 0))]),
        block_room("k-gym", "gym", x, -29.5, x + 34, -1.5, "Gymnasium / Multipurpose", "k-corr",
                   ext=[(S, (x + 17, -29.5)), (T, (x, -20))]),
        block_room("k-gst", "storage", x + 34, -13, x + 44, -1.5, "PE Storage", "k-corr"),
        block_room("k-mech", "mechanical", x + 34, -29.5, x + 44, -13, "Mechanical / Electrical",
                   ext=[(T, (x + 44, -20))]),
        block_room("k-caf", "cafeteria", x, 1.5, x + 26, 25.5, "Cafeteria", "k-corr",
                   ext=[(S, (x + 13, 25.5))]),
        block_room("k-kit", "kitchen", x + 26, 1.5, x + 44, 19.5, "Kitchen", "k-corr", links=["Cafeteria"]),
        block_room("k-dock", "loading_dock", x + 26, 19.5, x + 44, 25.5, "Loading Dock",
                   ext=[(T, (x + 38, 25.5))], links=["Kitchen"]),
    ]
    rooms = spine.rooms + [r for w in wings for r in w.rooms] + commons
    return {0: rooms}


def _upper(slots: list) -> list:
    """The same row one floor up: stairs, restrooms and closets stay; other rooms become classrooms."""
    keep = {"stair", "restroom", "elevator", "mdf_idf", "storage", "gap", "classroom", "science_lab"}
    out = []
    for s in slots:
        if s.kind in keep:
            label = "IDF-2" if s.label == "MDF" else s.label
            out.append(Slot(s.kind, s.width, label=label if s.kind != "classroom" else ""))
        elif s.width < 8:
            out.append(Slot("storage" if s.width < 5 else "staff", s.width,
                            label="" if s.width < 5 else "Teacher Workroom"))
        else:
            n = max(1, round(s.width / 9.5))
            out += [cls(width=s.width / n) for _ in range(n)]
    return out


def _stair(label: str, ext=()) -> Slot:
    return Slot("stair", 6.0, label=label, ext=ext)


def middle() -> dict:
    """One storey: spine, three classroom wings (science wing east), gym/locker/cafeteria commons."""
    north = [Slot("music", 12, label="Band Room", ext=(T,)), Slot("music", 10, label="Choir Room"), GAP,
             cls(width=9.0), Slot("library", 24.5, 16, label="Library / Media Center"), cls(width=9.0), GAP,
             cls(), cls(), Slot("restroom", 5, label="Girls Restroom"), Slot("restroom", 5, label="Boys Restroom"),
             cls(), GAP, cls(), cls(), Slot("storage", 3.5, label="Custodial")]
    south = [cls(), cls(), cls(), Slot("restroom", 5, label="Girls Restroom"),
             Slot("restroom", 5, label="Boys Restroom"), Slot("staff", 9, label="Counseling"),
             Slot("staff", 7, label="Assistant Principal"), Slot("nurse", 7, 12),
             Slot("main_office", 16, 12, label="Main Office"), entrance(True),
             Slot("staff", 9, label="Staff Workroom"), Slot("staff", 8, label="Conference Room"),
             Slot("mdf_idf", 4, label="MDF"), cls(), cls(), cls()]
    spine = wing("a", (0, 0), "E", north, south, ends=((S,), ()))
    sci = Slot("science_lab", 12)
    wings = _north_wings(spine, [
        ("b", [cls(ext=(T,))] + [cls()] * 6,
         [Slot("restroom", 4.5, label="Girls Restroom"), Slot("restroom", 4.5, label="Boys Restroom")] + [cls()] * 6),
        ("c", [cls()] * 7, [cls()] * 3 + [Slot("mdf_idf", 3, label="IDF-C")] + [cls()] * 3 +
         [Slot("storage", 3.5, label="Custodial")]),
        ("d", [sci] * 5 + [Slot("storage", 6, label="Science Prep")],
         [sci] * 5 + [Slot("storage", 6, label="Science Prep")]),
    ])
    x = spine.corridor.rect.bounds[2]
    commons = _gym_commons(x, 56, gym=(36, 32), lockers=True)
    return {0: spine.rooms + [r for w in wings for r in w.rooms] + commons}


def _gym_commons(x, length, gym, lockers, aux=None) -> list:
    """Corridor east of the spine with the gym (south) and cafeteria, kitchen, dock (north)."""
    gw, gd = gym
    rooms = [block_room("k-corr", "corridor", x, -1.5, x + length, 1.5, "Commons Corridor",
                        ext=[(S, (x + length, 0))]),
             block_room("k-gym", "gym", x, -1.5 - gd, x + gw, -1.5, "Gymnasium", "k-corr",
                        ext=[(S, (x + gw / 2, -1.5 - gd)), (T, (x, -1.5 - gd + 6))])]
    rest = length - gw
    if aux:
        rooms.append(block_room("k-aux", "gym", x + gw, -1.5 - aux, x + length, -1.5, "Auxiliary Gym", "k-corr"))
    top = -1.5 - (aux or 0)
    mid = (top + (-1.5 - gd)) / 2 if aux else -1.5 - gd / 2
    lock_links = ["Auxiliary Gym"] if aux else ["Gymnasium"]
    if lockers:
        rooms += [block_room("k-lkb", "locker_room", x + gw, mid, x + length, top, "Boys Locker Room",
                             None if aux else "k-corr", links=["Gymnasium"] + (lock_links if aux else [])),
                  block_room("k-lkg", "locker_room", x + gw, -1.5 - gd, x + length, mid, "Girls Locker Room",
                             links=["Gymnasium"], ext=[(T, (x + gw + rest / 2, -1.5 - gd))])]
    cw, kw = 0.5 * length + 8, 0.3 * length
    rooms += [
        block_room("k-caf", "cafeteria", x, 1.5, x + cw, 27.5 + (4 if aux else 0), "Cafeteria", "k-corr",
                   ext=[(S, (x + cw / 2, 40))]),
        block_room("k-kit", "kitchen", x + cw, 1.5, x + cw + kw, 21.5, "Kitchen", "k-corr", links=["Cafeteria"]),
        block_room("k-dock", "loading_dock", x + cw, 21.5, x + cw + kw, 27.5 + (4 if aux else 0),
                   "Loading Dock", ext=[(T, (x + cw + kw / 2, 40))], links=["Kitchen"]),
        block_room("k-mech", "mechanical", x + cw + kw, 1.5, x + length, 27.5 + (4 if aux else 0),
                   "Mechanical / Electrical", "k-corr", ext=[(T, (x + length, 20))]),
    ]
    return rooms


def high() -> dict:
    """Two storeys of classroom wings over a one-storey commons (gyms, cafeteria) and auditorium."""
    north = [_stair("Stair 1"), cls(), GAP, cls(width=9.0), Slot("library", 28, 18, label="Library / Media Center"),
             cls(width=9.0), GAP, cls(), cls(), Slot("restroom", 5, label="Girls Restroom"),
             Slot("restroom", 5, label="Boys Restroom"), cls(), GAP, cls(), cls(), _stair("Stair 2")]
    south = [_stair("Stair 3", (T,)), cls(), cls(), Slot("restroom", 5, label="Girls Restroom"),
             Slot("restroom", 5, label="Boys Restroom"), Slot("sro_office", 8, 12, label="SRO Office"),
             Slot("nurse", 8, 12), Slot("main_office", 18, 12, label="Main Office"), entrance(True, 10),
             Slot("staff", 10, 12, label="Guidance / Counseling"), Slot("staff", 8, label="Principal"),
             Slot("elevator", 3, label="Elevator"), Slot("mdf_idf", 4, label="MDF"), cls(), cls(),
             Slot("storage", 5, label="Custodial"), _stair("Stair 4", (T,))]
    sci = Slot("science_lab", 12)
    rr = [Slot("restroom", 4.5, label="Girls Restroom"), Slot("restroom", 4.5, label="Boys Restroom")]
    specs = [
        ("b", [sci] * 5 + [_stair("Stair B", (T,))],
         rr + [sci] * 4 + [Slot("storage", 6, label="Science Prep"), Slot("mdf_idf", 3, label="IDF-B")]),
        ("c", [cls()] * 6 + [_stair("Stair C", (T,))],
         rr + [cls()] * 5 + [Slot("mdf_idf", 3, label="IDF-C"), Slot("storage", 3.5, label="Custodial")]),
        ("d", [cls()] * 6 + [_stair("Stair D", (T,))],
         [cls()] * 6 + [Slot("restroom", 3, label="Staff Restroom"), Slot("restroom", 3, label="Staff Restroom")]),
    ]
    spine = wing("a", (0, 0), "E", north, south)
    wings = _north_wings(spine, specs)
    spine2 = wing("a", (0, 0), "E", _upper(north), _upper(south))
    wings2 = _north_wings(spine2, [(k, _upper(lft), _upper(rgt)) for k, lft, rgt in specs], ends_kind=None)
    x = spine.corridor.rect.bounds[2]
    ground = spine.rooms + [r for w in wings for r in w.rooms] + _gym_commons(x, 72, (42, 38), True, aux=24)
    ground += _auditorium_block()
    upper = spine2.rooms + [r for w in wings2 for r in w.rooms]
    for r in upper:
        r.ext = []
    return {0: ground, 1: upper}


def _auditorium_block() -> list:
    return [
        block_room("w-corr", "corridor", -40, -1.5, 0, 1.5, "Fine Arts Corridor", ext=[(S, (-40, 0))]),
        block_room("w-aud", "auditorium", -40, -40, 0, -1.5, "Auditorium (620 seats)", "w-corr",
                   ext=[(S, (-20, -40)), (T, (-40, -30))]),
        block_room("w-band", "music", -40, 1.5, -20, 21.5, "Band Room", "w-corr", ext=[(T, (-40, 12))]),
        block_room("w-choir", "music", -20, 1.5, 0, 16.5, "Choir Room", "w-corr"),
    ]


def mirrored(plan: dict) -> dict:
    """The plan flipped east-west (an older school built to the mirror image of the standard)."""
    from shapely.affinity import scale

    for rooms in plan.values():
        for r in rooms:
            r.rect = scale(r.rect, xfact=-1, origin=(0, 0))
            r.ext = [(c, (-x, y)) for c, (x, y) in r.ext]
    return plan
