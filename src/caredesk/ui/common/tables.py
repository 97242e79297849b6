"""What the list screens share: a read-only row table, segmented filter buttons, a filter-only proxy.

The source models sort themselves with one list.sort; proxies only filter. A proxy that
sorts calls a Python lessThan per comparison, far too slow for 2,000 rows per keystroke.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from enum import Enum
from typing import Any, Generic, TypeVar

from PySide6.QtCore import (
    QAbstractItemModel,
    QAbstractTableModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtWidgets import QAbstractItemView, QButtonGroup, QHBoxLayout, QPushButton, QTableView, QWidget

E = TypeVar("E", bound=Enum)
V = TypeVar("V", bound=QTableView)
M = TypeVar("M", bound=QAbstractItemModel)


def row_table(view: V, name: str, model: QAbstractItemModel) -> V:
    """A read-only list: whole rows, one at a time, no grid, no row numbers; Tab leaves it."""
    view.setAccessibleName(name)
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setTabKeyNavigation(False)  # Tab leaves the list; arrows move between rows
    view.setAlternatingRowColors(True)
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.verticalHeader().hide()
    view.horizontalHeader().setHighlightSections(False)
    return view


def segments(
    owner: QWidget, options: Iterable[E], on_pick: Callable[[E], None]
) -> tuple[QHBoxLayout, dict[E, QPushButton]]:
    """Exclusive toggle buttons in a row (All / Deadlines / ...); the first starts checked."""
    group = QButtonGroup(owner)  # its parent, the owner, keeps it alive
    buttons: dict[E, QPushButton] = {}
    row = QHBoxLayout()
    row.setSpacing(0)
    for which in options:
        b = QPushButton(str(which.value))
        b.setCheckable(True)
        b.setProperty("segment", True)
        b.setAccessibleName(f"Show {str(which.value).lower()}")
        b.clicked.connect(lambda _checked=False, w=which: on_pick(w))
        group.addButton(b)
        buttons[which] = b
        row.addWidget(b)
    next(iter(buttons.values())).setChecked(True)
    row.addStretch(1)
    return row, buttons


class FilterProxy(QSortFilterProxyModel, Generic[M]):
    """Filters only; sorting is forwarded to the source model, which sorts itself."""

    source_type: type[M]

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.setDynamicSortFilter(False)

    def source(self) -> M:
        model = self.sourceModel()
        assert isinstance(model, self.source_type)
        return model

    def refilter(self, change: Callable[[], None]) -> None:
        """Apply a change to the filter's state and re-test every row once."""
        self.beginFilterChange()
        change()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column >= 0 and hasattr(self.source(), "sort"):
            self.source().sort(column, order)


class RowsModel(QAbstractTableModel):
    """A flat table over a Python list `_rows`, one column per entry of `headers`."""

    headers: tuple[str, ...] = ()

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[Any] = []

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.headers)
