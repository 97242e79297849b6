"""Printing patients' copies: the due batch into a folder, one plan through PDFium onto a printer, the preview."""

from __future__ import annotations

import itertools
import time

from PySide6.QtPrintSupport import QPrinter

from caredesk.services import plan_printing
from caredesk.ui.careplan.pdf_print import PrinterSink, new_printer
from caredesk.ui.careplan.preview import PlanPreview

_runs = itertools.count()


def test_due_batch_into_a_folder(benchmark, panels, tmp_path):
    """Store reads, rendering, atomic writes and one audit line per plan: what 'Save as PDF files' does."""
    ws = panels["170x1y"]
    due = plan_printing.due_copies(ws)

    def run():
        folder = tmp_path / f"run{next(_runs)}"
        return plan_printing.print_batch(
            ws, due, plan_printing.folder_sender(folder), "saved as PDF", large_print=False
        )

    outcome = benchmark.pedantic(run, rounds=3)
    benchmark.extra_info["plans"] = len(due)
    assert len(outcome.sent) == len(due) > 10


def test_one_plan_onto_a_printer(benchmark, panels, tmp_path, qapp):
    """The largest plan rasterized by PDFium at 300 dpi and drawn onto a (PDF file) printer, as the print path does."""
    ws = panels["170x1y"]
    copy = max(plan_printing.due_copies(ws), key=lambda c: len(c.version.content.problems))
    data = plan_printing.render(ws, copy.version, large_print=False)

    def run():
        printer = new_printer()
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(tmp_path / f"p{next(_runs)}.pdf"))
        sink = PrinterSink(printer, rasterize=True)  # what paper gets: a print to a file copies the PDF instead
        sink.send(data)
        sink.finish()
        return sink.pages

    pages = benchmark.pedantic(run, rounds=3)
    benchmark.extra_info["pages"] = pages
    assert pages >= 2


def test_open_the_preview(benchmark, panels, qapp):
    """Click 'Print for patient…' to a ready document: render plus PDFium load (pages render on a worker)."""
    ws = panels["170x1y"]
    copy = max(plan_printing.due_copies(ws), key=lambda c: len(c.version.content.problems))

    def run():
        dialog = PlanPreview(ws, copy.version, large_print=False)
        n = dialog.pdf.page_count
        dialog.reject()
        dialog.deleteLater()
        return n

    assert benchmark(run) >= 2


def test_preview_pages_leave_the_gui_thread_free(benchmark, panels, qapp):
    """The preview shown until its first page is on screen: the longest the GUI thread was busy at once
    (one processEvents) while PDFium rendered the pages on a worker; the dialog's own build not counted."""
    ws = panels["170x1y"]
    copy = max(plan_printing.due_copies(ws), key=lambda c: len(c.version.content.problems))
    longest: list[float] = []

    def run():
        dialog = PlanPreview(ws, copy.version, large_print=False)
        dialog.show()
        slices = [0.0]
        deadline = time.perf_counter() + 10
        while not all(dialog.view.is_rendered(i) for i in range(min(2, dialog.pdf.page_count))):
            assert time.perf_counter() < deadline
            start = time.perf_counter()
            qapp.processEvents()
            slices.append(time.perf_counter() - start)
            time.sleep(0.001)
        longest.append(max(slices))
        dialog.reject()
        dialog.deleteLater()

    benchmark.pedantic(run, rounds=5)
    benchmark.extra_info["longest_gui_slice_ms"] = round(max(longest) * 1000, 1)
    print(f"\npreview: longest GUI-thread slice while pages rendered {max(longest) * 1000:.1f} ms (5 rounds)")
