"""The patient's copy of a finalized version: save it as a PDF, record that it was given."""
from __future__ import annotations

import logging
from datetime import date
from pathlib import Path

from PySide6.QtCore import QDate, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QDateEdit, QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.domain.careplan import CarePlanVersion, GivenMethod
from caredesk.errors import CareDeskError
from caredesk.services import care_plans, plan_printing
from caredesk.services.workspace import Workspace
from caredesk.ui.forms import InlineMessage, button, user_message

log = logging.getLogger(__name__)


class CopyPanel(QWidget):
    recorded = Signal(int)  # the version whose copy was recorded as given

    def __init__(self) -> None:
        super().__init__()
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self.version: CarePlanVersion | None = None
        self.large_print = QCheckBox("Large print (16 pt)")
        self.large_print.setAccessibleName("Large print")
        self.save_button = button("Save PDF for patient…", "Save the patient's copy as a PDF")
        self.save_button.clicked.connect(self._choose_file)
        self.given_on = QDateEdit()
        self.given_on.setAccessibleName("Copy given on")
        self.given_on.setCalendarPopup(True)
        self.given_on.setDisplayFormat("MM/dd/yyyy")
        self.method = QComboBox()
        self.method.setAccessibleName("Copy given by")
        self.method.addItems([m.value for m in GivenMethod])
        self.given_button = button("Record copy given", "Record that the patient got this copy")
        self.given_button.clicked.connect(self.record_given)
        self.message = InlineMessage("Patient copy message")

        pdf_row = QHBoxLayout()
        pdf_row.addWidget(self.save_button)
        pdf_row.addWidget(self.large_print)
        pdf_row.addStretch(1)
        given_row = QHBoxLayout()
        given_row.addWidget(QLabel("Given on"))
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
        self.save_button.setEnabled(version is not None)
        can_record = version is not None and version.given_on is None
        for w in (self.given_on, self.method, self.given_button):
            w.setEnabled(can_record)
        if ws is not None:
            today = ws.today()
            self.given_on.setDate(QDate(today.year, today.month, today.day))

    def clear(self) -> None:
        self.set_version(None, None, None)
        self.large_print.setChecked(False)

    def _choose_file(self) -> None:
        if self.version is None:
            return
        # A neutral default name: the patient's name never goes into a file name or setting.
        path, _filter = QFileDialog.getSaveFileName(self, "Save the patient's copy",
                                                    f"care-plan-v{self.version.number}.pdf", "PDF files (*.pdf)")
        if path:
            self.save_pdf(Path(path))

    def save_pdf(self, path: Path) -> bool:
        if self.ws is None or self.patient_id is None or self.version is None:
            return False
        try:
            plan_printing.save(self.ws, self.version, path, large_print=self.large_print.isChecked())
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return False
        except OSError as exc:  # e.g. the folder vanished after it was chosen
            self.message.show_error(f"Cannot write the file ({exc.strerror}).")
            return False
        log.info("care plan copy saved as PDF")
        self.message.show_info(f"Version {self.version.number} saved as {path.name}.")
        return True

    def record_given(self) -> None:
        if self.ws is None or self.patient_id is None or self.version is None:
            return
        d = self.given_on.date()
        try:
            care_plans.record_copy_given(self.ws, self.patient_id, self.version.number,
                                         date(d.year(), d.month(), d.day()), self.method.currentText())
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self.recorded.emit(self.version.number)
