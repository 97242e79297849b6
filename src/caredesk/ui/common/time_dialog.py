"""Log minutes that were not a call (care-plan work, coordination, a medication review).

Opened by the call panel's Log other time… and by the chart's Contacts & minutes tab (for a
patient who is not in today's queue), so it lives with what features share."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.contact_form_draft import ContactFormKind
from caredesk.domain.contacts import Activity, StaffType, TimeEntry
from caredesk.domain.patients import Program
from caredesk.errors import CareDeskError
from caredesk.services.calls import log_time
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import (
    TYPED_MINUTES_MAX,
    InlineMessage,
    date_edit,
    heading,
    picked_date,
    user_message,
)
from caredesk.ui.common.hub import publish
from caredesk.ui.common.kept_form import KeptForm
from caredesk.ui.common.long_minutes import confirm_minutes

# A call's minutes are logged with the call itself; this dialog is for everything else.
ACTIVITIES = [a for a in Activity if a is not Activity.CALL]


class LogTimeDialog(KeptForm):
    """Esc or Cancel after typing asks first; a lock keeps what was typed as a draft (KeptForm)."""

    discard_question = ("Discard the time entry?", "Discard the time entry? What you typed is not logged.")

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
        self.kept_as(workspace, patient_id, ContactFormKind.LOG_TIME)
        self.saved: TimeEntry | None = None
        self.setWindowTitle("Log time")
        self.setAccessibleName("Log time")

        today = workspace.today()
        self.day = date_edit("Date", today)
        self.day.no_later_than(today)
        self.day.refused.connect(self._refused)
        self.minutes = QSpinBox()
        # Wider than the rule (0-600, checked on save, naming Minutes): a box capped at 600 took
        # "700" as "70" and "9999" as "99" without a word, and those minutes were billed.
        self.minutes.setRange(0, TYPED_MINUTES_MAX)
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
        self.save_button.setText("&Log time")
        self.save_button.setAccessibleName("Log time")
        for b in buttons.buttons():
            b.setIcon(QIcon())
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.cancel)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self.mark_opened()

    def _refused(self, message: str) -> None:
        self.message.show_error(message)

    def submit(self) -> None:
        minutes = self.minutes.value()
        try:
            on = picked_date(self.day)  # a date refused before the minutes are asked about
            if not confirm_minutes(self, minutes):
                self.message.show_info(f"Not logged: correct the {minutes} min, or log again and choose Save.")
                self.minutes.setFocus()
                self.minutes.selectAll()
                return
            logged = log_time(
                self.workspace,
                self.patient_id,
                minutes=minutes,
                activity=self.activity.currentData(),
                on=on,
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


def open_log_time(
    workspace: Workspace,
    patient_id: int,
    name: str,
    programs: list[Program],
    main: Program | None,
    parent: QWidget,
    logged: Callable[[TimeEntry], None],
) -> LogTimeDialog:
    """Open the dialog (window-modal); `logged` hears of the entry once it is saved."""
    dialog = LogTimeDialog(workspace, patient_id, name, programs, main, parent)

    def done(result: int) -> None:
        if result == QDialog.DialogCode.Accepted and dialog.saved is not None:
            logged(dialog.saved)

    dialog.finished.connect(done)
    dialog.open()
    return dialog
