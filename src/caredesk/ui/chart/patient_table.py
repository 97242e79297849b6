"""The patient list: a table model over PatientSummary rows and a filter proxy.

The model holds light summaries only (never charts) and precomputes, per row, the
case- and accent-folded text the filter searches and the phone digits, so filtering per keystroke
is a substring test per row.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication

from caredesk.domain.calendar import age_on, us_date
from caredesk.domain.names import full_name
from caredesk.domain.patients import PatientSummary, RiskTier, Status
from caredesk.domain.text import fold, search_fold
from caredesk.ui.common.tables import FilterProxy, RowsModel

SortRole = Qt.ItemDataRole.UserRole + 1
FilterRole = Qt.ItemDataRole.UserRole + 2
IdRole = Qt.ItemDataRole.UserRole + 3

NAME, AGE, MRN, RISK, PROGRAMS, LAST_REACHED, LAST_ATTEMPT, MINUTES = range(8)
LONG_MRN = 12  # characters: longer ones (a FHIR uuid) get their whole MRN in a tooltip
# "logged": every minute logged this month, whatever became of its program; This month (the
# billing report) shows those that count, and why others do not ("14 min after CCM ended
# 11/30 count for nothing"). A tester read "Min this month" 14 beside a report without the patient.
HEADERS = ("Name", "Age", "MRN", "Risk", "Programs", "Last reached", "Last attempt", "Min logged this month")
# Two-line headers for the wide-but-narrow-valued columns keep the list compact.
HEADER_TEXT = {LAST_REACHED: "Last\nreached", LAST_ATTEMPT: "Last\nattempt", MINUTES: "Min logged\nthis month"}
NUMERIC = {AGE, MINUTES}
RISK_ORDER = {RiskTier.LOW: 0, RiskTier.MEDIUM: 1, RiskTier.HIGH: 2}
# A voicemail or no-answer is an attempt, not a contact made: both dates are shown.
TIPS = {
    LAST_REACHED: "Last time the patient was reached",
    LAST_ATTEMPT: "Last call or other contact, whatever its outcome (voicemail, no answer ...)",
    MINUTES: "Every minute logged this month; This month shows those that count for billing, and why others do not",
}
_NON_DIGITS = re.compile(r"\D")
DEFAULT_SORT = (NAME, Qt.SortOrder.AscendingOrder)

Index = QModelIndex | QPersistentModelIndex


def format_day(day: date | None) -> str:
    """'Nov 21, 2026'; the month name is fixed English like the rest of the interface."""
    if day is None:
        return "—"
    return f"{day.strftime('%b')} {day.day}, {day.year}"


def name_text(r: PatientSummary) -> str:
    """'Núñez, Zoë' for an active patient; 'Núñez, Zoë · Deceased 11/02/2026' (or Paused,
    Disenrolled) otherwise, so the status reads as text and not only as a greyed row or a tooltip."""
    if r.status is Status.ACTIVE:
        return r.display_name
    died = f" {us_date(r.died_on)}" if r.status is Status.DECEASED and r.died_on is not None else ""
    return f"{r.display_name} · {r.status.value.capitalize()}{died}"


def digits(text: str) -> str:
    return _NON_DIGITS.sub("", text)


def phone_digits_of(r: PatientSummary) -> str:
    return " ".join(digits(p) for p in r.phones)


def haystack_of(r: PatientSummary) -> str:
    """What the filter searches in a row: names (also as printed), MRN, phones as typed and as digits."""
    phones = " ".join(r.phones)
    printed = full_name(r.given_name, r.family_name)  # 王秀英 as plans and letters print it, pasted back
    return search_fold(
        f"{r.family_name} {r.given_name} {printed} {r.preferred_name} {r.mrn} {phones} {phone_digits_of(r)}"
    )


def name_key(r: PatientSummary) -> tuple[str, str, int]:
    return (fold(r.family_name), fold(r.given_name), r.id)


@dataclass(frozen=True)
class PreparedRows:
    """The list's rows in their sort, with what the filter and the Name sort read, per row.

    Built by `prepare` on a worker (folding 2,000 names took 70 ms on the GUI thread), so
    the model only swaps the lists in. `name_keys` is by patient id.
    """

    rows: list[PatientSummary]
    haystacks: list[str]
    phone_digits: list[str]
    name_keys: dict[int, tuple[str, str, int]]
    today: date
    sort: tuple[int, Qt.SortOrder]


def prepare(rows: list[PatientSummary], today: date, sort: tuple[int, Qt.SortOrder] = DEFAULT_SORT) -> PreparedRows:
    """Sort the rows and compute their filter text; pure Python, safe off the GUI thread."""
    name_keys = {r.id: name_key(r) for r in rows}
    ordered = [rows[i] for i in sorted_order(rows, *sort, today, name_keys)]
    return PreparedRows(
        ordered,
        [haystack_of(r) for r in ordered],
        [phone_digits_of(r) for r in ordered],
        name_keys,
        today,
        sort,
    )


def sort_value(r: PatientSummary, column: int, today: date, name_keys: dict[int, tuple[str, str, int]]) -> Any:
    """A raw, comparable value; None means 'no value' and always sorts last."""
    if column == NAME:
        return name_keys.get(r.id) or name_key(r)
    if column == AGE:
        return age_on(r.birth_date, today)
    if column == MRN:
        return r.mrn.casefold()
    if column == RISK:
        return RISK_ORDER[r.risk_tier]
    if column == PROGRAMS:
        return ", ".join(p.value for p in r.programs).casefold() or None
    if column == LAST_REACHED:
        return r.last_reached
    if column == LAST_ATTEMPT:
        return r.last_attempt
    if column == MINUTES:
        return r.minutes_this_month
    return None


def sorted_order(
    rows: list[PatientSummary],
    column: int,
    order: Qt.SortOrder,
    today: date,
    name_keys: dict[int, tuple[str, str, int]],
) -> list[int]:
    """Row positions by the column's raw value, then by id; empty values last in both orders."""
    keyed = [(sort_value(r, column, today, name_keys), i) for i, r in enumerate(rows)]
    present = [(k, i) for k, i in keyed if k is not None]
    missing = [i for k, i in keyed if k is None]
    descending = order == Qt.SortOrder.DescendingOrder
    ids = [r.id for r in rows]
    present.sort(key=lambda ki: (ki[0], ids[ki[1]] if not descending else -ids[ki[1]]), reverse=descending)
    return [i for _k, i in present] + sorted(missing, key=lambda i: ids[i])


class PatientTableModel(RowsModel):
    headers = HEADERS

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[PatientSummary] = []
        self._today = date.today()
        self._haystacks: list[str] = []
        self._phone_digits: list[str] = []
        self._name_keys: dict[int, tuple[str, str, int]] = {}
        self._sort: tuple[int, Qt.SortOrder] = DEFAULT_SORT

    # -- loading ---------------------------------------------------------------
    @property
    def sort_order(self) -> tuple[int, Qt.SortOrder]:
        """The column and order the rows are in (what `prepare` should sort by)."""
        return self._sort

    def set_rows(self, rows: list[PatientSummary], today: date) -> None:
        self.set_prepared(prepare(list(rows), today, self._sort))

    def set_prepared(self, prepared: PreparedRows) -> None:
        """Swap in rows prepared off the GUI thread; one in another sort is re-sorted here."""
        self.beginResetModel()
        self._today = prepared.today
        self._rows = prepared.rows
        self._haystacks = prepared.haystacks
        self._phone_digits = prepared.phone_digits
        self._name_keys = prepared.name_keys
        if prepared.sort != self._sort:  # the user sorted while the rows were read
            self._permute(sorted_order(self._rows, *self._sort, self._today, self._name_keys))
        self.endResetModel()

    def update_rows(self, rows: list[PatientSummary], removed: set[int] | frozenset[int] = frozenset()) -> None:
        """Replace these patients' rows (by id), add new ones, drop `removed`; the sort,
        the filter and the selection stay (after a change: a few rows, not a reload)."""
        fresh = {r.id: r for r in rows}
        gone = [i for i, r in enumerate(self._rows) if r.id in removed and r.id not in fresh]
        for i in reversed(gone):
            self.beginRemoveRows(QModelIndex(), i, i)
            self._name_keys.pop(self._rows[i].id, None)
            del self._rows[i], self._haystacks[i], self._phone_digits[i]
            self.endRemoveRows()
        for i, r in enumerate(self._rows):
            if r.id in fresh:
                self._rows[i] = new = fresh.pop(r.id)
                self._haystacks[i] = haystack_of(new)
                self._phone_digits[i] = phone_digits_of(new)
                self._name_keys[new.id] = name_key(new)
        if fresh:
            first = len(self._rows)
            self.beginInsertRows(QModelIndex(), first, first + len(fresh) - 1)
            for r in fresh.values():
                self._rows.append(r)
                self._haystacks.append(haystack_of(r))
                self._phone_digits.append(phone_digits_of(r))
                self._name_keys[r.id] = name_key(r)
            self.endInsertRows()
        self.sort(*self._sort)  # re-sorts with the cached keys; its layoutChanged repaints

    # -- sorting ---------------------------------------------------------------
    # The model sorts itself with one list.sort; the proxy only filters. A proxy that
    # sorts calls a Python lessThan per comparison: 125 ms for 2,000 rows on every
    # keystroke that widens the filter, against a 16 ms budget.
    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        self._sort = (column, order)
        if not self._rows:
            return
        self.layoutAboutToBeChanged.emit()
        persistent = self.persistentIndexList()
        ids = [self._rows[i.row()].id for i in persistent]
        self._permute(sorted_order(self._rows, column, order, self._today, self._name_keys))
        position = {r.id: i for i, r in enumerate(self._rows)}
        self.changePersistentIndexList(
            persistent, [self.index(position[pid], i.column()) for pid, i in zip(ids, persistent, strict=False)]
        )
        self.layoutChanged.emit()

    def _permute(self, order: list[int]) -> None:
        """Put the rows and what is kept per row in `order` (positions in the current lists)."""
        self._rows = [self._rows[i] for i in order]
        self._haystacks = [self._haystacks[i] for i in order]
        self._phone_digits = [self._phone_digits[i] for i in order]

    def clear(self) -> None:
        """Drop every row: on lock, patient data leaves the model."""
        self.beginResetModel()
        self._rows, self._haystacks, self._phone_digits, self._name_keys = [], [], [], {}
        self.endResetModel()

    # -- access for views and the proxy ----------------------------------------
    def summary(self, row: int) -> PatientSummary:
        return self._rows[row]

    def row_of(self, patient_id: int) -> int | None:
        for i, r in enumerate(self._rows):
            if r.id == patient_id:
                return i
        return None

    def haystack(self, row: int) -> str:
        return self._haystacks[row]

    def phone_digits(self, row: int) -> str:
        return self._phone_digits[row]

    def sort_key(self, row: int, column: int) -> Any:
        """A raw, comparable value; None means 'no value' and always sorts last."""
        return sort_value(self._rows[row], column, self._today, self._name_keys)

    # -- Qt model interface ----------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADER_TEXT.get(section, HEADERS[section])
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section in NUMERIC:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            return TIPS.get(section)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, col = index.row(), index.column()
        r = self._rows[row]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == SortRole:
            return self.sort_key(row, col)
        if role == FilterRole:
            return self._haystacks[row]
        if role == IdRole:
            return r.id
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col in NUMERIC:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            tips = []
            if col in TIPS:
                tips.append(TIPS[col])
            if col == MRN and len(r.mrn) > LONG_MRN:  # the column may cut it (PatientsPage._split)
                tips.append(f"MRN {r.mrn}")
            if r.status != Status.ACTIVE:
                tips.append(f"Status: {r.status.value}")
            return "\n".join(tips) or None
        if role == Qt.ItemDataRole.ForegroundRole and r.status != Status.ACTIVE:
            return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
        if role == Qt.ItemDataRole.AccessibleDescriptionRole and r.status != Status.ACTIVE:
            return f"Status: {r.status.value}"
        return None

    def _display(self, r: PatientSummary, col: int) -> str | int:
        if col == NAME:
            return name_text(r)
        if col == AGE:
            return age_on(r.birth_date, self._today)
        if col == MRN:
            return r.mrn
        if col == RISK:
            return r.risk_tier.value.capitalize()
        if col == PROGRAMS:
            return ", ".join(p.value for p in r.programs)
        if col == LAST_REACHED:
            return format_day(r.last_reached)
        if col == LAST_ATTEMPT:
            return format_day(r.last_attempt)
        if col == MINUTES:
            return r.minutes_this_month
        return ""


class PatientFilterProxy(FilterProxy[PatientTableModel]):
    """Every typed term must appear; a term with digits also matches phone digits only."""

    source_type = PatientTableModel

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._terms: list[tuple[str, str]] = []
        self.setSortRole(SortRole)

    def set_query(self, text: str) -> None:
        terms = [(t, digits(t)) for t in search_fold(text).split()]
        if terms != self._terms:
            self.refilter(lambda: setattr(self, "_terms", terms))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        if not self._terms:
            return True
        model = self.source()
        hay = model.haystack(source_row)
        phone = model.phone_digits(source_row)
        for term, term_digits in self._terms:
            if term in hay:
                continue
            if term_digits and term_digits in phone:
                continue
            return False
        return True

    def source_id(self, proxy_row: int) -> int | None:
        if proxy_row < 0 or proxy_row >= self.rowCount():
            return None
        src = self.mapToSource(self.index(proxy_row, 0))
        return self.source().summary(src.row()).id
