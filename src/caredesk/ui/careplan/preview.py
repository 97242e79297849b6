"""'Print for patient': the patient's copy on screen, then printed or saved.

The PDF is rendered into memory and its pages shown by PDFium (ui/common/pdf_view.py); the
same bytes go to the printer or the file, so what the nurse sees is what the patient gets. Closing the dialog
(or a lock, which rejects every dialog) drops the document from memory.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QKeySequence, QShortcut
from PySide6.QtPrintSupport import QPrintDialog, QPrinter
from PySide6.QtWidgets import QApplication, QCheckBox, QDialog, QFileDialog, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from caredesk.domain.careplan import CarePlanVersion
from caredesk.errors import CareDeskError
from caredesk.services import plan_printing
from caredesk.services.workspace import Workspace
from caredesk.ui.careplan.pdf_print import PrinterSink, new_printer, prints_to_file
from caredesk.ui.common.forms import InlineMessage, button, user_message
from caredesk.ui.common.pdf_pages import PdfPages
from caredesk.ui.common.pdf_view import PdfPagesView

log = logging.getLogger(__name__)


class PlanPreview(QDialog):
    handed_out = Signal(str)  # "printed" or "saved": the copy left the app

    def __init__(self, ws: Workspace, version: CarePlanVersion, *, large_print: bool, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(f"Care plan version {version.number} — patient's copy")
        self.setAccessibleName("Care plan print preview")
        self.ws, self.version = ws, version
        self.data = b""
        self.pdf = PdfPages()  # the shown document; load() swaps it, closing the dialog drops it
        self.printer_factory = new_printer  # tests give a printer that writes a file

        self.view = PdfPagesView(self)  # every page, one under another, as wide as the view
        self.view.setAccessibleName("Preview of the patient's copy")
        self.large_print = QCheckBox("Large print (16 pt)")
        self.large_print.setAccessibleName("Large print")
        self.large_print.setChecked(large_print)
        self.large_print.toggled.connect(self._render)
        self.whole_page = QCheckBox("Whole page")
        self.whole_page.setAccessibleName("Zoom to the whole page")
        self.whole_page.toggled.connect(self._zoom)
        self.pages = QLabel()
        self.pages.setAccessibleName("Page count")
        self.print_button = button("&Print…", "Print the patient's copy", primary=True)
        self.print_button.clicked.connect(self.print_with_dialog)
        self.save_button = button("&Save as PDF…", "Save the patient's copy as a PDF")
        self.save_button.clicked.connect(self._choose_file)
        close = button("Close")
        close.clicked.connect(self.reject)
        self.message = InlineMessage("Print preview message")
        print_key = QShortcut(QKeySequence.StandardKey.Print, self)
        print_key.activated.connect(self.print_with_dialog)

        bar = QHBoxLayout()
        bar.addWidget(self.large_print)
        bar.addWidget(self.whole_page)
        bar.addWidget(self.pages)
        bar.addStretch(1)
        bar.addWidget(self.save_button)
        bar.addWidget(self.print_button)
        bar.addWidget(close)
        lay = QVBoxLayout(self)
        lay.addLayout(bar)
        lay.addWidget(self.message)
        lay.addWidget(self.view, 1)
        self._fit_to_screen()
        self._render()

    def _fit_to_screen(self) -> None:
        parent = self.parentWidget()
        screen = (parent.screen() if parent is not None else None) or QGuiApplication.primaryScreen()
        avail = screen.availableGeometry()
        self.resize(min(900, avail.width() - 40), max(480, avail.height() - 80))

    # -- the document ------------------------------------------------------------
    def _render(self) -> None:
        self.message.clear()
        self._drop()
        try:
            data = plan_printing.render(self.ws, self.version, large_print=self.large_print.isChecked())
            self.pdf.load(data)
            self.data = data
            self.view.set_document(self.pdf)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            self.pages.clear()
            for b in (self.print_button, self.save_button):
                b.setEnabled(False)
            return
        n = self.pdf.page_count
        self.pages.setText(f"{n} page{'s' if n != 1 else ''}")
        self._warn_numbers()
        for b in (self.print_button, self.save_button):
            b.setEnabled(True)

    def _warn_numbers(self) -> None:
        """Said before Print and Save: a copy with no number to call (plan_printing.numbers_warning)."""
        try:
            warning = plan_printing.numbers_warning(self.ws, self.version.patient_id)
        except CareDeskError:
            return  # the copy rendered; a second read failing is not worth a message here
        if warning:
            self.message.show_warning(warning)

    def _zoom(self, whole: bool) -> None:
        self.view.set_whole_page(whole)

    def _drop(self) -> None:
        self.view.set_document(None)
        self.pdf.close()
        self.data = b""

    def done(self, result: int) -> None:
        self._drop()
        super().done(result)

    # -- printing and saving -------------------------------------------------------
    def print_with_dialog(self) -> None:
        if not self.data:
            return
        printer = self.printer_factory(self.pdf.page_size(0))  # the copy's own paper (Letter), not the locale's
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print the patient's copy")
        dialog.setMinMax(1, self.pdf.page_count)
        if dialog.exec() == QDialog.DialogCode.Accepted:
            self.print_to(printer)

    def print_to(self, printer: QPrinter) -> bool:
        """Print the shown copy (the page range and copies the print dialog set); audited. To a PDF
        file (the print dialog's "Print to File") the copy's own pages are written, 0600 (pdf_print)."""
        if not self.data:
            return False
        to_file = prints_to_file(printer)
        sink = PrinterSink(printer)
        all_pages = printer.printRange() != QPrinter.PrintRange.PageRange
        # About 0.2 s a page (PDFium rasterizes at 300 dpi): a plan is a few pages, so this stays on the
        # GUI thread with a busy cursor; the many-plan batch runs in the background instead.
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            sink.send(
                self.data, first=1 if all_pages else printer.fromPage(), last=0 if all_pages else printer.toPage()
            )
            sink.finish()
        except CareDeskError as exc:
            printer.abort()
            self.message.show_error(user_message(exc))
            return False
        finally:
            QApplication.restoreOverrideCursor()
        try:
            plan_printing.audit_printed(
                self.ws,
                self.version,
                "printed to a PDF file" if to_file else "sent to a printer",
                large_print=self.large_print.isChecked(),
            )
        except CareDeskError as exc:  # printed, but the store refused the audit line
            self.message.show_error(user_message(exc))
            return False
        log.info("care plan copy %s", "printed to a PDF file" if to_file else "sent to a printer")
        self.message.show_info(
            f"Printed to {Path(printer.outputFileName()).name}." if to_file else "Sent to the printer."
        )
        self.handed_out.emit("printed")
        return True

    def _choose_file(self) -> None:
        path, _filter = QFileDialog.getSaveFileName(
            self, "Save the patient's copy", f"care-plan-v{self.version.number}.pdf", "PDF files (*.pdf)"
        )
        if path:
            self.save_to(Path(path))

    def save_to(self, path: Path) -> bool:
        """Write exactly the bytes on screen; audited."""
        if not self.data:
            return False
        try:
            plan_printing.write_copy(self.ws, self.version, path, self.data, large_print=self.large_print.isChecked())
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return False
        log.info("care plan copy saved as PDF")
        self.message.show_info(f"Saved as {path.name}.")
        self.handed_out.emit("saved")
        return True
