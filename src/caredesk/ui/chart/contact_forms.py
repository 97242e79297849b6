"""The small forms of the Contacts & minutes tab: correct a contact or minutes, void one.

Each form shows the record as it is; only what the user changed is sent to the service,
which validates it (a refusal names the field, the form stays, nothing is saved). A reason
is required: one of the standard ones (kept in the audit) or the user's own words.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.calendar import us_date
from caredesk.domain.contact_form_draft import ContactFormKind
from caredesk.domain.contacts import Activity, Channel, Outcome, StaffType
from caredesk.domain.corrections import STANDARD_REASONS
from caredesk.domain.patients import Program
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import contact_corrections, contact_history, patients
from caredesk.services.changes import Saved
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import (
    TYPED_MINUTES_MAX,
    InlineMessage,
    combo,
    date_edit,
    heading,
    picked_date,
    user_message,
)
from caredesk.ui.common.hub import publish
from caredesk.ui.common.kept_form import KeptForm
from caredesk.ui.common.long_minutes import confirm_minutes


def reason_box() -> QComboBox:
    """An editable list of the standard reasons; any other text may be typed."""
    box = QComboBox()
    box.setEditable(True)
    box.setAccessibleName("Reason")
    box.addItems(["", *STANDARD_REASONS])
    box.setCurrentIndex(0)
    line = box.lineEdit()
    assert line is not None
    line.setPlaceholderText("required: pick one or type your own")
    return box


def _buttons(dialog: KeptForm, text: str) -> tuple[QDialogButtonBox, QPushButton]:
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel)
    ok = buttons.button(QDialogButtonBox.StandardButton.Ok)
    ok.setText(text)
    ok.setAccessibleName(text)
    buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
    for b in buttons.buttons():
        b.setIcon(QIcon())  # plain buttons, like the rest of CareDesk
    buttons.accepted.connect(dialog.accept)
    buttons.rejected.connect(dialog.cancel)
    return buttons, ok


def patient_of(row: contact_history.HistoryRow) -> int:
    record = row.contact if row.contact is not None else row.entries[0]
    return record.patient_id


def record_key(row: contact_history.HistoryRow) -> str:
    """'contact:12' or 'time entry:5': the row a kept correction or void is about."""
    return f"{row.kind}:{row.record_id}"


class _Form(KeptForm):
    """What both forms share: the reason, the inline message, and saving through a service.
    Esc or Cancel after typing asks first; a lock keeps what was typed as a draft (KeptForm)."""

    def __init__(self, title: str, action: str, parent: QWidget | None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.saved: Saved[Any] | None = None
        self.form = QFormLayout()
        self.reason = reason_box()
        self.message = InlineMessage(f"Problem with the {title.lower()}")
        self.buttons, self.ok_button = _buttons(self, action)
        self.ok_button.setDefault(True)  # Enter in a one-line field saves (the note keeps its Enter)
        self.fields: dict[str, QWidget] = {"reason": self.reason}

    def finish_layout(self) -> None:
        self.form.addRow("&Reason", self.reason)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def accept(self) -> None:
        try:
            saved = self.save()
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            field = self.fields.get(getattr(exc, "field", ""))
            if field is not None:
                field.setFocus()
            return
        self.saved = saved
        publish(saved.changes, self.parent())
        super().accept()

    def save(self) -> Saved[Any]:
        raise NotImplementedError


class CorrectionForm(_Form):
    """Correct a contact (its date, outcome, channel, note, follow-up, minutes, patient) or
    minutes logged without a contact (date, minutes, activity, who, program, patient)."""

    def __init__(
        self,
        ws: Workspace,
        row: contact_history.HistoryRow,
        programs: list[Program],
        parent: QWidget | None = None,
    ):
        kind = "contact" if row.contact is not None else "minutes"
        super().__init__(f"Correct {kind}", "Save correction", parent)
        self.ws, self.row = ws, row
        self.kept_as(ws, patient_of(row), ContactFormKind.CORRECT, record_key(row))
        self.discard_question = (
            "Discard the correction?",
            "Discard the correction? What you typed is not saved.",
        )
        today = ws.today()
        self.form.addRow(heading(self._describe(row), "muted"))

        self.day = date_edit("Date", row.on)
        self.day.no_later_than(today)
        self.day.refused.connect(self.message.show_error)  # a future date: named, not put back silently
        self.form.addRow("&Date", self.day)
        self.fields["date"] = self.day
        contact = row.contact
        if contact is not None:
            self.outcome = combo("Outcome", [o.value for o in Outcome])
            self.outcome.setCurrentText(contact.outcome.value)
            self.channel = combo("Channel", [c.value for c in Channel])
            self.channel.setCurrentText(contact.channel.value)
            self.note = QPlainTextEdit(contact.note)
            self.note.setAccessibleName("Note")
            self.note.setTabChangesFocus(True)
            self.note.setFixedHeight(self.fontMetrics().height() * 4)
            self.has_follow_up = QCheckBox("Follow-&up")
            self.has_follow_up.setAccessibleName("Has a follow-up")
            self.has_follow_up.setChecked(contact.follow_up is not None)
            self.follow_up = date_edit("Follow-up date", contact.follow_up or today)
            self.follow_up.setEnabled(contact.follow_up is not None)
            self.has_follow_up.toggled.connect(self.follow_up.setEnabled)
            follow = QHBoxLayout()
            follow.addWidget(self.has_follow_up)
            follow.addWidget(self.follow_up, 1)
            self.form.addRow("&Outcome", self.outcome)
            self.form.addRow("C&hannel", self.channel)
            self.form.addRow("&Note", self.note)
            self.form.addRow("", follow)
            self.fields |= {
                "outcome": self.outcome,
                "channel": self.channel,
                "note": self.note,
                "follow-up date": self.follow_up,
            }
        else:
            self.activity = combo("Activity", [a.value for a in Activity])
            self.activity.setCurrentText(row.entries[0].activity.value)
            self.staff = combo("Who", [s.value for s in StaffType])
            self.staff.setCurrentText(row.entries[0].staff_type.value)
            self.form.addRow("&Activity", self.activity)
            self.form.addRow("&Who", self.staff)
            self.fields |= {"activity": self.activity, "staff type": self.staff}

        # A contact whose minutes are split over two days (a call across midnight) has its
        # minutes corrected entry by entry; its form corrects the contact only.
        self.minutes = QSpinBox()
        self.minutes.setRange(0, TYPED_MINUTES_MAX)  # what is typed reaches the service's named refusal
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes")
        self.minutes.setValue(row.minutes)
        self.minutes.setToolTip("To take minutes back, void them")
        self.program = combo("Program", [])
        for p in dict.fromkeys([*row.programs, *programs]):
            self.program.addItem(p.value)
        if row.programs:
            self.program.setCurrentText(row.programs[0].value)
        one_entry = len(row.entries) <= 1
        self.minutes.setEnabled(one_entry)
        self.program.setEnabled(one_entry)
        self.form.addRow("&Minutes", self.minutes)
        self.form.addRow("&Program", self.program)
        self.mrn = QLineEdit()
        self.mrn.setAccessibleName("Move to patient (MRN)")
        self.mrn.setPlaceholderText("blank: stays with this patient")
        self.mrn.setEnabled(contact is not None or row.entries[0].contact_id is None)
        self.form.addRow("Move &to MRN", self.mrn)
        self.fields |= {"minutes": self.minutes, "program": self.program, "patient": self.mrn}
        self.finish_layout()
        self.mark_opened()

    @staticmethod
    def _describe(row: contact_history.HistoryRow) -> str:
        if row.contact is not None:
            return f"{row.contact.channel.value.capitalize()} contact of {us_date(row.on)}, {row.minutes} min"
        return f"{row.minutes} min of {row.entries[0].activity.value} on {us_date(row.on)}"

    def _patient_id(self) -> int | None:
        mrn = self.mrn.text().strip()
        if not mrn:
            return None
        found = patients.by_mrn(self.ws, mrn)
        assert found.id is not None
        return found.id

    def save(self) -> Saved[Any]:
        row = self.row
        day = picked_date(self.day)
        on = day if day != row.on else None
        minutes = self.minutes.value()
        program = self.program.currentText() or None
        changed_minutes = minutes if self.minutes.isEnabled() and minutes != row.minutes else None
        if not row.entries:  # a contact without minutes: a program only comes with them
            changed_program = program if changed_minutes is not None else None
        else:
            changed_program = program if self.program.isEnabled() and (Program(program),) != row.programs else None
        if changed_minutes is not None and not confirm_minutes(self, changed_minutes):
            raise ValidationError(
                "minutes", f"not saved: correct the {changed_minutes} min, or save again and choose Save"
            )
        if row.contact is not None:
            c = row.contact
            note = self.note.toPlainText()
            follow_up = picked_date(self.follow_up) if self.has_follow_up.isChecked() else None
            return contact_corrections.correct_contact(
                self.ws,
                row.record_id,
                on=on,
                outcome=self.outcome.currentText() if self.outcome.currentText() != c.outcome.value else None,
                channel=self.channel.currentText() if self.channel.currentText() != c.channel.value else None,
                note=note if note.strip() != c.note else None,
                follow_up=follow_up if follow_up != c.follow_up else contact_corrections.KEEP,
                patient_id=self._patient_id(),
                minutes=changed_minutes,
                program=changed_program,
                reason=self.reason.currentText(),
            )
        entry = row.entries[0]
        return contact_corrections.correct_time_entry(
            self.ws,
            row.record_id,
            on=on,
            minutes=changed_minutes,
            program=changed_program,
            activity=self.activity.currentText() if self.activity.currentText() != entry.activity.value else None,
            staff_type=self.staff.currentText() if self.staff.currentText() != entry.staff_type.value else None,
            patient_id=self._patient_id(),
            reason=self.reason.currentText(),
        )


class VoidForm(_Form):
    """Void a contact (with its minutes) or minutes: they leave the month; the row stays, struck."""

    def __init__(self, ws: Workspace, row: contact_history.HistoryRow, parent: QWidget | None = None):
        kind = "contact" if row.contact is not None else "minutes"
        super().__init__(f"Void {kind}", f"Void {kind}", parent)
        self.ws, self.row = ws, row
        self.kept_as(ws, patient_of(row), ContactFormKind.VOID, record_key(row))
        self.discard_question = (
            "Discard the reason?",
            "Close without voiding? The reason you typed is not saved.",
        )
        what = (
            f"this contact of {us_date(row.on)}" + (f" and its {row.minutes} min" if row.minutes else "")
            if row.contact is not None
            else f"these {row.minutes} min of {us_date(row.on)}"
        )
        explain = QLabel(
            f"Void {what}? Voided minutes leave the month's total and its billing. "
            "The row stays in this history, struck through, with the reason."
        )
        explain.setWordWrap(True)
        explain.setAccessibleName("What voiding does")
        self.form.addRow(explain)
        self.finish_layout()
        self.reason.setFocus()
        self.mark_opened()

    def save(self) -> Saved[Any]:
        if self.row.contact is not None:
            return contact_corrections.void_contact(self.ws, self.row.record_id, reason=self.reason.currentText())
        return contact_corrections.void_time_entry(self.ws, self.row.record_id, reason=self.reason.currentText())
