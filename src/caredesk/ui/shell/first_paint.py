"""Work that waits for a widget's first paint (issue 14: the unlock page painted first)."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget


class AfterFirstPaint(QObject):
    """Calls `then()` on the event loop's turn after `widget`'s first paint (the paint of all it
    holds included), once; never when the widget is not painted. An event filter on `widget`
    alone: one on the whole application would be handed Qt's private objects too, which makes
    PySide6 set up every QObject class it has (~130 enums)."""

    def __init__(self, widget: QWidget, then: Callable[[], None]):
        super().__init__(widget)
        self._then = then
        widget.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Paint:
            watched.removeEventFilter(self)
            QTimer.singleShot(0, self._then)
        return False
