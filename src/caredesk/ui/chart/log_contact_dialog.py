"""Log a contact from the chart: a call the patient made back, or one made away from the queue.

After a "no answer" the patient leaves today's queue until the next business day (SPEC §3
Call queue); when she calls back that afternoon the call is logged here, from her chart's
Contacts & minutes tab (Log contact…, or Ctrl+Shift+L anywhere on the Patients page).

The fields are the call panel's own form (ui.common.call_form: outcome, note, minutes, program,
follow-up, with its Alt keys) plus the day and the time of the call, saved through the same
service call as the call panel's Save and the CLI's log-contact (services.calls.log_contact:
validated there, one audited transaction, the letter task and the TCM contact as after any
call). A refusal names the field in the dialog, which stays open, and nothing is stored; once
logged, the change set goes to the hub, so the queue re-ranks the patient and the month counts
the minutes as after a call worked from the queue.
"""

from __future__ import annotations

from datetime import tzinfo

from PySide6.QtCore import Qt
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.appointments import parse_clock_time
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.contact_form_draft import ContactFormKind
from caredesk.domain.patients import Chart, Program
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services.calls import CallLogged, NoProgramForMinutes, log_contact
from caredesk.services.workspace import Workspace
from caredesk.ui.common.call_form import CallForm, what_followed
from caredesk.ui.common.forms import InlineMessage, date_edit, heading, picked_date, user_message
from caredesk.ui.common.hub import publish
from caredesk.ui.common.kept_form import KeptForm
from caredesk.ui.common.long_minutes import confirm_minutes
from caredesk.ui.common.minutes_outside_program import save_without_minutes

TITLE = "Log contact"


def logged_text(result: CallLogged, tz: tzinfo) -> str:
    """'Contact logged: reached, 14 min on 11/24/2026.' and what followed from it."""
    minutes = result.time_entry.minutes if result.time_entry is not None else 0
    day = us_date(local_date(result.contact.at, tz))
    return " ".join(
        [f"Contact logged: {result.contact.outcome.value}, {minutes} min on {day}.", *what_followed(result)]
    )


class LogContactDialog(KeptForm):
    """The form; `logged` holds the service's answer once saved (None until then). Esc or Cancel
    after typing asks first; a lock keeps what was typed as a draft (KeptForm)."""

    discard_question = ("Discard the contact?", "Discard the contact? What you typed is not logged.")

    def __init__(self, ws: Workspace, chart: Chart, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        assert chart.patient.id is not None
        self.patient_id = chart.patient.id
        self.kept_as(ws, self.patient_id, ContactFormKind.LOG_CONTACT)
        self.logged: CallLogged | None = None
        self.setWindowTitle(TITLE)
        self.setAccessibleName(TITLE)
        today = ws.today()
        now = ws.clock.now().astimezone(ws.tz)

        self.day = date_edit("Date", today)
        self.day.no_later_than(today)
        # A line typed whole and read as the command line reads --time: a QTimeEdit typed over
        # after Ctrl+A kept its old hour ("11:30 PM" became 5:30 AM, saved without a word).
        self.time = QLineEdit(f"{now:%I:%M %p}".lstrip("0"))
        self.time.setAccessibleName("Time")
        self.time.setToolTip("When the call was made, clinic time: 2:30 PM or 14:30")
        self.time.setMaxLength(12)
        self.time.setFixedWidth(self.fontMetrics().horizontalAdvance("12:00 PM") + 3 * self.fontMetrics().height())
        when = QHBoxLayout()
        when.addWidget(self.day)
        when.addSpacing(self.fontMetrics().height())
        time_label = QLabel("&Time")
        time_label.setBuddy(self.time)
        when.addWidget(time_label)
        when.addWidget(self.time)
        when.addStretch(1)

        self.form = CallForm(ws.today)  # the quick follow-ups count from today, as in the panel
        self.chart = chart
        self.form.set_programs(chart, today)
        self.day.dateChanged.connect(self._programs_on_day)
        self.form.reset()  # as the panel opens a call: the follow-up unticked at a week from today
        self.message = InlineMessage("Problem with the contact")
        self.day.refused.connect(self.message.show_error)
        self.form.follow_up.refused.connect(self.message.show_error)
        self.form.edited.connect(self._clear_refusal)

        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("&Log contact")
        self.save_button.setAccessibleName(TITLE)
        self.save_button.setToolTip("Save the contact and its minutes (Enter, Ctrl+S)")
        self.save_button.setDefault(True)
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        for b in buttons.buttons():
            b.setIcon(QIcon())  # plain buttons, like the rest of CareDesk
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.cancel)
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):  # the call panel's save keys
            QShortcut(QKeySequence(keys), self).activated.connect(self.submit)

        top = QFormLayout()
        top.addRow(heading(chart.patient.display_name, "section"))
        day_label = QLabel("D&ate")  # Alt+D is the form's Declined
        day_label.setBuddy(self.day)
        top.addRow(day_label, when)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        QWidget.setTabOrder(self.day, self.time)
        QWidget.setTabOrder(self.time, self.form.first())
        QWidget.setTabOrder(self.form.last(), self.save_button)
        self.fields: dict[str, QWidget] = {
            "date": self.day,
            "time": self.time,
            "outcome": self.form.first(),
            "note": self.form.note,
            "minutes": self.form.minutes,
            "program": self.form.program,
            "follow-up date": self.form.follow_up,
        }
        self.form.first().setFocus(Qt.FocusReason.OtherFocusReason)
        self.mark_opened()

    def _clear_refusal(self) -> None:
        if self.message.property("role") == "error":
            self.message.clear()

    def _programs_on_day(self) -> None:
        """The Program box offers the programs active on the form's day, not today's: a call
        back-filled to 12/01, a day CCM still covered, is saved under CCM, and the box said
        "Not enrolled", greyed out (a tester). The program chosen stays while still offered."""
        day = self.day.checked_value()
        if day is None:  # typed half-way: the box waits for a whole date
            return
        chosen = self.form.program.currentData()
        self.form.set_programs(self.chart, day)
        if chosen is not None and (i := self.form.program.findData(chosen)) >= 0:
            self.form.program.setCurrentIndex(i)

    def submit(self) -> CallLogged | None:
        """Log the contact; a refused field is named (and focused), the dialog stays, nothing is stored."""
        try:
            outcome = self.form.outcome()
            if outcome is None:
                raise ValidationError("outcome", "must be chosen (reached, voicemail, no answer, ...)")
            day = picked_date(self.day)
            typed = parse_clock_time("time", self.time.text())
            minutes, follow_up = self.form.minutes.value(), self.form.follow_up_date()
            if not confirm_minutes(self, minutes):  # more than LONG_ENTRY_MINUTES: asked first
                self.message.show_info(f"Not logged: correct the {minutes} min, or log again and choose Save.")
                self.form.minutes.setFocus(Qt.FocusReason.OtherFocusReason)
                self.form.minutes.selectAll()
                return None
            data = self.form.program.currentData()
            program = Program(data) if data else None  # Qt hands str-based enums back as plain str
            note = self.form.note.toPlainText().strip()

            def log(minutes: int) -> CallLogged:
                return log_contact(
                    self.ws,
                    self.patient_id,
                    outcome=outcome,
                    minutes=minutes,
                    on=day,
                    time_of_day=typed,
                    program=program,
                    note=note,
                    follow_up=follow_up,
                )

            try:
                result = log(minutes)
            except NoProgramForMinutes as refused:  # asked, never the typed minutes dropped unsaid
                if not save_without_minutes(self, refused, "contact"):
                    raise
                result = log(0)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            field = self.fields.get(getattr(exc, "field", ""))
            if field is not None:
                field.setFocus(Qt.FocusReason.OtherFocusReason)
            return None
        self.logged = result
        publish(result.changes, self.parent())
        self.accept()
        return result
