"""Dates as registry spreadsheets write them, read for the CSV panel import.

    parse(text, today=..., birth=True) -> date      ValueError(why) when it is not a date

Accepted (whitespace around them ignored; a time after the date, as some exports add to every
date, "01/31/2026 00:00" or "2026-01-31T00:00:00", is dropped):
- 2026-01-31 and 2026/01/31 (ISO 8601 order);
- 01/31/2026, 1/31/2026, 01-31-2026, 01.31.2026: month first, always. A date such as 05/06/1950
  could be read either way; CareDesk reads it as US registries and the app's own date fields
  write it, MM/DD/YYYY (May 6). 31/01/1950 is refused ("month before day"), not turned around;
- 1/31/26: a two-digit year, read by these rules (a spreadsheet that shortened the year lost
  the century, and a wrong century changes a patient's age and their payer):
  - a date of birth takes the latest year ending in those digits that is not after today
    (01/01/30 on 2026-11-24 is 1930, since 2030 is ahead). When that makes the patient younger
    than 18 the date is refused, not guessed: a care-management panel is adults (Medicare's
    CCM/RPM patients), so "01/01/25" is far likelier 1925 than a one-year-old, yet it could be
    either: "two-digit year 25 could be 1925 or 2025: write the year in four digits";
  - any other date (a consent date) is 20YY, and refused when that is after today (a consent
    is never given in the future; 19YY is before any program existed);
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

ADULT_AGE = 18  # below it a two-digit birth year is ambiguous (module docstring)
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
    """The year of a date, its century decided for two digits (module docstring)."""
    if len(text) == 4:
        return int(text)
    year = 2000 + int(text)
    try:
        later = date(year, month, day) > today
    except ValueError:
        return year  # _real says "not a real calendar date"
    if not birth:
        if later:
            raise ValueError(f"two-digit year {text} reads as {year}, after today: write the year in four digits")
        return year
    if later:
        year -= 100
    if _age(_real(year, month, day), today) < ADULT_AGE:
        raise ValueError(f"two-digit year {text} could be {year - 100} or {year}: write the year in four digits")
    return year


def _age(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def _real(year: int, month: int, day: int) -> date:
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError("not a real calendar date") from None
