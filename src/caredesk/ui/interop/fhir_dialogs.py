"""File > Import FHIR bundle… and File > Export FHIR bundle… (issue 13, SPEC §7).

Import: choose the bundle -> preview (interop.fhir_import.read_bundle, then the store's
comparison; nothing stored) -> Import N patients -> result: the steps of import_steps, with
resources where a CSV has rows. Export: the whole panel or one patient by MRN, written by
interop.fhir_export.write_bundle (validated against the R4 models, written whole, audited) in
the background. The dialog says plainly that the file holds patients' health information, and
suggests a file name with the date, never a patient's name.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caredesk.errors import CareDeskError, ValidationError
from caredesk.interop.fhir_bundle import MAX_BYTES
from caredesk.interop.fhir_export import ExportResult, write_bundle
from caredesk.interop.fhir_import import read_bundle_report
from caredesk.services.files import refusal
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, button, heading
from caredesk.ui.common.workers import TaskRunner
from caredesk.ui.interop.import_steps import ImportSource, ImportWizard, Read, busy_bar, failure_text

log = logging.getLogger(__name__)

PHI_NOTE = "The file will hold patients' health information; keep it on an encrypted drive and delete it when done."
INTRO = (
    "A FHIR R4 bundle (JSON) of patients with their conditions, allergies, medications, vitals and "
    "labs, screenings, care team, contacts and care plans, each checked against the R4 models before "
    "it is written, for the practice's EHR."
)


def load_bundle(_ws: Workspace, path: Path) -> bytes:
    """The bundle's bytes, reading at most the reader's limit + 1 byte (a larger file is refused
    naming it, without reading the rest)."""
    try:
        with path.open("rb") as f:
            data = f.read(MAX_BYTES + 1)
    except IsADirectoryError:
        raise CareDeskError(f"Cannot read {path}: it is a folder; give a FHIR bundle (.json) file.") from None
    except OSError as exc:
        raise CareDeskError(f"Cannot read {path} ({exc.strerror}).") from None
    if len(data) > MAX_BYTES:
        raise ValidationError(
            path.name, f"is over {MAX_BYTES // 1_000_000} MB; CareDesk imports bundles up to that size"
        )
    return data


class FhirImportWizard(ImportWizard):
    """The FHIR import; `load_file(path)` starts it on a given file."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        source = ImportSource(
            noun="FHIR bundle", unit="resource", file_filter="FHIR bundles (*.json);;All files (*)", load=load_bundle
        )
        super().__init__(ws, source, parent)
        self.finish_pages()
        self._skipped: Counter[str] = Counter()  # resource types the bundle holds and CareDesk does not keep

    def load_file(self, path: Path) -> None:
        self.file_page.path.setText(str(path))
        self.next()

    def read_incoming(self) -> Callable[[], Read]:
        data, today = self.file_page.loaded, self.ws.today()
        assert isinstance(data, bytes)
        self._skipped = Counter()

        def read() -> Read:  # on the worker; `skipped` is read on the GUI thread once it is done
            report = read_bundle_report(data, today=today)
            self._skipped = report.skipped
            return report.patients, report.problems

        return read

    def preview_note(self) -> str:
        """'Not imported (CareDesk does not keep them): 12 Encounter, 3 Immunization.'"""
        if not self._skipped:
            return ""
        left = ", ".join(f"{count:,} {what}" for what, count in self._skipped.most_common())
        return f"Not imported (CareDesk does not keep them): {left}."


class FhirExportDialog(QDialog):
    """Export the whole panel or one patient (by MRN) to a file the user chooses."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws = ws
        self.setWindowTitle("Export FHIR bundle")
        self.setAccessibleName("Export FHIR bundle")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 96)  # the whole suggested path shows
        self.runner = TaskRunner(self)
        self.written: ExportResult | None = None

        self.whole = QRadioButton("The &whole panel")
        self.whole.setAccessibleName("Export the whole panel")
        self.whole.setChecked(True)
        self.one = QRadioButton("&One patient, by MRN:")
        self.one.setAccessibleName("Export one patient")
        group = QButtonGroup(self)
        group.addButton(self.whole)
        group.addButton(self.one)
        self.mrn = QLineEdit()
        self.mrn.setAccessibleName("MRN of the patient to export")
        self.mrn.setPlaceholderText("MRN")
        self.mrn.setEnabled(False)
        self.one.toggled.connect(self._one_toggled)
        self.mrn.textEdited.connect(lambda _text: self.one.setChecked(True))

        self.path = QLineEdit(str(Path.home() / f"caredesk-fhir-{ws.today().isoformat()}.json"))
        self.path.setAccessibleName("File to write")
        self.path.textChanged.connect(self._path_changed)
        path_label = QLabel("Save &to")
        path_label.setBuddy(self.path)
        self.browse_button = button("B&rowse…", "Choose the file to write")
        self.browse_button.setAutoDefault(False)
        self.browse_button.clicked.connect(self.browse)

        self.phi = heading(PHI_NOTE, "warning")
        self.phi.setAccessibleName("The file holds patient information")
        self.bar = busy_bar("Writing the bundle")
        self.message = InlineMessage("Export message")
        self.export_button = button("&Export", "Export", primary=True)
        self.export_button.clicked.connect(self.export)
        self.close_button = button("Close")
        self.close_button.setAutoDefault(False)
        self.close_button.clicked.connect(self.reject)

        grid = QGridLayout()
        grid.addWidget(self.whole, 0, 0, 1, 3)
        grid.addWidget(self.one, 1, 0)
        grid.addWidget(self.mrn, 1, 1, 1, 2)
        grid.addWidget(path_label, 2, 0)
        grid.addWidget(self.path, 2, 1)
        grid.addWidget(self.browse_button, 2, 2)
        grid.setColumnStretch(1, 1)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.export_button)
        buttons.addWidget(self.close_button)
        layout = QVBoxLayout(self)
        layout.addWidget(heading("Export a FHIR bundle", "section"))
        layout.addWidget(heading(INTRO, "hint"))
        layout.addLayout(grid)
        layout.addWidget(self.phi)
        layout.addWidget(self.bar)
        layout.addWidget(self.message)
        layout.addStretch(1)
        layout.addLayout(buttons)
        for a, b in (
            (self.whole, self.one),
            (self.one, self.mrn),
            (self.mrn, self.path),
            (self.path, self.browse_button),
            (self.browse_button, self.export_button),
            (self.export_button, self.close_button),
        ):
            QWidget.setTabOrder(a, b)
        self._replace: Path | None = None  # an existing file the user was told about once
        self.export_button.setFocus()
        self.adjustSize()

    def _one_toggled(self, on: bool) -> None:
        self.mrn.setEnabled(on)
        if on:
            self.mrn.setFocus()

    def _path_changed(self) -> None:
        self._replace = None
        self.message.clear()

    def browse(self) -> None:
        chosen, _ = QFileDialog.getSaveFileName(self, "Export FHIR bundle", self.path.text(), "FHIR bundles (*.json)")
        if chosen:
            path = Path(chosen)
            self.path.setText(str(path if path.suffix else path.with_suffix(".json")))
            self._replace = Path(self.path.text())  # the file dialog asked about replacing it
            self.export_button.setFocus()

    def chosen_mrn(self) -> str | None:
        return self.mrn.text().strip() if self.one.isChecked() else None

    def export(self) -> None:
        if self.runner.busy or not self.ws.is_open:
            return
        text, mrn = self.path.text().strip(), self.chosen_mrn()
        if not text:
            self.message.show_error("Save to: choose the file to write (Browse…).")
            self.path.setFocus()
            return
        if mrn == "":
            self.message.show_error("MRN: type the MRN of the patient to export, or choose the whole panel.")
            self.mrn.setFocus()
            return
        path = Path(text).expanduser()
        reason = refusal(path)
        if reason is not None:  # a folder, a device: said before any work
            self.message.show_error(f"Save to: {path} - {reason}.")
            self.path.setFocus()
            return
        if path.exists() and self._replace != path:
            self._replace = path
            self.message.show_warning(f"{path.name} already exists: press Export again to replace it.")
            return
        ws = self.ws
        self.message.show_info("Checking every resource against the FHIR R4 models and writing the file…")
        self.bar.show()
        self._running(True)
        log.info("FHIR export started (%s)", "one patient" if mrn else "whole panel")
        self.runner.run(lambda: write_bundle(ws, path, mrn=mrn), self._done, self._failed)

    def _done(self, result: ExportResult) -> None:
        self._running(False)
        self.written = result
        log.info("FHIR export written (%d patients, %d resources)", result.patients, result.total)
        self.message.show_info(
            f"Saved {result.patients:,} patient{'s' if result.patients != 1 else ''} "
            f"({result.total:,} resources) to {result.path}. {PHI_NOTE}"
        )
        self.close_button.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._running(False)
        self.message.show_error(failure_text(exc, "the export").replace("stored", "written"))

    def _running(self, on: bool) -> None:
        self.bar.setVisible(on)
        for w in (self.export_button, self.browse_button, self.whole, self.one, self.path):
            w.setEnabled(not on)
        self.mrn.setEnabled(not on and self.one.isChecked())

    def reject(self) -> None:
        """Close (or a lock): a write in progress finishes first (it is whole or nothing)."""
        self.runner.shutdown()
        super().reject()
