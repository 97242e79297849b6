"""Working a call: the patient's header, a running timer and the call form.

Saving calls `log_contact` once (contact + minutes + what follows, one transaction).
The timer belongs to the patient it was started for: while it runs the panel keeps
that patient (the queue page does not switch it), so minutes never land on the
wrong chart.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.billing import main_program
from caredesk.domain.calendar import Month
from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Chart, Program
from caredesk.domain.timelog import CallTimer
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import patients as patient_records
from caredesk.services.calls import CallLogged, log_contact
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, button, date_edit, heading, picked_date, qdate, user_message
from caredesk.ui.queue.call_header import CallHeader
from caredesk.ui.queue.time_dialog import LogTimeDialog
from caredesk.ui.queue.timer_display import TimerDisplay, clock_text

PLACEHOLDER = "Select a patient in the queue to work the call."
LONG_CALL_MINUTES = 60
# Alt+letter picks an outcome: the one-key attempt log of SPEC §1.3.
OUTCOME_LABELS = (
    (Outcome.REACHED, "&Reached"),
    (Outcome.VOICEMAIL, "&Voicemail"),
    (Outcome.NO_ANSWER, "&No answer"),
    (Outcome.WRONG_NUMBER, "&Wrong number"),
    (Outcome.DECLINED, "&Declined"),
)


class CallPanel(QWidget):
    saved = Signal(object)  # CallLogged
    timer_changed = Signal(bool)  # True while a timer is started (running or paused)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Call panel")
        self.workspace: Workspace | None = None
        self._clock: Callable[[], float] = time.monotonic
        self.timer = CallTimer(clock=self._clock, now=self._now)
        self._minutes_edited = False
        self._setting_minutes = False
        self._stopped_seconds: float | None = None  # shown after Stop until the form resets
        self.ticker = QTimer(self)
        self.ticker.setInterval(1000)
        self.ticker.timeout.connect(self.tick)

        self.pages = QStackedWidget()
        placeholder = heading(PLACEHOLDER, "muted")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(placeholder)
        content = QWidget()
        cv = QVBoxLayout(content)
        cv.setContentsMargins(0, 0, 0, 0)
        self.header = CallHeader()
        cv.addWidget(self.header)
        self.timer_display = TimerDisplay()
        # The panel's own names for the display's parts (the queue and tests use them).
        self.time_label, self.state_label = self.timer_display.time_label, self.timer_display.state_label
        self.start_button = self.timer_display.start_button
        self.pause_button = self.timer_display.pause_button
        self.stop_button = self.timer_display.stop_button
        self.start_button.clicked.connect(self.start)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        cv.addWidget(self.timer_display)
        self.long_warning = InlineMessage("Timer warning")
        cv.addWidget(self.long_warning)
        cv.addLayout(self._build_form())
        cv.addStretch(1)
        self.pages.addWidget(content)
        outer = QVBoxLayout(self)
        # A little room on the right: the outcome buttons' borders touched the window edge.
        outer.setContentsMargins(0, 0, self.fontMetrics().height() // 2, 0)
        outer.addWidget(self.pages)
        self.clear()

    # -- building --------------------------------------------------------------
    def _build_form(self) -> QVBoxLayout:
        self.outcomes = QButtonGroup(self)  # exclusive
        # Three a row: five side by side made the panel crowd the queue at 1280 px.
        outcome_row = QGridLayout()
        outcome_row.setSpacing(self.fontMetrics().height() // 4)
        self.outcome_buttons: dict[Outcome, QPushButton] = {}
        for i, (outcome, label) in enumerate(OUTCOME_LABELS):
            b = button(label, f"Outcome {outcome.value}")
            b.setCheckable(True)
            b.setAutoDefault(False)
            b.setProperty("segment", True)
            self.outcomes.addButton(b)
            self.outcome_buttons[outcome] = b
            outcome_row.addWidget(b, i // 3, i % 3)

        self.note = QPlainTextEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("What was discussed, what was agreed")
        self.note.setTabChangesFocus(True)
        self.note.setFixedHeight(self.fontMetrics().height() * 5)
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setSuffix(" min")
        self.minutes.setMinimumWidth(self.fontMetrics().averageCharWidth() * 12)
        self.minutes.setAccessibleName("Minutes")
        self.minutes.setToolTip("Filled from the timer; change it if the call was timed elsewhere")
        self.minutes.valueChanged.connect(self._minutes_typed)
        self.program = QComboBox()
        self.program.setAccessibleName("Program")
        self.follow_up_check = QCheckBox("Set &follow-up")
        self.follow_up_check.setAccessibleName("Set follow-up")
        self.follow_up = date_edit("Follow-up date")
        self.follow_up.setEnabled(False)
        self.follow_up_check.toggled.connect(self.follow_up.setEnabled)
        follow_row = QHBoxLayout()
        follow_row.addWidget(self.follow_up_check)
        follow_row.addWidget(self.follow_up)
        follow_row.addStretch(1)
        numbers = QHBoxLayout()
        numbers.addWidget(self.minutes)
        program_label = QLabel("Pro&gram")
        program_label.setBuddy(self.program)
        numbers.addSpacing(self.fontMetrics().height())
        numbers.addWidget(program_label)
        numbers.addWidget(self.program, 1)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        minutes_label = QLabel("&Minutes")
        minutes_label.setBuddy(self.minutes)
        form.addRow("Outcome", outcome_row)
        form.addRow("N&ote", self.note)
        form.addRow(minutes_label, numbers)
        form.addRow("", follow_row)
        self.message = InlineMessage("Call form message")
        self.save_button = button("Save call", "Save call", primary=True)
        self.save_button.setToolTip("Save the contact and its minutes (Ctrl+S or Ctrl+Enter)")
        self.save_button.clicked.connect(self.save)
        self.time_button = button("Log other time…", "Log other time")
        self.time_button.setToolTip("Minutes that were not a call: care-plan work, coordination, a medication review")
        self.time_button.setAutoDefault(False)
        self.time_button.clicked.connect(self.log_other_time)
        buttons = QHBoxLayout()
        buttons.addWidget(self.message, 1)
        buttons.addStretch(0)
        buttons.addWidget(self.time_button, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        buttons.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignRight)
        lay = QVBoxLayout()
        lay.addLayout(form)
        lay.addLayout(buttons)
        return lay

    def log_other_time(self) -> LogTimeDialog | None:
        """Open the time dialog for the shown patient; on save, say so (the dialog tells the hub)."""
        pid = self.patient_id
        if self.workspace is None or pid is None:
            return None
        # Qt hands str-based enums back as plain str: convert.
        programs = [Program(d) for i in range(self.program.count()) if (d := self.program.itemData(i))]
        main = Program(self.program.currentData()) if self.program.currentData() else None
        dialog = LogTimeDialog(self.workspace, pid, self.header.name.text(), programs, main, self)

        def done(result: int) -> None:
            if result == QDialog.DialogCode.Accepted and dialog.saved is not None:
                entry = dialog.saved
                self.message.show_info(f"Logged {entry.minutes} min of {entry.activity.value}.")

        dialog.finished.connect(done)
        dialog.open()
        return dialog

    # -- patient ---------------------------------------------------------------
    @property
    def patient_id(self) -> int | None:
        return self.header.patient_id

    @property
    def busy(self) -> bool:
        """A timer is started for the shown patient: the panel must not switch."""
        return self.timer.started

    def set_workspace(self, workspace: Workspace | None) -> None:
        self.workspace = workspace

    def set_timer_clock(self, clock: Callable[[], float]) -> None:
        """Tests inject a fake monotonic clock (only while no timer runs)."""
        if not self.timer.started:
            self._clock = clock
            self.timer = CallTimer(clock=clock, now=self._now)

    def _now(self) -> datetime:
        # The workspace clock, so a started_at agrees with the contact's time in tests too.
        return self.workspace.clock.now() if self.workspace is not None else datetime.now(UTC)

    def show_patient(self, patient_id: int) -> bool:
        """Open the patient (an audited chart view); False if the panel is busy or it failed."""
        if self.workspace is None or self.busy:
            return False
        if patient_id == self.patient_id:
            return True
        try:
            chart = patient_records.open_chart(self.workspace, patient_id)
        except CareDeskError as exc:
            self.clear()
            self.pages.setCurrentIndex(1)
            self.message.show_error(user_message(exc))
            return False
        self._fill(chart)
        return True

    def _fill(self, chart: Chart) -> None:
        assert self.workspace is not None
        today = self.workspace.today()
        self.header.show_chart(chart, today)
        self.program.clear()
        active = chart.active_enrollments(today)
        for program in dict.fromkeys(e.program for e in active):
            self.program.addItem(program.value, program)
        main = main_program(chart.enrollments, Month.of(today))
        if main is not None and self.program.findData(main) >= 0:
            self.program.setCurrentIndex(self.program.findData(main))
        self.program.setEnabled(self.program.count() > 0)
        if self.program.count() == 0:
            self.program.addItem("No active program", None)
        self.reset_form()
        self.pages.setCurrentIndex(1)

    def reset_form(self) -> None:
        self.outcomes.setExclusive(False)
        for b in self.outcome_buttons.values():
            b.setChecked(False)
        self.outcomes.setExclusive(True)
        self.note.clear()
        self._set_minutes(0)
        self._minutes_edited = False
        self.follow_up_check.setChecked(False)
        if self.workspace is not None:
            self.follow_up.setDate(qdate(self.workspace.today() + timedelta(days=7)))
        self.message.clear()
        self._stopped_seconds = None
        self._show_timer()

    def clear(self) -> None:
        """On lock: stop the timer and empty every widget that held patient data."""
        self.ticker.stop()
        was = self.timer.started
        self.timer = CallTimer(clock=self._clock, now=self._now)
        self.header.clear()
        self.program.clear()
        self.reset_form()
        self.pages.setCurrentIndex(0)
        if was:
            self.timer_changed.emit(False)

    # -- timer -----------------------------------------------------------------
    def start(self) -> None:
        """Start (or resume) the timer for the shown patient."""
        if self.patient_id is None:
            return
        if self.timer.paused:
            self.timer.resume()
        elif not self.timer.started:
            self.timer.start()
            self._stopped_seconds = None
            self.timer_changed.emit(True)
        self.ticker.start()
        self._show_timer()

    def toggle_pause(self) -> None:
        if self.timer.running:
            self.timer.pause()
            self.ticker.stop()
        elif self.timer.paused:
            self.timer.resume()
            self.ticker.start()
        self._show_timer()

    def stop(self) -> None:
        """Stop the timer; its whole minutes go into the field unless the nurse typed some."""
        if not self.timer.started:
            return
        self._stopped_seconds = self.timer.elapsed_seconds
        minutes = self.timer.stop()
        self.ticker.stop()
        if not self._minutes_edited:
            self._set_minutes(minutes)
        self._show_timer()
        self.timer_changed.emit(False)

    def tick(self) -> None:
        if self.timer.running and not self._minutes_edited:
            self._set_minutes(self.timer.minutes)
        self._show_timer()

    def _show_timer(self) -> None:
        t = self.timer
        seconds = t.elapsed_seconds if t.started or self._stopped_seconds is None else self._stopped_seconds
        self.time_label.setText(clock_text(seconds))
        self.time_label.setAccessibleDescription(f"{int(seconds // 60)} minutes timed")
        if t.started:
            self.state_label.setText("Running" if t.running else "Paused")
        elif self._stopped_seconds is not None:
            self.state_label.setText(f"Stopped · {int(seconds // 60)} min")
        else:
            self.state_label.setText("Not started")
        has_patient = self.patient_id is not None
        self.start_button.setEnabled(has_patient and not t.running)
        self.start_button.setText("Resume" if t.paused else "Start")
        self.pause_button.setEnabled(t.started)
        self.pause_button.setText("&Resume" if t.paused else "&Pause")
        self.stop_button.setEnabled(t.started)
        if t.started and t.too_long(LONG_CALL_MINUTES):
            self.long_warning.show_warning(f"Timer running for {t.minutes} min — still on the call?")
        else:
            self.long_warning.clear()

    def _set_minutes(self, value: int) -> None:
        self._setting_minutes = True
        try:
            self.minutes.setValue(value)
        finally:
            self._setting_minutes = False

    def _minutes_typed(self, _value: int) -> None:
        if not self._setting_minutes:
            self._minutes_edited = True

    # -- saving ----------------------------------------------------------------
    def outcome(self) -> Outcome | None:
        return next((o for o, b in self.outcome_buttons.items() if b.isChecked()), None)

    def set_outcome(self, outcome: Outcome) -> None:
        self.outcome_buttons[outcome].setChecked(True)

    def save(self) -> CallLogged | None:
        """Log the call in one transaction; a refused field is named inline and nothing is stored."""
        ws, pid = self.workspace, self.patient_id
        if ws is None or pid is None:
            return None
        if self.timer.running and not self._minutes_edited:
            self._set_minutes(self.timer.minutes)
        try:
            outcome = self.outcome()
            if outcome is None:
                raise ValidationError("outcome", "must be chosen (reached, voicemail, no answer, ...)")
            follow_up = picked_date(self.follow_up) if self.follow_up_check.isChecked() else None
            result = log_contact(
                ws,
                pid,
                outcome=outcome,
                minutes=self.minutes.value(),
                program=self.program.currentData(),
                note=self.note.toPlainText().strip(),
                follow_up=follow_up,
                started_at=self.timer.started_at,
            )
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return None
        if self.timer.started:
            self.timer.stop()
            self.ticker.stop()
            self.timer_changed.emit(False)
        self.reset_form()
        self.saved.emit(result)
        return result
