"""PDF bytes rendered by PDFium: pages to images, and printed onto a QPrinter (a PDF file printer here), read back with pypdf.

A print to a PDF file gets the documents' own pages (text, fonts), 0600; a paper printer gets the
pages rendered as images, which these tests see by asking the sink to rasterize into a file."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from PySide6.QtGui import QPageSize
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
    assert sink.pages == 5
    assert [page.extract_text().strip() for page in PdfReader(out).pages] == ["A1", "A2", "A3", "B2", "B3"]
    assert out.stat().st_mode & 0o777 == 0o600  # patient data: the user's alone


def test_rasterized_documents_follow_each_other_in_one_job(qapp, tmp_path):
    """What a paper printer is sent: each page one image, the ranges honoured."""
    out = tmp_path / "raster.pdf"
    sink = PrinterSink(file_printer(out), rasterize=True)
    sink.send(pdf_of("A1", "A2", "A3"))
    sink.send(pdf_of("B1", "B2", "B3", "B4"), first=2, last=3)
    sink.finish()
    pages = PdfReader(out).pages
    assert sink.pages == 5 and len(pages) == 5 and all(len(page.images) == 1 for page in pages)


def test_a_printer_starts_on_the_document_s_paper_not_the_locale_s(qapp):
    """Qt's default under the C locale is A4; every CareDesk PDF is US Letter."""
    assert new_printer().pageLayout().pageSize().id() == QPageSize.PageSizeId.Letter
    assert new_printer(QPageSize(QPageSize.PageSizeId.A5).size(QPageSize.Unit.Point)).pageLayout().pageSize().id() == (
        QPageSize.PageSizeId.A5
    )


def test_two_sided_puts_a_blank_back_after_an_odd_plan(qapp, tmp_path):
    """The next patient's plan never starts on the back of this one's last sheet: in a file of the
    plans' own pages and on paper (rendered pages)."""
    out, raster = tmp_path / "duplex.pdf", tmp_path / "duplex-raster.pdf"
    sinks = (
        PrinterSink(file_printer(out), two_sided=True),
        PrinterSink(file_printer(raster), two_sided=True, rasterize=True),
    )
    for sink in sinks:
        sink.send(pdf_of("A1", "A2", "A3"))  # 3 sides: a blank 4th
        sink.send(pdf_of("B1", "B2"))  # starts on a front: side 5
        sink.send(pdf_of("C1"))
        sink.finish()
    assert [sink.pages for sink in sinks] == [7, 7]
    pages = PdfReader(out).pages
    assert [page.extract_text().strip() for page in pages] == ["A1", "A2", "A3", "", "B1", "B2", "C1"]
    assert {(page.mediabox.width, page.mediabox.height) for page in pages} == {(612, 792)}  # the blank too
    drawn = [bool(page.images) for page in PdfReader(raster).pages]  # each page printed on paper is one image
    assert drawn == [True, True, True, False, True, True, True]


def test_a_printer_that_cannot_start_is_a_clear_error(qapp, tmp_path):
    sink = PrinterSink(file_printer(tmp_path / "no-such-folder" / "x.pdf"), rasterize=True)
    with pytest.raises(CareDeskError, match="could not be started"):
        sink.send(pdf_of("A1"))
    sink.finish()  # nothing to close: no error


def test_a_pdf_file_that_cannot_be_written_is_named_at_the_first_document(qapp, tmp_path):
    path = tmp_path / "no-such-folder" / "x.pdf"
    sink = PrinterSink(file_printer(path))
    with pytest.raises(CareDeskError, match=f"Cannot write {path}"):
        sink.send(pdf_of("A1"))


def test_one_whole_document_printed_to_a_file_is_its_own_bytes(qapp, tmp_path):
    out = tmp_path / "one.pdf"
    data = pdf_of("A1", "A2")
    sink = PrinterSink(file_printer(out))
    sink.send(data)
    sink.finish()
    assert out.read_bytes() == data


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
