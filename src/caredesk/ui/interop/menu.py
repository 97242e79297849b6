"""The File menu's interchange entries: Import panel from CSV… (Ctrl+Shift+I), Import FHIR bundle…,
Export FHIR bundle…. Enabled only while a store is open, like the other store actions; a lock
rejects the open dialog like every child dialog (see import_steps for what that does to a job)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDialog, QWidget

if TYPE_CHECKING:  # the wizards load when opened: the menu is built before the first paint (issue 14)
    from caredesk.services.workspace import Workspace  # annotations only: not before the first paint
    from caredesk.ui.interop.csv_wizard import CsvImportWizard
    from caredesk.ui.interop.fhir_dialogs import FhirExportDialog, FhirImportWizard

D = TypeVar("D", bound=QDialog)


class InteropActions(QObject):
    def __init__(self, window: QWidget, workspace: Callable[[], Workspace | None]):
        super().__init__(window)
        self.window = window
        self._workspace = workspace
        self.import_csv_action = QAction("&Import panel from CSV…", window, shortcut=QKeySequence("Ctrl+Shift+I"))
        self.import_csv_action.setToolTip("Bring patients in from a registry spreadsheet saved as CSV (preview first)")
        self.import_csv_action.triggered.connect(self.import_csv)
        self.import_fhir_action = QAction("Import FHIR b&undle…", window)
        self.import_fhir_action.setToolTip("Bring patients and their records in from a FHIR R4 bundle (preview first)")
        self.import_fhir_action.triggered.connect(self.import_fhir)
        self.export_fhir_action = QAction("E&xport FHIR bundle…", window)
        self.export_fhir_action.setToolTip("Write the panel, or one patient, as a FHIR R4 bundle file")
        self.export_fhir_action.triggered.connect(self.export_fhir)
        self.actions = (self.import_csv_action, self.import_fhir_action, self.export_fhir_action)
        for action in self.actions:
            window.addAction(action)  # the shortcut works while the menu bar is hidden
        self.set_enabled(False)

    def set_enabled(self, enabled: bool) -> None:
        for action in self.actions:
            action.setEnabled(enabled)

    def import_csv(self) -> CsvImportWizard | None:
        ws = self._workspace()
        from caredesk.ui.interop.csv_wizard import CsvImportWizard

        return None if ws is None else self._open(CsvImportWizard(ws, self.window))

    def import_fhir(self) -> FhirImportWizard | None:
        ws = self._workspace()
        from caredesk.ui.interop.fhir_dialogs import FhirImportWizard

        return None if ws is None else self._open(FhirImportWizard(ws, self.window))

    def export_fhir(self) -> FhirExportDialog | None:
        ws = self._workspace()
        from caredesk.ui.interop.fhir_dialogs import FhirExportDialog

        return None if ws is None else self._open(FhirExportDialog(ws, self.window))

    @staticmethod
    def _open(dialog: D) -> D:
        """Window-modal, deleted when closed (as the main window's other dialogs)."""
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.finished.connect(dialog.deleteLater)
        dialog.open()
        return dialog
