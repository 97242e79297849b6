"""Log minutes that were not a call (care-plan work, coordination, a medication review)."""

from __future__ import annotations

from PySide6.QtCore import QDate
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.contacts import Activity, StaffType, TimeEntry
from caredesk.domain.patients import Program
from caredesk.errors import CareDeskError
from caredesk.services.calls import log_time
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, heading, picked_date, user_message
from caredesk.ui.common.hub import publish

# A call's minutes are logged with the call itself; this dialog is for everything else.
ACTIVITIES = [a for a in Activity if a is not Activity.CALL]


class LogTimeDialog(QDialog):
    def __init__(
        self,
        workspace: Workspace,
        patient_id: int,
        name: str,
        programs: list[Program],
        main: Program | None,
        parent: QWidget | None = None,
    ):
        super().__init__(parent)
        self.workspace = workspace
        self.patient_id = patient_id
        self.saved: TimeEntry | None = None
        self.setWindowTitle("Log time")
        self.setAccessibleName("Log time")

        today = workspace.today()
        self.day = QDateEdit(QDate(today.year, today.month, today.day))
        self.day.setCalendarPopup(True)
        self.day.setDisplayFormat("MM/dd/yyyy")
        self.day.setMaximumDate(QDate(today.year, today.month, today.day))
        self.day.setAccessibleName("Date")
        self.minutes = QSpinBox()
        self.minutes.setRange(0, 600)
        self.minutes.setSuffix(" min")
        self.minutes.setAccessibleName("Minutes")
        self.activity = QComboBox()
        self.activity.setAccessibleName("Activity")
        for a in ACTIVITIES:
            self.activity.addItem(a.value, a.value)
        self.staff = QComboBox()
        self.staff.setAccessibleName("Who")
        for s in StaffType:
            self.staff.addItem(s.value, s.value)
        self.program = QComboBox()
        self.program.setAccessibleName("Program")
        for p in programs:
            self.program.addItem(p.value, p.value)
        if main is not None and self.program.findData(main.value) >= 0:
            self.program.setCurrentIndex(self.program.findData(main.value))
        self.note = QLineEdit()
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("optional")

        form = QFormLayout()
        form.addRow(heading(name, "section"))
        form.addRow("&Date", self.day)
        form.addRow("&Minutes", self.minutes)
        form.addRow("&Activity", self.activity)
        form.addRow("&Who", self.staff)
        form.addRow("&Program", self.program)
        form.addRow("&Note", self.note)
        self.message = InlineMessage("Problem with the time entry")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Log time")
        self.save_button.setAccessibleName("Log time")
        for b in buttons.buttons():
            b.setIcon(QIcon())
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

    def submit(self) -> None:
        try:
            logged = log_time(
                self.workspace,
                self.patient_id,
                minutes=self.minutes.value(),
                activity=self.activity.currentData(),
                on=picked_date(self.day),
                program=self.program.currentData() or None,
                staff_type=self.staff.currentData(),
                note=self.note.text(),
            )
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self.saved = logged.value
        publish(logged.changes)
        self.accept()
