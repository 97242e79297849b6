"""The patient's copy of a finalized version: preview it, print or save it, record that it was given."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.domain.careplan import CarePlanVersion, GivenMethod
from caredesk.errors import CareDeskError
from caredesk.services import care_plans
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, button, combo, date_edit, picked_date, qdate, user_message
from caredesk.ui.common.hub import publish

if TYPE_CHECKING:
    from caredesk.ui.careplan.preview import PlanPreview


class CopyPanel(QWidget):
    recorded = Signal(int)  # the version whose copy was recorded as given

    def __init__(self) -> None:
        super().__init__()
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self.version: CarePlanVersion | None = None
        self.large_print = QCheckBox("&Large print (16 pt)")
        self.large_print.setAccessibleName("Large print")
        self.print_button = button("&Print for patient…", "Preview, then print or save the patient's copy")
        self.print_button.clicked.connect(self.open_preview)
        self.preview: PlanPreview | None = None
        self.given_on = date_edit("Copy given on")
        self.method = combo("Copy given by", [m.value for m in GivenMethod])
        self.given_button = button("Record &copy given", "Record that the patient got this copy")
        self.given_button.clicked.connect(self.record_given)
        self.message = InlineMessage("Patient copy message")

        pdf_row = QHBoxLayout()
        pdf_row.addWidget(self.print_button)
        pdf_row.addWidget(self.large_print)
        pdf_row.addStretch(1)
        given_row = QHBoxLayout()
        self.given_label = QLabel("&Given on")
        self.given_label.setBuddy(self.given_on)
        given_row.addWidget(self.given_label)
        given_row.addWidget(self.given_on)
        given_row.addWidget(self.method)
        given_row.addWidget(self.given_button)
        given_row.addStretch(1)
        lay = QVBoxLayout(self)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addLayout(pdf_row)
        lay.addLayout(given_row)
        lay.addWidget(self.message)
        self.set_version(None, None, None)

    def set_version(self, ws: Workspace | None, patient_id: int | None, version: CarePlanVersion | None) -> None:
        self.ws, self.patient_id, self.version = ws, patient_id, version
        self.message.clear()
        self.print_button.setEnabled(version is not None)
        can_record = version is not None and version.given_on is None
        for w in (self.given_on, self.method, self.given_button):
            w.setEnabled(can_record)
        # No version yet: no row at all (a disabled date field showed Qt's 01/01/2000, read as a
        # date the copy was given). A copy already given shows the day it was recorded for.
        row: tuple[QWidget, ...] = (self.given_label, self.given_on, self.method, self.given_button)
        for part in row:
            part.setVisible(version is not None)
        if version is not None and version.given_on is not None:
            self.given_on.setDate(qdate(version.given_on))
        elif ws is not None:
            self.given_on.setDate(qdate(ws.today()))

    def clear(self) -> None:
        if self.preview is not None:
            self.preview.reject()  # drops the rendered PDF from memory
        self.set_version(None, None, None)
        self.large_print.setChecked(False)

    def open_preview(self) -> PlanPreview | None:
        """The preview dialog (window-modal); printing or saving from it is audited there."""
        if self.ws is None or self.version is None:
            return None
        from caredesk.ui.careplan.preview import PlanPreview  # PDFium loads on first use, not at start

        self.message.clear()
        self.preview = PlanPreview(
            self.ws, self.version, large_print=self.large_print.isChecked(), parent=self.window()
        )
        self.preview.setWindowModality(Qt.WindowModality.WindowModal)
        self.preview.handed_out.connect(self._handed_out)
        self.preview.finished.connect(self._preview_closed)
        self.preview.open()
        return self.preview

    def _handed_out(self, how: str) -> None:
        if self.version is not None and self.version.given_on is None:
            self.message.show_info(
                f"Version {self.version.number} {how}. Record the copy as given below once the patient has it."
            )

    def _preview_closed(self) -> None:
        if self.preview is not None:
            self.preview.deleteLater()
            self.preview = None

    def record_given(self) -> None:
        if self.ws is None or self.patient_id is None or self.version is None:
            return
        try:
            saved = care_plans.record_copy_given(
                self.ws, self.patient_id, self.version.number, picked_date(self.given_on), self.method.currentText()
            )
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        publish(saved.changes, self)
        self.recorded.emit(self.version.number)
