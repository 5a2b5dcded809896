"""Server-side drawings for the board exports (matplotlib, no pyplot, no browser): the campus map,
the layer x component heat map, tier bars, the roadmap and the progress chart.

Every function draws onto an ``Axes`` it is given, so the PDF pages and the PowerPoint images share
them. Colours come from the maps' palette through :func:`passmap.reports.board.tier_hex`.
"""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from matplotlib.colors import ListedColormap
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.patches import Patch, Rectangle
from matplotlib.textpath import TextToPath
from matplotlib.ticker import MaxNLocator

from passmap.geometry import to_metric
from passmap.localtime import district_clock
from passmap.reports.board import TIERS, BoardReport, tier_hex, tier_name
from passmap.reports.board_text import cut, money
from passmap.values import optional_int

NOT_APPLICABLE = "#eeeeee"
INK = "#1a1a1a"
MUTED = "#666666"


_TEXT = TextToPath()


def text_colour_on(tier: int | None) -> str:
    """White on the dark ends of the scale (red, dark blue), ink elsewhere."""
    return "white" if tier in (0, 4) else INK


def tier_legend(ax, tiers=TIERS, loc="lower left", fontsize=12) -> None:
    handles = [Patch(facecolor=tier_hex(t), edgecolor=MUTED, label=tier_name(t)) for t in tiers]
    ax.legend(handles=handles, loc=loc, fontsize=fontsize, frameon=True)


def draw_tier_counts(ax, report: BoardReport) -> None:
    """Campuses per tier, design (solid) beside effective (hatched), same tier colours."""
    counts = report.tier_counts
    x = np.arange(len(counts))
    for offset, col, hatch in ((-0.2, "design", None), (0.2, "effective", "//")):
        bars = ax.bar(
            x + offset,
            counts[col],
            width=0.38,
            color=counts["colour"],
            edgecolor=INK,
            hatch=hatch,
            label=col,
        )
        ax.bar_label(bars, labels=[str(v) for v in counts[col]], fontsize=13, padding=2)
    ax.set_xticks(x, counts["label"], fontsize=12)
    ax.set_ylabel("campuses", fontsize=12)
    ax.yaxis.set_major_locator(MaxNLocator(integer=True))
    ax.spines[["top", "right"]].set_visible(False)
    ax.legend(["design (as built)", "effective (live)"], fontsize=11, loc="upper right")


def draw_campus_map(
    ax,
    report: BoardReport,
    column: str = "design_tier",
    label_limit: int = 40,
    legend: bool = False,
) -> None:
    """Campus boundaries shaded by tier, names on small districts, a legend, north up."""
    campuses = report.campuses[report.campuses.geometry.notna()]
    ax.set_axis_off()
    if campuses.empty:
        ax.text(0.5, 0.5, "No campus boundaries recorded.", ha="center", fontsize=16)
        return
    metric = to_metric(campuses)
    colours = [tier_hex(optional_int(t)) for t in metric[column]]
    # Small parcels vanish at district scale: draw a marker at each centroid as well.
    metric.plot(ax=ax, color=colours, edgecolor=INK, linewidth=0.6)
    cents = metric.geometry.representative_point()
    ax.scatter(
        cents.x,
        cents.y,
        s=90 if len(metric) <= label_limit else 30,
        c=colours,
        edgecolors=INK,
        linewidths=0.8,
        zorder=3,
    )
    if len(metric) <= label_limit:
        for (_, row), pt in zip(metric.iterrows(), cents):
            ax.annotate(
                str(row["name"]),
                (pt.x, pt.y),
                xytext=(7, 5),
                textcoords="offset points",
                fontsize=10,
                color=INK,
                bbox={"boxstyle": "round,pad=0.15", "fc": "white", "ec": "none", "alpha": 0.8},
            )
    ax.set_aspect("equal")
    ax.annotate(
        "N",
        xy=(0.97, 0.97),
        xytext=(0.97, 0.88),
        xycoords="axes fraction",
        ha="center",
        fontsize=14,
        arrowprops={"arrowstyle": "-|>", "color": INK},
    )
    if legend:
        tier_legend(ax, tiers=TIERS + ((None,) if any(pd.isna(metric[column])) else ()))


def draw_heatmap(ax, matrix: pd.DataFrame, fontsize: int = 10) -> None:
    """Layer x component attained tiers; grey cells have no applicable practice.

    Labels are plain texts, not ticks: the tick machinery was half the cost of a campus page,
    and a 200-campus report draws 200 of these."""
    values = matrix.to_numpy(dtype=float)
    cmap = ListedColormap([tier_hex(t) for t in TIERS]).with_extremes(bad=NOT_APPLICABLE)
    ax.imshow(np.ma.masked_invalid(values), cmap=cmap, vmin=-0.5, vmax=4.5, aspect="auto")
    ax.set_axis_off()
    for (i, j), v in np.ndenumerate(values):
        tier = optional_int(v)
        ax.text(
            j,
            i,
            "–" if tier is None else str(tier),
            ha="center",
            va="center",
            fontsize=fontsize + 2,
            color=text_colour_on(tier),
        )
    width_pt = column_width_pt(ax, values.shape[1])
    for j, name in enumerate(matrix.columns):
        header = hyphenate(name, width_pt, fontsize - 1)
        ax.text(j, -0.6, header, ha="center", va="bottom", fontsize=fontsize - 1)
    for i, name in enumerate(matrix.index):
        ax.text(-0.6, i, _wrap(name, 14), ha="right", va="center", fontsize=fontsize)
    # White grid lines between cells, drawn as one collection.
    rows, cols = values.shape
    ax.vlines(np.arange(cols + 1) - 0.5, -0.5, rows - 0.5, colors="white", linewidth=1.5)
    ax.hlines(np.arange(rows + 1) - 0.5, -0.5, cols - 0.5, colors="white", linewidth=1.5)


def draw_building_cards(
    fig, buildings: pd.DataFrame, rect: tuple[float, float, float, float], fontsize: int = 13
) -> None:
    """One card per building (figure coordinates inside ``rect`` = left, bottom, width, height),
    filled with its tier colour, its name and tier written on it."""
    rows = buildings.sort_values("name").reset_index(drop=True)
    left, bottom, width, height = rect
    if rows.empty:
        fig.text(left, bottom + height - 0.05, "No buildings recorded.", fontsize=fontsize)
        return
    slot = height / max(len(rows), 6)
    size = fontsize if len(rows) <= 8 else max(7, fontsize - len(rows) // 3)
    for i, row in enumerate(rows.itertuples()):
        tier = optional_int(row.tier)
        top = bottom + height - i * slot
        fig.patches.append(
            Rectangle(
                (left, top - slot * 0.9),
                width,
                slot * 0.84,
                transform=fig.transFigure,
                figure=fig,
                facecolor=tier_hex(tier),
                edgecolor=INK,
            )
        )
        colour = text_colour_on(tier)
        fig.text(
            left + 0.01,
            top - slot * 0.32,
            f"{cut(row.name, 40)}",
            fontsize=size,
            va="center",
            color=colour,
        )
        fig.text(
            left + 0.01,
            top - slot * 0.66,
            tier_name(tier),
            fontsize=size,
            va="center",
            weight="bold",
            color=colour,
        )


def draw_roadmap(ax, report: BoardReport) -> None:
    """Spend per year against the yearly budget line."""
    by_year = report.roadmap_by_year
    bars = ax.bar(by_year["year"], by_year["cost_usd"], color="#2c7bb6", edgecolor=INK, width=0.6)
    ax.bar_label(
        bars,
        labels=[f"{money(c)}\n{n} items" for c, n in zip(by_year["cost_usd"], by_year["items"])],
        fontsize=12,
        label_type="center",
        color="white",
        weight="bold",
    )
    ax.axhline(report.budget_per_year_usd, color="#d7191c", linestyle="--", linewidth=2)
    ax.text(
        0.02,
        0.98,
        f"- - budget {money(report.budget_per_year_usd)} a year",
        transform=ax.transAxes,
        va="top",
        color="#d7191c",
        fontsize=12,
    )
    ax.set_xticks(by_year["year"], [f"Year {y}" for y in by_year["year"]], fontsize=12)
    ax.set_ylim(0, max(report.budget_per_year_usd, by_year["cost_usd"].max()) * 1.3)
    ax.yaxis.set_major_formatter(lambda v, _: money(v))
    ax.spines[["top", "right"]].set_visible(False)


def draw_history(ax, history: pd.DataFrame) -> None:
    """Checklist items in place at each recorded assessment."""
    if len(history) < 2:
        ax.set_axis_off()
        if history.empty:
            ax.text(0.5, 0.5, "No assessment recorded yet.", ha="center", fontsize=16)
            return
        last = history.iloc[-1]
        ax.text(
            0,
            0.7,
            f"{last['in_place']} of {last['applicable']}",
            fontsize=30,
            weight="bold",
            color=INK,
        )
        ax.text(
            0,
            0.58,
            f"checklist items in place at the one recorded assessment "
            f"({district_clock(last['created_utc']):%B %d, %Y})",
            fontsize=12,
            color=MUTED,
        )
        return
    x = pd.to_datetime([district_clock(t) for t in history["created_utc"]])
    ax.plot(x, history["in_place"], marker="o", color="#2c7bb6", linewidth=2.5)
    for xi, v in zip(x, history["in_place"]):
        ax.annotate(
            str(v), (xi, v), xytext=(0, 8), textcoords="offset points", ha="center", fontsize=12
        )
    ax.set_ylabel("items in place", fontsize=12)
    ax.set_ylim(0, max(history["applicable"].max(), 1) * 1.1)
    ax.spines[["top", "right"]].set_visible(False)
    ax.figure.autofmt_xdate()


def draw_before_after(axes, ba) -> None:
    """The same floor twice, rooms shaded by their tier at the previous and the latest
    assessment (``ba`` is a board_progress.BeforeAfter)."""
    metric = to_metric(ba.zones)
    for ax, column, label in (
        (axes[0], "tier_before", ba.label_before),
        (axes[1], "tier_after", ba.label_after),
    ):
        colours = [tier_hex(optional_int(t)) for t in metric[column]]
        metric.plot(ax=ax, color=colours, edgecolor=INK, linewidth=0.4)
        ax.set_title(label, fontsize=14, loc="left")
        ax.set_axis_off()
        ax.set_aspect("equal")
    tier_legend(axes[1], loc="lower right", fontsize=10)


def figure_png(fig: Figure, dpi: int = 110) -> bytes:
    """A figure as PNG bytes (for the PowerPoint deck)."""
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def line_size(text: str, width_pt: float, largest: float, bold: bool = False) -> float:
    """The largest font size (up to ``largest``) at which ``text`` fits ``width_pt`` on one
    line (DejaVu Sans: slides rendered elsewhere use narrower fonts, never wider ones)."""
    probe = FontProperties(size=10, weight="bold" if bold else "normal")
    width = _TEXT.get_text_width_height_descent(str(text), probe, ismath=False)[0]
    return largest if width == 0 else round(min(largest, 10 * 0.95 * width_pt / width), 1)


_VOWELS = set("aeiouyAEIOUY")


def _syllable_cuts(word: str) -> list[int]:
    """Where a word may take a hyphen: before a consonant followed by a vowel (com-mu-ni-ca)
    or between two consonants after a vowel (sur-veil-lance), keeping 3 letters before and 4
    after."""
    v = [ch in _VOWELS for ch in word]
    return [
        i for i in range(3, len(word) - 3)
        if (v[i - 1] and not v[i] and v[i + 1])
        or (i >= 2 and v[i - 2] and not v[i - 1] and not v[i] and v[i + 1])
    ]  # fmt: skip


def hyphenate(text: str, width_pt: float, size: float) -> str:
    r"""``text`` broken into lines of whole words that fit ``width_pt`` at ``size``; a word too
    long for one line is split with a hyphen between syllables (never cut, never lost).

    >>> hyphenate("Video Surveillance", 50, 9)
    'Video\nSurveil-\nlance'
    >>> hyphenate("Access Control", 40, 9)
    'Access\nControl'
    """
    probe = FontProperties(size=size)

    def fits(piece: str) -> bool:
        return _TEXT.get_text_width_height_descent(piece, probe, ismath=False)[0] <= width_pt

    lines: list[str] = []
    for word in str(text).split():
        if lines and fits(f"{lines[-1]} {word}"):
            lines[-1] = f"{lines[-1]} {word}"
            continue
        while not fits(word):
            good = [i for i in _syllable_cuts(word) if fits(word[:i] + "-")]
            if not good:
                break  # no syllable fits: the word stays whole (the font size must give)
            lines.append(word[: good[-1]] + "-")
            word = word[good[-1] :]
        lines.append(word)
    return "\n".join(lines)


def column_width_pt(ax, columns: int) -> float:
    """The width of one of ``columns`` equal columns of ``ax``, in points, less a margin."""
    return ax.get_position().width * ax.figure.get_figwidth() * 72 / max(columns, 1) * 0.92


def _wrap(text: str, width: int = 14) -> str:
    words, lines, line = str(text).split(), [], ""
    for w in words:
        if line and len(line) + len(w) + 1 > width:
            lines.append(line)
            line = w
        else:
            line = f"{line} {w}".strip()
    return "\n".join(lines + [line])
