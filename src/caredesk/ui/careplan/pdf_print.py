"""PDF bytes on paper: each page rendered by PDFium (ui/common/pdf_pages.py) onto a QPrinter, or,
when the "printer" is a PDF file, the document's own pages written to that file.

Documents are loaded from memory, never from a temporary file: a patient's plan must not
be left behind on disk. Printing rasterizes each page at up to 300 dpi, scaled to fit the
printable area; that is what a viewer does, and it works for every printer Qt can drive.

A print to a file (Qt's "Print to File (PDF)", the print dialog's choice when no printer is
installed) is not rasterized: a keyboard-only tester's printed plan was 1.6 MB of 300 dpi page
images (no text to select or read aloud, no fonts) on A4, and 0644, where Save as PDF… and
`caredesk print-plan` write 46 KB of text on US Letter, 0600. So the file gets the document's own
pages (its text and fonts; a whole single document byte for byte, the same file Save as PDF…
writes), through services.files.write_atomic: 0600, since it holds patient data.
"""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
from PySide6.QtCore import QPointF, QRectF, QSize, QSizeF
from PySide6.QtGui import QPageSize, QPainter
from PySide6.QtPrintSupport import QPrinter

from caredesk.errors import CareDeskError
from caredesk.services.files import write_atomic
from caredesk.ui.common.pdf_pages import PDFIUM_LOCK, PdfPages

MAX_RENDER_DPI = 300  # sharp text; a Letter page is then 2550x3300 px (33 MB), not 135 MB at 600 dpi
DOC_NAME = "CareDesk care plan"  # print queues show the job name: never a patient's name
LETTER_POINTS = QSizeF(612, 792)  # 8.5 x 11 in: the paper every CareDesk PDF is laid out on (pdf/)


def new_printer(paper: QSizeF = LETTER_POINTS) -> QPrinter:
    """A printer whose paper starts as `paper` (points; the document's own page size, US Letter
    by default). Left to itself Qt takes the locale's default, A4 under the C locale a bundled app
    often runs in, and a US clinic's copy came out on A4; the print dialog can still change it."""
    printer = QPrinter(QPrinter.PrinterMode.HighResolution)
    printer.setDocName(DOC_NAME)
    printer.setPageSize(QPageSize(paper, QPageSize.Unit.Point, "", QPageSize.SizeMatchPolicy.FuzzyMatch))
    return printer


def prints_to_file(printer: QPrinter) -> bool:
    """True when the printer writes a PDF file (Qt's PDF output with a file name) rather than paper."""
    return printer.outputFormat() == QPrinter.OutputFormat.PdfFormat and bool(printer.outputFileName())


class PrinterSink:
    """Prints one document after another into one print job.

    With two-sided printing, a document with an odd number of pages is followed by a
    blank back, so the next patient's plan never starts on the back of this one's last
    page (they go into different envelopes).

    To a PDF file (prints_to_file) the pages are the documents' own, copied by PDFium, and the
    file is written (0600, atomically) at the first document, so a path that cannot be written is
    said at once, and again at finish() with every document; a file is one copy. Errors:
    CareDeskError (the printer would not start or stopped; the file cannot be written, naming it).
    """

    def __init__(self, printer: QPrinter, *, two_sided: bool | None = None, rasterize: bool | None = None):
        self.printer = printer
        # None: ask the printer. (A PDF file "printer" always says one-sided, so tests say True.)
        self.two_sided = two_sided
        self.painter: QPainter | None = None
        self.pages = 0  # sheet sides used so far
        # rasterize None: pages rendered for paper, copied into a file. True renders them into a file
        # too: what a paper printer is sent, and the tests' one way to see it without a printer.
        to_file = prints_to_file(printer) if rasterize is None else not rasterize
        self._file: _PdfFile | None = _PdfFile(printer.outputFileName()) if to_file else None

    def send(self, data: bytes, *, first: int = 1, last: int = 0) -> None:
        """Print pages first..last (1-based; last 0 = to the end) of one document."""
        if self._file is not None:
            blank = self._two_sided() and self.pages % 2 == 1
            self.pages += self._file.add(data, first, last, blank_before=blank)
            return
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
        if self._file is not None:
            file, self._file = self._file, None
            file.finish()
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


class _PdfFile:
    """The pages sent so far, as one PDF bound for `path`: the first document's bytes as they are
    while it is the only one, whole; PDFium's copy of every page sent once there is more."""

    def __init__(self, path: str):
        self.path = path
        self.whole: bytes | None = None  # the only document so far, all its pages
        self.merged: pdfium.PdfDocument | None = None
        self.written = False  # the file holds every page added
        self.started = False  # the file was written once

    def add(self, data: bytes, first: int, last: int, *, blank_before: bool) -> int:
        """Append pages first..last (1-based, last 0 = to the end) of `data`; the number appended."""
        with PDFIUM_LOCK:
            try:
                source = pdfium.PdfDocument(data)
            except pdfium.PdfiumError as exc:
                raise CareDeskError("The PDF could not be read back to print it.") from exc
            try:
                count = len(source)
                pages = list(range(max(1, first) - 1, min(count, last) if last else count))
                if self.merged is None and self.whole is None and len(pages) == count and not blank_before:
                    self.whole = data
                else:
                    merged = self._merged()
                    if blank_before:  # the back of the last sheet, as large as the page before it
                        width, height = merged.get_page_size(len(merged) - 1)
                        merged.new_page(width, height).close()
                    merged.import_pages(source, pages)
            finally:
                source.close()
        if not self.started:  # the first document: a file that cannot be written is said now
            self._write()
            self.started = True
        else:
            self.written = False
        return len(pages) + (1 if blank_before else 0)

    def finish(self) -> None:
        try:
            if not self.written and (self.whole is not None or self.merged is not None):
                self._write()
        finally:
            if self.merged is not None:
                with PDFIUM_LOCK:
                    self.merged.close()
                self.merged = None
            self.whole = None

    def _merged(self) -> pdfium.PdfDocument:
        """Called under PDFIUM_LOCK."""
        if self.merged is None:
            self.merged = pdfium.PdfDocument.new()
            if self.whole is not None:
                first = pdfium.PdfDocument(self.whole)
                try:
                    self.merged.import_pages(first)
                finally:
                    first.close()
                self.whole = None
        return self.merged

    def _write(self) -> None:
        if self.merged is not None:
            buffer = io.BytesIO()
            with PDFIUM_LOCK:
                self.merged.save(buffer)
            data = buffer.getvalue()
        else:
            assert self.whole is not None
            data = self.whole
        write_atomic(Path(self.path), data)
        self.written = True
