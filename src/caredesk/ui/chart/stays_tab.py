"""The chart's "Hospital stays" tab: each discharge with its three TCM deadlines.

The list shows every stay, newest first, with what is still open; below it, the selected
stay's deadlines (interactive contact, face-to-face visit, medication reconciliation by the
visit) with their due dates and status - met, met late, due, overdue - and buttons to record
each step (services.stays). Every write is published, so the queue's deadline reasons leave
or return at once.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import tzinfo
from typing import Any, TypeVar

from PySide6.QtWidgets import QDialogButtonBox, QPushButton, QVBoxLayout, QWidget

from caredesk.domain.appointments import clock_time
from caredesk.domain.calendar import us_date
from caredesk.domain.contacts import INTERACTIVE_CHANNELS, Channel
from caredesk.domain.coordination import Complexity
from caredesk.domain.transitions import Deadline, DeadlineStatus
from caredesk.services import stays as stay_service
from caredesk.services.changes import Kind, Saved
from caredesk.services.stays import StayView
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.tab_parts import (
    DATE_HINT,
    ButtonRow,
    ConfirmRemoveDialog,
    FormDialog,
    LazyTab,
    RecordTable,
    Row,
    date_text,
    line,
    open_form,
    typed_date,
)
from caredesk.ui.common.forms import button, combo, heading, info_label

CONTACT, VISIT, RECONCILIATION = "contact", "visit", "reconciliation"
STEP_TITLES = {
    CONTACT: "Interactive contact",
    VISIT: "Face-to-face visit",
    RECONCILIATION: "Medication reconciliation",
}
# The channels offered for the TCM contact: interactive ones only (a letter never counts).
CONTACT_CHANNELS = [c.value for c in Channel if c in INTERACTIVE_CHANNELS]


def step_cells(view: StayView, step: str) -> Row:
    """(step, due, status) for one deadline, with its look: overdue red, due or met late amber."""
    d = {CONTACT: view.contact, VISIT: view.visit, RECONCILIATION: view.reconciliation}[step]
    due = us_date(d.due)
    if step == RECONCILIATION:
        due = f"by the visit ({due})" if view.stay.seen_on is None else f"by the visit, {due}"
    status, role = _status(view, d)
    if step == CONTACT and d.done_on is not None and view.stay.contact_channel is not None:
        status += f" by {view.stay.contact_channel.value}"
    if step == CONTACT and d.done_on is None and len(view.attempts) >= 2:
        status += f"; {len(view.attempts)} timely attempts"
    return Row(list(STEP_TITLES).index(step), (STEP_TITLES[step], due, status), role)


def _status(view: StayView, d: Deadline) -> tuple[str, str]:
    status = view.status(d)
    if status is DeadlineStatus.MET:
        return f"met {us_date(d.done_on)}" if d.done_on else "met", ""
    if status is DeadlineStatus.MET_LATE:
        return f"met late {us_date(d.done_on)}" if d.done_on else "met late", "warning"
    if view.as_of > view.period_ends:
        return "not met (TCM period over)", "muted"
    if status is DeadlineStatus.OVERDUE:
        return "overdue", "error"
    return ("due today", "warning") if d.due == view.as_of else ("due", "")


def stay_row(view: StayView) -> Row:
    """(discharged, facility and complexity over what is still open) for the list of stays."""
    t = view.stay
    assert t.id is not None
    open_steps = []
    roles = set()
    for step, d in zip((CONTACT, VISIT, RECONCILIATION), view.deadlines, strict=True):
        text, role = _status(view, d)
        roles.add(role)
        if d.done_on is None:
            when = {"due": f"due {us_date(d.due)}", "overdue": f"overdue since {us_date(d.due)}"}
            open_steps.append(f"{step} {when.get(text, text)}")
    summary = "; ".join(open_steps) or "all steps met"
    role = "error" if "error" in roles else ("warning" if open_steps and "warning" in roles else "")
    return Row(t.id, (us_date(t.discharged_on), f"{t.facility} ({t.complexity.value})\n{summary}"), role)


class StayDialog(FormDialog):
    """Add a stay, or correct one's facility, dates and complexity."""

    def __init__(self, ws: Workspace, patient_id: int, view: StayView | None = None, parent: QWidget | None = None):
        super().__init__("Edit hospital stay" if view else "Add hospital stay", parent)
        self.ws, self.patient_id, self.view = ws, patient_id, view
        t = view.stay if view else None
        self.facility = line("Facility", "hospital, SNF or rehab", t.facility if t else "")
        self.admitted = line(
            "Admission date", f"{DATE_HINT}, blank if not known", date_text(t.admitted_on if t else None)
        )
        self.discharged = line("Discharge date", DATE_HINT, date_text(t.discharged_on if t else None))
        self.complexity = combo("Complexity", [c.value for c in Complexity])
        self.complexity.setToolTip("Medical decision making: high - visit within 7 days; moderate - within 14")
        if t is not None:
            self.complexity.setCurrentText(t.complexity.value)
        self.add_rows(
            [
                ("&Facility", self.facility, "facility"),
                ("&Admitted", self.admitted, "admission date"),
                ("&Discharged", self.discharged, "discharge date"),
                ("C&omplexity", self.complexity, "complexity"),
            ]
        )

    def save(self) -> Saved[Any]:
        admitted = typed_date("admission date", self.admitted, required=False)
        discharged = typed_date("discharge date", self.discharged)
        assert discharged is not None
        if self.view is None:
            return stay_service.add_stay(
                self.ws,
                self.patient_id,
                facility=self.facility.text(),
                admitted_on=admitted,
                discharged_on=discharged,
                complexity=self.complexity.currentText(),
            )
        assert self.view.stay.id is not None
        return stay_service.change_stay(
            self.ws,
            self.view.stay.id,
            facility=self.facility.text(),
            admitted_on=admitted,
            discharged_on=discharged,
            complexity=self.complexity.currentText(),
        )


class StepDialog(FormDialog):
    """Record one TCM step's date (and the contact's channel); "Not made" takes a mistaken
    entry back."""

    def __init__(self, ws: Workspace, view: StayView, step: str, parent: QWidget | None = None):
        super().__init__(f"Record {STEP_TITLES[step].lower()}", parent)
        self.ws, self.view, self.step = ws, view, step
        done = {CONTACT: view.stay.contacted_on, VISIT: view.stay.seen_on, RECONCILIATION: view.stay.meds_reconciled_on}
        self.field_name = {
            CONTACT: "TCM contact date",
            VISIT: "face-to-face visit date",
            RECONCILIATION: "medication reconciliation date",
        }[step]
        self.day = line("Date", DATE_HINT, date_text(done[step] or ws.today()))
        rows: list[tuple[str, QWidget, str]] = [("&Date", self.day, self.field_name)]
        self.channel = combo("Contact channel", CONTACT_CHANNELS)
        if step == CONTACT:
            if view.stay.contact_channel is not None:
                self.channel.setCurrentText(view.stay.contact_channel.value)
            rows.append(("C&hannel", self.channel, "contact channel"))
        self.add_rows(rows)
        self.take_back: QPushButton | None = None
        if done[step] is not None:
            self.take_back = self.buttons.addButton("&Not made", QDialogButtonBox.ButtonRole.ResetRole)
            self.take_back.setAccessibleName("Not made: take the recorded date back")
            self.take_back.clicked.connect(self.clear_step)
        self._clearing = False

    def clear_step(self) -> None:
        self._clearing = True
        try:
            self.submit()
        finally:
            self._clearing = False

    def save(self) -> Saved[Any]:
        stay_id = self.view.stay.id
        assert stay_id is not None
        on = None if self._clearing else typed_date(self.field_name, self.day)
        if self.step == CONTACT:
            return stay_service.record_contact(self.ws, stay_id, on=on, channel=self.channel.currentText())
        if self.step == VISIT:
            return stay_service.record_visit(self.ws, stay_id, on=on)
        return stay_service.record_reconciliation(self.ws, stay_id, on=on)


class RemoveStayDialog(ConfirmRemoveDialog):
    def __init__(self, ws: Workspace, view: StayView, parent: QWidget | None = None):
        stay_id = view.stay.id
        assert stay_id is not None
        super().__init__(
            "Remove hospital stay",
            f"Remove the stay discharged {us_date(view.stay.discharged_on)}? Use this for a stay entered "
            "by mistake; its deadlines leave the queue.",
            lambda: stay_service.remove_stay(ws, stay_id),
            parent,
        )


D = TypeVar("D", bound=FormDialog)


class StaysTab(LazyTab):
    tab_title = "Hospital stays"
    kinds = (Kind.TRANSITION, Kind.CONTACT, Kind.APPOINTMENT)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Hospital stays")
        self._views: dict[int, StayView] = {}
        self.stay_table = RecordTable("Hospital stays", ("Discharged", "Stay and open steps"), 1)
        self.stay_table.current_changed.connect(self._show_current)
        self.stay_table.activated.connect(lambda _index: self.edit_stay())
        self.no_stays = heading("No hospital stays recorded. Add a discharge to start its TCM deadlines.", "muted")
        self.add_button = button("Add &stay…", "Add hospital stay")
        self.edit_button = button("Ed&it stay…", "Edit hospital stay")
        self.remove_button = button("Re&move stay…", "Remove hospital stay")
        self.add_button.clicked.connect(self.add_stay)
        self.edit_button.clicked.connect(self.edit_stay)
        self.remove_button.clicked.connect(self.remove_stay)

        self.detail_title = info_label("Selected stay", "section")
        self.deadline_table = RecordTable("TCM deadlines", ("Step", "Due", "Status"), 2, fit_height=True)
        self.deadline_table.setSelectionMode(RecordTable.SelectionMode.NoSelection)  # read, not picked
        self.detail = info_label("Attempts, TCM period and appointments")
        self.contact_button = button("Record &contact…", "Record interactive contact")
        self.visit_button = button("Record visi&t…", "Record face-to-face visit")
        self.reconcile_button = button("Record &reconciliation…", "Record medication reconciliation")
        self.contact_button.clicked.connect(lambda: self.record(CONTACT))
        self.visit_button.clicked.connect(lambda: self.record(VISIT))
        self.reconcile_button.clicked.connect(lambda: self.record(RECONCILIATION))

        lay = QVBoxLayout(self)
        lay.addWidget(self.message)
        lay.addWidget(heading("Hospital stays", "section"))
        lay.addWidget(self.stay_table, 1)
        lay.addWidget(self.no_stays)
        lay.addLayout(ButtonRow(self.add_button, self.edit_button, self.remove_button))
        lay.addWidget(self.detail_title)
        lay.addWidget(self.deadline_table)
        lay.addWidget(self.detail)
        lay.addLayout(ButtonRow(self.contact_button, self.visit_button, self.reconcile_button))
        lay.addStretch(0)
        self.drop()

    # -- reading -----------------------------------------------------------------
    def load(self) -> None:
        assert self.ws is not None and self.patient_id is not None
        views = stay_service.stays(self.ws, self.patient_id)
        self._views = {v.stay.id: v for v in views if v.stay.id is not None}
        self.stay_table.fill([stay_row(v) for v in views])
        self.setEnabled(True)

    def drop(self) -> None:
        self._views = {}
        self.stay_table.fill([])
        self.setEnabled(self.patient_id is not None)

    def current(self) -> StayView | None:
        sid = self.stay_table.current_id()
        return None if sid is None else self._views.get(sid)

    def _show_current(self) -> None:
        view = self.current()
        has_rows = self.stay_table.rowCount() > 0
        self.stay_table.setVisible(has_rows)
        self.no_stays.setVisible(not has_rows)
        self.add_button.setEnabled(self.patient_id is not None)
        for w in (self.edit_button, self.remove_button, self.contact_button, self.visit_button, self.reconcile_button):
            w.setEnabled(view is not None)
        for part in (self.detail_title, self.deadline_table, self.detail):
            part.setVisible(view is not None)
        if view is None:
            self.detail_title.clear()
            self.deadline_table.fill([])
            self.detail.clear()
            return
        t = view.stay
        admitted = f"admitted {us_date(t.admitted_on)}, " if t.admitted_on else ""
        self.detail_title.setText(
            f"{t.facility}: {admitted}discharged {us_date(t.discharged_on)}, {t.complexity.value} complexity"
        )
        self.deadline_table.fill([step_cells(view, s) for s in (CONTACT, VISIT, RECONCILIATION)])
        assert self.ws is not None
        self.detail.setText(_detail(view, self.ws.tz))

    # -- writing -------------------------------------------------------------------
    def add_stay(self) -> StayDialog | None:
        return self._open(lambda ws, pid: StayDialog(ws, pid, parent=self))

    def edit_stay(self) -> StayDialog | None:
        view = self.current()
        return None if view is None else self._open(lambda ws, pid: StayDialog(ws, pid, view, parent=self))

    def remove_stay(self) -> RemoveStayDialog | None:
        view = self.current()
        return None if view is None else self._open(lambda ws, _pid: RemoveStayDialog(ws, view, parent=self))

    def record(self, step: str) -> StepDialog | None:
        view = self.current()
        return None if view is None else self._open(lambda ws, _pid: StepDialog(ws, view, step, parent=self))

    def _open(self, make: Callable[[Workspace, int], D]) -> D | None:
        return open_form(self, make, self.stay_table, lambda i: i in self._views)


def _detail(view: StayView, tz: tzinfo) -> str:
    """The lines under the deadlines: timely attempts, the TCM period, the stay's appointments."""
    lines = []
    if view.stay.contacted_on is None and view.attempts:
        n = len(view.attempts)
        days = ", ".join(us_date(d) for d in view.attempts)
        counts = " (two or more stand for the contact for TCM billing; keep trying)" if n >= 2 else ""
        lines.append(f"{n} timely unanswered attempt{'s' if n != 1 else ''}: {days}{counts}.")
    lines.append(f"TCM period: {us_date(view.stay.discharged_on)} to {us_date(view.period_ends)}.")
    for a in view.appointments:
        local = a.at.astimezone(tz)
        lines.append(
            f"{a.kind.value} {us_date(local.date())} {clock_time(local)} with {a.with_whom} ({a.status.value})."
        )
    return "\n".join(lines)
