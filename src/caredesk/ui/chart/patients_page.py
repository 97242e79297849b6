"""Patients: a filterable list (model/view) beside the chart of the selected patient."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QItemSelectionModel, QModelIndex, Qt, QTimer
from PySide6.QtGui import QFontMetrics, QKeySequence, QResizeEvent, QShortcut, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caredesk.errors import CareDeskError
from caredesk.services import patients as patient_records
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.chart_view import ChartView, TabMaker
from caredesk.ui.chart.kept_new_patient import KeptNewPatientBar
from caredesk.ui.chart.patient_form import AddPatientDialog
from caredesk.ui.chart.patient_table import (
    AGE,
    MRN,
    NAME,
    PROGRAMS,
    RISK,
    PatientFilterProxy,
    PatientTableModel,
    PreparedRows,
    prepare,
)
from caredesk.ui.common.chart_tab import ChartTab
from caredesk.ui.common.forms import button, user_message
from caredesk.ui.common.hub import hub
from caredesk.ui.common.tables import row_table
from caredesk.ui.common.workers import BackgroundRead

# What the chart's header and Summary tab show (the care plan follows its own kind).
CHART_KINDS = (Kind.PATIENT, Kind.ENROLLMENT, Kind.CLINICAL)

SIZE_SAMPLE_ROWS = 50
# More changed patients than this (an import) re-read the whole list in the background
# instead of their rows on the GUI thread (2,000 rows re-read there froze it for ~1 s).
RELOAD_OVER = 50
EMPTY_TEXT = "No patients yet. Add the first one with Add patient (Ctrl+N)."

if TYPE_CHECKING:
    from caredesk.ui.chart.log_contact_dialog import LogContactDialog

log = logging.getLogger(__name__)
DROPPABLE = (PROGRAMS, AGE, RISK)  # least needed first; the chart header shows all three


class PatientsPage(QWidget):
    title = "Patients"

    def __init__(self, chart_tabs: Sequence[ChartTab | TabMaker] = (), parent: QWidget | None = None):
        """`chart_tabs`: the tabs other features add to the chart (the shell composes them),
        or callables making them (the chart then makes them after the page is on screen)."""
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.reader = BackgroundRead(self)
        self._sizing = False  # rows are in; their columns are sized in the next slice
        hub().changed.connect(self._changed)
        self._syncing = False  # True while the filter, not the user, moves the current row
        self.model = PatientTableModel(self)
        self.proxy = PatientFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        # Containers first, then what goes in them, in the order of the focus chain: a widget
        # moved into a new parent has the style sheet re-applied to it and all it holds, so the
        # chart is made in the splitter and nothing is moved twice (issue 14).
        layout = QVBoxLayout(self)
        m = self.fontMetrics().height() // 2
        layout.setContentsMargins(m, m, m, m)
        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.setChildrenCollapsible(False)
        layout.addWidget(self.splitter)
        left = QWidget()
        self.splitter.addWidget(left)
        lv = QVBoxLayout(left)
        lv.setContentsMargins(0, 0, 0, 0)

        self.filter = QLineEdit()
        self.filter.setPlaceholderText("Filter by name, MRN or phone")
        self.filter.setClearButtonEnabled(True)
        self.filter.setAccessibleName("Filter patients")
        self.filter.setAccessibleDescription("Type part of a name, an MRN or phone digits; every word must match.")
        self.filter.textChanged.connect(self._filter_changed)
        self.filter.returnPressed.connect(self._open_first_match)
        find_key = QShortcut(QKeySequence.StandardKey.Find, self)
        find_key.activated.connect(self.focus_filter)
        # Alt+A beside Ctrl+N, as File > Add patient… (the chart's tabs leave A to it: Vitals & labs'
        # Add reading is Alt+R). A keyboard-only tester found no Alt key on it.
        self.add_button = button("&Add patient…", "Add patient")
        self.add_button.setToolTip("Add a patient (Alt+A or Ctrl+N)")
        self.add_button.clicked.connect(self.add_patient)
        # Ctrl+Shift+L, from the list or anywhere in the chart: log a contact for the chart's patient
        # (one waiting after a no answer is not in today's queue, and she may call back).
        log_key = QShortcut(QKeySequence("Ctrl+Shift+L"), self)
        log_key.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        log_key.activated.connect(self.log_contact)
        # Ctrl+N is the window's File > Add patient (it works from every page).
        top = QHBoxLayout()
        top.addWidget(self.filter, 1)
        top.addWidget(self.add_button)
        lv.addLayout(top)

        self.table = row_table(QTableView(left), "Patient list", self.proxy)
        lv.addWidget(self.table, 1)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(NAME, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.table.activated.connect(self._activated)

        self.count = QLabel()
        self.count.setAccessibleName("Patients shown")
        self.count.setProperty("role", "muted")
        self.proxy.rowsInserted.connect(self._update_count)
        self.proxy.rowsRemoved.connect(self._update_count)
        self.proxy.modelReset.connect(self._update_count)
        self.proxy.layoutChanged.connect(self._update_count)
        lv.addWidget(self.count)

        self.chart = ChartView(chart_tabs, self.splitter)
        self.splitter.addWidget(self.chart)  # in place already (QSplitter adds its children)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self._user_sized = False
        self._name_width = 0  # the Name column's width from its values (see _size_columns)
        self.splitter.splitterMoved.connect(self._splitter_moved)
        self.chart.tabs_made.connect(self._split)  # sized while the chart was still being made
        # An Add patient form a lock kept (SPEC §5): said above the list, with Resume and Discard.
        self.kept_new = KeptNewPatientBar(self.add_patient)
        lv.insertWidget(0, self.kept_new)
        self.setTabOrder(self.kept_new.resume_button, self.kept_new.discard_button)
        self.setTabOrder(self.kept_new.discard_button, self.filter)
        self.setTabOrder(self.filter, self.add_button)
        self.setTabOrder(self.add_button, self.table)
        self.setTabOrder(self.table, self.chart)

    def log_contact(self) -> LogContactDialog | None:
        """Show the chart's Contacts & minutes tab and open Log contact… there (None without a chart)."""
        from caredesk.ui.chart.contacts_tab import ContactsTab  # made by the chart: imported by then

        if self.chart.patient_id is None:
            return None
        tab = self.chart.tab(ContactsTab)
        self.chart.show_tab(tab)
        return tab.log_contact()

    # -- page protocol (see caredesk.ui.shell.workspace_view) -------------------------
    def load(self, workspace: Workspace) -> None:
        """Read the list in the background; the rows arrive on the GUI thread."""
        self.workspace = workspace
        self.count.setText("Loading patients…")
        self.kept_new.show_for(workspace)
        self._read_all(workspace)

    def _read_all(self, workspace: Workspace, *, refit: bool = True) -> None:
        """Read and prepare every row on a worker (sorted, filter text folded); the GUI
        thread swaps them in, then sizes the columns in a later slice of the event loop.
        `refit=False` (a re-read after a change): sized again only when the list grew, as
        _refresh_rows does; the sizing is the longest slice of a re-read (~30 ms of CPU at
        170 patients, 70-170 ms of wall time beside the queue's and the month's workers), and a
        re-read follows every save made by a `caredesk` command beside the app."""
        today, order = workspace.today(), self.model.sort_order

        def read() -> PreparedRows:
            return prepare(patient_records.patient_list(workspace), today, order)

        def show(prepared: PreparedRows) -> None:
            before = self.model.rowCount()
            self._syncing = True  # the reset drops the current row: not the user's choice
            try:
                self.model.set_prepared(prepared)
            finally:
                self._syncing = False
            self._update_count()
            pending = self.reader.take_pending()
            if len(pending) > RELOAD_OVER:  # an import while the list was read: read it again
                grew = self.model.rowCount() > before
                self._read_all(workspace, refit=refit or grew)  # (a selection to restore waits for that read)
                return
            if pending:
                self._refresh_rows(pending)
            restore = self.reader.take_selection()
            if restore is not None:
                self.select_patient(restore)
            else:
                self._select_quietly(self.chart.patient_id)  # a reload after an import keeps the open chart's row
            if refit or self.model.rowCount() > before:
                self._sizing = True  # a slice of its own: the swap and the sizing each stay short
                QTimer.singleShot(0, self, self._size_after_load)

        def failed(exc: CareDeskError) -> None:
            self.count.setText(user_message(exc))

        self.reader.start(read, show, failed)

    def _size_after_load(self) -> None:
        self._sizing = False
        if self.workspace is not None:
            self._size_columns()

    @property
    def loading(self) -> bool:
        """The list is being read in the background (or its columns not yet sized)."""
        return self.reader.loading or self._sizing

    def clear(self) -> None:
        """On lock: the filter, every row and the chart leave the widgets."""
        self.reader.cancel()
        self.workspace = None
        self.kept_new.clear()
        self.filter.clear()
        self.table.clearSelection()
        self.model.clear()
        self.chart.clear()
        self.count.clear()

    def selection(self) -> int | None:
        return self.chart.patient_id

    def restore(self, patient_id: int | None) -> None:
        if patient_id is not None and not self.reader.defer_selection(patient_id):
            self.select_patient(patient_id)

    # -- actions ---------------------------------------------------------------
    def add_patient(self) -> AddPatientDialog | None:
        """Open the add-patient form; on save, reload the list and open the new chart."""
        if self.workspace is None:
            return None
        dialog = AddPatientDialog(self.workspace, self)
        dialog.finished.connect(lambda result: self._patient_added(dialog, result))
        dialog.open()
        return dialog

    def _patient_added(self, dialog: AddPatientDialog, result: int) -> None:
        if result != QDialog.DialogCode.Accepted or dialog.saved is None or self.workspace is None:
            return
        self.filter.clear()  # the hub has added the row already
        if dialog.saved.id is not None:
            self.select_patient(dialog.saved.id)

    def focus_filter(self) -> None:
        self.filter.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self.filter.selectAll()

    def select_patient(self, patient_id: int) -> bool:
        index = self._proxy_index(patient_id)
        if not index.isValid():
            return False
        self.table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
        )
        self.table.scrollTo(index, QAbstractItemView.ScrollHint.PositionAtCenter)
        return True

    def open_chart(self, patient_id: int) -> None:
        if self.workspace is None:
            return
        try:
            chart = patient_records.open_chart(self.workspace, patient_id)
        except CareDeskError as exc:
            self.chart.show_message(user_message(exc))
            return
        self.chart.show_chart(chart, self.workspace.today(), self.workspace)

    def _filter_changed(self, text: str) -> None:
        # When rows disappear Qt moves the current row to a neighbour; opening that
        # chart would show (and audit) a patient nobody chose. Keep the chart as it is
        # and highlight its row only while it is visible.
        self._syncing = True
        try:
            self.proxy.set_query(text)
            selection = self.table.selectionModel()
            index = self._proxy_index(self.chart.patient_id)
            if index.isValid():
                selection.setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                )
            else:
                selection.clear()
        finally:
            self._syncing = False

    def _select_quietly(self, patient_id: int | None) -> None:
        """Highlight the patient's row if it is shown, without opening anyone."""
        index = self._proxy_index(patient_id)
        if index.isValid():
            was, self._syncing = self._syncing, True
            try:
                self.table.selectionModel().setCurrentIndex(
                    index, QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows
                )
            finally:
                self._syncing = was

    def _proxy_index(self, patient_id: int | None) -> QModelIndex:
        row = None if patient_id is None else self.model.row_of(patient_id)
        if row is None:
            return QModelIndex()
        return self.proxy.mapFromSource(self.model.index(row, NAME))

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing:
            return
        patient_id = self.proxy.source_id(current.row()) if current.isValid() else None
        if patient_id is not None and patient_id != self.chart.patient_id:
            self.open_chart(patient_id)

    def _activated(self, index: QModelIndex) -> None:
        patient_id = self.proxy.source_id(index.row())
        if patient_id is None:
            return
        if patient_id != self.chart.patient_id:
            self.open_chart(patient_id)
        self.chart.tabs.setFocus()

    def _open_first_match(self) -> None:
        if self.proxy.rowCount() > 0:
            self.table.setFocus()
            self.select_patient(self.proxy.source_id(0) or 0)

    def _update_count(self, *_args: object) -> None:
        total, shown = self.model.rowCount(), self.proxy.rowCount()
        if total == 0:
            self.count.setText(EMPTY_TEXT if self.workspace is not None else "")
        elif shown == total:
            self.count.setText(f"{total} patient{'' if total == 1 else 's'}")
        else:
            self.count.setText(f"{shown} of {total} patients")

    def _splitter_moved(self, *_args: object) -> None:
        self._user_sized = True

    def _size_columns(self) -> None:
        """Fit columns to their values once per load (not per keystroke); the user may drag.

        Qt's own fit also reserves room for the sort arrow in every header, which makes
        short numeric columns twice as wide as their values; a header gets its text
        width plus a little padding instead.
        """
        header = self.table.horizontalHeader()
        # Widths from a sample of rows: Qt reads 1,000 rows per column by default, which
        # at 2,000 patients was three quarters of the list's load on the GUI thread.
        header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
        bold = self.table.font()
        bold.setBold(True)
        metrics = QFontMetrics(bold)
        pad = 2 * self.fontMetrics().height()
        for col, hint in enumerate(self._content_widths()):
            text = str(self.model.headerData(col, Qt.Orientation.Horizontal) or "")
            title = max(metrics.horizontalAdvance(line) for line in text.split("\n"))
            header.resizeSection(col, max(hint, title + pad))
        self._name_width = header.sectionSize(NAME)
        self._split()

    def _content_widths(self) -> list[int]:
        """Each column's width for its values, as `sizeHintForColumn` gives it over the same rows
        (`_sampled_rows`), asked of Qt only for the two widest texts of each column. Qt's own fit
        asks the model's Python `data()` for every role of every sampled cell (~16 ms of the
        GUI thread a load at 2,000 patients, beside the page's paint in one stall once the list
        is read after today's queue, issue 14); here `data()` is asked for the text alone,
        measured by QFontMetrics."""
        table, proxy = self.table, self.proxy
        rows = self._sampled_rows()
        metrics = table.fontMetrics()
        grid = 1 if table.showGrid() else 0
        widths = []
        for col in range(self.model.columnCount()):
            measured = sorted(
                ((metrics.horizontalAdvance(str(proxy.index(r, col).data())), r) for r in rows), reverse=True
            )
            hints = [table.sizeHintForIndex(proxy.index(r, col)).width() for _w, r in measured[:2]]
            widths.append(max(hints, default=0) + grid)
        return widths

    def _sampled_rows(self) -> list[int]:
        """The rows QTableView::sizeHintForColumn fits a column to (Qt 6): those shown (every row
        while the table is hidden), then alternately one below and one above, SIZE_SAMPLE_ROWS in all."""
        table, count = self.table, self.proxy.rowCount()
        top = max(0, table.rowAt(0))
        bottom = table.rowAt(table.viewport().height())
        if not table.isVisible() or bottom == -1:
            bottom = count - 1
        rows = list(range(top, bottom + 1))[:SIZE_SAMPLE_ROWS]
        above, below = top, top + len(rows) - 1
        while len(rows) < SIZE_SAMPLE_ROWS and (above > 0 or below < count - 1):
            if (len(rows) % 2 and above > 0) or below == count - 1:
                above -= 1
                rows.append(above)
            else:
                below += 1
                rows.append(below)
        return rows

    def _split(self) -> None:
        """Give the list the width of its columns; the chart gets the rest, but never
        less than about 60 characters or what its care-plan tab needs.

        When both do not fit, the list drops Programs, then Age, then Risk (the open chart's
        header shows them), then long names are cut short ("…", whole in the tooltip), then
        a long MRN (whole in its tooltip)
        rather than scroll sideways and hide "Min this month" (it did at 125% once the
        chart had its record tabs). Stops once the user drags the splitter."""
        if self._user_sized or self.workspace is None:  # an empty list still gets its columns' width
            return
        header = self.table.horizontalHeader()
        total = self.splitter.width() - self.splitter.handleWidth()
        chart_min = max(self.fontMetrics().averageCharWidth() * 60, self.chart.minimumSizeHint().width())
        room = total - chart_min
        extra = self.table.verticalScrollBar().sizeHint().width() + 2 * self.table.frameWidth() + 2
        for col in DROPPABLE:
            header.setSectionHidden(col, False)
        header.resizeSection(NAME, self._name_width)
        for col in DROPPABLE:
            if header.length() + extra <= room:
                break
            header.setSectionHidden(col, True)
        over = header.length() + extra - room
        if over > 0:
            header.resizeSection(NAME, max(self._name_width - over, self.fontMetrics().averageCharWidth() * 16))
        over = header.length() + extra - room
        if over > 0:  # a long MRN (a FHIR bundle's 36-character uuid) is cut too, whole in its tooltip
            header.resizeSection(MRN, max(header.sectionSize(MRN) - over, self.fontMetrics().averageCharWidth() * 12))
        wanted = header.length() + extra
        list_width = max(min(wanted, room), total // 3)
        self.splitter.setSizes([list_width, max(total - list_width, 1)])

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._split()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self._split()

    # -- changes made elsewhere (the hub) ----------------------------------------
    def _changed(self, changes: Changes, _source: object) -> None:
        """Only the changed patients' rows are re-read; the open chart refreshes if it is one."""
        if self.workspace is None or not changes.patients or self.reader.defer(changes.patients):
            return
        if len(changes.patients) > RELOAD_OVER:
            self._read_all(self.workspace, refit=False)  # an import: re-read the whole list off the GUI thread
        else:
            self._refresh_rows(changes.patients)
        pid = self.chart.patient_id
        if pid is not None and pid in changes.patients and changes.touches(*CHART_KINDS):
            try:
                chart = patient_records.open_chart(self.workspace, pid, audit_view=False)
            except CareDeskError as exc:
                self.chart.show_message(user_message(exc))
                return
            self.chart.fill(chart, self.workspace.today())

    def _refresh_rows(self, patient_ids: set[int] | frozenset[int]) -> None:
        """Re-read these rows, keeping the filter, the sort and the open chart's row."""
        if self.workspace is None:
            return
        self._syncing = True
        try:
            rows = patient_records.summaries(self.workspace, sorted(patient_ids))
            before = self.model.rowCount()
            self.model.update_rows(rows, removed=set(patient_ids) - {r.id for r in rows})
            if self.model.rowCount() > before:
                self._size_columns()  # a new patient's values may be the widest
            self._update_count()
            self._select_quietly(self.chart.patient_id)
        except CareDeskError as exc:
            self.count.setText(user_message(exc))
        finally:
            self._syncing = False
