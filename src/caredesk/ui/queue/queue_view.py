"""The queue's table view, keyboard-first.

j/k move like the arrows; Enter opens the patient (the focus goes to Start, where Space
starts the timer); Space starts the timer at once; V logs "left a voicemail" and N "no
answer" in one key, and the next patient is up (SPEC §1.3's one-key attempt log).
Tab and Shift+Tab leave the table.

"Why" is what the screen is for: when the table is narrow (a 1,150 px window, 125%
scaling beside the call panel) the other columns give way first: Phone goes (the call
panel shows the open patient's numbers), then Patient, Minutes and Due by narrow; a
reason still too long for the rest wraps onto a second line in its chip.
"""

from __future__ import annotations

from PySide6.QtCore import QAbstractItemModel, QItemSelectionModel, Qt, Signal
from PySide6.QtGui import QKeyEvent, QResizeEvent, QShowEvent
from PySide6.QtWidgets import QHeaderView, QSplitter, QStyledItemDelegate, QTableView, QWidget

from caredesk.domain.contacts import Outcome
from caredesk.ui.common.tables import row_table
from caredesk.ui.queue.delegates import ChipDelegate, MinutesBarDelegate, TwoLineDelegate
from caredesk.ui.queue.table_model import DUE, MINUTES, PATIENT, PHONE, RANK, WHY

ATTEMPT_KEYS = {Qt.Key.Key_V: Outcome.VOICEMAIL, Qt.Key.Key_N: Outcome.NO_ANSWER}
# Column widths in average characters: as wide as they like, and as narrow as they go.
WIDE = {RANK: 4, PATIENT: 22, MINUTES: 14, DUE: 15, PHONE: 17}
NARROW = {PATIENT: 15, MINUTES: 11, DUE: 14}
WHY_CHARS = 36  # "Discharged 11/17 - TCM contact due by 11/19" fits over two chip lines at this


class QueueTable(QTableView):
    open_requested = Signal()
    start_requested = Signal()
    attempt_requested = Signal(object)  # the Outcome of an unanswered attempt

    def __init__(self, model: QAbstractItemModel, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        row_table(self, "Call queue", model)
        self.setMouseTracking(True)
        self.setToolTip(
            "Enter opens the patient · Space starts the call timer · "
            "V logs a voicemail, N no answer, and the next patient is up"
        )
        m = self.fontMetrics()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.verticalHeader().setDefaultSectionSize(int(m.height() * 3.2))
        self.delegates: dict[int, QStyledItemDelegate] = {
            PATIENT: TwoLineDelegate(self),
            WHY: ChipDelegate(self),
            MINUTES: MinutesBarDelegate(self),
            DUE: TwoLineDelegate(self, strong=False),
            PHONE: TwoLineDelegate(self, strong=False),
        }
        for column, delegate in self.delegates.items():
            self.setItemDelegateForColumn(column, delegate)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        header.setMinimumSectionSize(m.averageCharWidth() * 4)
        self.fit_columns()

    def fit_columns(self) -> None:
        """Give "Why" at least WHY_CHARS: Phone goes first, then the others narrow."""
        char = self.fontMetrics().averageCharWidth()
        widths = dict(WIDE)
        room = self.viewport().width() - char * WHY_CHARS
        phone = sum(widths.values()) * char <= room
        if not phone:
            del widths[PHONE]
        for column, narrow in NARROW.items():
            if sum(widths.values()) * char > room:
                widths[column] = narrow
        header = self.horizontalHeader()
        header.setSectionHidden(PHONE, not phone)
        for column, chars in widths.items():
            header.resizeSection(column, char * chars)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.fit_columns()

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
        attempt = next((o for k, o in ATTEMPT_KEYS.items() if key == k), None)
        if plain and attempt is not None:
            self.attempt_requested.emit(attempt)
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


class PanelSplitter(QSplitter):
    """The queue beside the call panel: the panel gets about a third (at least what its form
    needs), the queue the rest, until the user drags the handle. The queue goes in first
    (addWidget), then the panel, made with the splitter as its parent (`hold`)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(Qt.Orientation.Horizontal, parent)
        self.setChildrenCollapsible(False)
        self._panel: QWidget | None = None
        self._user_sized = False
        self.splitterMoved.connect(self._moved)

    def hold(self, panel: QWidget) -> None:
        """The call panel, right of the queue (the second widget)."""
        self.insertWidget(1, panel)  # already in place if made in the splitter (QSplitter adds its children)
        self.setStretchFactor(0, 3)
        self.setStretchFactor(1, 2)
        self._panel = panel

    def _moved(self, *_args: object) -> None:
        self._user_sized = True

    def split(self) -> None:
        if self._user_sized or self._panel is None:
            return
        total = self.width() - self.handleWidth()
        panel = max(
            self._panel.minimumSizeHint().width(), min(total * 34 // 100, self.fontMetrics().averageCharWidth() * 62)
        )
        self.setSizes([max(total - panel, 1), panel])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self.split()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.split()
