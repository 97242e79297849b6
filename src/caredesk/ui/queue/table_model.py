"""Today's call queue as a table: a model over QueueRow and a proxy that only filters.

The rows arrive ranked by the service; the model keeps that order (the rank is the
point of the screen), so there is no sorting here at all. Per row the model keeps the
set of reason kinds, so a filter is one set test per row; what it keeps per row is
computed off the GUI thread (caredesk.ui.queue.prepared).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt

from caredesk.domain.queue import ReasonKind
from caredesk.services.call_queue import QueueRow
from caredesk.ui.common.tables import FilterProxy, RowsModel
from caredesk.ui.queue.prepared import PreparedQueue, QueueFilter, accepts, prepare

Index = QModelIndex | QPersistentModelIndex

IdRole = Qt.ItemDataRole.UserRole + 1
ReasonsRole = Qt.ItemDataRole.UserRole + 2  # tuple[Reason, ...] for the chip delegate
MinutesRole = Qt.ItemDataRole.UserRole + 3  # (minutes, threshold | None) for the bar delegate
SecondLineRole = Qt.ItemDataRole.UserRole + 4  # the MRN under the name
OverdueRole = Qt.ItemDataRole.UserRole + 5

# Phone and call window share a two-line column: side by side they squeezed "Why",
# the column the screen exists for, at 1280 px with the call panel open.
RANK, PATIENT, WHY, MINUTES, DUE, PHONE = range(6)
HEADERS = ("#", "Patient", "Why", "Minutes", "Due by", "Phone")


def format_due(due: date | None, today: date) -> str:
    if due is None:
        return "—"
    # The weekday helps only for the coming week; older dates read better without it.
    label = f"{due.strftime('%b')} {due.day}"
    if 0 <= (due - today).days < 7:
        label = f"{due.strftime('%a')} {label}"
    return label if due.year == today.year else f"{label}, {due.year}"


def due_note(due: date | None, today: date) -> str:
    """The second line under a due date: how far away it is, in words."""
    if due is None:
        return ""
    days = (due - today).days
    if days < 0:
        return f"{-days} day{'s' if days != -1 else ''} late"
    if days == 0:
        return "today"
    return "tomorrow" if days == 1 else f"in {days} days"


class QueueTableModel(RowsModel):
    headers = HEADERS

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[QueueRow] = []
        self._kinds: list[frozenset[ReasonKind]] = []
        self._dues: list[date | None] = []
        self._counts: dict[QueueFilter, int] = {}
        self._drafts: frozenset[int] = frozenset()  # patients with a call kept as a draft
        self._plan: frozenset[int] = frozenset()  # today's plan: the patients to call today
        self._today = date.today()

    def set_rows(self, rows: Iterable[QueueRow], today: date, plan: frozenset[int] = frozenset()) -> None:
        self.set_prepared(prepare(rows, today, plan))

    def set_prepared(self, prepared: PreparedQueue) -> None:
        """Swap in rows prepared off the GUI thread."""
        self.beginResetModel()
        self._today = prepared.today
        self._plan = prepared.plan
        self._rows = prepared.rows
        self._kinds = prepared.kinds
        self._dues = prepared.dues
        self._counts = prepared.counts
        self.endResetModel()

    def set_drafts(self, patient_ids: frozenset[int]) -> None:
        """Mark the patients whose call was kept as a draft (under their MRN)."""
        if patient_ids != self._drafts:
            self._drafts = patient_ids
            if self._rows:
                self.dataChanged.emit(self.index(0, PATIENT), self.index(len(self._rows) - 1, PATIENT))

    def clear(self) -> None:
        """On lock: every row leaves the model."""
        self.beginResetModel()
        self._rows, self._kinds, self._dues, self._drafts = [], [], [], frozenset()
        self._plan, self._counts = frozenset(), {}
        self.endResetModel()

    # -- access ----------------------------------------------------------------
    def queue_row(self, row: int) -> QueueRow:
        return self._rows[row]

    def kinds(self, row: int) -> frozenset[ReasonKind]:
        return self._kinds[row]

    def row_of(self, patient_id: int) -> int | None:
        return next((i for i, r in enumerate(self._rows) if r.patient_id == patient_id), None)

    def shown(self, row: int, which: QueueFilter) -> bool:
        """Whether the row is in the filter `which`."""
        if which is QueueFilter.PLAN:
            return self._rows[row].patient_id in self._plan
        return accepts(self._kinds[row], which)

    def count(self, which: QueueFilter) -> int:
        return self._counts.get(which, 0)

    # -- Qt model interface ----------------------------------------------------
    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return HEADERS[section]
        if role == Qt.ItemDataRole.ToolTipRole and section == MINUTES:
            return "Clinical-staff minutes this month / minutes for the next billable unit"
        if role == Qt.ItemDataRole.ToolTipRole and section == PHONE:
            return "First phone number, and the patient's preferred call window"
        if role == Qt.ItemDataRole.TextAlignmentRole and section == RANK:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        row, col = index.row(), index.column()
        q = self._rows[row]
        e, p, due = q.entry, q.patient, self._dues[row]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.AccessibleTextRole):
            return self._display(q, row, col, accessible=role == Qt.ItemDataRole.AccessibleTextRole)
        if role == IdRole:
            return q.patient_id
        if role == ReasonsRole and col == WHY:
            return e.reasons
        if role == MinutesRole and col == MINUTES:
            return (e.minutes, e.threshold)
        if role == SecondLineRole and col == PATIENT:
            return f"MRN {p.mrn} · call draft" if q.patient_id in self._drafts else f"MRN {p.mrn}"
        if role == SecondLineRole and col == DUE:
            return due_note(due, self._today)
        if role == SecondLineRole and col == PHONE:
            return p.call_window or "any time"
        if role == OverdueRole and col == DUE:
            return due is not None and due < self._today
        if role == Qt.ItemDataRole.ToolTipRole:
            if col == WHY:
                return "\n".join(f"• {r.text}" for r in e.reasons)
            if col == DUE and due is not None:
                return f"Due date of the most urgent reason: {format_due(due, self._today)}"
            if col == PHONE:
                return "\n".join([*p.phones, f"Call window: {p.call_window or 'not set'}"])
            if col == PATIENT:
                return f"{p.display_name}\nMRN {p.mrn} · {p.risk_tier.value} risk"
            return None
        if role == Qt.ItemDataRole.TextAlignmentRole:
            if col == RANK:
                return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            return int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        return None

    def _display(self, q: QueueRow, row: int, col: int, *, accessible: bool) -> Any:
        e, p = q.entry, q.patient
        if col == RANK:
            return row + 1
        if col == PATIENT:
            return f"{p.display_name}, MRN {p.mrn}" if accessible else p.display_name
        if col == WHY:
            return "; ".join(r.text for r in e.reasons)
        if col == MINUTES:
            if e.threshold is None:
                return f"{e.minutes} min" if accessible else "—"
            return f"{e.minutes} of {e.threshold} min" if accessible else f"{e.minutes}/{e.threshold}"
        if col == DUE:
            due = self._dues[row]
            text = format_due(due, self._today)
            return f"{text}, {due_note(due, self._today)}" if accessible and due is not None else text
        if col == PHONE:
            phone = p.phones[0] if p.phones else "no phone"
            return f"{phone}, call window {p.call_window or 'not set'}" if accessible else phone
        return None


class QueueFilterProxy(FilterProxy[QueueTableModel]):
    """Keeps the model's ranked order; only drops rows outside the chosen filter."""

    source_type = QueueTableModel

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._which = QueueFilter.PLAN  # today's plan first (issue 12)

    @property
    def which(self) -> QueueFilter:
        return self._which

    def set_filter(self, which: QueueFilter) -> None:
        if which is not self._which:
            self.refilter(lambda: setattr(self, "_which", which))

    def filterAcceptsRow(self, source_row: int, source_parent: Index) -> bool:
        return self.source().shown(source_row, self._which)

    def patient_id(self, proxy_row: int) -> int | None:
        if proxy_row < 0 or proxy_row >= self.rowCount():
            return None
        return self.source().queue_row(self.mapToSource(self.index(proxy_row, 0)).row()).patient_id

    def proxy_row(self, patient_id: int | None) -> int | None:
        if patient_id is None:
            return None
        src = self.source().row_of(patient_id)
        if src is None:
            return None
        index = self.mapFromSource(self.source().index(src, 0))
        return index.row() if index.isValid() else None

    def following(self, patient_id: int) -> list[int]:
        """Patients after this one in the shown order, then the ones before it (nearest first)."""
        ids = [self.patient_id(r) for r in range(self.rowCount())]
        if patient_id not in ids:
            return [i for i in ids if i is not None]
        at = ids.index(patient_id)
        return [i for i in ids[at + 1 :] + ids[:at][::-1] if i is not None]

    def next_up(self, following: list[int]) -> int | None:
        """The first of `following` (QueueFilterProxy.following, taken before a re-rank) still
        shown and not reached today. After a call the next patient was one already reached (a
        call logged from `caredesk` while this one was open): a patient reached today sinks in
        the ranking (domain.queue) but stays listed for their other reasons. None when no one is."""
        source = self.source()
        for pid in following:
            row = source.row_of(pid)
            if row is None or self.proxy_row(pid) is None:
                continue
            if ReasonKind.DONE_TODAY not in source.kinds(row):
                return pid
        return None
