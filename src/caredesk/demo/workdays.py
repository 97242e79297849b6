"""The clinic's working calendar: weekdays that are not US federal holidays, business hours."""

from __future__ import annotations

import random
from datetime import date, datetime, timedelta, tzinfo

import holidays


class Clinic:
    def __init__(self, tz: tzinfo, first_year: int, last_year: int):
        self.tz = tz
        # A frozenset: membership is much faster than asking the holidays object each time.
        self.holidays = frozenset(holidays.country_holidays("US", years=range(first_year, last_year + 1)))

    def is_workday(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self.holidays

    def workday_on_or_after(self, day: date) -> date:
        while not self.is_workday(day):
            day += timedelta(days=1)
        return day

    def add_workdays(self, day: date, n: int) -> date:
        for _ in range(n):
            day = self.workday_on_or_after(day + timedelta(days=1))
        return day

    def at(self, rng: random.Random, day: date) -> datetime:
        """An aware instant in business hours (8:30-16:45) on `day` in the clinic's zone."""
        minute = rng.randint(8 * 60 + 30, 16 * 60 + 45)
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz)
