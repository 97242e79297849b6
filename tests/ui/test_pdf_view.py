"""The print preview's pages, rendered by PDFium (ui/common/pdf_pages.py, pdf_view.py): real reportlab
PDFs, a real care plan in a real store, printed onto a PDF-file QPrinter and read back with pypdf."""

from __future__ import annotations

from datetime import timedelta

from pypdf import PdfReader
from PySide6.QtCore import QRect, QSize, Qt
from PySide6.QtGui import QImage
from PySide6.QtPrintSupport import QPrinter

from caredesk.ui.careplan.pdf_print import new_printer
from caredesk.ui.common.pdf_pages import PdfPages
from caredesk.ui.common.pdf_view import MARGIN, SPACING, PdfPagesView
from tests.ui.test_care_plan_editor import open_plan
from tests.ui.test_pdf_print import pdf_of


def dark_pixels(image: QImage, rect: QRect, step: int = 2) -> int:
    """Pixels darker than mid-grey in `rect` (every `step`-th row and column): ink on the page."""
    rect = rect.intersected(image.rect())
    return sum(
        image.pixelColor(x, y).lightness() < 128
        for y in range(rect.top(), rect.bottom(), step)
        for x in range(rect.left(), rect.right(), step)
    )


def test_a_page_renders_to_an_image_of_the_asked_size_with_ink_where_the_text_is(qapp):
    pdf = PdfPages(pdf_of("Hello"))  # 40 pt text at 72 pt from the left, 600 pt from the bottom of a Letter page
    assert pdf.page_count == 1 and (pdf.page_size(0).width(), pdf.page_size(0).height()) == (612, 792)
    image = pdf.render(0, QSize(612, 792))  # 1 px a point
    assert image.size() == QSize(612, 792)
    text = QRect(72, 792 - 600 - 32, 120, 40)
    assert dark_pixels(image, text) > 100
    assert dark_pixels(image, QRect(300, 400, 200, 200)) == 0  # the rest is white paper
    assert image.pixelColor(5, 5).name() == "#ffffff"
    pdf.close()
    assert pdf.render(0, QSize(10, 10)).isNull()  # closed (a preview shut while a page rendered): nothing


def test_pages_fit_the_width_or_whole_and_render_off_the_gui_thread(qtbot):
    view = PdfPagesView()
    qtbot.addWidget(view)
    view.resize(500, 400)
    view.show()
    qtbot.waitExposed(view)
    pdf = PdfPages(pdf_of("one", "two", "three"))
    view.set_document(pdf)
    assert not view.is_rendered(0)  # nothing rendered on the GUI thread: the worker does it
    qtbot.waitUntil(lambda: view.is_rendered(0), timeout=10000)
    rects = view.page_rects()
    width = view.viewport().width() - 2 * MARGIN
    assert len(rects) == 3 and all(r.width() == width for r in rects)
    assert rects[0].top() == MARGIN and rects[1].top() == rects[0].bottom() + 1 + SPACING
    assert abs(rects[0].height() / rects[0].width() - 792 / 612) < 0.01  # the page keeps its shape
    shown = view.viewport().grab().toImage()
    assert dark_pixels(shown, QRect(rects[0].x(), rects[0].y(), rects[0].width() // 2, rects[0].height())) > 20

    view.set_whole_page(True)
    whole = view.page_rects()[0]
    assert whole.height() <= view.viewport().height() - 2 * MARGIN and whole.width() < width
    qtbot.waitUntil(lambda: view.is_rendered(0), timeout=10000)  # rendered again at the new size
    view.set_whole_page(False)

    view.set_document(None)  # the dialog closed: no pages, no images
    assert view.page_rects() == [] and not view.is_rendered(0)
    pdf.close()


def test_the_keys_scroll_through_the_pages(qtbot):
    view = PdfPagesView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    pdf = PdfPages(pdf_of("A", "B", "C", "D"))
    view.set_document(pdf)
    bar = view.verticalScrollBar()
    assert bar.value() == 0 and bar.maximum() > 3 * view.viewport().height()
    qtbot.keyClick(view, Qt.Key.Key_PageDown)
    assert bar.value() == bar.pageStep()
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert bar.value() == 2 * bar.pageStep()
    qtbot.keyClick(view, Qt.Key.Key_Space, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view, Qt.Key.Key_Up)
    assert bar.value() == bar.pageStep() - bar.singleStep()
    qtbot.keyClick(view, Qt.Key.Key_End)
    assert bar.value() == bar.maximum()
    qtbot.waitUntil(lambda: view.is_rendered(3), timeout=10000)  # the last page, now in view, renders
    assert not view.is_rendered(0)  # and the first, out of reach, is no longer held in memory
    qtbot.keyClick(view, Qt.Key.Key_Home)
    assert bar.value() == 0
    pdf.close()


def test_the_preview_shows_a_real_plan_and_prints_every_page(unlocked, canary_store, qtbot, tmp_path):
    """A finalized plan in a real store: reportlab's PDF rendered by PDFium on screen (ink where the
    text is), and printed onto a PDF-file printer: the plan's own pages (pdf_print writes a file's)."""
    editor = open_plan(qtbot, unlocked, canary_store["canary"])
    editor.add_from_template("diabetes", "E11.9")
    editor.add_from_template("hypertension")
    editor.sections.next_review.set_value(unlocked.workspace.today() + timedelta(days=60))
    editor.history.finalize_button.click()
    copy = editor.history.copy
    copy.large_print.setChecked(True)
    copy.print_button.click()
    preview = copy.preview
    assert preview is not None
    view = preview.view
    pages = preview.pdf.page_count
    assert pages >= 2 and len(view.page_rects()) == pages
    qtbot.waitUntil(lambda: view.is_rendered(0), timeout=10000)
    first = view.page_rects()[0]
    assert first.width() == view.viewport().width() - 2 * MARGIN
    shown = view.viewport().grab().toImage()
    top_of_page = QRect(first.x(), first.y(), first.width(), min(first.height(), shown.height() - first.y()))
    assert dark_pixels(shown, top_of_page) > 500  # the name, "My care plan", the first section
    assert shown.pixelColor(first.x() + 4, first.y() + 4).name() == "#ffffff"  # paper at the corner
    assert shown.pixelColor(2, 2).name() == view.palette().color(view.viewport().backgroundRole()).name()  # margin

    printed = tmp_path / "printed.pdf"
    printer = new_printer()
    printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
    printer.setOutputFileName(str(printed))
    assert preview.print_to(printer)
    read = PdfReader(printed).pages
    assert len(read) == pages and printed.read_bytes() == preview.data
    preview.reject()
    assert view.page_rects() == [] and preview.pdf.page_count == 0
