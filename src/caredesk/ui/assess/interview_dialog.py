"""A screen run with the patient: the guided interview, the day, the minutes it took, Save.

One rule for the minutes, so they are never counted twice (SPEC section 3, Billing):
- opened from the chart (`for_call=False`), the minutes are logged with the screen as
  assessment time for the patient's main program, in the same transaction
  (services.assessments.record_assessment(minutes=...)); 0 logs none.
- opened from the call panel (`for_call=True`), the screen is part of the call: it is saved
  without minutes and `screened` hands the minutes to the call panel, which adds them to the
  call's Minutes box; they are logged once, with the call.

The minutes offered are the interview's elapsed time rounded up to whole minutes, kept up to
date until the care manager types their own. A screen with items left unanswered is saved as
incomplete (kept, never scored); the Save button says so. Esc or Cancel asks before dropping
answers; a lock closes the dialog without asking (nothing is saved then).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.assessments import Instrument
from caredesk.domain.calendar import us_date
from caredesk.domain.coordination import Assessment
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import assessments as screens
from caredesk.services.workspace import Workspace
from caredesk.ui.assess.interview import Interview
from caredesk.ui.common.forms import (
    TYPED_MINUTES_MAX,
    InlineMessage,
    date_edit,
    dialog_buttons,
    info_label,
    picked_date,
    user_message,
)
from caredesk.ui.common.hub import publish
from caredesk.ui.common.message_box import ask


def offered_minutes(seconds: float) -> int:
    """Elapsed seconds as whole minutes, rounded up (a screen that took 4 min 10 s offers 5); at least 1."""
    return max(1, math.ceil(seconds / 60))


def saved_text(a: Assessment) -> str:
    """'PHQ-9 saved for 11/24/2026: 27, severe.' or '... as incomplete (3 of 9 answered).'"""
    r = a.result
    if not r.complete:
        return f"{_capital(a.instrument.value)} saved for {us_date(a.taken_on)} as incomplete ({r.answered} of {len(a.answers)} answered, not scored)."
    return f"{_capital(a.instrument.value)} saved for {us_date(a.taken_on)}: {r.score}, {r.band}."


def _capital(name: str) -> str:
    """'Social needs' at the start of a sentence; 'PHQ-9' as it is."""
    return name[:1].upper() + name[1:]


class InterviewDialog(QDialog):
    """`screened(Assessment, minutes)` after a save; `saved` holds the screen."""

    screened = Signal(object, int)

    def __init__(
        self,
        ws: Workspace,
        patient_id: int,
        name: str,
        *,
        for_call: bool,
        instrument: Instrument = Instrument.PHQ2,
        resume: Assessment | None = None,
        seconds: Callable[[], float] = time.monotonic,
        parent: QWidget | None = None,
    ):
        """`resume`: an unfinished screen (services.assessments.resumable) whose answers the
        interview starts with; the screen saved is a new one, taken today."""
        super().__init__(parent)
        self.ws, self.patient_id, self.for_call = ws, patient_id, for_call
        self.saved: Assessment | None = None
        self._seconds = seconds
        self._started = seconds()
        self._minutes_typed = False
        self._setting = False
        self.setWindowTitle(f"Screening: {name}")
        self.setAccessibleName("Screening")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)  # the answers go with it
        em = self.fontMetrics().averageCharWidth()
        self.setMinimumWidth(em * 110)

        self.interview = Interview(resume.instrument if resume is not None else instrument)
        self.interview.changed.connect(self._interview_changed)
        self.resumed = info_label("Continuing an unfinished screen", "hint")
        self.resumed.setVisible(resume is not None)
        if resume is not None:
            given = sum(a is not None for a in resume.answers)
            self.resumed.setText(
                f"Continuing the {resume.instrument.value} of {us_date(resume.taken_on)}: {given} of "
                f"{len(resume.answers)} answered then. Start over to ask every item again."
            )
        today = ws.today()
        self.day = date_edit("Taken on", today)
        self.day.no_later_than(today)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, TYPED_MINUTES_MAX)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes for the call" if for_call else "Minutes")
        if not for_call:
            self.minutes.setSpecialValueText("none")
        self.minutes.valueChanged.connect(self._typed)
        where = (
            "added to the call's minutes (logged once, with the call)"
            if for_call
            else "logged as assessment time for the main program"
        )
        self.minutes_hint = info_label("Where the minutes go", "hint")
        self.minutes_hint.setText(f"Time of the interview, rounded up; {where}.")
        # One row under the questions: the day (chart only: a call's screen is today's) and the minutes.
        when = QHBoxLayout()
        if not for_call:
            day_label = QLabel("&Taken on")
            day_label.setBuddy(self.day)
            when.addWidget(day_label)
            when.addWidget(self.day)
            when.addSpacing(em * 3)
        minutes_label = QLabel("&Minutes for the call" if for_call else "&Minutes")
        minutes_label.setBuddy(self.minutes)
        when.addWidget(minutes_label)
        when.addWidget(self.minutes)
        when.addSpacing(em * 2)
        when.addWidget(self.minutes_hint, 1)
        self.message = InlineMessage("Problem with the screen")
        self.day.refused.connect(self.message.show_error)  # a future date: named, not put back silently
        self.buttons = dialog_buttons(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self.save, self.cancel
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setProperty("primary", True)
        lay = QVBoxLayout(self)
        lay.addWidget(self.resumed)
        lay.addWidget(self.interview, 1)
        lay.addLayout(when)
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.ticker = QTimer(self, interval=1000)
        self.ticker.timeout.connect(self.tick)
        self.ticker.start()
        self.tick()
        if resume is not None:  # now that the buttons its `changed` signal updates exist
            self.interview.begin(resume.instrument, resume.answers)
        self._interview_changed()
        self.interview.setFocus(Qt.FocusReason.OtherFocusReason)
        self.resize(self.sizeHint())

    # -- minutes -------------------------------------------------------------------------
    def tick(self) -> None:
        """Offer the elapsed time, rounded up, unless minutes were typed."""
        if self._minutes_typed:
            return
        self._setting = True
        try:
            self.minutes.setValue(offered_minutes(self._seconds() - self._started))
        finally:
            self._setting = False

    def _typed(self, _value: int) -> None:
        if not self._setting:
            self._minutes_typed = True

    # -- saving --------------------------------------------------------------------------
    def _interview_changed(self) -> None:
        r = self.interview.result()
        complete = r.complete
        self.save_button.setText("&Save" if complete else "&Save as incomplete")
        self.save_button.setToolTip(
            "Save the scored screen"
            if complete
            else "Keep the answers given; an incomplete screen is never scored (its safety answer still counts)"
        )
        self.save_button.setEnabled(self.interview.answered > 0)
        self.save_button.setAccessibleName(self.save_button.text().replace("&", ""))
        # Enter saves a finished screen; a half-done one is saved as incomplete only on purpose (Alt+S).
        self.save_button.setDefault(complete)
        self.save_button.setAutoDefault(complete)
        self.message.clear()

    def save(self) -> Assessment | None:
        """Save the screen; a refusal is shown in the dialog, which stays open with its answers."""
        try:
            if self.interview.answered == 0:
                raise ValidationError("answers", "none given yet: answer at least one item, or Cancel")
            day = picked_date(self.day) if not self.for_call else self.ws.today()
            minutes = None if self.for_call or self.minutes.value() == 0 else self.minutes.value()
            result = screens.record_assessment(
                self.ws, self.patient_id, self.interview.instrument, self.interview.answers, day, minutes=minutes
            )
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            if getattr(exc, "field", "") == "minutes":
                self.minutes.setFocus()
            elif getattr(exc, "field", "") == "date":
                self.day.setFocus()
            return None
        self.saved = result.value
        self.ticker.stop()
        publish(result.changes, self)
        self.screened.emit(result.value, self.minutes.value())
        self.accept()
        return result.value

    def cancel(self) -> None:
        """Cancel or Esc: drop the screen, after asking when answers were given."""
        if self.interview.answered and not self._drop_answers():
            return
        self.reject()

    def _drop_answers(self) -> bool:
        asked = ask(
            self,
            "Drop the screen?",
            f"{self.interview.answered} answer{'' if self.interview.answered == 1 else 's'} not saved. Drop "
            f"{'it' if self.interview.answered == 1 else 'them'}?",
            QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
            QMessageBox.StandardButton.Cancel,
        )
        return asked == QMessageBox.StandardButton.Discard

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
            return
        super().keyPressEvent(event)

    def reject(self) -> None:
        self.ticker.stop()
        super().reject()
