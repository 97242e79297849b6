"""Clinic calendar: local dates, months and ages. Times are aware; dates are the clinic's."""

from __future__ import annotations

import calendar as _cal
import functools
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from caredesk.errors import ValidationError

MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, order=True, slots=True)
class Month:
    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise ValueError("month must be 1-12")

    @property
    def title(self) -> str:
        """'November 2026': fixed English, like the rest of CareDesk, whatever the OS locale."""
        return f"{MONTH_NAMES[self.month - 1]} {self.year}"

    @classmethod
    def of(cls, day: date) -> Month:
        return cls(day.year, day.month)

    @classmethod
    def parse(cls, text: str) -> Month:
        """'YYYY-MM' -> Month; a ValidationError naming the month otherwise."""
        try:
            y, m = text.strip().split("-")
            year, month = int(y), int(m)
        except (ValueError, AttributeError):
            raise ValidationError("month", "is written YYYY-MM") from None
        if not 1 <= month <= 12 or not 1900 <= year <= 9999:
            raise ValidationError("month", f"{text.strip()} is not a real month")
        return cls(year, month)

    @property
    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    @property
    def last_day(self) -> date:
        return _last_day(self.year, self.month)

    def contains(self, day: date) -> bool:
        return (day.year, day.month) == (self.year, self.month)

    def next(self) -> Month:
        return Month(self.year + self.month // 12, self.month % 12 + 1)

    def previous(self) -> Month:
        return Month(self.year - (self.month == 1), (self.month - 2) % 12 + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@functools.lru_cache(maxsize=512)
def _last_day(year: int, month: int) -> date:
    # Asked a dozen times per patient by billing and the queue: monthrange each time showed.
    return date(year, month, _cal.monthrange(year, month)[1])


def local_date(instant: datetime, tz: tzinfo) -> date:
    """The clinic's calendar date of an aware instant."""
    if instant.tzinfo is None:
        raise ValueError("instant must be timezone-aware")
    return instant.astimezone(tz).date()


def us_date(day: date) -> str:
    """A date as US clinics write it, MM/DD/YYYY with leading zeros: 03/04/1950 is March 4.

    The one numeric date format shown to users, in screens, messages, the audit trail's
    change lines and PDFs; ISO dates stay for files and the store. Written out rather than
    strftime("%m/%d/%Y"), whose %Y is not zero-padded below year 1000 on every platform.
    """
    return f"{day.month:02d}/{day.day:02d}/{day.year:04d}"


def us_month_day(day: date) -> str:
    """us_date without the year, MM/DD with leading zeros: 03/04 is March 4.

    The one short date shown to users, where the year goes without saying (the queue's and
    the bill's reasons, "Discharged 09/05 - ...", "CCM ended 11/19: ..."), in screens, CLI text
    and PDFs. Zero-padded as us_date is, so a reason from the queue ("9/5") and one from the
    bill ("09/05") never sit side by side in two formats. Written out rather than
    strftime("%m/%d") to read like its sibling.
    """
    return f"{day.month:02d}/{day.day:02d}"


def age_on(birth_date: date, on: date) -> int:
    """Whole years completed; a 29 February birthday counts on 1 March in common years."""
    years = on.year - birth_date.year
    if (on.month, on.day) < (birth_date.month, birth_date.day):
        years -= 1
    return years
