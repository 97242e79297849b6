"""Today's queue, the home screen: whom to call and why, beside the call panel.

Keyboard-first: Up/Down or j/k move, Enter opens the patient in the call panel,
Space starts the call timer, Ctrl+S or Ctrl+Enter saves the call. After a save only
that patient is re-read (CallQueue.refresh) and the selection moves to the patient
who followed them.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QModelIndex, Qt, Signal
from PySide6.QtGui import QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from caredesk.errors import CareDeskError
from caredesk.services.call_queue import CallQueue, QueueRow
from caredesk.services.calls import CallLogged
from caredesk.services.changes import Changes
from caredesk.services.workspace import Workspace
from caredesk.ui.common import theme
from caredesk.ui.common.forms import InlineMessage, user_message
from caredesk.ui.common.hub import hub, publish
from caredesk.ui.common.tables import row_table, segments
from caredesk.ui.common.workers import BackgroundRead
from caredesk.ui.queue.call_panel import CallPanel
from caredesk.ui.queue.delegates import ChipDelegate, MinutesBarDelegate, TwoLineDelegate
from caredesk.ui.queue.queue_view import QueueTable
from caredesk.ui.queue.table_model import (
    DUE,
    MINUTES,
    PATIENT,
    PHONE,
    RANK,
    WHY,
    QueueFilter,
    QueueFilterProxy,
    QueueTableModel,
)

log = logging.getLogger(__name__)

EMPTY_TEXT = "Nobody to call today."
BUILDING = "Building today's queue…"


class QueuePage(QWidget):
    title = "Today's queue"
    open_patient = Signal(int)  # "show the full chart" (the workspace view switches page)
    ready = Signal()  # today's queue is built and on screen

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.queue: CallQueue | None = None
        self.reader = BackgroundRead(self)  # today's queue, built in the background
        hub().changed.connect(self._changed)
        self._syncing = False  # True while code, not the user, moves the current row
        self.model = QueueTableModel(self)
        self.proxy = QueueFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        self.heading = QLabel()
        self.heading.setAccessibleName("Today")
        theme.set_role(self.heading, "title")
        filter_row, self.filter_buttons = segments(self, QueueFilter, self.set_filter)
        self.notice = InlineMessage("Queue message")

        self.table = row_table(QueueTable(), "Call queue", self.proxy)
        self.table.setMouseTracking(True)
        self.table.verticalHeader().hide()
        m = self.fontMetrics()
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
        self.table.verticalHeader().setDefaultSectionSize(int(m.height() * 3.2))
        self._delegates = {
            PATIENT: TwoLineDelegate(self.table),
            WHY: ChipDelegate(self.table),
            MINUTES: MinutesBarDelegate(self.table),
            DUE: TwoLineDelegate(self.table, strong=False),
            PHONE: TwoLineDelegate(self.table, strong=False),
        }
        for column, delegate in self._delegates.items():
            self.table.setItemDelegateForColumn(column, delegate)
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(WHY, QHeaderView.ResizeMode.Stretch)
        for column, chars in ((RANK, 4), (PATIENT, 22), (MINUTES, 14), (DUE, 15), (PHONE, 17)):
            header.resizeSection(column, m.averageCharWidth() * chars)
        header.setMinimumSectionSize(m.averageCharWidth() * 4)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.clicked.connect(lambda _i: self.open_selected(focus=False))
        self.table.doubleClicked.connect(lambda _i: self.open_selected())
        self.table.open_requested.connect(self.open_selected)
        self.table.start_requested.connect(self.start_call)

        self.panel = CallPanel()
        self.panel.saved.connect(self._saved)
        self.panel.timer_changed.connect(self._timer_changed)
        self.panel.header.open_chart.connect(self.open_patient)
        for keys in ("Ctrl+S", "Ctrl+Return", "Ctrl+Enter"):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(self.panel.save)
            shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)

        left = QWidget()
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)
        lv.addWidget(self.heading)
        lv.addLayout(filter_row)
        lv.addWidget(self.notice)
        lv.addWidget(self.table, 1)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.addWidget(left)
        self.splitter.addWidget(self.panel)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._user_sized = False
        self.splitter.splitterMoved.connect(self._splitter_moved)
        layout = QVBoxLayout(self)
        pad = m.height() // 2
        layout.setContentsMargins(pad, pad, pad, pad)
        layout.addWidget(self.splitter)

    # -- page protocol (see caredesk.ui.shell.workspace_view) -------------------------
    def load(self, workspace: Workspace) -> None:
        """Build today's queue in the background; `ready` is emitted when it is on screen."""
        self.workspace = workspace
        queue = self.queue = CallQueue(workspace)
        self.panel.set_workspace(workspace)
        self.notice.show_info(BUILDING)

        def failed(exc: CareDeskError) -> None:
            self.notice.show_error(user_message(exc))
            self._built([])

        self.reader.start(queue.build, self._built, failed)

    @property
    def loading(self) -> bool:
        """Today's queue is being built in the background."""
        return self.reader.loading

    def _built(self, rows: list[QueueRow]) -> None:
        if self.notice.text() == BUILDING:
            self.notice.clear()
        pending = self.reader.take_pending()
        if pending and self.queue is not None:
            rows = self.queue.refresh(pending)
        self._set_rows(rows)
        restore = self.reader.take_selection()
        if not (restore is not None and self.select_patient(restore)) and self.proxy.rowCount():
            self.table.select_row(0)
        self.ready.emit()

    def clear(self) -> None:
        """On lock: the timer stops and every row, name and note leaves the widgets."""
        self.reader.cancel()  # a build in progress finishes before the store closes; its rows are dropped
        self.panel.clear()
        self.panel.set_workspace(None)
        self.workspace, self.queue = None, None
        self._syncing = True
        try:
            self.table.clearSelection()
            self.model.clear()
        finally:
            self._syncing = False
        self.notice.clear()
        self.heading.clear()
        self._update_counts()

    def selection(self) -> int | None:
        return self.panel.patient_id

    def restore(self, patient_id: int | None) -> None:
        if patient_id is not None and not self.reader.defer_selection(patient_id):
            self.select_patient(patient_id)

    # -- actions ---------------------------------------------------------------
    def set_filter(self, which: QueueFilter) -> None:
        self.filter_buttons[which].setChecked(True)
        self._syncing = True
        try:
            self.proxy.set_filter(which)
            row = self.proxy.proxy_row(self.panel.patient_id)
            if row is not None:
                self.table.select_row(row)
            else:
                self.table.selectionModel().clear()
        finally:
            self._syncing = False

    def select_patient(self, patient_id: int) -> bool:
        row = self.proxy.proxy_row(patient_id)
        if row is None:
            return False
        self.table.select_row(row)
        return True

    def selected_id(self) -> int | None:
        index = self.table.currentIndex()
        return self.proxy.patient_id(index.row()) if index.isValid() else None

    def open_selected(self, focus: bool = True) -> None:
        pid = self.selected_id()
        if pid is None or not self._show(pid):
            return
        if focus:
            self.panel.note.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def start_call(self) -> None:
        pid = self.selected_id()
        if pid is None or not self._show(pid):
            return
        self.panel.start()

    def _show(self, pid: int) -> bool:
        """Open pid in the panel unless a timer runs for someone else (then say so)."""
        if self.panel.busy and pid != self.panel.patient_id:
            self.notice.show_warning(
                "A call timer is running for the patient in the call panel. Save or stop that call to open another patient."
            )
            return False
        if self.panel.patient_id == pid:
            self.notice.clear()
            return True
        ok = self.panel.show_patient(pid)
        if ok:
            self.notice.clear()
        return ok

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid():
            return
        pid = self.proxy.patient_id(current.row())
        if pid is not None:
            self._show(pid)

    def _timer_changed(self, running: bool) -> None:
        if not running:
            self.notice.clear()

    def _saved(self, result: CallLogged) -> None:
        """Re-rank after a call: only the changed patients are re-read; move on to the next.
        The other pages hear of the call through the hub."""
        if self.queue is None or self.workspace is None:
            return
        if self.reader.defer(result.patient_ids):  # the build in progress re-scores it when done
            publish(result.changes, self)
            return
        pid = next(iter(result.patient_ids))
        following = self._following(pid)
        try:
            rows = self.queue.refresh(result.patient_ids)
        except CareDeskError as exc:
            self.notice.show_error(user_message(exc))
            return
        publish(result.changes, self)
        self._set_rows(rows)
        target = next((p for p in following if self.proxy.proxy_row(p) is not None), None)
        if target is not None:
            self.select_patient(target)
        elif self.proxy.rowCount():
            self.table.select_row(0)
        self.notice.show_info(self._saved_text(result))
        self.table.setFocus(Qt.FocusReason.OtherFocusReason)

    def _changed(self, changes: Changes, source: object) -> None:
        """A write elsewhere (a patient added, time logged, a plan finalized, a stay entered):
        re-score exactly those patients; the selection stays."""
        if source is self or self.queue is None or not changes.patients or self.reader.defer(changes.patients):
            return
        try:
            rows = self.queue.refresh(changes.patients)
        except CareDeskError as exc:
            self.notice.show_error(user_message(exc))
            return
        self._set_rows(rows)

    def _following(self, pid: int) -> list[int]:
        """Patients after pid in the shown order, then the ones before it (nearest first)."""
        ids = [self.proxy.patient_id(r) for r in range(self.proxy.rowCount())]
        if pid not in ids:
            return [i for i in ids if i is not None]
        at = ids.index(pid)
        return [i for i in ids[at + 1 :] + ids[:at][::-1] if i is not None]

    @staticmethod
    def _saved_text(result: CallLogged) -> str:
        minutes = result.time_entry.minutes if result.time_entry is not None else 0
        parts = [f"Call saved ({result.contact.outcome.value}, {minutes} min)."]
        if result.transition_met:
            parts.append("TCM contact marked as made.")
        if result.letter_task is not None:
            parts.append("Third unanswered call this month: a letter task was added.")
        return " ".join(parts)

    def _set_rows(self, rows: list[QueueRow]) -> None:
        self._syncing = True
        try:
            today = self.workspace.today() if self.workspace is not None else None
            if today is not None:
                self.model.set_rows(rows, today)
        finally:
            self._syncing = False
        self._update_counts()

    # -- layout ----------------------------------------------------------------
    def _splitter_moved(self, *_args: object) -> None:
        self._user_sized = True

    def _split(self) -> None:
        """The panel gets about a third (at least what its form needs); the queue the rest.
        Stops once the user drags the splitter."""
        if self._user_sized:
            return
        total = self.splitter.width() - self.splitter.handleWidth()
        panel = max(
            self.panel.minimumSizeHint().width(), min(total * 34 // 100, self.fontMetrics().averageCharWidth() * 62)
        )
        self.splitter.setSizes([max(total - panel, 1), panel])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._split()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._split()

    def _update_counts(self) -> None:
        for which, b in self.filter_buttons.items():
            n = self.model.count(which) if self.workspace is not None else 0
            b.setText(f"{which.value}  {n}" if self.workspace is not None else which.value)
        if self.workspace is None:
            self.heading.clear()
            return
        today = self.workspace.today()
        total = self.model.rowCount()
        to_call = f"{total} to call" if total else EMPTY_TEXT
        self.heading.setText(f"{today.strftime('%A, %B')} {today.day} — {to_call}")
