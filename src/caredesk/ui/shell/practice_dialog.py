"""File > Practice details: the care manager and the practice named on patients' care plans."""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QVBoxLayout, QWidget

from caredesk.domain.practice import PracticeProfile
from caredesk.errors import CareDeskError
from caredesk.services import practice
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, dialog_buttons, heading, user_message
from caredesk.ui.common.hub import publish

log = logging.getLogger(__name__)

# (field, label, accessible name, placeholder)
FIELDS = (
    ("care_manager_name", "Your &name", "Care manager name", "e.g. Ana Ruiz"),
    ("care_manager_credentials", "C&redentials", "Credentials", "e.g. RN, LCSW"),
    ("care_manager_phone", "Your direct &phone", "Care manager phone", "if patients can call you directly"),
    ("practice_name", "Pr&actice", "Practice name", "e.g. Riverside Family Medicine"),
    ("practice_phone", "Practice p&hone", "Practice phone", "the main number"),
    ("after_hours_phone", "A&fter-hours phone", "After-hours phone", "nights, weekends, holidays"),
    ("practice_address", "Practice a&ddress", "Practice address", "for letters: street, city, ST ZIP"),
    ("office_hours", "Office h&ours", "Office hours", "e.g. Monday to Friday, 8 am to 5 pm"),
)


class PracticeDialog(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Practice details")
        self.setAccessibleName("Practice details")
        self.ws = ws
        self.fields: dict[str, QLineEdit] = {}
        form = QFormLayout()
        for name, label, accessible, placeholder in FIELDS:
            edit = QLineEdit()
            edit.setAccessibleName(accessible)
            edit.setPlaceholderText(placeholder)
            self.fields[name] = edit
            form.addRow(label, edit)
        self.message = InlineMessage("Practice details message")
        buttons = dialog_buttons(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self.save, self.reject
        )
        lay = QVBoxLayout(self)
        lay.addWidget(
            heading(
                "Patients' care plans list these under \u201cWho to call\u201d when the patient's own care team does "
                "not name them. Your name and credentials sign the versions you finalize. Letters to patients "
                "you could not reach come from the practice's name, address and phone.",
                "hint",
            )
        )
        lay.addLayout(form)
        lay.addWidget(self.message)
        lay.addWidget(buttons)
        try:
            profile = practice.get_profile(ws)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            profile = PracticeProfile()
        for name, value in profile.as_dict().items():
            self.fields[name].setText(value)
        self.resize(max(self.sizeHint().width(), 560), self.sizeHint().height())

    def save(self) -> None:
        """Checked whole (the message names the field) and saved, or nothing is saved."""
        try:
            profile = PracticeProfile(**{name: edit.text() for name, edit in self.fields.items()})
            changes = practice.save_profile(self.ws, profile)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        log.info("practice details saved")
        self.accept()
        publish(changes)
