"""Dates as registry spreadsheets write them, read for the CSV panel import.

    parse(text, today=..., birth=True) -> date      ValueError(why) when it is not a date

Accepted (whitespace around them ignored; a time after the date, as some exports add to every
date, "01/31/2026 00:00" or "2026-01-31T00:00:00", is dropped):
- 2026-01-31 and 2026/01/31 (ISO 8601 order);
- 01/31/2026, 1/31/2026, 01-31-2026, 01.31.2026: month first, always. A date such as 05/06/1950
  could be read either way; CareDesk reads it as US registries and the app's own date fields
  write it, MM/DD/YYYY (May 6). 31/01/1950 is refused ("month before day"), not turned around;
- 1/31/26: a two-digit year. A date of birth is in the hundred years up to today: 20YY unless
  that is after today, then 19YY (1/31/26 is 2026-01-31 on 2026-11-24, but 12/01/26 is
  1926-12-01: a birth date is never in the future). Any other date (consent) is 20YY;
- 31-Jan-2026, 31 Jan 2026, 31-Jan-26, Jan 31 2026, Jan 31, 2026, January 31, 2026 (English
  month names or their first three letters, any case).
"""

from __future__ import annotations

import re
from datetime import date

_MONTHS = {
    name: number
    for number, names in enumerate(
        (
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ),
        start=1,
    )
    for name in names
}
_TIME = re.compile(r"(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:\s*[AaPp][Mm])?(?:Z|[+-]\d{2}:?\d{2})?)$")
_ISO = re.compile(r"(\d{4})[-/](\d{1,2})[-/](\d{1,2})")
_US = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4}|\d{2})")
_DAY_MONTH = re.compile(r"(\d{1,2})[- ]([A-Za-z]{3,9})\.?[- ,]\s*(\d{4}|\d{2})")
_MONTH_DAY = re.compile(r"([A-Za-z]{3,9})\.? (\d{1,2}),? (\d{4})")

NOT_A_DATE = "not a date: write MM/DD/YYYY (month first), YYYY-MM-DD, 31-Jan-2026 or Jan 31 2026"


def parse(text: str, *, today: date, birth: bool) -> date:
    """The date `text` holds. `today` and `birth` decide a two-digit year (module docstring).

    Raises ValueError with the reason a care manager reads: NOT_A_DATE, "not a real calendar
    date" (02/30/2026), "month before day: 31/01/1950 is read as month 31" (a day-first date).
    """
    cleaned = " ".join(text.split())
    cleaned = _TIME.sub("", cleaned).strip()
    if found := _ISO.fullmatch(cleaned):
        year, month, day = (int(g) for g in found.groups())
        return _real(year, month, day)
    if found := _US.fullmatch(cleaned):
        month, day = int(found[1]), int(found[3])
        if month > 12 and day <= 12:
            raise ValueError(f"month before day: dates are read MM/DD/YYYY, and {found[1]} is not a month")
        return _real(_year(found[4], month, day, today=today, birth=birth), month, day)
    if found := _DAY_MONTH.fullmatch(cleaned):
        month = _month(found[2])
        day = int(found[1])
        return _real(_year(found[3], month, day, today=today, birth=birth), month, day)
    if found := _MONTH_DAY.fullmatch(cleaned):
        return _real(int(found[3]), _month(found[1]), int(found[2]))
    raise ValueError(NOT_A_DATE)


def _month(name: str) -> int:
    number = _MONTHS.get(name.casefold())
    if number is None:
        raise ValueError(NOT_A_DATE)
    return number


def _year(text: str, month: int, day: int, *, today: date, birth: bool) -> int:
    if len(text) == 4:
        return int(text)
    year = 2000 + int(text)
    if birth:
        try:
            if date(year, month, day) > today:
                year -= 100
        except ValueError:
            pass  # _real says "not a real calendar date"
    return year


def _real(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("not a real calendar date") from None
