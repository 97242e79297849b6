"""The timing of one call: the domain CallTimer, a one-second ticker, and time carried over.

A Stop keeps the time timed so far and Start counts on from there, as does a draft's
time when the call comes back (the draft holds the seconds, not a running timer).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import datetime

from PySide6.QtCore import QObject, QTimer, Signal

from caredesk.domain.timelog import CallTimer


class CallClock(QObject):
    ticked = Signal()  # once a second while running, and after every change
    started_changed = Signal(bool)  # True when a timer starts, False when it stops

    def __init__(self, now: Callable[[], datetime], parent: QObject | None = None):
        super().__init__(parent)
        self._now = now
        self._monotonic: Callable[[], float] = time.monotonic
        self.timer = CallTimer(clock=self._monotonic, now=now)
        self.carried = 0.0  # seconds timed before the last Stop, or by a restored draft
        self.first_start: datetime | None = None  # when this call's timer first started
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.ticked.emit)

    def set_monotonic(self, clock: Callable[[], float]) -> None:
        """Tests inject a fake monotonic clock (only while no timer runs)."""
        if not self.timer.started:
            self._monotonic = clock
            self.timer = CallTimer(clock=clock, now=self._now)

    @property
    def elapsed_seconds(self) -> float:
        """This call's time: earlier runs plus the running one."""
        return self.carried + (self.timer.elapsed_seconds if self.timer.started else 0.0)

    @property
    def minutes(self) -> int:
        return int(self.elapsed_seconds // 60)

    def start(self) -> None:
        """Start, or resume a paused timer."""
        if self.timer.paused:
            self.timer.resume()
        elif not self.timer.started:
            self.timer.start()
            self.first_start = self.first_start or self.timer.started_at
            self.started_changed.emit(True)
        self.ticker.start()
        self.ticked.emit()

    def toggle_pause(self) -> None:
        if self.timer.running:
            self.timer.pause()
            self.ticker.stop()
        elif self.timer.paused:
            self.timer.resume()
            self.ticker.start()
        self.ticked.emit()

    def stop(self) -> None:
        """Stop; the time so far is carried into the next Start."""
        if not self.timer.started:
            return
        self.carried = self.elapsed_seconds
        self.timer.stop()
        self.ticker.stop()
        self.ticked.emit()
        self.started_changed.emit(False)

    def reset(self, carried: float = 0.0) -> None:
        """A new call (or a draft's, with its seconds): nothing running."""
        was = self.timer.started
        self.ticker.stop()
        self.timer = CallTimer(clock=self._monotonic, now=self._now)
        self.carried = carried
        self.first_start = None
        self.ticked.emit()
        if was:
            self.started_changed.emit(False)
