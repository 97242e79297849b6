"""Working a call: the patient's header, a running timer and the call form.

Saving calls `log_contact` once (contact + minutes + what follows, one transaction).
The timer belongs to the patient it was started for: while it runs, or while the form
holds anything not saved, the panel keeps that patient (the queue page asks first), so
minutes never land on the wrong chart and no call is dropped. A call put aside is a
draft in the store (services.call_drafts); opening the patient again brings it back.
The timing (a Stop keeps the time so far: Start counts on) is call_clock's. The
patient's open tasks sit at the panel's foot (call_tasks), closable during the call.
Screen… (Alt+S) runs the guided interview for the call's patient; the screen is saved
without minutes and its minutes go into the call's Minutes box (logged once, with the call),
unless the box follows a running timer, which already counts them.

The header and the Program box follow the record: a change set naming the shown patient's
demographics or programs (the chart's End program…, a `caredesk enroll --end` beside the app)
reads them again at once, and what the form holds (outcome, note, minutes, follow-up, timer,
the program chosen while it is still active) stays as it was. A tester saw an ended program
in the panel until another patient was opened; the queue had re-ranked already (SPEC 8: a fact
the rules read shows at once).
"""

from __future__ import annotations

import itertools
import logging
import time
from collections.abc import Callable
from datetime import UTC, date, datetime

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QStackedWidget, QVBoxLayout, QWidget

from caredesk.domain.call_draft import CallDraft
from caredesk.domain.contacts import Outcome
from caredesk.domain.coordination import Assessment
from caredesk.domain.patients import Chart, Program
from caredesk.domain.timelog import CallTimer
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import assessments as screens
from caredesk.services import call_drafts
from caredesk.services import patients as patient_records
from caredesk.services.calls import CallLogged, log_contact
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.assess.interview_dialog import InterviewDialog, saved_text
from caredesk.ui.common.call_form import CallForm
from caredesk.ui.common.forms import InlineMessage, KeyButton, button, heading, user_message
from caredesk.ui.common.hub import hub
from caredesk.ui.common.long_minutes import confirm_minutes
from caredesk.ui.common.time_dialog import LogTimeDialog, open_log_time
from caredesk.ui.common.workers import TaskRunner
from caredesk.ui.queue.call_clock import CallClock
from caredesk.ui.queue.call_drafting import draft_time, fill_form, form_draft, same_call
from caredesk.ui.queue.call_header import CallHeader
from caredesk.ui.queue.call_tasks import CallTasks
from caredesk.ui.queue.timer_display import TimerDisplay

log = logging.getLogger(__name__)

PLACEHOLDER = "Select a patient in the queue to work the call."
LONG_CALL_MINUTES = 60


class CallPanel(QWidget):
    saved = Signal(object)  # CallLogged
    timer_changed = Signal(bool)  # True while a timer is started (running or paused)
    drafts_changed = Signal(int)  # a patient's draft was kept or dropped

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Call panel")
        self.workspace: Workspace | None = None
        self.clock = CallClock(self._now, self)
        self.clock.ticked.connect(self.tick)
        self.clock.started_changed.connect(self.timer_changed.emit)
        self._minutes_edited = False
        self._setting_minutes = False
        self._kept: CallDraft | None = None  # the form as last kept or restored as a draft
        self._seconds: Callable[[], float] = time.monotonic  # the screens' elapsed time
        self._offered: Chart | None = None  # read off the GUI thread for the next show_patient
        self._view_to_record: int | None = None  # an offered chart shown, its view not yet audited
        self.views = TaskRunner(self)  # the audit of an offered chart's view

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
        self.start_button.clicked.connect(self._start_clicked)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button.clicked.connect(self.stop)
        cv.addWidget(self.timer_display)

        self.form = CallForm(self._today)
        f = self.form  # the panel's names for the form's fields (the queue and tests use them)
        self.outcomes, self.outcome_buttons, self.note = f.outcomes, f.outcome_buttons, f.note
        self.minutes, self.program = f.minutes, f.program
        self.follow_up_check, self.follow_up = f.follow_up_check, f.follow_up
        self.minutes.valueChanged.connect(self._minutes_typed)
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
        self.discard_draft_button.clicked.connect(self.discard_draft)
        self.discard_draft_button.hide()
        self.save_button = button("Save call", "Save call", primary=True)
        self.save_button.setToolTip("Save the contact and its minutes (Ctrl+S or Ctrl+Enter)")
        self.save_button.clicked.connect(self.save)
        self.time_button = button("Log other time…", "Log other time")
        self.time_button.setToolTip("Minutes that were not a call: care-plan work, coordination, a medication review")
        self.time_button.setAutoDefault(False)
        self.time_button.clicked.connect(self.log_other_time)
        self.screen_button = button("&Screen…", "Screen the patient")
        self.screen_button.setToolTip("PHQ-2/PHQ-9, GAD-7 or the social-needs screen, one item at a time (Alt+S)")
        self.screen_button.setAutoDefault(False)
        self.screen_button.clicked.connect(self.open_screening)
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
        hub().changed.connect(self._changed)

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

    def log_other_time(self) -> LogTimeDialog | None:
        """Open the time dialog for the shown patient; on save, say so (the dialog tells the hub)."""
        pid = self.patient_id
        if self.workspace is None or pid is None:
            return None
        # Qt hands str-based enums back as plain str: convert.
        programs = [Program(d) for i in range(self.program.count()) if (d := self.program.itemData(i))]
        return open_log_time(
            self.workspace,
            pid,
            self.header.full_name,
            programs,
            self.current_program(),
            self,
            lambda entry: self.message.show_info(f"Logged {entry.minutes} min of {entry.activity.value}."),
        )

    def open_screening(self) -> InterviewDialog | None:
        """The guided interview for the call's patient (window-modal)."""
        pid = self.patient_id
        if self.workspace is None or pid is None:
            return None
        name = self.header.full_name
        resume = screens.resumable(self.workspace, pid)  # the queue may have asked to finish it
        dialog = InterviewDialog(
            self.workspace, pid, name, for_call=True, resume=resume, seconds=self._seconds, parent=self
        )
        dialog.screened.connect(self._screened)
        dialog.open()
        return dialog

    def _screened(self, screen: Assessment, minutes: int) -> None:
        if self.timer.running and not self._minutes_edited:
            self.message.show_info(f"{saved_text(screen)} Its time is counted by the running call timer.")
            return
        self.set_minutes(self.minutes.value() + minutes, edited=True)
        self.message.show_info(f"{saved_text(screen)} {minutes} min added to the call's minutes.")

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

    @property
    def unsaved(self) -> bool:
        """The form holds a call that is neither saved nor kept as a draft as it stands."""
        if self.patient_id is None:
            return False
        if self.timer.started:
            return True
        draft = self.draft()
        if draft is None:
            return False
        if self._kept is None:
            return not draft.empty
        return not same_call(draft, self._kept)

    def set_workspace(self, workspace: Workspace | None) -> None:
        self.workspace = workspace

    def set_timer_clock(self, clock: Callable[[], float]) -> None:
        """Tests inject a fake monotonic clock (only while no timer runs); screens time with it too."""
        self.clock.set_monotonic(clock)
        self._seconds = clock

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
        if self.unsaved:
            return False
        self.record_view()
        offered, self._offered = self._offered, None
        if offered is not None and offered.patient.id == patient_id:
            self._fill(offered)
            self._view_to_record = patient_id  # see record_view
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

    def offer_chart(self, chart: Chart | None) -> None:
        """A chart read off the GUI thread, unaudited (the queue's first patient, read by the
        worker that built the queue): the next show_patient of that patient shows it without
        reading it again (~12 ms of the GUI thread at 2,000 patients, issue 14); its view is
        audited by `record_view`. Any other patient is read as usual; None withdraws it."""
        self._offered = chart

    def record_view(self) -> None:
        """Audit the view of an offered chart shown, on a worker: the queue page calls this once
        its hand-over is painted (the write beside the first paint slowed it), and it is done
        at the latest when another patient is shown or on lock."""
        pid, self._view_to_record = self._view_to_record, None
        ws = self.workspace
        if pid is None or ws is None:
            return

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, CareDeskError):
                raise exc
            log.warning("a chart view was not audited: %s", type(exc).__name__)

        self.views.run(lambda: patient_records.record_view(ws, pid), lambda _none: None, failed)

    def _fill(self, chart: Chart) -> None:
        assert self.workspace is not None
        today = self.workspace.today()
        self.header.show_chart(chart, today)
        if chart.patient.id is not None:
            self.tasks.show_patient(self.workspace, chart.patient.id)
        self.form.set_programs(chart, today)
        self.reset_form()
        self.pages.setCurrentIndex(1)
        self._restore_draft()

    def _changed(self, changes: Changes, _source: object) -> None:
        """A change to the shown patient's record (demographics, programs, consent): read again."""
        if self.patient_id in changes.patients and changes.touches(Kind.PATIENT, Kind.ENROLLMENT):
            self.refresh()

    def refresh(self) -> None:
        """Show the patient's header and programs as stored now, keeping the call in the form.
        The program chosen stays while it is still active; one ended is replaced by the form's
        default (the one that bills this month), and a call being worked is told so. Not a new
        view of the chart: not audited."""
        ws, pid = self.workspace, self.patient_id
        if ws is None or pid is None or not ws.is_open:
            return
        try:
            chart = patient_records.open_chart(ws, pid, audit_view=False)
        except CareDeskError as exc:
            log.warning("the call panel's patient could not be read again: %s", type(exc).__name__)
            return
        draft = self.draft()
        had_call = draft is not None and not draft.empty  # worked now, or a draft brought back
        chosen = self.current_program()
        today = ws.today()
        self.header.show_chart(chart, today)
        self.form.set_programs(chart, today)
        at = self.program.findData(chosen) if chosen is not None else -1
        if at >= 0:
            self.program.setCurrentIndex(at)
        elif chosen is not None and had_call:
            now = self.current_program()
            self.message.show_info(
                f"{chosen.value} is no longer active for this patient: "
                + (f"this call will be saved under {now.value}." if now else "this call has no program now.")
            )

    def reset_form(self) -> None:
        self.form.reset()
        self._set_minutes(0)
        self._minutes_edited = False
        self.message.clear()
        self.discard_draft_button.hide()
        self._kept = None
        self.clock.reset()

    def clear(self) -> None:
        """On lock: keep an unsaved call as a draft (nobody was asked: an idle lock), stop the
        timer and empty every widget that held patient data."""
        if self.unsaved and self.workspace is not None and self.workspace.is_open:
            self.keep_draft()
        self._offered = None
        if self.workspace is not None and self.workspace.is_open:
            self.record_view()
        self.views.wait()  # a view's audit is written before the store closes
        self.header.clear()
        self.tasks.clear()
        self.program.clear()
        self.reset_form()
        self.pages.setCurrentIndex(0)

    # -- drafts ------------------------------------------------------------------
    def draft(self) -> CallDraft | None:
        """The form as a draft of the shown patient's call (None without a patient)."""
        return form_draft(self)

    def keep_draft(self) -> bool:
        """Put the call aside as the patient's draft (a running timer stops, its time kept).
        False, with the store's message, if it could not be kept."""
        ws = self.workspace
        if self.timer.started:
            self.stop()
        draft = self.draft()
        if ws is None or draft is None:
            return False
        try:
            call_drafts.save(ws, draft)
        except (CareDeskError, ValueError) as exc:
            log.warning("a call draft could not be kept: %s", type(exc).__name__)
            self.message.show_error(user_message(exc) if isinstance(exc, CareDeskError) else str(exc))
            return False
        self._kept = None if draft.empty else draft
        self.drafts_changed.emit(draft.patient_id)
        return True

    def discard_call(self) -> None:
        """Drop the call being worked, and the patient's kept draft with it."""
        pid = self.patient_id
        self.reset_form()
        if pid is not None:
            self._drop_draft(pid)

    def discard_draft(self) -> None:
        """The Discard draft button: empty form, no draft kept."""
        self.discard_call()
        self.message.show_info("Draft discarded.")
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def _drop_draft(self, patient_id: int) -> None:
        if self.workspace is None:
            return
        try:
            call_drafts.discard(self.workspace, patient_id)
        except CareDeskError as exc:
            log.warning("a call draft could not be dropped: %s", type(exc).__name__)
            return
        self.drafts_changed.emit(patient_id)

    def _restore_draft(self) -> None:
        ws, pid = self.workspace, self.patient_id
        if ws is None or pid is None:
            return
        try:
            draft = call_drafts.load(ws, pid)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        if draft is None:
            return
        fill_form(self, draft)
        self._kept = self.draft()
        self.message.show_info(f"Draft from {draft_time(draft, ws)} restored.")
        self.discard_draft_button.show()

    # -- timer -----------------------------------------------------------------
    @property
    def elapsed_seconds(self) -> float:
        return self.clock.elapsed_seconds

    def _start_clicked(self) -> None:
        self.start()
        self.note.setFocus(Qt.FocusReason.OtherFocusReason)  # the call is on: what is typed is its note

    def start(self) -> None:
        """Start (or resume) the timer for the shown patient."""
        if self.patient_id is not None:
            self.clock.start()

    def toggle_pause(self) -> None:
        self.clock.toggle_pause()

    def stop(self) -> None:
        """Stop the timer; the call's whole minutes go into the field unless the nurse typed some."""
        self.clock.stop()

    def tick(self) -> None:
        if not self._minutes_edited and (self.timer.started or self.clock.carried):
            self._set_minutes(self.clock.minutes)
        self._show_timer()

    def _show_timer(self) -> None:
        seconds = self.elapsed_seconds
        self.timer_display.show_state(self.timer, seconds, has_patient=self.patient_id is not None)
        if self.timer.started and seconds >= LONG_CALL_MINUTES * 60:
            self.long_warning.show_warning(f"Timer running for {int(seconds // 60)} min — still on the call?")
        else:
            self.long_warning.clear()

    @property
    def minutes_edited(self) -> bool:
        """The minutes were typed, not taken from the timer (the timer no longer changes them)."""
        return self._minutes_edited

    def set_minutes(self, value: int, *, edited: bool = False) -> None:
        self._set_minutes(value)
        self._minutes_edited = edited

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
        if self.timer.running and not self._minutes_edited:
            self._set_minutes(self.clock.minutes)
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
            result = log_contact(
                ws,
                pid,
                outcome=outcome,
                minutes=minutes,
                program=self.current_program(),
                note=self.note.toPlainText().strip(),
                follow_up=follow_up,
                started_at=self.clock.first_start,
            )
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return None
        self.reset_form()
        self._drop_draft(pid)
        self.saved.emit(result)
        return result
