"""The Record tab's Remove program form: take back an enrollment entered in error.

A program that really ended is ended (End program…), not removed. The reason is required
(a standard one, or the user's own words); the service refuses while minutes logged under
the program would lose it, and the form then says which to correct first and stays open.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QLabel, QWidget

from caredesk.domain.calendar import us_date
from caredesk.domain.patients import Enrollment
from caredesk.services import enrollments
from caredesk.services.changes import Saved
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.contact_forms import reason_box
from caredesk.ui.chart.record_dialogs import RecordDialog


class RemoveProgramDialog(RecordDialog):
    """Remove `enrollment` with a reason; Enter removes, Esc cancels."""

    def __init__(self, ws: Workspace, enrollment: Enrollment, parent: QWidget | None = None):
        super().__init__(ws, f"Remove {enrollment.program.value}", parent)
        assert enrollment.id is not None
        self.enrollment_id = enrollment.id
        what = QLabel(
            f"The {enrollment.program.value} enrollment from {us_date(enrollment.start_date)} was entered in error "
            "and goes from the record (the audit keeps that it was removed). To stop a program that ran, "
            "use End program instead."
        )
        what.setWordWrap(True)
        self.form.addRow("", what)
        self.reason = reason_box()
        self.reason.setCurrentText("entered in error")
        self.form.addRow("&Reason", self.reason)
        self.fields = {"reason": self.reason}
        self.place_form()
        self.save_button.setText("Remove program")
        self.save_button.setAccessibleName("Remove program")
        self.reason.setFocus()

    def save(self) -> Saved[Any]:
        return enrollments.remove_enrollment(self.ws, self.enrollment_id, self.reason.currentText())
