"""The board's words and tables, shared by the page, the PDF, the deck and the CSV so each says
exactly the same thing: subtitles, the gaps table, the roadmap and progress lines, money."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pandas as pd

from passmap.csvsafe import safe_row
from passmap.reports.board import GAP_COLUMNS, ROADMAP_COLUMNS, BoardReport, summarise_gaps


# -- CSV of gaps and roadmap --------------------------------------------------------------------
def board_csv_text(report: BoardReport) -> str:
    """One CSV: every ranked gap (section 'gap') then the roadmap rows (section 'roadmap'),
    scheduled items by year, then the ones the budget cannot fund (empty year)."""
    cols = ["section"] + list(dict.fromkeys(GAP_COLUMNS + ROADMAP_COLUMNS))
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=cols, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in report.gaps.to_dict("records"):
        writer.writerow(safe_row(dict(row, section="gap")))
    for row in pd.concat([report.roadmap, report.unscheduled]).to_dict("records"):
        writer.writerow(safe_row(dict(row, section="roadmap")))  # unfunded items have no year
    return buf.getvalue()


def write_board_csv(report: BoardReport, path: str | Path) -> Path:
    path = Path(path)
    path.write_text(board_csv_text(report), encoding="utf-8")
    return path


def cut(text, width: int) -> str:
    """Shorten to ``width`` characters with an ellipsis (slide tables have fixed widths), at a
    word boundary: a board member reads whole words ("Oak Hollow Elementary…", never
    "Oak Hollow Elementary S…"); only a single word longer than the width is cut inside.

    >>> cut("Oak Hollow Elementary School", 24), cut("Short", 24), cut("Supercalifragilistic", 8)
    ('Oak Hollow Elementary…', 'Short', 'Superca…')
    """
    text = " ".join(str(text).split())
    if len(text) <= width:
        return text
    head = text[: width - 1]
    if " " in head and text[width - 1] != " ":
        head = head[: head.rfind(" ")]
    return head.rstrip(" ,;:-–(/") + "…"


def gaps_subtitle(report: BoardReport) -> str:
    return (
        f"{len(report.gaps)} gaps in all (practice x place), "
        f"{money(report.gaps_total_cost_usd)} to close them; "
        f"the {len(report.top_gaps)} most critical practices:"
    )


def gaps_table(report: BoardReport, title_width: int = 60, where_width: int = 32) -> pd.DataFrame:
    """The gaps slide's table, as every surface shows it."""
    top = report.top_gaps
    tiers = [
        ("Baseline" if t == "baseline" else f"Tier {t}") + ("" if v else " (suggested)")
        for t, v in zip(top["tier"], top["tier_verified"])
    ]
    return pd.DataFrame(
        {
            "#": top["rank"],
            "Practice": [cut(t, title_width) for t in top["title"]],
            "Where": [cut(w, where_width) for w in top["where"]],
            "Tier": tiers,
            "Criticality": top["criticality"],
            "Cost": [money(c) for c in top["cost_usd"]],
        }
    )


def roadmap_subtitle(report: BoardReport) -> str:
    return (
        f"{len(report.roadmap)} items over {report.years} years for "
        f"{money(report.roadmap['cost_usd'].sum())}, "
        f"within {money(report.budget_per_year_usd)} a year"
    )


def change_lines(report: BoardReport, width: int = 40, limit: int = 6) -> list[str]:
    """The progress slide's text: what improved and what regressed since the previous one."""
    if len(report.history) < 2:
        return ["Changes appear once two assessments are recorded."]
    lines = []
    for change, sign, head in (
        ("improved", "+", "Improved since the previous assessment"),
        ("regressed", "−", "Regressed since the previous assessment"),
    ):
        rows = report.changes[report.changes["change"] == change]
        lines += ([""] if lines else []) + [f"{head}: {len(rows)}"]
        lines += [
            f"  {sign} {cut(r.title, width)} ({cut(r.scope_name, 22)})"
            for r in rows.head(limit).itertuples()
        ]
    return lines


def roadmap_lines(
    report: BoardReport, width: int = 46, limit: int = 5, items: bool = True
) -> list[str]:
    """The roadmap slide's text: tiers reached, then per year the count, cost and first items."""
    lines = []
    if report.milestones:
        lines.append(f"Tiers reached: {len(report.milestones)}")
        lines += [f"  ★ {cut(m, width + 20)}" for m in report.milestones[:limit]]
        if len(report.milestones) > limit:
            lines.append(f"  … and {len(report.milestones) - limit} more")
        lines.append("")
    for year, rows in report.roadmap.groupby("year"):
        lines.append(f"Year {year}: {len(rows)} items, {money(rows['cost_usd'].sum())}")
        if not items:
            continue
        top = summarise_gaps(rows, report.names_of_campuses).sort_values(
            "cost_usd", ascending=False, kind="stable"
        )
        lines += [
            f"  • {cut(r.title, width)}: {cut(r.where, 24)}, {money(r.cost_usd)}"
            for r in top.head(limit).itertuples()
        ]
        if len(top) > limit:
            lines.append(f"  … and {len(top) - limit} more practices")
    if len(report.unscheduled):
        lines += [
            "",
            f"Not funded within {report.years} years: {len(report.unscheduled)} items, "
            f"{money(report.unscheduled['cost_usd'].sum())}",
        ]
    return lines or ["Nothing planned."]


def plural(n: int, word: str) -> str:
    """'1 recorded assessment', '3 recorded assessments'."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def money(value_usd: float) -> str:
    """'$1,234,500' (whole dollars, as a board reads them)."""
    return f"${value_usd:,.0f}"
