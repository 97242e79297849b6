"""What the chart's record tabs share: loading when shown, hearing changes, a short record table.

`LazyTab.open()` only remembers the patient while the tab is hidden; the rows are read when
it is shown (opening a chart stays fast), and again when the change hub reports this
patient's records of the tab's kinds changed. `RecordTable` lists records by id, keeps the
selection across a refill and lets Tab leave the table.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QPoint, QRect, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHeaderView,
    QLayout,
    QLayoutItem,
    QLineEdit,
    QPushButton,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain import checks
from caredesk.domain.patients import Chart
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.ui.common import theme
from caredesk.ui.common.forms import InlineMessage, dialog_buttons, heading, user_message
from caredesk.ui.common.hub import hub, publish

DATE_HINT = "MM/DD/YYYY"


class LazyTab(QWidget):
    """A chart tab that reads its patient's records when shown. Subclasses set `tab_title`
    and `kinds`, and implement `load()` (read and fill) and `drop()` (empty every widget)."""

    tab_title = ""
    kinds: tuple[Kind, ...] = ()

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self._stale = False
        self.message = InlineMessage(f"{self.tab_title} message")
        hub().changed.connect(self._changed)

    def open(self, ws: Workspace, chart: Chart) -> None:
        self.drop()
        self.message.clear()
        self.ws, self.patient_id = ws, chart.patient.id
        self._stale = True
        if self.isVisible():
            self.refresh()

    def clear(self) -> None:
        self.ws, self.patient_id, self._stale = None, None, False
        self.message.clear()
        self.drop()

    def refresh(self) -> None:
        """Read again now (a write made here, or a change heard while shown)."""
        if self.ws is None or self.patient_id is None or not self.ws.is_open:
            return
        self._stale = False
        try:
            self.load()
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.refresh()

    def _changed(self, changes: Changes, source: object) -> None:
        if self.patient_id is None or self.patient_id not in changes.patients or not changes.touches(*self.kinds):
            return
        self._stale = True
        if self.isVisible():
            self.refresh()

    def load(self) -> None:
        raise NotImplementedError

    def drop(self) -> None:
        raise NotImplementedError


@dataclass(frozen=True, slots=True)
class Row:
    """One record in a RecordTable: its id, the cells' text, and a role for its look:
    "" plain, "muted" (closed), "warning" (needs doing), "error" (overdue)."""

    id: int
    cells: tuple[str, ...]
    role: str = ""


class WrapDelegate(QStyledItemDelegate):
    """Cells as tall as their wrapped text at the column's width less the text margins (Qt's
    own size hint ignores the margins, so a title one word too long was cut, not wrapped)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        view = self.parent()
        if not isinstance(view, QTableWidget):
            return super().sizeHint(option, index)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        margin = view.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, opt, view) + 1
        width = max(1, view.columnWidth(index.column()) - 2 * margin)
        text = opt.fontMetrics.boundingRect(QRect(0, 0, width, 1 << 20), Qt.TextFlag.TextWordWrap, opt.text)
        hint = super().sizeHint(option, index)
        return QSize(hint.width(), max(hint.height(), text.height() + 2 * margin + 4))


class RecordTable(QTableWidget):
    """A short read-only list of records; `stretch` is the column that takes the spare width."""

    current_changed = Signal()

    def __init__(self, name: str, headers: Sequence[str], stretch: int, *, fit_height: bool = False):
        """`fit_height`: as tall as its rows, never scrolling (a short fixed list)."""
        super().__init__(0, len(headers))
        self.fit_height = fit_height
        self.setAccessibleName(name)
        self.setHorizontalHeaderLabels(list(headers))
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)  # Tab leaves the table; arrows move within it
        self.setAlternatingRowColors(True)
        self.setShowGrid(False)
        self.setWordWrap(True)
        self.verticalHeader().hide()
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        h = self.horizontalHeader()
        h.setStretchLastSection(False)
        h.setHighlightSections(False)
        h.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        h.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
        h.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self._ids: list[int] = []
        self.itemSelectionChanged.connect(self.current_changed.emit)
        self.setItemDelegate(WrapDelegate(self))
        # Wrapped cells need their height again whenever the columns' widths change.
        self._fit = QTimer(self, singleShot=True, interval=0)
        self._fit.timeout.connect(self.fit_rows)
        h.sectionResized.connect(lambda *_: self._fit.start())

    def fill(self, rows: Sequence[Row]) -> None:
        """Show `rows`; the record selected before stays selected when it is still there."""
        keep = self.current_id()
        self.blockSignals(True)
        self.setRowCount(0)
        self.setRowCount(len(rows))
        self._ids = [r.id for r in rows]
        colors = theme.current()
        brush = {
            "muted": QBrush(QColor(colors.muted)),
            "warning": QBrush(QColor(colors.warning)),
            "error": QBrush(QColor(colors.error)),
        }
        for r, row in enumerate(rows):
            for c, text in enumerate(row.cells):
                item = QTableWidgetItem(text)
                item.setToolTip(text)
                if row.role in brush:
                    item.setForeground(brush[row.role])
                self.setItem(r, c, item)
        self.fit_rows()
        self.blockSignals(False)
        self.select_id(keep if keep in self._ids else (self._ids[0] if self._ids else None))
        self.current_changed.emit()

    def fit_rows(self) -> None:
        self.resizeRowsToContents()
        if self.fit_height:
            frame = 2 * self.frameWidth()
            self.setFixedHeight(self.horizontalHeader().height() + self.verticalHeader().length() + frame)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._fit.start()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._fit.start()

    def current_id(self) -> int | None:
        rows = self.selectionModel().selectedRows() if self.selectionModel() else []
        return self._ids[rows[0].row()] if rows and rows[0].row() < len(self._ids) else None

    def select_id(self, record_id: int | None) -> None:
        if self.selectionMode() is QAbstractItemView.SelectionMode.NoSelection:
            return
        if record_id is None or record_id not in self._ids:
            self.clearSelection()
            return
        self.selectRow(self._ids.index(record_id))


def line(name: str, placeholder: str = "", text: str = "") -> QLineEdit:
    edit = QLineEdit(text)
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def date_text(day: date | None) -> str:
    """MM/DD/YYYY as the date fields take it; empty for no date."""
    return "" if day is None else f"{day.month:02d}/{day.day:02d}/{day.year}"


def typed_date(field: str, edit: QLineEdit, *, required: bool = True) -> date | None:
    """The date typed in `edit` (MM/DD/YYYY); None when blank and not required."""
    text = edit.text().strip()
    if not text and not required:
        return None
    if not text:
        raise ValidationError(field, "is required")
    return checks.parse_typed_date(field, text)


class FormDialog(QDialog):
    """A small form: rows of (label, widget, field name) added with `add_rows`, an inline
    message, Save and Cancel.

    `save()` reads the widgets and calls a service; a refusal shows its sentence in the form
    and puts the cursor in the field it names, and the form stays open with what was typed.
    On success the change set is published and the dialog accepts."""

    def __init__(self, title: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setAccessibleName(title)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 55)
        self.saved: Any = None
        # Closed (saved, cancelled, or rejected by a lock) it goes, and what was typed with it.
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.form = QFormLayout()
        self.fields: dict[str, QWidget] = {}
        self.message = InlineMessage(f"Problem with {title.lower().rstrip('…')}")
        self.buttons = dialog_buttons(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel, self.submit, self.reject
        )
        self.save_button = self.buttons.button(QDialogButtonBox.StandardButton.Save)
        layout = QVBoxLayout(self)
        layout.addLayout(self.form)
        layout.addWidget(self.message)
        layout.addWidget(self.buttons)

    def add_rows(self, rows: Sequence[tuple[str, QWidget, str]]) -> None:
        """(label with its Alt+letter, widget, the field name a refusal uses) in order."""
        for label, widget, field in rows:
            self.form.addRow(label, widget)
            self.fields[field] = widget
        # Tab goes down the fields, then to the buttons (they were made first); the form opens
        # in its first field.
        chain = [w for _label, w, _field in rows] + self.buttons.buttons()
        for first, second in itertools.pairwise(chain):
            QWidget.setTabOrder(first, second)
        if rows:
            rows[0][1].setFocus()

    def save(self) -> Saved[Any]:
        raise NotImplementedError

    def submit(self) -> None:
        try:
            result = self.save()
        except CareDeskError as exc:
            self.refuse(exc)
            return
        self.saved = result.value
        publish(result.changes, self)
        self.accept()

    def refuse(self, exc: CareDeskError) -> None:
        self.message.show_error(user_message(exc))
        if self.isVisible():
            # Grow to hold the wrapped sentence: a top-level layout does not count a wrapping label's
            # height, so a long refusal (E11's five codes) squeezed the ICD-10 field to a few pixels.
            self.adjustSize()
        widget = self.fields.get(getattr(exc, "field", ""))
        if widget is not None:
            widget.setFocus()
            if isinstance(widget, QLineEdit):
                widget.selectAll()


class ConfirmRemoveDialog(FormDialog):
    """Confirm taking back a record entered by mistake: the question, then Remove or Cancel;
    `remove` calls the service."""

    def __init__(self, title: str, question: str, remove: Callable[[], Saved[Any]], parent: QWidget | None = None):
        super().__init__(title, parent)
        self._remove = remove
        self.form.addRow(heading(question, ""))
        self.save_button.setText("&Remove")
        self.save_button.setAccessibleName("Remove")

    def save(self) -> Saved[Any]:
        return self._remove()


F = TypeVar("F", bound=FormDialog)


def open_form(
    owner: LazyTab,
    make: Callable[[Workspace, int], F],
    table: RecordTable,
    listed: Callable[[int], bool] | None = None,
) -> F | None:
    """Open the form `make` builds for the tab's patient, window-modal but not blocking (so a
    lock can close it); once saved, the record it saved is selected in `table` (only when
    `listed` says the table shows that id, if given) and the table takes the focus. None
    while no patient is open."""
    if owner.ws is None or owner.patient_id is None:
        return None
    dialog = make(owner.ws, owner.patient_id)

    def done() -> None:
        saved_id = getattr(dialog.saved, "id", None)
        if saved_id is not None and (listed is None or listed(saved_id)):
            table.select_id(saved_id)
        table.setFocus()

    dialog.accepted.connect(done)
    dialog.open()
    return dialog


def run_action(owner: LazyTab, action: Callable[[], Saved[Any]]) -> bool:
    """Call a one-click service (Done, Kept ...) and publish its changes, or show the refusal
    in the tab's message. True when it was saved."""
    try:
        result = action()
    except CareDeskError as exc:
        owner.message.show_error(user_message(exc))
        return False
    owner.message.clear()
    publish(result.changes, owner)  # the tab hears it too and reads its rows again
    return True


class ButtonRow(QLayout):
    """Buttons left to right that wrap onto a second line when the chart pane is narrow (a row
    of five would otherwise set the chart's minimum width and squeeze the patient list)."""

    def __init__(self, *buttons: QPushButton):
        super().__init__()
        self._items: list[QLayoutItem] = []
        self.setContentsMargins(0, 0, 0, 0)
        for b in buttons:
            self.addWidget(b)

    def addItem(self, item: QLayoutItem) -> None:
        self._items.append(item)

    def count(self) -> int:
        return len(self._items)

    def itemAt(self, index: int) -> QLayoutItem | None:
        return self._items[index] if 0 <= index < len(self._items) else None

    def takeAt(self, index: int) -> QLayoutItem | None:
        return self._items.pop(index) if 0 <= index < len(self._items) else None

    def expandingDirections(self) -> Qt.Orientation:
        return Qt.Orientation(0)

    def hasHeightForWidth(self) -> bool:
        return True

    def heightForWidth(self, width: int) -> int:
        return self._place(QRect(0, 0, width, 0), move=False)

    def setGeometry(self, rect: QRect) -> None:
        super().setGeometry(rect)
        self._place(rect, move=True)

    def sizeHint(self) -> QSize:
        return self.minimumSize()

    def minimumSize(self) -> QSize:
        size = QSize()
        for item in self._items:
            size = size.expandedTo(item.minimumSize())
        return size

    def _place(self, rect: QRect, *, move: bool) -> int:
        gap = self.spacing() if self.spacing() >= 0 else 6
        x, y, line = rect.x(), rect.y(), 0
        for item in self._items:
            if item.isEmpty():
                continue
            hint = item.sizeHint()
            if x > rect.x() and x + hint.width() > rect.right() + 1:
                x, y, line = rect.x(), y + line + gap, 0
            if move:
                item.setGeometry(QRect(QPoint(x, y), hint))
            x += hint.width() + gap
            line = max(line, hint.height())
        return y + line - rect.y()
