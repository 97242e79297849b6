"""The queue's table view: keyboard-first (j/k move like the arrows, Enter opens, Space starts the timer)."""

from __future__ import annotations

from PySide6.QtCore import QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QTableView

from caredesk.ui.queue.table_model import PATIENT


class QueueTable(QTableView):
    """j/k move like the arrows; Enter opens; Space starts the timer."""

    open_requested = Signal()
    start_requested = Signal()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = event.key()
        plain = not (event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier)
        if plain and key in (Qt.Key.Key_J, Qt.Key.Key_K):
            self.move_by(1 if key == Qt.Key.Key_J else -1)
            return
        if plain and key == Qt.Key.Key_Space:
            self.start_requested.emit()
            return
        if plain and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            self.open_requested.emit()
            return
        super().keyPressEvent(event)

    def move_by(self, step: int) -> None:
        rows = self.model().rowCount()
        if rows == 0:
            return
        current = self.currentIndex().row()
        row = 0 if current < 0 else max(0, min(rows - 1, current + step))
        self.select_row(row)

    def select_row(self, row: int) -> None:
        index = self.model().index(row, PATIENT)
        self.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.scrollTo(index)
