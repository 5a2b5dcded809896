"""District KPIs: campuses per tier, practices in place, open gaps, devices offline."""

from __future__ import annotations

from collections import Counter

import streamlit as st

from passmap.palette import tier_label
from ui import assessment


def _findings_frame(result):
    frame = getattr(result, "findings", None)
    return frame if frame is not None and hasattr(frame, "columns") else None


def devices_offline(campus_ids: list[str]) -> int | None:
    """Devices offline or stale on these campuses (ui.live_panel), None without any feed."""
    from ui import live_panel

    return live_panel.devices_offline(campus_ids)


def kpi_strip(campus_ids: list[str], live: bool = False) -> None:
    """One row of metrics over the district's campuses."""
    tiers = assessment.tiers(live)
    per_tier = Counter(tiers.get(c) for c in campus_ids)
    result = assessment.get_assessment(live)
    findings = _findings_frame(result)
    cols = st.columns(4)
    if tiers:
        text = " · ".join(
            f"{tier_label(t)}: {n}"
            for t, n in sorted(per_tier.items(), key=lambda kv: -1 if kv[0] is None else kv[0])
        )
    else:
        text = f"{len(campus_ids)} not assessed"
    cols[0].metric("Campuses per tier", len(campus_ids), help=text)
    cols[0].caption(text)
    if findings is not None and "status" in findings:
        cols[1].metric("Practices in place", int((findings["status"] == "in_place").sum()))
        cols[2].metric("Open gaps", int(findings["status"].isin(["needed", "in_progress"]).sum()))
    else:
        cols[1].metric("Practices in place", "–", help="The compliance engine has not run.")
        cols[2].metric("Open gaps", "–", help="The compliance engine has not run.")
    offline = devices_offline(campus_ids)
    cols[3].metric(
        "Devices offline",
        "–" if offline is None else offline,
        help="Devices whose last report says offline, or silent past their reporting interval."
        if offline is not None
        else "No live feed connected.",
    )
