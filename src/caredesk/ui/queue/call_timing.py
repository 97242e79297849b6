"""The call panel's timer and its Minutes box: Start/Pause/Stop, the display, the long-call
warning, and the minutes following the timer until the nurse types some.

The timing itself (a Stop keeps the time so far: Start counts on) is call_clock's, the
display's widgets timer_display's; this is what joins them to the call form. Minutes typed
(or a draft's typed minutes, or a screen's added to them) are the nurse's: the timer no longer
changes them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

if TYPE_CHECKING:
    from caredesk.ui.queue.call_panel import CallPanel

LONG_CALL_MINUTES = 60


class CallTiming:
    """`start()`, `toggle_pause()`, `stop()`, `tick()` (the clock's), `set_minutes(v, edited=)`;
    `minutes_edited` says the Minutes box was typed in, not taken from the timer."""

    def __init__(self, panel: CallPanel):
        self.panel = panel
        self.minutes_edited = False  # the minutes were typed, not taken from the timer
        self._setting_minutes = False

    @property
    def elapsed_seconds(self) -> float:
        return self.panel.clock.elapsed_seconds

    def start_clicked(self) -> None:
        self.start()
        self.panel.note.setFocus(Qt.FocusReason.OtherFocusReason)  # the call is on: what is typed is its note

    def start(self) -> None:
        """Start (or resume) the timer for the shown patient."""
        if self.panel.patient_id is not None:
            self.panel.clock.start()

    def toggle_pause(self) -> None:
        self.panel.clock.toggle_pause()

    def stop(self) -> None:
        """Stop the timer; the call's whole minutes go into the field unless the nurse typed some."""
        self.panel.clock.stop()

    def tick(self) -> None:
        panel = self.panel
        if not self.minutes_edited and (panel.timer.started or panel.clock.carried):
            self.fill_minutes(panel.clock.minutes)
        self._show_timer()

    def _show_timer(self) -> None:
        panel = self.panel
        seconds = self.elapsed_seconds
        panel.timer_display.show_state(panel.timer, seconds, has_patient=panel.patient_id is not None)
        if panel.timer.started and seconds >= LONG_CALL_MINUTES * 60:
            panel.long_warning.show_warning(f"Timer running for {int(seconds // 60)} min — still on the call?")
        else:
            panel.long_warning.clear()

    def set_minutes(self, value: int, *, edited: bool = False) -> None:
        self.fill_minutes(value)
        self.minutes_edited = edited

    def fill_minutes(self, value: int) -> None:
        """The Minutes box shows `value`, not marked as typed (the timer's, or an empty form's)."""
        self._setting_minutes = True
        try:
            self.panel.minutes.setValue(value)
        finally:
            self._setting_minutes = False

    def minutes_typed(self, _value: int) -> None:
        if not self._setting_minutes:
            self.minutes_edited = True
