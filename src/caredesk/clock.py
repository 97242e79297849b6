"""Injectable time. Services ask the clock; tests pin it to a date and zone."""

from __future__ import annotations

import os
from datetime import UTC, date, datetime, tzinfo

# Pins the `caredesk` command's clock to one instant, so tests that run it as a real process
# do not depend on when they run (a suite crossing the clinic's midnight, or a new month).
ENV_CLOCK = "CAREDESK_CLOCK"


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


def from_environment() -> Clock:
    """The system clock, or a FixedClock when $CAREDESK_CLOCK holds an ISO 8601 instant with
    its offset ("2026-11-24T10:30:00-05:00").

    Raises ValueError naming the variable when it is set to anything else.
    """
    text = os.environ.get(ENV_CLOCK, "").strip()
    if not text:
        return Clock()
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{ENV_CLOCK}: {text!r} is not an ISO 8601 date and time") from None
    if instant.tzinfo is None:
        raise ValueError(f"{ENV_CLOCK}: {text!r} has no UTC offset")
    return FixedClock(instant)
