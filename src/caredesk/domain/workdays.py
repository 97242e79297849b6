"""Business days: weekdays that are not US federal holidays (the TCM and month-end clock).

Holidays come from the maintained `holidays` package (federal public holidays, with the
observed Friday/Monday when one falls on a weekend), never from a hand-kept list.
"""

from __future__ import annotations

import importlib.util
import sys
import threading
from datetime import date, timedelta

_PACKAGE_LOCK = threading.Lock()


def _one_country_only() -> None:
    """Let `holidays.country_holidays()` import only the country asked for.

    The package's `holidays.countries` __init__ imports all of its ~250 country modules
    (65-100 ms at CareDesk's start, issue 14) although its lookup imports the one asked for by
    its module name (holidays.countries.united_states). Registered without running that
    __init__, the package holds only what is asked for; the holidays are the package's own.
    """
    with _PACKAGE_LOCK:
        if "holidays.countries" in sys.modules:
            return
        spec = importlib.util.find_spec("holidays.countries")
        if spec is None or spec.loader is None:
            return
        sys.modules["holidays.countries"] = importlib.util.module_from_spec(spec)


def _table(country: str, subdiv: str | None, year: int) -> dict[date, str]:
    """The package's holidays of `year` (imported on first use: the app starts without it)."""
    _one_country_only()
    import holidays

    return dict(holidays.country_holidays(country, subdiv=subdiv, years=year).items())


class BusinessCalendar:
    def __init__(self, country: str = "US", subdiv: str | None = None) -> None:
        self.country = country
        self.subdiv = subdiv
        # Built per year on first use: a queue over a few years touches only those years.
        self._years: dict[int, dict[date, str]] = {}
        self._left: dict[date, int] = {}  # business_days_left, asked once per patient by the queue

    def _holidays(self, year: int) -> dict[date, str]:
        found = self._years.get(year)
        if found is None:
            table = _table(self.country, self.subdiv, year)
            # Keep only dates inside `year`: the package may list an observed day of a
            # neighbouring year, which that year's own table already holds.
            found = {d: name for d, name in table.items() if d.year == year}
            self._years[year] = found
        return found

    def holiday_name(self, day: date) -> str | None:
        return self._holidays(day.year).get(day)

    def is_business_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self._holidays(day.year)

    def add_business_days(self, day: date, n: int) -> date:
        """The n-th business day after `day`; `day` itself never counts; n=0 gives `day`."""
        if n < 0:
            raise ValueError("the number of business days cannot be negative")
        while n > 0:
            day += timedelta(days=1)
            if self.is_business_day(day):
                n -= 1
        return day

    def next_business_day(self, day: date) -> date:
        return self.add_business_days(day, 1)

    def business_day_on_or_after(self, day: date) -> date:
        """`day` itself when it is a business day, otherwise the next one."""
        while not self.is_business_day(day):
            day += timedelta(days=1)
        return day

    def business_days_left(self, day: date) -> int:
        """Business days from `day` (counted when it is one) through the end of its month."""
        found = self._left.get(day)
        if found is None:
            found, month, each = 0, day.month, day
            while each.month == month:
                found += self.is_business_day(each)
                each += timedelta(days=1)
            self._left[day] = found
        return found


US_FEDERAL = BusinessCalendar()
