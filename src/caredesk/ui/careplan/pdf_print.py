"""PDF bytes on paper: each page rendered by PDFium (ui/common/pdf_pages.py) onto a QPrinter.

Documents are loaded from memory, never from a temporary file: a patient's plan must not
be left behind on disk. Printing rasterizes each page at up to 300 dpi, scaled to fit the
printable area; that is what a viewer does, and it works for every printer Qt can drive.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, QSize
from PySide6.QtGui import QPainter
from PySide6.QtPrintSupport import QPrinter

from caredesk.errors import CareDeskError
from caredesk.ui.common.pdf_pages import PdfPages

MAX_RENDER_DPI = 300  # sharp text; a Letter page is then 2550x3300 px (33 MB), not 135 MB at 600 dpi
DOC_NAME = "CareDesk care plan"  # print queues show the job name: never a patient's name


def new_printer() -> QPrinter:
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(DOC_NAME)
    return printer


class PrinterSink:
    """Prints one document after another into one print job.

    With two-sided printing, a document with an odd number of pages is followed by a
    blank back, so the next patient's plan never starts on the back of this one's last
    page (they go into different envelopes).
    """

    def __init__(self, printer: QPrinter, *, two_sided: bool | None = None):
        self.printer = printer
        # None: ask the printer. (A PDF file "printer" always says one-sided, so tests say True.)
        self.two_sided = two_sided
        self.painter: QPainter | None = None
        self.pages = 0  # sheet sides used so far

    def send(self, data: bytes, *, first: int = 1, last: int = 0) -> None:
        """Print pages first..last (1-based; last 0 = to the end) of one document."""
        pdf = PdfPages(data)
        try:
            count = pdf.page_count
            pages = range(max(1, first) - 1, min(count, last) if last else count)
            copies = 1 if self.printer.supportsMultipleCopies() else max(1, self.printer.copyCount())
            for _copy in range(copies):
                if self.painter is not None and self._two_sided() and self.pages % 2:
                    self.printer.newPage()  # the blank back of the previous plan's last sheet
                    self.pages += 1
                for index in pages:
                    self._page(pdf, index)
        finally:
            pdf.close()

    def finish(self) -> None:
        if self.painter is not None:
            self.painter.end()
            self.painter = None

    def _two_sided(self) -> bool:
        if self.two_sided is not None:
            return self.two_sided
        return self.printer.duplex() != QPrinter.DuplexMode.DuplexNone

    def _page(self, document: PdfPages, index: int) -> None:
        if self.painter is None:
            self.painter = QPainter()
            if not self.painter.begin(self.printer):
                self.painter = None
                raise CareDeskError("The printer could not be started. Check that it is on and connected.")
        elif not self.printer.newPage():
            raise CareDeskError("The printer stopped taking pages.")
        self.pages += 1
        points = document.page_size(index)
        area = QRectF(self.painter.viewport())
        dpi = min(self.printer.resolution(), MAX_RENDER_DPI)
        image = document.render(index, QSize(round(points.width() * dpi / 72), round(points.height() * dpi / 72)))
        # Fit the page into the printable area, keeping its shape, centred.
        scale = min(area.width() / points.width(), area.height() / points.height())
        size = QSize(round(points.width() * scale), round(points.height() * scale))
        top_left = QPointF(area.x() + (area.width() - size.width()) / 2, area.y() + (area.height() - size.height()) / 2)
        self.painter.drawImage(QRectF(top_left, size.toSizeF()), image)
