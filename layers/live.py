"""The live overlay: a ring in the state colour and a symbol per device (pure, no database).

``summary`` is passmap.feeds.status.device_summary output (device_id, control_id, state, stale).

>>> live_key("forced_open", False), live_key("open", False), live_key("closed", True)
('alarm', 'open', 'stale')
"""

from __future__ import annotations

import html

import pydeck as pdk

from layers.deck import point_xy
from passmap.palette import LIVE_STATE_COLOURS, LIVE_STATE_LABELS

_KEYS = {
    "forced_open": "alarm",
    "held_open": "alarm",
    "tamper": "alarm",
    "triggered": "duress",
    "alarm": "alarm",
    "offline": "offline",
    "video_loss": "offline",
    "storage_fail": "degraded",
    "fault": "degraded",
    "degraded": "degraded",
    "open": "open",
    "unlocked": "open",
    "locked_open": "open",
    "unknown": "unknown",
}
SYMBOLS = {
    "alarm": "!",
    "duress": "!!",
    "offline": "x",
    "stale": "?",
    "open": "o",
    "degraded": "~",
    "ok": "",
    "unknown": "?",
}


def live_key(state: str, stale: bool) -> str:
    """Palette key of a device's summary state (stale wins over a normal state)."""
    key = _KEYS.get(state, "ok")
    if stale and key in ("ok", "open", "unknown"):
        return "stale"
    return key


def control_live_keys(summary) -> dict[str, str]:
    """control id -> palette key, for devices mapped to a control."""
    if summary is None or len(summary) == 0:
        return {}
    return {
        r.control_id: live_key(r.state, bool(r.stale))
        for r in summary.itertuples()
        if isinstance(r.control_id, str)
    }


def live_rows(controls, summary) -> list[dict]:
    keys = control_live_keys(summary)
    states = (
        {}
        if summary is None or len(summary) == 0
        else dict(zip(summary["control_id"], summary["state"]))
    )
    rows = []
    for c in controls.itertuples(index=False):
        key = keys.get(c.id)
        if key is None or c.geometry is None:
            continue
        rows.append(
            {
                "position": point_xy(c.geometry.centroid),
                "id": c.id,
                "key": key,
                "colour": LIVE_STATE_COLOURS[key],
                "symbol": SYMBOLS[key],
                "tip": f"{c.id}: {states.get(c.id)} ({LIVE_STATE_LABELS[key]})",
                "state": states.get(c.id),
            }
        )
    return rows


URGENT = ("duress", "alarm")  # drawn large, haloed, pulsing and labelled
_LABELS = {"triggered": "SOS", "forced_open": "FORCED", "held_open": "HELD OPEN", "alarm": "ALARM",
           "tamper": "TAMPER"}  # fmt: skip


def live_layers(controls, summary, radius_px: float = 14, phase: int = 0) -> list[pdk.Layer]:
    """Rings and symbols for devices NOT in a normal state ('live-ring', 'live-symbol'); alarms
    and duress also get a large translucent halo whose size alternates with ``phase`` (the
    map's 1 s refresh passes 0/1: a pulse the eye catches) and a bold label ('live-halo',
    'live-label').

    Normal devices get no ring: hundreds of green rings would hide the plan and the exceptions
    a person must see (the page's caption counts the devices reporting normally)."""
    rows = [r for r in live_rows(controls, summary) if r["key"] != "ok"]
    for r in rows:
        big = r["key"] in URGENT
        r["radius"], r["width"] = (radius_px * 1.4, 6) if big else (radius_px, 4)
    urgent = [
        dict(r, halo=[*r["colour"][:3], 70], label=_LABELS.get(r["state"], "ALARM"))
        for r in rows
        if r["key"] in URGENT
    ]
    halo = pdk.Layer(
        "ScatterplotLayer",
        urgent,
        id="live-halo",
        get_position="position",
        get_fill_color="halo",
        get_line_color="colour",
        stroked=True,
        filled=True,
        radius_units="'pixels'",
        get_radius=radius_px * (2.6 if phase else 2.0),
        line_width_units="'pixels'",
        get_line_width=3,
        pickable=False,
    )
    ring = pdk.Layer(
        "ScatterplotLayer",
        rows,
        id="live-ring",
        get_position="position",
        get_fill_color=[0, 0, 0, 0],
        get_line_color="colour",
        stroked=True,
        filled=False,
        radius_units="'pixels'",
        get_radius="radius",
        line_width_units="'pixels'",
        get_line_width="width",
        pickable=False,
    )
    marked = [r for r in rows if r["symbol"] and r["key"] not in URGENT]
    text = pdk.Layer(
        "TextLayer",
        marked,
        id="live-symbol",
        get_position="position",
        get_text="symbol",
        get_color="colour",
        get_size=16,
        get_pixel_offset=[radius_px, -radius_px],
        font_weight=700,
        pickable=False,
    )
    label = pdk.Layer(
        "TextLayer",
        urgent,
        id="live-label",
        get_position="position",
        get_text="label",
        get_color=[255, 255, 255, 255],
        get_size=15,
        get_pixel_offset=[0, -radius_px * 3],
        font_weight=800,
        background=True,
        get_background_color="colour",
        background_padding=[6, 3],
        pickable=False,
    )
    return [halo, ring, text, label]


def live_legend(summary, controls=None) -> str:
    """HTML legend of the live symbols drawn (only the keys present), beside the map."""
    keys = set(control_live_keys(summary).values()) - {"ok"}
    if controls is not None:
        here = set(controls["id"])
        keys = {k for c, k in control_live_keys(summary).items() if c in here} - {"ok"}
    if not keys:
        return ""
    order = ["duress", "alarm", "offline", "degraded", "stale", "open", "unknown"]
    rows = []
    for key in [k for k in order if k in keys]:
        r, g, b, _a = LIVE_STATE_COLOURS[key]
        size = 18 if key in URGENT else 12
        rows.append(
            '<div style="display:flex;align-items:center;gap:6px;margin:2px 0">'
            f'<span style="display:inline-block;width:{size}px;height:{size}px;border-radius:50%;'
            f"border:{4 if key in URGENT else 3}px solid rgb({r},{g},{b});"
            f'background:rgba({r},{g},{b},{0.3 if key in URGENT else 0})"></span>'
            f"<span>{html.escape(LIVE_STATE_LABELS[key])}</span></div>"
        )
    return (
        '<div class="pm-legend" style="font-size:13px;line-height:1.3">'
        "<b>Live status</b>" + "".join(rows) + "</div>"
    )
