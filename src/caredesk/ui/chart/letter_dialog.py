"""The chart's "Letter…" for a letter task: save the letter as a PDF, then mark it as sent.

The letter's words come from services.letters (the unanswered call dates, the practice's
phone and hours, nothing clinical). A refusal (a practice detail or the patient's address
missing) shows in the dialog, naming the field and where to fill it. Marking the letter as
sent logs a contact by letter and closes the letter task; the change is published so the
queue drops the letter reason at once.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QFileDialog, QHBoxLayout, QVBoxLayout, QWidget

from caredesk.errors import CareDeskError
from caredesk.services import letters
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, button, heading, user_message
from caredesk.ui.common.hub import publish

log = logging.getLogger(__name__)


class LetterDialog(QDialog):
    def __init__(self, ws: Workspace, patient_id: int, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Letter to the patient")
        self.setAccessibleName("Letter to the patient")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.ws, self.patient_id = ws, patient_id
        self.sent = False
        self.large_print = QCheckBox("&Large print (18 pt)")
        self.large_print.setAccessibleName("Large print")
        self.save_button = button("&Save PDF…", "Save the letter as a PDF", primary=True)
        self.save_button.clicked.connect(self._choose_file)
        self.sent_button = button("&Mark as sent", "Mark the letter as sent and close the task")
        self.sent_button.clicked.connect(self.mark_sent)
        close = button("Close", "Close the letter")
        close.clicked.connect(self.reject)
        self.message = InlineMessage("Letter message")
        self.calls = heading("", "muted")
        self.calls.setAccessibleName("Calls the letter lists")

        row = QHBoxLayout()
        row.addWidget(self.large_print)
        row.addStretch(1)
        row.addWidget(self.save_button)
        row.addWidget(self.sent_button)
        row.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addWidget(
            heading(
                "The letter lists the calls that went unanswered and asks the patient to call the practice. "
                "Save it as a PDF, print and mail it, then mark it as sent.",
                "hint",
            )
        )
        lay.addWidget(self.calls)
        lay.addLayout(row)
        lay.addWidget(self.message)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)
        self._check()
        self.save_button.setFocus()

    def _check(self) -> None:
        """Say at once what the letter still needs (nothing is saved by asking)."""
        try:
            letter = letters.letter_for(self.ws, self.patient_id)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            # A letter that cannot be made cannot have been mailed: Mark as sent waits too.
            self.save_button.setEnabled(False)
            self.sent_button.setEnabled(False)
            self.calls.hide()
            return
        self.calls.setText("Unanswered calls it lists: " + ", ".join(letter.call_dates))

    def _choose_file(self) -> None:
        name = letters.default_file_name(self.ws.today())  # by date, never by the patient's name
        path, _filter = QFileDialog.getSaveFileName(self, "Save the letter", name, "PDF files (*.pdf)")
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Render and write the letter (audited as printed); True when it was written."""
        try:
            letters.save(self.ws, self.patient_id, path, large_print=self.large_print.isChecked())
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return False
        log.info("letter saved as PDF")
        self.message.show_info(f"Saved as {path.name}. Print it and mail it, then mark it as sent.")
        self.adjustSize()  # the new line must not squeeze the text above it
        self.sent_button.setFocus()
        return True

    def mark_sent(self) -> bool:
        """Record the letter as mailed today and close the letter task; the dialog closes."""
        try:
            saved = letters.record_sent(self.ws, self.patient_id)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return False
        self.sent = True
        publish(saved.changes, self)
        self.accept()
        return True
