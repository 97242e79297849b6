"""The Record tab's dialogs: edit the demographics, change the status, enroll, edit or end a program.

Each collects the fields, lets the services validate, and on a refusal shows the message
naming the field, puts the cursor there and keeps the form (nothing is saved). On success
it publishes the change set (the queue, the list, the month view and the chart refresh)
and closes. Enter saves, Esc cancels.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.billing_minutes import LostMinutes
from caredesk.domain.calendar import us_date, us_month_day
from caredesk.domain.patients import Enrollment, Patient, Program, Status
from caredesk.errors import CareDeskError
from caredesk.services import enrollments, patient_records
from caredesk.services.changes import Saved
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.enrollment_fields import EnrollmentFields
from caredesk.ui.chart.record_fields import (
    DATE_HINT,
    PatientFields,
    date_text,
    line_field,
    scrolled_form,
    show_refusal,
    typed_date,
)
from caredesk.ui.common.forms import InlineMessage, combo, dialog_buttons
from caredesk.ui.common.hub import publish
from caredesk.ui.common.worked_calls import call_being_worked

ENROLLMENT_LABELS = {
    "program": "Pr&ogram",
    "start date": "&Start date",
    "end date": "E&nd date",
    "consent date": "&Consent date",
    "consent method": "Consent &method",
    "billing practitioner": "&Billing practitioner",
}


class RecordDialog(QDialog):
    """A form with an inline message and Save / Cancel; subclasses fill `form` and `save()`."""

    def __init__(self, ws: Workspace, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.saved: Saved[Any] | None = None
        self._asked_for: date | None = None  # the end date whose lost minutes were shown (watch_end_date)
        self._save_text, self._plain_save_text, self._goal = "Save", "Save", "save it"
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.form = QFormLayout()
        self.fields: dict[str, QWidget] = {}
        self.message = InlineMessage("Problem with the form")
        buttons = dialog_buttons(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self.submit, self.reject
        )
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setDefault(True)
        self._layout = QVBoxLayout(self)
        self._layout.addWidget(self.message)
        self._layout.addWidget(buttons)

    def place_form(self, *, scroll: bool = False) -> None:
        """Put the filled form above the message (a long one scrolls on a small screen)."""
        if scroll:
            self._layout.insertWidget(0, scrolled_form(self.form))
        else:
            self._layout.insertLayout(0, self.form)

    def save(self) -> Saved[Any]:
        raise NotImplementedError

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Enter saves from any field, with the form's checks; on a focused button it presses
        that button. Qt's own Enter clicks the dialog's default button, which a button that had
        the focus takes (autoDefault) and does not give back: after Tab round End program and
        Cancel to the date, Enter in the date did nothing (tester finding)."""
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and plain:
            focused = self.focusWidget()
            if isinstance(focused, QPushButton):
                if focused.isEnabled():
                    focused.click()
            else:
                self.submit()
            event.accept()
            return
        super().keyPressEvent(event)

    def asked_about_lost_minutes(self, program: Program, end: date, lost: tuple[LostMinutes, ...]) -> bool:
        """Ask in the form before an end date takes minutes already logged (SPEC 3: minutes
        after a program's end count for nothing): True when it asked now, so the save waits
        for a second press; False when nothing is lost or this end date was already asked about."""
        if not lost or self._asked_for == end:
            return False
        self._asked_for = end
        said = "; ".join(x.text() for x in lost)
        self.message.show_warning(
            f"Ending {program.value} on {us_date(end)}: {said}. "
            f"Press {self._plain_save_text} anyway to {self._goal}, or change the end date."
        )
        self.save_button.setText(f"{self._save_text} anyway")
        self.save_button.setAccessibleName(f"{self._plain_save_text} anyway")
        self.adjustSize()
        return True

    def end_date_changed(self) -> None:
        """Another end date is asked about again."""
        if self._asked_for is not None:
            self._asked_for = None
            self.save_button.setText(self._save_text)
            self.save_button.setAccessibleName(self._plain_save_text)

    def watch_end_date(self, field: QLineEdit, save_text: str, goal: str) -> None:
        self._asked_for = None
        # save_text as on the button, with its Alt key ('&End program'); the message names it plain.
        self._save_text, self._plain_save_text, self._goal = save_text, save_text.replace("&", ""), goal
        field.textEdited.connect(self.end_date_changed)

    def submit(self) -> None:
        try:
            saved = self.save()
        except CareDeskError as exc:
            show_refusal(self.message, self.fields, exc)
            self.adjustSize()  # a short form grows to show the whole message
            return
        self.saved = saved
        publish(saved.changes, self.parent())
        self.accept()


class EditPatientDialog(RecordDialog):
    """Every demographic field of the patient; the MRN too."""

    def __init__(self, ws: Workspace, patient: Patient, parent: QWidget | None = None):
        super().__init__(ws, "Edit patient details", parent)
        self.patient = patient
        self.patient_fields = PatientFields()
        self.patient_fields.add_rows(self.form)
        self.patient_fields.fill(patient)
        self.fields = self.patient_fields.fields()
        # A row "Another phone" adds is a field a refusal can name ("phone 2"): the cursor goes there.
        self.patient_fields.phones.more.clicked.connect(lambda: self.fields.update(self.patient_fields.phones.fields()))
        self.place_form(scroll=True)
        self.patient_fields.mrn.setFocus()  # not the Save button, which was made first

    def save(self) -> Saved[Any]:
        edited = self.patient_fields.read(self.ws.today(), base=self.patient)
        return patient_records.edit_patient(self.ws, edited)


class StatusDialog(RecordDialog):
    """Active, paused, disenrolled or deceased (with the date of death)."""

    def __init__(self, ws: Workspace, patient: Patient, parent: QWidget | None = None):
        super().__init__(ws, "Change status", parent)
        assert patient.id is not None
        self.patient_id = patient.id
        self.status = combo("Status", [s.value for s in Status])
        self.status.setCurrentText(patient.status.value)
        self.died_on = line_field("Date of death", DATE_HINT)
        self.died_on.setText(date_text(patient.died_on))
        self.hint = QLabel("Paused, disenrolled and deceased patients leave the call queue.")
        self.hint.setWordWrap(True)
        self.form.addRow("&Status", self.status)
        self.form.addRow("&Date of death", self.died_on)
        self.form.addRow("", self.hint)
        self.fields = {"status": self.status, "date of death": self.died_on}
        self.place_form()
        self.status.currentTextChanged.connect(self._status_changed)
        self._status_changed(self.status.currentText())

    def _status_changed(self, text: str) -> None:
        self.died_on.setEnabled(text == Status.DECEASED.value)

    def save(self) -> Saved[Any]:
        status = Status(self.status.currentText())
        died_on = typed_date("date of death", self.died_on, required=False) if status is Status.DECEASED else None
        return patient_records.set_status(self.ws, self.patient_id, status, died_on=died_on)


class EnrollmentDialog(RecordDialog):
    """Enroll in a program (`enrollment` None) or correct one: dates, consent, practitioner, QMB."""

    def __init__(
        self, ws: Workspace, patient_id: int, enrollment: Enrollment | None = None, parent: QWidget | None = None
    ):
        super().__init__(ws, "Edit program" if enrollment else "Enroll in a program", parent)
        self.patient_id = patient_id
        self.enrollment = enrollment
        self.enrollment_fields = EnrollmentFields([p.value for p in Program], with_end=enrollment is not None)
        e = self.enrollment_fields
        e.add_rows(self.form, ENROLLMENT_LABELS)
        self.fields = e.fields()
        self.place_form()
        if enrollment is None:
            e.start.setText(date_text(ws.today()))
        else:
            e.fill(enrollment)
            e.program.setEnabled(False)  # another program is a new enrollment: end this one
        self.save_button.setText("&Enroll" if enrollment is None else "Save")
        self.save_button.setAccessibleName(self.save_button.text().replace("&", ""))
        if e.end is not None:
            self.watch_end_date(e.end, "Save", "save it")

    def submit(self) -> None:
        """Correcting the end date earlier asks first when it takes minutes already logged."""
        before = self.enrollment
        if before is not None and before.id is not None:
            try:
                end = self.enrollment_fields.read(self.patient_id).end_date
                earlier = end is not None and (before.end_date is None or end < before.end_date)
                lost = enrollments.minutes_an_end_takes(self.ws, before.id, end) if earlier and end else ()
            except CareDeskError:
                lost, end = (), None  # the save refuses it, naming the field
            if end is not None and self.asked_about_lost_minutes(before.program, end, lost):
                return
        super().submit()

    def save(self) -> Saved[Any]:
        typed = self.enrollment_fields.read(self.patient_id)
        if self.enrollment is None:
            return enrollments.enroll(
                self.ws,
                self.patient_id,
                typed.program,
                typed.start_date,
                consent_date=typed.consent_date,
                consent_method=typed.consent_method,
                billing_practitioner=typed.billing_practitioner,
                qmb=typed.qmb,
            )
        assert self.enrollment.id is not None
        return enrollments.change_enrollment(
            self.ws,
            self.enrollment.id,
            start_date=typed.start_date,
            end_date=typed.end_date,
            consent_date=typed.consent_date,
            consent_method=typed.consent_method,
            billing_practitioner=typed.billing_practitioner,
            qmb=typed.qmb,
        )


class EndProgramDialog(RecordDialog):
    """End an enrollment on a day (its last day in the program); today unless changed.

    The cursor starts in the end date (a tester's Enter right after opening it ended the
    program today: the focus was on End program). Enter ends it from the field, with the
    same checks. Minutes already logged after the end date would count for nothing (SPEC 3),
    so ending over them asks first, in the form: it names them by month ("14 min logged
    12/01-12/02 under CCM will no longer count") and a second Enter (End program anyway)
    ends it; changing the date asks again for the new one."""

    def __init__(self, ws: Workspace, enrollment: Enrollment, parent: QWidget | None = None):
        super().__init__(ws, f"End {enrollment.program.value}", parent)
        assert enrollment.id is not None
        self.enrollment_id = enrollment.id
        self.program = enrollment.program
        self.patient_id = enrollment.patient_id
        self._call_asked_for: date | None = None  # the end date the worked call was shown for
        self.end = line_field("End date", DATE_HINT)
        self.end.setText(date_text(max(ws.today(), enrollment.start_date)))
        started = QLabel(
            f"Enrolled since {us_date(enrollment.start_date)}. Minutes after the end date count for nothing."
        )
        started.setWordWrap(True)
        self.form.addRow("", started)
        self.form.addRow("E&nd date", self.end)
        self.fields = {"end date": self.end}
        self.place_form()
        self.save_button.setText("&End program")
        self.save_button.setAccessibleName("End program")
        self.watch_end_date(self.end, "&End program", "end it")
        self.end.textEdited.connect(self._call_asked_again)
        self.end.setFocus()
        self.end.selectAll()

    def save(self) -> Saved[Any]:
        end = typed_date("end date", self.end)
        assert isinstance(end, date)
        return enrollments.end_enrollment(self.ws, self.enrollment_id, end)

    def submit(self) -> None:
        try:
            end = typed_date("end date", self.end)
            assert isinstance(end, date)
            lost = enrollments.minutes_an_end_takes(self.ws, self.enrollment_id, end)
        except CareDeskError as exc:
            show_refusal(self.message, self.fields, exc)
            self.adjustSize()
            return
        if self.asked_about_lost_minutes(self.program, end, lost) or self._asked_about_worked_call(end):
            return
        super().submit()

    def _call_asked_again(self) -> None:
        """Another end date is asked about again (the call too)."""
        if self._call_asked_for is not None:
            self._call_asked_for = None
            self.save_button.setText("&End program")
            self.save_button.setAccessibleName("End program")

    def _asked_about_worked_call(self, end: date) -> bool:
        """Ask in the form, as for minutes already logged, before ending the program under a call
        being worked in the queue (worked_calls): an end before today leaves the call no program
        for its minutes (a tester's call then could not be saved with its 10 min). True when it
        asked now; a second press (or another end date asked again) ends it."""
        minutes = call_being_worked(self, self.patient_id)
        today = self.ws.today()
        if minutes is None or end >= today or self._call_asked_for == end:
            return False
        others = patient_records.record(self.ws, self.patient_id).enrollments
        if any(e.id != self.enrollment_id and e.active_on(today) for e in others):
            return False  # the call is saved under the program still running (the panel says so)
        self._call_asked_for = end
        timer = f" ({minutes} min on its timer)" if minutes else ""
        self.message.show_warning(
            f"A call with this patient is being worked in the queue{timer}: with {self.program.value} "
            f"ended {us_month_day(end)} its minutes cannot be logged. "
            "Press End program anyway to end it, or change the end date."
        )
        self.save_button.setText("&End program anyway")
        self.save_button.setAccessibleName("End program anyway")
        self.adjustSize()
        return True
