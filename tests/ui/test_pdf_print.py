"""PDF bytes rendered by PDFium: pages to images, and printed onto a QPrinter (a PDF file printer here), read back with pypdf."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtPrintSupport import QPrinter
from reportlab.lib.pagesizes import letter
from reportlab.pdfgen import canvas

from caredesk.errors import CareDeskError
from caredesk.ui.careplan.pdf_print import DOC_NAME, PrinterSink, new_printer
from caredesk.ui.common.pdf_pages import PdfPages


def pdf_of(*labels: str) -> bytes:
    out = io.BytesIO()
    c = canvas.Canvas(out, pagesize=letter)
    for label in labels:
        c.setFont("Helvetica", 40)
        c.drawString(72, 600, label)
        c.showPage()
    c.save()
    return out.getvalue()


def file_printer(path) -> QPrinter:
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(path))
    return printer


def test_pdf_pages_reads_bytes_and_drops_them(qapp):
    pdf = PdfPages(pdf_of("one", "two"))
    assert pdf.page_count == 2
    pdf.close()
    assert pdf.page_count == 0
    with pytest.raises(CareDeskError, match="could not be read back"):
        PdfPages(b"%PDF-1.4 not really a pdf")


def test_documents_follow_each_other_in_one_job_and_ranges_are_honoured(qapp, tmp_path):
    out = tmp_path / "job.pdf"
    printer = file_printer(out)
    assert printer.docName() == DOC_NAME  # a print queue shows this, never a patient's name
    sink = PrinterSink(printer)
    sink.send(pdf_of("A1", "A2", "A3"))
    sink.send(pdf_of("B1", "B2", "B3", "B4"), first=2, last=3)
    sink.finish()
    assert sink.pages == 5 and len(PdfReader(out).pages) == 5


def test_two_sided_puts_a_blank_back_after_an_odd_plan(qapp, tmp_path):
    """The next patient's plan never starts on the back of this one's last sheet."""
    out = tmp_path / "duplex.pdf"
    sink = PrinterSink(file_printer(out), two_sided=True)
    sink.send(pdf_of("A1", "A2", "A3"))  # 3 sides: a blank 4th
    sink.send(pdf_of("B1", "B2"))  # starts on a front: side 5
    sink.send(pdf_of("C1"))
    sink.finish()
    pages = PdfReader(out).pages
    assert sink.pages == 7 and len(pages) == 7
    drawn = [bool(page.images) for page in pages]  # each printed page is one rendered image
    assert drawn == [True, True, True, False, True, True, True]


def test_a_printer_that_cannot_start_is_a_clear_error(qapp, tmp_path):
    sink = PrinterSink(file_printer(tmp_path / "no-such-folder" / "x.pdf"))
    with pytest.raises(CareDeskError, match="could not be started"):
        sink.send(pdf_of("A1"))
    sink.finish()  # nothing to close: no error


def test_pages_render_from_two_threads_at_once(qapp):
    """PDFium is not thread-safe: the due batch prints on a worker while a preview renders on another.
    PdfPages serialises every PDFium call, so both threads get their own document's pages intact."""
    from concurrent.futures import ThreadPoolExecutor

    from PySide6.QtCore import QSize

    def ink_rows(label: str) -> list[int]:
        pdf = PdfPages(pdf_of(*[label] * 3))
        try:
            rows = []
            for _round in range(10):
                for index in range(pdf.page_count):
                    image = pdf.render(index, QSize(306, 396))  # half a point a pixel
                    rows.append(sum(image.pixelColor(x, 90).lightness() < 128 for x in range(306)))  # through the text
            return rows
        finally:
            pdf.close()

    alone = ink_rows("WWWW")[0], ink_rows("i")[0]
    with ThreadPoolExecutor(2) as pool:
        wide, narrow = pool.map(ink_rows, ["WWWW", "i"])
    assert set(wide) == {alone[0]} and set(narrow) == {alone[1]} and alone[0] > alone[1]


def test_a_render_waits_while_another_thread_is_in_pdfium(qapp):
    """Every PDFium call holds PDFIUM_LOCK: a render on a worker waits for the thread inside PDFium."""
    import threading

    from PySide6.QtCore import QSize

    from caredesk.ui.common.pdf_pages import PDFIUM_LOCK

    pdf = PdfPages(pdf_of("A"))
    done = threading.Event()
    worker = threading.Thread(target=lambda: (pdf.render(0, QSize(100, 130)), done.set()))
    with PDFIUM_LOCK:  # as if the due batch were printing a page
        worker.start()
        assert not done.wait(0.3)
    assert done.wait(10)
    worker.join()
    pdf.close()
