"""The trend chart's axis ticks: round values up the side, and dates along the bottom at the
finest step whose labels fit (days, then month starts, then years). Pure arithmetic over a font's
metrics, kept apart from the chart widget (caredesk.ui.common.trend_chart)."""

from __future__ import annotations

import math
from datetime import date
from itertools import pairwise

from PySide6.QtGui import QFont, QFontMetricsF

from caredesk.domain.calendar import us_date

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_DAY_STEPS = (1, 2, 7, 14)  # days between ticks, while the readings span at most a quarter
_MONTH_STEPS = (1, 2, 3, 6)
_YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)


def number(value: float) -> str:
    """A reading as a person writes it: 142.0 -> '142', 7.25 -> '7.25', 7.10 -> '7.1'."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def value_ticks(low: float, high: float, size: float, font: QFont) -> list[tuple[float, str]]:
    """(value, label) ticks for an axis `size` pixels high: round steps (1, 2, 2.5 or 5 times a
    power of ten) about three text lines apart."""
    if not high > low or size <= 0:
        return []
    wanted = max(2.0, size / (QFontMetricsF(font).height() * 3))
    rough = (high - low) / wanted
    power = 10 ** math.floor(math.log10(rough))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= rough)
    first = math.ceil(low / step) * step
    return [(first + i * step, number(first + i * step)) for i in range(int((high - first) / step) + 1)]


def date_ticks(low: float, high: float, size: float, font: QFont) -> list[tuple[float, str]]:
    """(day ordinal, label) ticks for days low..high on an axis `size` pixels long: the finest step whose labels fit.

    Days (MM/DD/YYYY) while the range spans at most 92 days, then month starts ('Nov 2026'), then
    years ('2026'); a tick whose label would stick out past either end is left out (pyqtgraph
    would draw its mark without a label).
    """
    if not (1 <= low < high <= date.max.toordinal()) or size <= 0:
        return []
    metrics = QFontMetricsF(font)
    per_day = size / (high - low)
    first, last = date.fromordinal(math.ceil(low)), date.fromordinal(math.floor(high))

    def placed(days: list[date], sample: str) -> list[float] | None:
        """The ticks whose labels fit inside the axis, or None when neighbours' labels would touch."""
        width = metrics.horizontalAdvance(sample)
        ticks = [float(d.toordinal()) for d in days]
        if any((b - a) * per_day < width + metrics.horizontalAdvance("MM") for a, b in pairwise(ticks)):
            return None
        return [t for t in ticks if width / 2 <= (t - low) * per_day <= size - width / 2]

    if high - low <= 92:
        every_day = [date.fromordinal(o) for o in range(first.toordinal(), last.toordinal() + 1)]
        middle = round((low + high) / 2)  # a tick there: a single reading's own date is labelled
        for step in _DAY_STEPS:
            found = placed([d for d in every_day if (d.toordinal() - middle) % step == 0], "00/00/0000")
            if found is not None:
                return [(t, us_date(date.fromordinal(int(t)))) for t in found]
    widest = max(_MONTHS, key=metrics.horizontalAdvance)
    starts = [date(y, m, 1) for y in range(first.year, last.year + 1) for m in range(1, 13)]
    starts = [d for d in starts if first <= d <= last]
    for step in _MONTH_STEPS:
        found = placed([d for d in starts if (d.month - 1) % step == 0], f"{widest} 0000")
        if found is not None:
            return [(t, _month_label(date.fromordinal(int(t)))) for t in found]
    for step in _YEAR_STEPS:
        found = placed([d for d in starts if d.month == 1 and d.year % step == 0], "0000")
        if found is not None:
            return [(t, str(date.fromordinal(int(t)).year)) for t in found]
    return []


def _month_label(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"  # not strftime's %b, which follows the OS locale
