"""Floor-plan templates of the demo middle and high schools (building-local metres, front south).

The high school repeats its classroom wings on the second floor, so stairs line up on both levels.
"""

from __future__ import annotations

from passmap.demo.plan import Slot, block_room, wing
from passmap.demo.schools import GAP, S, T, cls, entrance, north_wings, stair, upper


def middle() -> dict:
    """One storey: spine, three classroom wings (science wing east), gym and cafeteria commons."""
    north = [
        Slot("music", 12, label="Band Room", ext=(T,)),
        Slot("music", 10, label="Choir Room"),
        GAP,
        cls(width=9.0),
        Slot("library", 24.5, 16, label="Library / Media Center"),
        cls(width=9.0),
        GAP,
        cls(),
        cls(),
        Slot("restroom", 5, label="Girls Restroom"),
        Slot("restroom", 5, label="Boys Restroom"),
        cls(),
        GAP,
        cls(),
        cls(),
        Slot("storage", 3.5, label="Custodial"),
    ]
    south = [
        cls(ext=(T,)),
        cls(),
        cls(ext=(T,)),
        Slot("restroom", 5, label="Girls Restroom"),
        Slot("restroom", 5, label="Boys Restroom"),
        Slot("staff", 9, label="Counseling"),
        Slot("staff", 7, label="Assistant Principal"),
        Slot("nurse", 7, 12),
        Slot("main_office", 16, 12, label="Main Office"),
        entrance(True),
        Slot("staff", 9, label="Staff Workroom"),
        Slot("staff", 8, label="Conference Room"),
        Slot("mdf_idf", 4, label="MDF"),
        cls(),
        cls(),
        cls(),
    ]
    spine = wing("a", (0, 0), "E", north, south, ends=((S,), ()))
    sci = Slot("science_lab", 12)
    wings = north_wings(
        spine,
        [
            (
                "b",
                [cls(ext=(T,))] + [cls()] * 6,
                [
                    Slot("restroom", 4.5, label="Girls Restroom"),
                    Slot("restroom", 4.5, label="Boys Restroom"),
                ]
                + [cls()] * 6,
            ),
            (
                "c",
                [cls()] * 7,
                [cls()] * 3
                + [Slot("mdf_idf", 3, label="IDF-C")]
                + [cls()] * 3
                + [Slot("storage", 3.5, label="Custodial")],
            ),
            (
                "d",
                [sci] * 5 + [Slot("storage", 6, label="Science Prep")],
                [sci] * 5 + [Slot("storage", 6, label="Science Prep")],
            ),
        ],
    )
    x = spine.corridor.rect.bounds[2]
    commons = _gym_commons(x, 56, gym=(36, 32), lockers=True)
    return {0: spine.rooms + [r for w in wings for r in w.rooms] + commons}


def _gym_commons(x, length, gym, lockers, aux=None) -> list:
    """Corridor east of the spine with the gym (south) and cafeteria, kitchen, dock (north)."""
    gw, gd = gym
    rooms = [
        block_room(
            "k-corr",
            "corridor",
            x,
            -1.5,
            x + length,
            1.5,
            "Commons Corridor",
            ext=[(S, (x + length, 0))],
        ),
        block_room(
            "k-gym",
            "gym",
            x,
            -1.5 - gd,
            x + gw,
            -1.5,
            "Gymnasium",
            "k-corr",
            ext=[
                (S, (x + gw * 0.3, -1.5 - gd)),
                (S, (x + gw * 0.75, -1.5 - gd)),
                (T, (x, -1.5 - gd + 6)),
            ],
        ),
    ]
    rest = length - gw
    if aux:
        rooms.append(
            block_room(
                "k-aux",
                "gym",
                x + gw,
                -1.5 - aux,
                x + length,
                -1.5,
                "Auxiliary Gym",
                "k-corr",
                ext=[(T, (x + length, -1.5 - aux / 2))],
            )
        )
    top = -1.5 - (aux or 0)
    mid = (top + (-1.5 - gd)) / 2 if aux else -1.5 - gd / 2
    lock_links = ["Auxiliary Gym"] if aux else ["Gymnasium"]
    if lockers:
        rooms += [
            block_room(
                "k-lkb",
                "locker_room",
                x + gw,
                mid,
                x + length,
                top,
                "Boys Locker Room",
                None if aux else "k-corr",
                links=["Gymnasium"] + (lock_links if aux else []),
            ),
            block_room(
                "k-lkg",
                "locker_room",
                x + gw,
                -1.5 - gd,
                x + length,
                mid,
                "Girls Locker Room",
                links=["Gymnasium"],
                ext=[(T, (x + gw + rest / 2, -1.5 - gd))],
            ),
        ]
    cw, kw = 0.5 * length + 8, 0.3 * length
    rooms += [
        block_room(
            "k-caf",
            "cafeteria",
            x,
            1.5,
            x + cw,
            27.5 + (4 if aux else 0),
            "Cafeteria",
            "k-corr",
            ext=[(S, (x + cw / 2, 40)), (T, (x, 24))],
        ),
        block_room(
            "k-kit",
            "kitchen",
            x + cw,
            1.5,
            x + cw + kw,
            21.5,
            "Kitchen",
            "k-corr",
            links=["Cafeteria"],
        ),
        block_room(
            "k-dock",
            "loading_dock",
            x + cw,
            21.5,
            x + cw + kw,
            27.5 + (4 if aux else 0),
            "Loading Dock",
            ext=[(T, (x + cw + kw / 2, 40))],
            links=["Kitchen"],
        ),
        block_room(
            "k-mech",
            "mechanical",
            x + cw + kw,
            1.5,
            x + length,
            27.5 + (4 if aux else 0),
            "Mechanical / Electrical",
            "k-corr",
            ext=[(T, (x + length, 20))],
        ),
    ]
    return rooms


def high() -> dict:
    """Two storeys of classroom wings over a one-storey commons (gyms, cafeteria) and auditorium."""
    north = [
        stair("Stair 1"),
        cls(),
        GAP,
        cls(width=9.0),
        Slot("library", 28, 18, label="Library / Media Center"),
        cls(width=9.0),
        GAP,
        cls(),
        cls(),
        Slot("restroom", 5, label="Girls Restroom"),
        Slot("restroom", 5, label="Boys Restroom"),
        cls(),
        GAP,
        cls(),
        cls(),
        stair("Stair 2"),
    ]
    south = [
        stair("Stair 3", (T,)),
        cls(),
        cls(),
        Slot("restroom", 5, label="Girls Restroom"),
        Slot("restroom", 5, label="Boys Restroom"),
        Slot("sro_office", 8, 12, label="SRO Office"),
        Slot("nurse", 8, 12),
        Slot("main_office", 18, 12, label="Main Office"),
        entrance(True, 10),
        Slot("staff", 10, 12, label="Guidance / Counseling"),
        Slot("staff", 8, label="Principal"),
        Slot("elevator", 3, label="Elevator"),
        Slot("mdf_idf", 4, label="MDF"),
        cls(),
        cls(),
        Slot("storage", 5, label="Custodial"),
        stair("Stair 4", (T,)),
    ]
    sci = Slot("science_lab", 12)
    rr = [
        Slot("restroom", 4.5, label="Girls Restroom"),
        Slot("restroom", 4.5, label="Boys Restroom"),
    ]
    specs = [
        (
            "b",
            [sci] * 5 + [stair("Stair B", (T,))],
            rr
            + [sci] * 4
            + [Slot("storage", 6, label="Science Prep"), Slot("mdf_idf", 3, label="IDF-B")],
        ),
        (
            "c",
            [cls()] * 6 + [stair("Stair C", (T,))],
            rr
            + [cls()] * 5
            + [Slot("mdf_idf", 3, label="IDF-C"), Slot("storage", 3.5, label="Custodial")],
        ),
        (
            "d",
            [cls()] * 6 + [stair("Stair D", (T,))],
            [cls()] * 6
            + [
                Slot("restroom", 3, label="Staff Restroom"),
                Slot("restroom", 3, label="Staff Restroom"),
            ],
        ),
    ]
    spine = wing("a", (0, 0), "E", north, south)
    wings = north_wings(spine, specs)
    spine2 = wing("a", (0, 0), "E", upper(north), upper(south))
    wings2 = north_wings(
        spine2, [(k, upper(lft), upper(rgt)) for k, lft, rgt in specs], ends_kind=None
    )
    x = spine.corridor.rect.bounds[2]
    ground = (
        spine.rooms
        + [r for w in wings for r in w.rooms]
        + _gym_commons(x, 72, (42, 38), True, aux=24)
    )
    ground += _auditorium_block()
    second = spine2.rooms + [r for w in wings2 for r in w.rooms]
    for r in second:
        r.ext = []
    return {0: ground, 1: second}


def _auditorium_block() -> list:
    return [
        block_room(
            "w-corr", "corridor", -40, -1.5, 0, 1.5, "Fine Arts Corridor", ext=[(S, (-40, 0))]
        ),
        block_room(
            "w-aud",
            "auditorium",
            -40,
            -40,
            0,
            -1.5,
            "Auditorium (620 seats)",
            "w-corr",
            ext=[(S, (-26, -40)), (S, (-12, -40)), (T, (-40, -30)), (T, (0, -30))],
        ),
        block_room(
            "w-band", "music", -40, 1.5, -20, 21.5, "Band Room", "w-corr", ext=[(T, (-40, 12))]
        ),
        block_room(
            "w-choir", "music", -20, 1.5, 0, 16.5, "Choir Room", "w-corr", ext=[(T, (-10, 16.5))]
        ),
    ]
