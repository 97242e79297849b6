"""The month's billing as a table: a model over MonthRow (it sorts itself) and a filter proxy."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

from caredesk.domain.calendar import us_date
from caredesk.domain.text import fold
from caredesk.services.billing_report import MonthRow
from caredesk.ui.common import theme
from caredesk.ui.common.tables import FilterProxy, RowsModel

Index = QModelIndex | QPersistentModelIndex
IdRole = Qt.ItemDataRole.UserRole + 1

PATIENT, MRN, PROGRAMS, MINUTES, CODES, MISSING = range(6)
HEADERS = ("Patient", "MRN", "Programs", "Minutes counted\nstaff / physician", "Codes", "Missing / reasons")
ACCESSIBLE_HEADERS = (
    "Patient",
    "MRN",
    "Programs",
    "Minutes counted, staff and physician",
    "Codes",
    "Missing or reasons",
)
NUMERIC = {MINUTES}


class MonthFilter(str, Enum):
    """The month's rows split three ways (every row is in one): a tester read "Needs minutes 0"
    beside two patients and could not tell where they were."""

    ALL = "All"
    NEEDS_MINUTES = "Needs minutes"
    READY = "Ready to bill"
    CANNOT_BILL = "Cannot bill"


FILTER_TIPS = {
    MonthFilter.NEEDS_MINUTES: "Short of the minutes for a code, and minutes are all that is missing (consented, enough chronic conditions, still in the program)",
    MonthFilter.READY: "A code is earned this month",
    MonthFilter.CANNOT_BILL: (
        "Bill nothing this month for a reason more minutes would not fix: no consent, too few "
        "chronic conditions, the program ended ... (the Missing / reasons column says which)"
    ),
}


def accepts(row: MonthRow, which: MonthFilter) -> bool:
    if which is MonthFilter.NEEDS_MINUTES:
        return row.needs_minutes
    if which is MonthFilter.READY:
        return row.ready
    if which is MonthFilter.CANNOT_BILL:
        return row.cannot_bill
    return True


def minutes_text(row: MonthRow) -> str:
    """'12 / 0' (counted, staff / physician), and '0 / 0 · 14 not counted' when minutes logged
    count for nothing (after the program ended, before consent: SPEC 3)."""
    counted = f"{row.clinical_minutes} / {row.physician_minutes}"
    return f"{counted} · {row.not_counted} not counted" if row.not_counted else counted


def minutes_tip(row: MonthRow) -> str:
    """The minutes cell's tooltip: what counts, by program, and what does not and why."""
    by_program = ", ".join(f"{p.value} {m}" for p, m in row.minutes_by_program.items())
    tip = f"Counted: clinical staff {row.clinical_minutes} min, physician/QHP {row.physician_minutes} min"
    if by_program:
        tip += f"\nBy program: {by_program}"
    if row.not_counted:
        tip += f"\nNot counted: {row.not_counted} min (" + "; ".join(row.not_counted_why) + ")"
    return tip


def detail_text(row: MonthRow) -> str:
    """The selected row in full, under the table: 'Lopez, Ana (MRN T1): nothing billable; 14 min
    after CCM ended 11/30 count for nothing' (the reasons column cuts long reasons off)."""
    codes = row.result.codes_text()
    head = f"{row.name} (MRN {row.mrn}): " + (f"bills {codes}" if codes else "nothing billable")
    return head + "".join(f"; {why}" for why in row.result.reasons)


def sorted_rows(rows: Iterable[MonthRow], column: int, order: Qt.SortOrder) -> list[MonthRow]:
    """Rows by the column's value, then by patient id; pure Python, safe off the GUI thread."""

    def key(r: MonthRow) -> Any:
        if column == MRN:
            return (r.mrn.casefold(),)
        if column == PROGRAMS:
            return (", ".join(p.value for p in r.programs).casefold(),)
        if column == MINUTES:
            return (r.total_minutes, r.clinical_minutes)
        if column == CODES:
            return (r.result.codes_text(),)
        if column == MISSING:
            return ("; ".join(r.result.reasons).casefold(),)
        return (fold(r.name),)

    descending = order == Qt.SortOrder.DescendingOrder
    return sorted(rows, key=lambda r: (*key(r), r.patient_id), reverse=descending)


class MonthTableModel(RowsModel):
    headers = HEADERS

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[MonthRow] = []
        self._sort: tuple[int, Qt.SortOrder] = (PATIENT, Qt.SortOrder.AscendingOrder)

    @property
    def sort_order(self) -> tuple[int, Qt.SortOrder]:
        return self._sort

    def set_rows(self, rows: Iterable[MonthRow], sorted_by: tuple[int, Qt.SortOrder] | None = None) -> None:
        """Show these rows; `sorted_by` says they are already in that order (sorted on a
        worker by `sorted_rows`: folding 2,000 names took ~35 ms on the GUI thread)."""
        rows = list(rows)
        self.beginResetModel()
        self._rows = rows if sorted_by == self._sort else sorted_rows(rows, *self._sort)
        self.endResetModel()

    def clear(self) -> None:
        self.beginResetModel()
        self._rows = []
        self.endResetModel()

    def month_row(self, row: int) -> MonthRow:
        return self._rows[row]

    def rows(self) -> list[MonthRow]:
        return list(self._rows)

    # The model sorts with one list.sort (see PatientTableModel.sort for why not the proxy).
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        if not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._rows[i.row()].patient_id for i in persistent]
        self._rows = sorted_rows(self._rows, column, order)
        at = {r.patient_id: i for i, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            persistent, [self.index(at[pid], i.column()) for pid, i in zip(ids, persistent, strict=False)]
        )
        self.layoutChanged.emit()

    # -- Qt model interface ----------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return ACCESSIBLE_HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r, col = self._rows[index.row()], index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == IdRole:
            return r.patient_id
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == MISSING and r.result.reasons:
                return "\n".join(r.result.reasons)
            if col == MINUTES:
                return minutes_tip(r)
            if col == PATIENT:
                consent = us_date(r.consent) if r.consent else "none on file"
                return f"{r.name}\nPractitioner: {r.practitioner or 'not set'}\nConsent: {consent}"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ForegroundRole:
            if col == CODES and r.ready:
                return QColor(theme.current().low_fg)
            if col == MISSING:
                return QColor(theme.current().muted)
        return None

    @staticmethod
    def _display(r: MonthRow, col: int) -> str:
        if col == PATIENT:
            return r.name
        if col == MRN:
            return r.mrn
        if col == PROGRAMS:
            return ", ".join(p.value for p in r.programs)
        if col == MINUTES:
            return minutes_text(r)
        if col == CODES:
            return r.result.codes_text() or "—"
        if col == MISSING:
            return "; ".join(r.result.reasons)
        return ""


class MonthFilterProxy(FilterProxy[MonthTableModel]):
    source_type = MonthTableModel

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._which = MonthFilter.ALL

    def set_filter(self, which: MonthFilter) -> None:
        if which is not self._which:
            self.refilter(lambda: setattr(self, "_which", which))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return accepts(self.source().month_row(source_row), self._which)
