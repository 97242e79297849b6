"""The demo clinic: the domain's business-day calendar and office hours in the clinic's zone."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from caredesk.domain.workdays import US_FEDERAL, BusinessCalendar


@dataclass(frozen=True)
class Clinic:
    tz: tzinfo
    days: BusinessCalendar = US_FEDERAL  # weekdays that are not US federal holidays

    def at(self, rng: random.Random, day: date) -> datetime:
        """An aware instant in business hours (8:30-16:45) on `day` in the clinic's zone."""
        minute = rng.randint(8 * 60 + 30, 16 * 60 + 45)
        return datetime(day.year, day.month, day.day, minute // 60, minute % 60, tzinfo=self.tz)
