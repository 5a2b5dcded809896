"""The live overlay: a ring in the state colour and a symbol per device (pure, no database).

``summary`` is passmap.feeds.status.device_summary output (device_id, control_id, state, stale).

>>> live_key("forced_open", False), live_key("open", False), live_key("closed", True)
('alarm', 'open', 'stale')
"""

from __future__ import annotations

import pydeck as pdk

from layers.deck import point_xy
from passmap.palette import LIVE_STATE_COLOURS, LIVE_STATE_LABELS

_KEYS = {
    "forced_open": "alarm",
    "held_open": "alarm",
    "tamper": "alarm",
    "triggered": "duress",
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
            }
        )
    return rows


def live_layers(controls, summary, radius_px: float = 14) -> list[pdk.Layer]:
    """Rings and symbols for devices NOT in a normal state, ids 'live-ring'/'live-symbol'.

    Normal devices get no ring: hundreds of green rings would hide the plan and the exceptions
    a person must see (the page's caption counts the devices reporting normally)."""
    rows = [r for r in live_rows(controls, summary) if r["key"] != "ok"]
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
        get_radius=radius_px,
        line_width_units="'pixels'",
        get_line_width=4,
        pickable=False,
    )
    marked = [r for r in rows if r["symbol"]]
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
    return [ring, text]
