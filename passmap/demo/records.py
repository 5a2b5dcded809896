"""Ids, external ids, maintenance dates and GeoJSON features of the demo controls."""

from __future__ import annotations

from passmap.demo.frame import feature
from passmap.model import TECHNOLOGY_TYPES

ABBR = {
    "camera": "cam",
    "access_reader": "rdr",
    "door_contact": "dps",
    "intercom": "icm",
    "visitor_management": "vms",
    "duress_button": "dur",
    "pa_speaker": "pa",
    "strobe": "stb",
    "fire_alarm_panel": "facp",
    "intrusion_panel": "ids",
    "motion_sensor": "mot",
    "glass_break": "gbd",
    "wearable_duress_coverage": "wdc",
}


class ControlIds:
    """Stable ids, external ids and maintenance dates for the controls of one campus."""

    def __init__(self, cid, short, profile, rng):
        self.cid, self.short, self.p, self.rng = cid, short, profile, rng
        self.n, self.per_type = 0, {}

    def next(self, ctype) -> dict:
        self.n += 1
        out = {"id": f"{self.cid}-ctl-{self.n:04d}"}
        if ctype in TECHNOLOGY_TYPES:
            k = self.per_type[ctype] = self.per_type.get(ctype, 0) + 1
            out["external_id"] = f"cv-{self.short}-{ABBR.get(ctype, ctype)}-{k:03d}"
            out["installed_on"] = f"{self.rng.randint(2015, 2023)}-{self.rng.randint(1, 12):02d}-15"
            out["last_tested_on"] = self._tested()
            if self.rng.random() < self.p["procedure_share"]:
                out["procedure_doc"] = f"procedures/{self.cid}/{ctype.replace('_', '-')}-sop.pdf"
        return out

    def _tested(self):
        mode = self.p["tested"]
        if mode == "never":
            return None
        year, months = (2026, (6, 11)) if mode == "recent" else (2023, (1, 12))
        return f"{year}-{self.rng.randint(*months):02d}-{self.rng.randint(1, 28):02d}"


def control_feature(ctl, ids, frame, cid, bid, lid, zone_id, door_id=None):
    """One control feature; ``zone_id`` maps plan keys (or site (id, zone) pairs) to zone ids."""
    props = {
        "campus_id": cid,
        "building_id": bid if ctl.get("level") is not None else None,
        "level_id": lid if ctl.get("level") is not None else None,
        "type": ctl["type"],
        "name": ctl["name"],
        "fov_deg": ctl.get("fov_deg"),
        "range_m": ctl.get("range_m"),
        "attrs": ctl.get("attrs"),
    }
    props = dict(ids.next(ctl["type"]), **props)
    if isinstance(zone_id, dict):
        props["zone_id"] = zone_id.get(ctl.get("zone"))
        props["opening_id"] = (door_id or {}).get(ctl.get("opening"))
    else:
        props["zone_id"] = next((zid for zid, z in zone_id if z["geom"].covers(ctl["geom"])), None)
    if ctl.get("target") is not None:
        g = ctl["geom"]
        props["bearing_deg"] = frame.bearing_deg((g.x, g.y), ctl["target"])
    return feature("control", frame.to_wgs84(ctl["geom"]), props)
