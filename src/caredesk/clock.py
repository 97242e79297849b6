"""Injectable time. Services ask the clock; tests pin it to a date and zone."""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo


class Clock:
    def now(self) -> datetime:
        """An aware instant (UTC)."""
        return datetime.now(UTC)

    def today(self, tz: tzinfo) -> date:
        """The clinic's calendar date now."""
        return self.now().astimezone(tz).date()


class FixedClock(Clock):
    def __init__(self, instant: datetime):
        if instant.tzinfo is None:
            raise ValueError("FixedClock needs an aware datetime")
        self.instant = instant

    def now(self) -> datetime:
        return self.instant

    def advance(self, **delta: float) -> None:
        from datetime import timedelta

        self.instant += timedelta(**delta)
