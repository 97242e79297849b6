"""A PDF's pages one under another, as a viewer shows them (the care plan's print preview).

Pages are fitted to the width (the default) or shown whole, on the palette's dark background
with 6 px margins and 12 px between pages, as QtPdf's QPdfView showed them before
(issue 14 replaced QtPdf with PDFium: ui/common/pdf_pages.py). Pages are rendered on a
worker thread, the visible ones first, then the next and previous; until a page is ready it
is shown white (or its previous rendering stretched, after a resize), so opening or resizing
never holds the GUI thread for a render. Each page is rendered at the screen's device pixel
ratio, so text is as sharp at 125 % as at 100 %.

Keys: the arrows, Page Up / Page Down, Space / Shift+Space, Home and End scroll (the view
takes the focus by Tab or a click); the wheel scrolls.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QKeyEvent, QPainter, QPaintEvent, QPalette, QResizeEvent
from PySide6.QtWidgets import QAbstractScrollArea, QWidget

from caredesk.errors import CareDeskError
from caredesk.ui.common.pdf_pages import PdfPages
from caredesk.ui.common.workers import TaskRunner

MARGIN = 6  # around the pages (QPdfView's default document margins)
SPACING = 12  # between two pages
PREFETCH = 1  # pages above and below the visible ones rendered too, so scrolling finds them ready


class PdfPagesView(QAbstractScrollArea):
    """Shows a PdfPages document; `set_document(None)` empties the view and drops its images."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._pdf: PdfPages | None = None
        self._whole_page = False
        self._images: dict[int, QImage] = {}
        self._failed: set[int] = set()  # pages that could not be rendered (no memory): not retried
        self._generation = 0  # bumped by each document: a render for an older one is dropped
        self._runner = TaskRunner(self)
        self._pump_queued = False
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # pages always fit the width
        # Always on: a bar appearing would narrow the pages, which could make the bar unneeded again.
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.viewport().setBackgroundRole(QPalette.ColorRole.Dark)
        self.viewport().setAutoFillBackground(True)
        # QAbstractScrollArea scrolls the drawn pages itself; pages coming into view are rendered.
        self.verticalScrollBar().valueChanged.connect(lambda _value: self._queue_pump())

    # -- what is shown -------------------------------------------------------------
    def set_document(self, pdf: PdfPages | None) -> None:
        """Show `pdf` from its top (None: nothing). Call again after `pdf.load`."""
        self._pdf = pdf if pdf is not None and pdf.page_count else None
        self._generation += 1
        self._images.clear()
        self._failed.clear()
        self._update_scroll_range()
        self.verticalScrollBar().setValue(0)
        self.viewport().update()
        self._queue_pump()

    def set_whole_page(self, whole: bool) -> None:
        """Whole pages in the view (True) or pages as wide as the view (False); keeps the place."""
        if whole == self._whole_page:
            return
        bar = self.verticalScrollBar()
        old_height = self._content_height()
        place = bar.value() / old_height if old_height else 0.0
        self._whole_page = whole
        self._update_scroll_range()
        bar.setValue(round(place * self._content_height()))
        self.viewport().update()
        self._queue_pump()

    @property
    def whole_page(self) -> bool:
        return self._whole_page

    def page_rects(self) -> list[QRect]:
        """Each page's rectangle in the scrolled content (logical pixels), top to bottom."""
        if self._pdf is None or not self._pdf.page_count:  # none, or closed under the view
            return []
        sizes = [self._pdf.page_size(i) for i in range(self._pdf.page_count)]
        width = self.viewport().width() - 2 * MARGIN
        widest = max(s.width() for s in sizes)
        scale = width / widest
        if self._whole_page:
            tallest = max(s.height() for s in sizes)
            scale = min(scale, (self.viewport().height() - 2 * MARGIN) / tallest)
        scale = max(scale, 0.01)
        rects, top = [], MARGIN
        for size in sizes:
            w, h = max(1, round(size.width() * scale)), max(1, round(size.height() * scale))
            rects.append(QRect((self.viewport().width() - w) // 2, top, w, h))
            top += h + SPACING
        return rects

    def is_rendered(self, index: int) -> bool:
        """Page `index` is shown at the view's current size and pixel ratio (tests, screenshots)."""
        image = self._images.get(index)
        rects = self.page_rects()
        return image is not None and index < len(rects) and image.size() == self._pixels(rects[index])

    # -- geometry ------------------------------------------------------------------
    def _content_height(self) -> int:
        rects = self.page_rects()
        return rects[-1].bottom() + 1 + MARGIN if rects else 0

    def _update_scroll_range(self) -> None:
        bar = self.verticalScrollBar()
        visible = self.viewport().height()
        bar.setRange(0, max(0, self._content_height() - visible))
        bar.setPageStep(visible)
        bar.setSingleStep(max(1, self.fontMetrics().height() * 2))

    def _pixels(self, rect: QRect) -> QSize:
        ratio = self.devicePixelRatioF()
        return QSize(round(rect.width() * ratio), round(rect.height() * ratio))

    def _visible(self) -> list[int]:
        top = self.verticalScrollBar().value()
        shown = QRect(0, top, self.viewport().width(), self.viewport().height())
        return [i for i, rect in enumerate(self.page_rects()) if rect.intersects(shown)]

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._update_scroll_range()
        self._queue_pump()

    # -- painting ------------------------------------------------------------------
    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self.viewport())
        top, ratio = self.verticalScrollBar().value(), self.devicePixelRatioF()
        for index, rect in enumerate(self.page_rects()):
            shown = rect.translated(0, -top)
            if not shown.intersects(event.rect()):
                continue
            painter.fillRect(shown, QColor(Qt.GlobalColor.white))  # paper, also while the page renders
            image = self._images.get(index)
            if image is None:
                continue
            if image.size() == self._pixels(rect):
                # Pixel for pixel, at a whole device pixel: at 125 % a logical position falls between two
                # device pixels, and a smoothed draw there blurs the text.
                corner = QPointF(round(shown.x() * ratio) / ratio, round(shown.y() * ratio) / ratio)
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, False)
                painter.drawImage(corner, image)
            else:  # rendered for another size: stretched until the new rendering comes
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
                painter.drawImage(shown, image)
        painter.end()

    # -- keys ----------------------------------------------------------------------
    def keyPressEvent(self, event: QKeyEvent) -> None:
        # QAbstractScrollArea does the arrows and Page Up/Down; these are a viewer's too.
        bar = self.verticalScrollBar()
        key, shift = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ShiftModifier)
        if key == Qt.Key.Key_Home:
            bar.setValue(bar.minimum())
        elif key == Qt.Key.Key_End:
            bar.setValue(bar.maximum())
        elif key == Qt.Key.Key_Space:
            bar.setValue(bar.value() + (-bar.pageStep() if shift else bar.pageStep()))
        else:
            super().keyPressEvent(event)
            return
        event.accept()

    # -- rendering in the background -----------------------------------------------------
    def _queue_pump(self) -> None:
        if not self._pump_queued:
            self._pump_queued = True
            QTimer.singleShot(0, self, self._pump)

    def _next_page(self) -> int | None:
        """The first page to render: a visible one, then its neighbours, not yet at the right size."""
        if self._pdf is None:
            return None
        rects = self.page_rects()
        visible = self._visible()
        if not visible:
            return None
        wanted = visible + [
            i
            for d in range(1, PREFETCH + 1)
            for i in (visible[-1] + d, visible[0] - d)
            if 0 <= i < len(rects) and i not in visible
        ]
        for index in set(self._images) - set(wanted):
            del self._images[index]  # out of reach: a page at 4K and 200 % is ~75 MB; it re-renders if scrolled back to
        for index in wanted:
            image = self._images.get(index)
            if index not in self._failed and (image is None or image.size() != self._pixels(rects[index])):
                return index
        return None

    def _pump(self) -> None:
        self._pump_queued = False
        if self._runner.busy:
            return  # the running render's end pumps again
        index = self._next_page()
        if index is None or self._pdf is None:
            return
        pdf, size, ratio, generation = (
            self._pdf,
            self._pixels(self.page_rects()[index]),
            self.devicePixelRatioF(),
            self._generation,
        )

        def done(image: QImage) -> None:
            if generation == self._generation and not image.isNull():
                image.setDevicePixelRatio(ratio)
                self._images[index] = image
                self.viewport().update()
            self._queue_pump()

        def failed(exc: BaseException) -> None:
            if not isinstance(exc, CareDeskError):
                raise exc  # a defect: the crash handler reports it
            if generation == self._generation:
                self._failed.add(index)  # shown white; printing and saving still work
            self._queue_pump()

        self._runner.run(lambda: pdf.render(index, size), done, failed)
