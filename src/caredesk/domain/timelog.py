"""The call timer.

Billing counts whole minutes only, so the timer floors: 19 min 59 s is 19 minutes.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime


def _utc_now() -> datetime:
    return datetime.now(UTC)


class CallTimer:
    """Start, pause, resume, stop. Elapsed time comes from a monotonic clock, so a change
    of the wall clock (DST, NTP) cannot add or remove minutes."""

    def __init__(
        self,
        clock: Callable[[], float] = time.monotonic,
        now: Callable[[], datetime] = _utc_now,
    ) -> None:
        self._clock = clock
        self._now = now
        self._reset()

    def _reset(self) -> None:
        self._started_at: datetime | None = None
        self._banked = 0.0  # seconds run before the latest pause
        self._run_since: float | None = None  # clock reading when the current run began

    @property
    def started(self) -> bool:
        return self._started_at is not None

    @property
    def running(self) -> bool:
        return self._run_since is not None

    @property
    def paused(self) -> bool:
        return self.started and self._run_since is None

    @property
    def started_at(self) -> datetime | None:
        return self._started_at

    @property
    def elapsed_seconds(self) -> float:
        if self._run_since is None:
            return self._banked
        return self._banked + max(0.0, self._clock() - self._run_since)

    @property
    def minutes(self) -> int:
        return int(self.elapsed_seconds // 60)

    def start(self) -> None:
        if self.started:
            raise ValueError("the call timer is already started; stop it before starting again")
        self._started_at = self._now()
        self._run_since = self._clock()

    def pause(self) -> None:
        if not self.started:
            raise ValueError("the call timer is not started, so it cannot be paused")
        if self.paused:
            raise ValueError("the call timer is already paused")
        self._banked = self.elapsed_seconds
        self._run_since = None

    def resume(self) -> None:
        if not self.paused:
            raise ValueError("the call timer is not paused, so it cannot be resumed")
        self._run_since = self._clock()

    def stop(self) -> int:
        """Whole minutes timed (floored), then the timer is reset for the next call."""
        if not self.started:
            raise ValueError("the call timer is not started, so it cannot be stopped")
        minutes = self.minutes
        self._reset()
        return minutes

    def too_long(self, limit_minutes: int = 60) -> bool:
        """True once the timed minutes reach the limit: likely a timer left running."""
        return self.elapsed_seconds >= limit_minutes * 60
