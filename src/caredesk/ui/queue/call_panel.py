"""Working a call: the panel that holds the patient's header, a running timer and the call form.

Saving calls `log_contact` once (contact + minutes + what follows, one transaction).
The timer belongs to the patient it was started for: while it runs, or while the form
holds anything not saved, the panel keeps that patient (the queue page asks first), so
minutes never land on the wrong chart and no call is dropped. This module lays the panel
out, shows a patient, empties it on lock and saves the call; its parts, each the panel's:
- `drafts` (call_drafting.CallDrafts): an unsaved call, kept as a draft in the store
  (services.call_drafts) and brought back when the patient is opened again;
- `timing` (call_timing.CallTiming): Start/Pause/Stop and the Minutes box following the
  timer (the timing itself is call_clock's);
- `side_work` (call_side_work.CallSideWork): Screen… and Log other time…;
- `first_view` (offered_chart.OfferedChart): the queue's first chart, read off the GUI
  thread, and the audit of its view;
- `follow` (call_record_follow.RecordFollow): the header and the Program box follow the
  patient's record while the call is worked.
The patient's open tasks sit at the panel's foot (call_tasks), closable during the call.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Chart, Program
from caredesk.domain.timelog import CallTimer
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import patients as patient_records
from caredesk.services.calls import CallLogged, NoProgramForMinutes, log_contact
from caredesk.services.workspace import Workspace
from caredesk.ui.common import worked_calls
from caredesk.ui.common.call_form import CallForm
from caredesk.ui.common.forms import InlineMessage, KeyButton, button, heading, user_message
from caredesk.ui.common.long_minutes import confirm_minutes
from caredesk.ui.common.minutes_outside_program import save_without_minutes
from caredesk.ui.queue.call_clock import CallClock
from caredesk.ui.queue.call_drafting import CallDrafts
from caredesk.ui.queue.call_header import CallHeader
from caredesk.ui.queue.call_record_follow import RecordFollow
from caredesk.ui.queue.call_side_work import CallSideWork
from caredesk.ui.queue.call_tasks import CallTasks
from caredesk.ui.queue.call_timing import CallTiming
from caredesk.ui.queue.offered_chart import OfferedChart
from caredesk.ui.queue.timer_display import TimerDisplay

PLACEHOLDER = "Select a patient in the queue to work the call."


class CallPanel(QWidget):
    saved = Signal(object)  # CallLogged
    timer_changed = Signal(bool)  # True while a timer is started (running or paused)
    drafts_changed = Signal(int)  # a patient's draft was kept or dropped

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Call panel")
        self.workspace: Workspace | None = None
        self.clock = CallClock(self._now, self)
        self.timing = CallTiming(self)  # the timer's buttons and the Minutes box following it
        self.clock.ticked.connect(self.timing.tick)
        self.clock.started_changed.connect(self.timer_changed.emit)
        self.drafts = CallDrafts(self)  # an unsaved call kept, brought back, dropped
        self.side_work = CallSideWork(self)  # Screen… and Log other time…
        self.first_view = OfferedChart(self)  # the queue's first chart and the audit of its view

        # Containers first, then what goes in them, in the order of the focus chain: a widget
        # moved into a new parent has the style sheet re-applied to it and all it holds, so
        # each part is moved once, into its place (issue 14).
        outer = QVBoxLayout(self)
        # A little room on the right: the outcome buttons' borders touched the window edge.
        outer.setContentsMargins(0, 0, self.fontMetrics().height() // 2, 0)
        self.pages = QStackedWidget()
        outer.addWidget(self.pages)
        placeholder = heading(PLACEHOLDER, "muted")
        placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.pages.addWidget(placeholder)
        content = QWidget()
        self.pages.addWidget(content)
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
        self.start_button.clicked.connect(self.timing.start_clicked)
        self.pause_button.clicked.connect(self.timing.toggle_pause)
        self.stop_button.clicked.connect(self.timing.stop)
        cv.addWidget(self.timer_display)

        self.form = CallForm(self._today)
        f = self.form  # the panel's names for the form's fields (the queue and tests use them)
        self.outcomes, self.outcome_buttons, self.note = f.outcomes, f.outcome_buttons, f.note
        self.minutes, self.program = f.minutes, f.program
        self.follow_up_check, self.follow_up = f.follow_up_check, f.follow_up
        self.minutes.valueChanged.connect(self.timing.minutes_typed)
        cv.addWidget(self.form)

        # Messages appear below the buttons, never above a control, so nothing moves
        # under the cursor when one appears (it did for the timer warning).
        self.message = InlineMessage("Call form message")
        self.follow_up.refused.connect(self.message.show_error)
        # A refusal goes once the form is edited: "Outcome must be chosen" stayed on screen after
        # Reached was picked (a tester). The next save says again what is still wrong.
        self.form.edited.connect(self._clear_refusal)
        self.discard_draft_button = KeyButton("Discard draft", "Discard the restored draft")
        self.discard_draft_button.setToolTip("Forget the draft kept for this patient and empty the form")
        self.discard_draft_button.clicked.connect(self.drafts.discard_draft)
        self.discard_draft_button.hide()
        self.save_button = button("Save call", "Save call", primary=True)
        self.save_button.setToolTip("Save the contact and its minutes (Ctrl+S or Ctrl+Enter)")
        self.save_button.clicked.connect(self.save)
        self.time_button = button("&Log other time…", "Log other time")
        self.time_button.setToolTip("Minutes that were not a call: care-plan work, coordination, a medication review")
        self.time_button.setAutoDefault(False)
        self.time_button.clicked.connect(self.side_work.log_other_time)
        self.screen_button = button("&Screen…", "Screen the patient")
        self.screen_button.setToolTip("PHQ-2/PHQ-9, GAD-7 or the social-needs screen, one item at a time (Alt+S)")
        self.screen_button.setAutoDefault(False)
        self.screen_button.clicked.connect(self.side_work.open_screening)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.screen_button)
        buttons.addWidget(self.time_button)
        buttons.addWidget(self.save_button)
        cv.addLayout(buttons)
        said = QHBoxLayout()  # below the buttons: what it says never moves a control
        said.addWidget(self.message, 1)
        said.addWidget(self.discard_draft_button, 0, Qt.AlignmentFlag.AlignTop)
        cv.addLayout(said)
        self.long_warning = InlineMessage("Timer warning")
        cv.addWidget(self.long_warning)
        cv.addStretch(1)
        self.tasks = CallTasks()  # at the foot: its height never moves the call's controls
        self.tasks.tasks.all_closed.connect(lambda: self.note.setFocus(Qt.FocusReason.OtherFocusReason))
        cv.addWidget(self.tasks)
        self._tab_order()
        self.clear()
        self.follow = RecordFollow(self)  # the header and programs follow the record
        worked_calls.register(self)  # End program, in the chart, asks about the call being worked

    def _tab_order(self) -> None:
        """Header, timer, the form's own order, the buttons under it, then the open tasks."""
        for chain in (
            (self.header.chart_button, self.start_button, self.pause_button, self.stop_button, self.form.first()),
            (
                self.form.last(),
                self.screen_button,
                self.time_button,
                self.save_button,
                self.discard_draft_button,
                self.tasks.list,
            ),
            (self.tasks.list, self.tasks.done_button),
        ):
            for a, b in itertools.pairwise(chain):
                QWidget.setTabOrder(a, b)

    # -- patient ---------------------------------------------------------------
    @property
    def patient_id(self) -> int | None:
        return self.header.patient_id

    @property
    def timer(self) -> CallTimer:
        return self.clock.timer

    @property
    def ticker(self) -> QTimer:
        return self.clock.ticker

    @property
    def busy(self) -> bool:
        """A timer is started for the shown patient: the panel must not switch."""
        return self.timer.started

    def worked_minutes(self, patient_id: int) -> int | None:
        """The minutes of the patient's call being worked here (the timer's, or those typed),
        None when the panel holds no unsaved call with the patient (worked_calls)."""
        if patient_id != self.patient_id or not self.drafts.unsaved:
            return None
        if self.timer.running and not self.timing.minutes_edited:
            return self.clock.minutes
        return self.minutes.value()

    def set_workspace(self, workspace: Workspace | None) -> None:
        self.workspace = workspace

    def set_timer_clock(self, clock: Callable[[], float]) -> None:
        """Tests inject a fake monotonic clock (only while no timer runs); screens time with it too."""
        self.clock.set_monotonic(clock)
        self.side_work.seconds = clock

    def _now(self) -> datetime:
        # The workspace clock, so a started_at agrees with the contact's time in tests too.
        return self.workspace.clock.now() if self.workspace is not None else datetime.now(UTC)

    def _today(self) -> date:
        return self.workspace.today() if self.workspace is not None else date.today()

    def show_patient(self, patient_id: int) -> bool:
        """Open the patient (an audited chart view) and bring back their draft, if any.

        False if it failed, or while the form holds an unsaved call for someone else
        (the queue page asks about that call first)."""
        if self.workspace is None:
            return False
        if patient_id == self.patient_id:
            return True
        if self.drafts.unsaved:
            return False
        self.first_view.record_view()
        offered, self.first_view.offered = self.first_view.offered, None
        if offered is not None and offered.patient.id == patient_id:
            self._fill(offered)
            self.first_view.view_to_record = patient_id  # see record_view
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
        if chart.patient.id is not None:
            self.tasks.show_patient(self.workspace, chart.patient.id)
        self.form.set_programs(chart, today)
        self.reset_form()
        self.pages.setCurrentIndex(1)
        self.drafts.restore_draft()

    def reset_form(self) -> None:
        self.form.reset()
        self.timing.fill_minutes(0)
        self.timing.minutes_edited = False
        self.message.clear()
        self.discard_draft_button.hide()
        self.drafts.kept = None
        self.clock.reset()

    def clear(self) -> None:
        """On lock: keep an unsaved call as a draft (nobody was asked: an idle lock), stop the
        timer and empty every widget that held patient data."""
        if self.drafts.unsaved and self.workspace is not None and self.workspace.is_open:
            self.drafts.keep_draft()
        self.first_view.offered = None
        if self.workspace is not None and self.workspace.is_open:
            self.first_view.record_view()
        self.first_view.views.wait()  # a view's audit is written before the store closes
        self.header.clear()
        self.tasks.clear()
        self.program.clear()
        self.reset_form()
        self.pages.setCurrentIndex(0)

    # -- saving ----------------------------------------------------------------
    def _clear_refusal(self) -> None:
        if self.message.property("role") == "error":
            self.message.clear()

    def outcome(self) -> Outcome | None:
        return self.form.outcome()

    def set_outcome(self, outcome: Outcome) -> None:
        self.form.set_outcome(outcome)

    def current_program(self) -> Program | None:
        data = self.program.currentData()
        return Program(data) if data else None  # Qt hands str-based enums back as plain str

    def save(self) -> CallLogged | None:
        """Log the call in one transaction; a refused field is named inline and nothing is stored."""
        ws, pid = self.workspace, self.patient_id
        if ws is None or pid is None:
            return None
        if self.timer.running and not self.timing.minutes_edited:
            self.timing.fill_minutes(self.clock.minutes)
        try:
            outcome = self.outcome()
            if outcome is None:
                raise ValidationError("outcome", "must be chosen (reached, voicemail, no answer, ...)")
            minutes, follow_up = self.minutes.value(), self.form.follow_up_date()  # refusals before the question
            go_on = confirm_minutes(self, minutes)  # more than LONG_ENTRY_MINUTES: asked first
            if self.workspace is not ws or self.patient_id != pid:
                return None  # locked while asking (idle time): the call was kept as a draft
            if not go_on:
                self.message.show_info(f"Not saved: correct the {minutes} min, or save again and choose Save.")
                self.minutes.setFocus(Qt.FocusReason.OtherFocusReason)
                self.minutes.selectAll()
                return None
            program, note, started_at = self.current_program(), self.note.toPlainText().strip(), self.clock.first_start

            def log(minutes: int) -> CallLogged:
                return log_contact(
                    ws,
                    pid,
                    outcome=outcome,
                    minutes=minutes,
                    program=program,
                    note=note,
                    follow_up=follow_up,
                    started_at=started_at,
                )

            try:
                result = log(minutes)
            except NoProgramForMinutes as refused:
                # No program on the day (ended while the call was worked): asked, never the
                # typed minutes dropped without a word; Go back keeps the form as it is.
                without = save_without_minutes(self, refused)
                if self.workspace is not ws or self.patient_id != pid:
                    return None  # locked while asking: the call was kept as a draft
                if not without:
                    self.message.show_error(user_message(refused))
                    return None
                result = log(0)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return None
        self.reset_form()
        self.drafts.drop_draft(pid)
        self.saved.emit(result)
        return result
