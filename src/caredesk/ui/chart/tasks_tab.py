"""The chart's "Tasks & appointments" tab: the patient's tasks and the appointments arranged.

Open tasks come first, soonest due, then the done and cancelled ones (Done / Reopen / Add /
Edit / Cancel; an open letter task's Letter… saves the letter and marks it as sent). Appointments: upcoming first, then past ones newest first; an appointment
whose day has passed asks "kept or missed?" until it is recorded. Each write goes through
services.tasks or services.appointments and is published, so the queue re-ranks at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from typing import Any, TypeVar

from PySide6.QtWidgets import QComboBox, QVBoxLayout, QWidget

from caredesk.domain.appointments import (
    Appointment,
    AppointmentKind,
    AppointmentStatus,
    clock_time,
    parse_clock_time,
)
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.coordination import Task, TaskKind, TaskStatus
from caredesk.services import appointments as appointment_service
from caredesk.services import stays as stay_service
from caredesk.services import tasks as task_service
from caredesk.services.changes import Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.letter_dialog import LetterDialog
from caredesk.ui.chart.tab_parts import (
    DATE_HINT,
    ButtonRow,
    FormDialog,
    LazyTab,
    RecordTable,
    Row,
    date_text,
    line,
    open_form,
    run_action,
    typed_date,
)
from caredesk.ui.common.forms import button, combo, heading

WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
NO_STAY = "Not for a hospital stay"


def task_row(t: Task, today: date) -> Row:
    """(task, due, status) and its look: overdue red, due today amber, closed muted."""
    assert t.id is not None
    due = us_date(t.due) if t.due else "—"
    if t.status is not TaskStatus.OPEN:
        closed = f" {us_date(t.done_at.date())}" if t.done_at else ""
        return Row(t.id, (t.title, due, f"{t.status.value}{closed}"), "muted")
    if t.due is not None and t.due < today:
        return Row(t.id, (t.title, due, "overdue"), "error")
    if t.due == today:
        return Row(t.id, (t.title, due, "due today"), "warning")
    return Row(t.id, (t.title, due, "open"), "")


def appointment_row(a: Appointment, ws: Workspace) -> Row:
    """(when, what with whom and where, status); a past one not yet recorded asks for it."""
    assert a.id is not None
    local = a.at.astimezone(ws.tz)
    day = local.date()
    when = f"{WEEKDAYS[day.weekday()]} {us_date(day)} {clock_time(local)}"
    what = f"{a.kind.value} with {a.with_whom}" + (f"\n{a.place}" if a.place else "")
    if a.status is AppointmentStatus.SCHEDULED:
        today = ws.today()
        if day < today:
            return Row(a.id, (when, what, "kept or missed?"), "warning")
        return Row(a.id, (when, what, "today" if day == today else "scheduled"), "")
    return Row(a.id, (when, what, a.status.value), "muted")


class TaskDialog(FormDialog):
    """Add a task, or change an open one's title and due date."""

    def __init__(self, ws: Workspace, patient_id: int, task: Task | None = None, parent: QWidget | None = None):
        super().__init__("Edit task" if task else "Add task", parent)
        self.ws, self.patient_id, self.task = ws, patient_id, task
        self.title_edit = line("Task", "e.g. Fax the care plan to the cardiologist", task.title if task else "")
        self.due = line("Due date", f"{DATE_HINT}, blank if none", date_text(task.due) if task else "")
        self.add_rows([("&Task", self.title_edit, "task"), ("D&ue date", self.due, "due date")])

    def save(self) -> Saved[Any]:
        due = typed_date("due date", self.due, required=False)
        if self.task is None:
            return task_service.add_task(self.ws, self.patient_id, self.title_edit.text(), due)
        assert self.task.id is not None
        return task_service.change_task(self.ws, self.task.id, title=self.title_edit.text(), due=due)


class AppointmentDialog(FormDialog):
    """Schedule an appointment, or (given one) reschedule it: then only the day and time change."""

    def __init__(
        self, ws: Workspace, patient_id: int, appointment: Appointment | None = None, parent: QWidget | None = None
    ):
        super().__init__("Reschedule appointment" if appointment else "Schedule appointment", parent)
        self.ws, self.patient_id, self.appointment = ws, patient_id, appointment
        self.day = line("Appointment date", DATE_HINT)
        self.time = line("Time", "e.g. 9:30 AM")
        self.kind = combo("Appointment type", [k.value for k in AppointmentKind])
        self.with_whom = line("With whom", "e.g. Dr. Ana Ruiz, cardiology")
        self.place = line("Where", "optional: clinic, address")
        self.stay = combo("Hospital stay", [NO_STAY])
        # A long facility name widens the list, not the form (the labels were cut).
        self.stay.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.stay.setMinimumContentsLength(len(NO_STAY))
        self._stay_ids: list[int | None] = [None]
        for view in stay_service.stays(ws, patient_id):
            self.stay.addItem(f"Discharged {us_date(view.stay.discharged_on)}, {view.stay.facility}")
            self._stay_ids.append(view.stay.id)
        if appointment is not None:
            local = appointment.at.astimezone(ws.tz)
            self.day.setText(date_text(local.date()))
            self.time.setText(clock_time(local))
            self.kind.setCurrentText(appointment.kind.value)
            self.with_whom.setText(appointment.with_whom)
            self.place.setText(appointment.place)
            self.stay.setCurrentIndex(self._stay_ids.index(appointment.transition_id))
            for fixed in (self.kind, self.with_whom, self.place, self.stay):
                fixed.setEnabled(False)
        else:
            self.kind.currentTextChanged.connect(self._kind_changed)
        self.add_rows(
            [
                ("&Date", self.day, "appointment date"),
                ("T&ime", self.time, "time"),
                ("Ty&pe", self.kind, "appointment type"),
                ("&With", self.with_whom, "with whom"),
                ("W&here", self.place, "where"),
                ("Hospital st&ay", self.stay, "hospital stay"),
            ]
        )
        self.fields["appointment time"] = self.day  # the service names the whole time
        if len(self._stay_ids) == 1:
            self.form.setRowVisible(self.stay, False)  # no stays: nothing to link

    def _kind_changed(self, text: str) -> None:
        # A TCM visit follows the newest stay unless one was picked.
        if text == AppointmentKind.TCM_VISIT.value and self.stay.currentIndex() == 0 and len(self._stay_ids) > 1:
            self.stay.setCurrentIndex(1)

    def at(self) -> datetime:
        day = typed_date("appointment date", self.day)
        assert day is not None
        return datetime.combine(day, parse_clock_time("time", self.time.text()), tzinfo=self.ws.tz)

    def save(self) -> Saved[Any]:
        if self.appointment is not None:
            assert self.appointment.id is not None
            return appointment_service.reschedule(self.ws, self.appointment.id, at=self.at())
        return appointment_service.schedule(
            self.ws,
            self.patient_id,
            at=self.at(),
            kind=self.kind.currentText(),
            with_whom=self.with_whom.text(),
            place=self.place.text(),
            transition_id=self._stay_ids[self.stay.currentIndex()],
        )


D = TypeVar("D", bound=FormDialog)


class TasksTab(LazyTab):
    tab_title = "Tasks && appointments"  # "&&" shows one "&" in a tab's title
    kinds = (Kind.TASK, Kind.APPOINTMENT, Kind.TRANSITION)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Tasks and appointments")
        self._tasks: dict[int, Task] = {}
        self._appointments: dict[int, Appointment] = {}
        self.task_table = RecordTable("Tasks", ("Task", "Due", "Status"), 0)
        self.task_table.current_changed.connect(self._update_buttons)
        self.task_table.activated.connect(lambda _index: self.edit_task())
        self.no_tasks = heading("No tasks. Add one with Add task.", "muted")
        self.add_task_button = button("Add &task…", "Add task")
        self.edit_task_button = button("Ed&it…", "Edit task")
        self.done_button = button("&Done", "Mark task done")
        self.reopen_button = button("Re&open", "Reopen task")
        self.cancel_task_button = button("Ca&ncel task", "Cancel task")
        # Alt+R: Alt+E is the menu bar's Edit (one key for two things: tests/ui/test_mnemonics.py).
        self.letter_button = button("Lette&r…", "Letter to the patient for this task")
        self.letter_button.clicked.connect(self.open_letter)
        self.add_task_button.clicked.connect(self.add_task)
        self.edit_task_button.clicked.connect(self.edit_task)
        self.done_button.clicked.connect(lambda: self._task_action(task_service.complete_task))
        self.reopen_button.clicked.connect(lambda: self._task_action(task_service.reopen_task))
        self.cancel_task_button.clicked.connect(lambda: self._task_action(task_service.cancel_task))

        self.appointment_table = RecordTable("Appointments", ("When", "Appointment", "Status"), 1)
        self.appointment_table.current_changed.connect(self._update_buttons)
        self.no_appointments = heading("No appointments arranged.", "muted")
        self.schedule_button = button("&Schedule…", "Schedule appointment")
        self.reschedule_button = button("Reschedu&le…", "Reschedule appointment")
        self.kept_button = button("&Kept", "Appointment kept")
        self.missed_button = button("&Missed", "Appointment missed")
        self.cancel_appointment_button = button("Cancel a&ppointment", "Cancel appointment")
        self.schedule_button.clicked.connect(self.schedule)
        self.reschedule_button.clicked.connect(self.reschedule)
        self.kept_button.clicked.connect(lambda: self._outcome(AppointmentStatus.KEPT))
        self.missed_button.clicked.connect(lambda: self._outcome(AppointmentStatus.MISSED))
        self.cancel_appointment_button.clicked.connect(lambda: self._outcome(AppointmentStatus.CANCELLED))

        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(heading("Tasks", "section"))
        lay.addWidget(self.task_table, 1)
        lay.addWidget(self.no_tasks)
        lay.addLayout(
            ButtonRow(
                self.add_task_button,
                self.edit_task_button,
                self.done_button,
                self.reopen_button,
                self.cancel_task_button,
                self.letter_button,
            )
        )
        lay.addWidget(heading("Appointments", "section"))
        lay.addWidget(self.appointment_table, 1)
        lay.addWidget(self.no_appointments)
        lay.addLayout(
            ButtonRow(
                self.schedule_button,
                self.reschedule_button,
                self.kept_button,
                self.missed_button,
                self.cancel_appointment_button,
            )
        )
        self.drop()

    # -- reading -----------------------------------------------------------------
    def load(self) -> None:
        assert self.ws is not None and self.patient_id is not None
        ws, today = self.ws, self.ws.today()
        tasks = task_service.tasks(ws, self.patient_id, include_done=True)
        booked = appointment_service.appointments(ws, self.patient_id)
        upcoming = [a for a in booked if a.status is AppointmentStatus.SCHEDULED and local_date(a.at, ws.tz) >= today]
        past = sorted((a for a in booked if a not in upcoming), key=lambda a: a.at, reverse=True)
        self._tasks = {t.id: t for t in tasks if t.id is not None}
        self._appointments = {a.id: a for a in booked if a.id is not None}
        self.task_table.fill([task_row(t, today) for t in tasks])
        self.appointment_table.fill([appointment_row(a, ws) for a in upcoming + past])
        self._show_tables()
        self.setEnabled(True)

    def drop(self) -> None:
        self._tasks, self._appointments = {}, {}
        self.task_table.fill([])
        self.appointment_table.fill([])
        self._show_tables()
        self.setEnabled(self.patient_id is not None)

    def _show_tables(self) -> None:
        for table, empty in ((self.task_table, self.no_tasks), (self.appointment_table, self.no_appointments)):
            table.setVisible(table.rowCount() > 0)
            empty.setVisible(table.rowCount() == 0)
        self._update_buttons()

    def _update_buttons(self) -> None:
        task = self.current_task()
        open_ = task is not None and task.status is TaskStatus.OPEN
        self.add_task_button.setEnabled(self.patient_id is not None)
        self.schedule_button.setEnabled(self.patient_id is not None)
        for b in (self.edit_task_button, self.done_button, self.cancel_task_button):
            b.setEnabled(open_)
        self.reopen_button.setEnabled(task is not None and not open_)
        self.letter_button.setEnabled(open_ and task is not None and task.kind is TaskKind.LETTER)
        a = self.current_appointment()
        came = a is not None and self.ws is not None and local_date(a.at, self.ws.tz) <= self.ws.today()
        self.reschedule_button.setEnabled(a is not None and a.status is not AppointmentStatus.KEPT)
        self.kept_button.setEnabled(came and a is not None and a.status is not AppointmentStatus.KEPT)
        self.missed_button.setEnabled(came and a is not None and a.status is not AppointmentStatus.MISSED)
        self.cancel_appointment_button.setEnabled(a is not None and a.status is AppointmentStatus.SCHEDULED)

    def current_task(self) -> Task | None:
        tid = self.task_table.current_id()
        return None if tid is None else self._tasks.get(tid)

    def current_appointment(self) -> Appointment | None:
        aid = self.appointment_table.current_id()
        return None if aid is None else self._appointments.get(aid)

    # -- writing -------------------------------------------------------------------
    def add_task(self) -> TaskDialog | None:
        return self._open(lambda ws, pid: TaskDialog(ws, pid, parent=self), self.task_table)

    def edit_task(self) -> TaskDialog | None:
        task = self.current_task()
        if task is None or task.status is not TaskStatus.OPEN:
            return None
        return self._open(lambda ws, pid: TaskDialog(ws, pid, task, parent=self), self.task_table)

    def open_letter(self) -> LetterDialog | None:
        """The letter for the selected open letter task: save its PDF, mark it as sent."""
        task = self.current_task()
        if self.ws is None or self.patient_id is None or task is None or task.kind is not TaskKind.LETTER:
            return None
        dialog = LetterDialog(self.ws, self.patient_id, parent=self)
        dialog.finished.connect(lambda _result: self.task_table.setFocus())
        dialog.open()  # non-blocking, so a lock can close it
        return dialog

    def schedule(self) -> AppointmentDialog | None:
        return self._open(lambda ws, pid: AppointmentDialog(ws, pid, parent=self), self.appointment_table)

    def reschedule(self) -> AppointmentDialog | None:
        a = self.current_appointment()
        if a is None:
            return None
        return self._open(lambda ws, pid: AppointmentDialog(ws, pid, a, parent=self), self.appointment_table)

    def _open(self, make: Callable[[Workspace, int], D], table: RecordTable) -> D | None:
        """Open a form (non-blocking, so a lock can close it); select what it saved."""
        return open_form(self, make, table)

    def _task_action(self, action: Callable[[Workspace, int], Saved[Any]]) -> None:
        tid = self.task_table.current_id()
        if self.ws is not None and tid is not None:
            ws = self.ws
            run_action(self, lambda: action(ws, tid))

    def _outcome(self, outcome: AppointmentStatus) -> None:
        aid = self.appointment_table.current_id()
        if self.ws is not None and aid is not None:
            ws = self.ws
            run_action(self, lambda: appointment_service.record_outcome(ws, aid, outcome))
