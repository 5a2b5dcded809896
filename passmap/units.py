"""Distances and areas for people: feet / miles (US default) or metres, a district setting.

Everything is stored and computed in metres (``range_m``, ``cell_m``); only what a person reads
goes through here, so a screen, a printout and an export say the same thing. The system comes
from ``PASSMAP_UNITS`` (``us`` or ``metric``; see passmap.config).

>>> format_length(15.0, "us"), format_length(15.0, "metric")
('49 ft', '15 m')
>>> format_length(2500.0, "us"), format_length(2500.0, "metric")
('1.6 mi', '2.5 km')
>>> format_area(85.5, "us"), format_area(85.5, "metric")
('920 sq ft', '86 m²')
>>> scale_bar_length(180.0, "us")
(45.72, '150 ft')
"""

from __future__ import annotations

from passmap.values import is_missing

US, METRIC = "us", "metric"
SYSTEMS = (US, METRIC)
M_PER_FT = 0.3048
M_PER_MI = 1609.344
SQFT_PER_M2 = 1 / (M_PER_FT * M_PER_FT)
FT_PER_MI = 5280
# Round lengths a scale bar may show, in the system's small unit (ft or m).
_NICE = (1, 2, 5, 10, 20, 25, 50, 100, 150, 200, 250, 500, 1000, 2000, 2500, 5000)


def system_of(value: str | None) -> str:
    """The unit system named by a setting value (anything unknown is refused).

    >>> system_of("US"), system_of("imperial"), system_of("metres")
    ('us', 'us', 'metric')
    """
    text = (value or US).strip().lower()
    if text in ("us", "imperial", "feet", "ft", "us-customary"):
        return US
    if text in ("metric", "si", "metres", "meters", "m"):
        return METRIC
    raise ValueError(f"PASSMAP_UNITS={value!r} is not a unit system: use 'us' or 'metric'.")


def _digits(value: float) -> str:
    """A short number: 3 significant digits at most, no trailing zeros, thousands separated."""
    if value >= 100:
        return f"{round(value):,}"
    if value >= 10:
        return f"{value:.0f}"
    return f"{value:.1f}".rstrip("0").rstrip(".")


def format_length(length_m: float | None, system: str = US) -> str:
    """A distance as a person reads it: feet up to 1,000 ft then miles (US), metres up to
    1,000 m then kilometres. ``None`` or NaN gives "" (nothing to show)."""
    if is_missing(length_m):
        return ""
    if system == METRIC:
        if abs(length_m) >= 1000:
            return f"{_digits(length_m / 1000)} km"
        return f"{_digits(length_m)} m"
    feet = length_m / M_PER_FT
    if abs(feet) >= 1000:
        return f"{_digits(length_m / M_PER_MI)} mi"
    return f"{_digits(feet)} ft"


def format_area(area_m2: float | None, system: str = US) -> str:
    """An area: square feet (acres from one acre up) or square metres (hectares from 1 ha).

    >>> format_area(8094.0, "us"), format_area(12000.0, "metric")
    ('2 acres', '1.2 ha')
    """
    if is_missing(area_m2):
        return ""
    if system == METRIC:
        if area_m2 >= 10_000:
            return f"{_digits(area_m2 / 10_000)} ha"
        return f"{_digits(area_m2)} m²"
    sqft = area_m2 * SQFT_PER_M2
    if sqft >= 43_560:
        acres = sqft / 43_560
        return f"{_digits(acres)} acre" + ("" if _digits(acres) == "1" else "s")
    return f"{_digits(sqft)} sq ft"


def scale_bar_length(span_m: float, system: str = US, share: float = 0.25) -> tuple[float, str]:
    """(length in metres, its label) of a round scale bar about ``share`` of ``span_m``:
    50 ft, 150 ft, 500 ft, 0.5 mi ... or 20 m, 50 m, 1 km ...

    >>> scale_bar_length(400.0, "metric")
    (100.0, '100 m')
    >>> scale_bar_length(20000.0, "us")
    (8046.72, '5 mi')
    """
    target_m = max(span_m * share, 0.01)
    if system == METRIC:
        unit_m, big_m, small, big = 1.0, 1000.0, "m", "km"
    else:
        unit_m, big_m, small, big = M_PER_FT, M_PER_MI, "ft", "mi"
    for n in _NICE:
        if n * unit_m >= target_m and n * unit_m < big_m:
            nice = n
            break
    else:  # beyond the small unit: whole (or half) miles / kilometres
        n = max(target_m / big_m, 0.5)
        nice_big = next((x for x in (0.5, *_NICE) if x >= n), _NICE[-1])
        return round(nice_big * big_m, 2), f"{nice_big:g} {big}"
    return round(nice * unit_m, 2), f"{nice} {small}"


def length_unit(system: str = US) -> str:
    """The small unit's symbol: "ft" or "m" (slider labels, table headers)."""
    return "m" if system == METRIC else "ft"


def to_display(length_m: float, system: str = US) -> float:
    """A length in the small display unit (for inputs); see from_display.

    >>> round(to_display(15.0, "us"), 1), to_display(15.0, "metric")
    (49.2, 15.0)
    """
    return length_m if system == METRIC else length_m / M_PER_FT


def from_display(value: float, system: str = US) -> float:
    """A length typed in the display unit, back to metres.

    >>> from_display(50.0, "us")
    15.24
    """
    return float(value) if system == METRIC else round(float(value) * M_PER_FT, 4)


def scale_bar_lengths(system: str = US) -> list[tuple[float, str]]:
    """Every round scale-bar length (metres, label), shortest first: a map picks the longest
    that fits its bar at the current zoom.

    >>> scale_bar_lengths("us")[:3], scale_bar_lengths("metric")[-1]
    ([(0.3, '1 ft'), (0.61, '2 ft'), (1.52, '5 ft')], (5000.0, '5 km'))
    """
    if system == METRIC:
        small = [(float(n), f"{n} m") for n in _NICE if n < 1000]
        return small + [(n * 1000.0, f"{n:g} km") for n in (1, 2, 5)]
    small = [(round(n * M_PER_FT, 2), f"{n} ft") for n in _NICE if n < FT_PER_MI]
    return small + [(round(n * M_PER_MI, 2), f"{n:g} mi") for n in (0.5, 1, 2, 5)]
