"""A scroll area for a chart tab that fits its window and scrolls only when it must."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QFrame, QScrollArea, QWidget


class FitScroll(QScrollArea):
    """A scroll area whose page is the viewport's size, or its minimum when that is taller.

    QScrollArea's own resizing takes a page with word-wrapped labels at their preferred
    height, so one wrapped message made the chart page scroll in a window it fitted.
    """

    def __init__(self, page: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        # No Tab stop: a scroll area shows no focus, so a keyboard user lost the cursor on it; it
        # still scrolls to the control that has the focus.
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.page = page  # first: setWidget already sends the page's events to eventFilter
        self.setWidget(page)
        page.installEventFilter(self)

    def fit(self) -> None:
        page = self.page
        # Wrapped labels' second lines are not in the minimum: two lines of slack for them.
        need = page.minimumSizeHint().height() + 2 * page.fontMetrics().height()
        bar = self.verticalScrollBar().sizeHint().width() if need > self.viewport().height() else 0
        width = self.width() - 2 * self.frameWidth() - bar
        page.resize(width, max(self.height() - 2 * self.frameWidth(), need))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.fit()

    def eventFilter(self, watched: Any, event: Any) -> bool:
        if watched is self.page and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return super().eventFilter(watched, event)
