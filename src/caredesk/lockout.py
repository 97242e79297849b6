"""Growing delay after repeated wrong secrets.

Kept in memory for the running program: writing a counter would change files on every
wrong attempt, and the files must stay byte-for-byte unchanged. The memory-hard KDF is
what makes guessing slow for someone who copies the files.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from caredesk.errors import TooManyAttempts

FREE_ATTEMPTS = 5
MAX_DELAY = 300.0


def delay_after(failures: int) -> float:
    """Seconds to wait before the next attempt: none for the first five, then 2, 4, 8 ... 300."""
    if failures < FREE_ATTEMPTS:
        return 0.0
    return min(MAX_DELAY, 2.0 ** (failures - FREE_ATTEMPTS + 1))


class Lockout:
    def __init__(self, monotonic: Callable[[], float] = time.monotonic):
        self._monotonic = monotonic
        self.failures = 0
        self._last_failure = 0.0

    def wait_seconds(self) -> float:
        if self.failures < FREE_ATTEMPTS:
            return 0.0
        return max(0.0, self._last_failure + delay_after(self.failures) - self._monotonic())

    def check(self) -> None:
        """Raises TooManyAttempts while the delay has not passed."""
        remaining = self.wait_seconds()
        if remaining > 0:
            raise TooManyAttempts(remaining)

    def failed(self) -> None:
        self.failures += 1
        self._last_failure = self._monotonic()

    def succeeded(self) -> None:
        self.failures = 0
