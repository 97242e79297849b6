"""This month: who is billable, who still needs minutes, and the billing export.

The month's report is read in the background when the store opens or the month
changes; after a write only the changed patients' rows are recomputed (the change
hub). The CSV and PDF are written in the background with a progress dialog, so the
window keeps painting. Cancelling a PDF stops it at the next page: nothing partial
is written.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QProgressDialog,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.calendar import Month
from caredesk.errors import CareDeskError
from caredesk.services import billing_report
from caredesk.services.billing_report import MonthReport, MonthRow
from caredesk.services.changes import Changes, Kind
from caredesk.services.workspace import Workspace
from caredesk.ui.common import theme
from caredesk.ui.common.forms import InlineMessage, button, info_label, user_message
from caredesk.ui.common.hub import hub
from caredesk.ui.common.tables import row_table, segments
from caredesk.ui.common.workers import BackgroundRead, ProgressRelay, TaskRunner, close_progress_dialog, progress_dialog
from caredesk.ui.month.ehr_summary_actions import EhrSummaryActions
from caredesk.ui.month.table_model import (
    CODES,
    FILTER_TIPS,
    MINUTES,
    MISSING,
    MRN,
    PATIENT,
    PROGRAMS,
    MonthFilter,
    MonthFilterProxy,
    MonthTableModel,
    accepts,
    detail_text,
    sorted_rows,
)

log = logging.getLogger(__name__)

# Writes the report to its file, reporting progress (rows done, total) as it goes.
ReportWriter = Callable[[Workspace, MonthReport, Callable[[int, int], None]], None]


def month_title(month: Month) -> str:
    return month.title


def totals_text(report: MonthReport) -> str:
    """'3 patients · 1 ready to bill · 40 min counted (staff 40, physician 0) · 99490 × 1', with
    '· 14 min logged count for nothing' when some do (after a program ended, before consent)."""
    staff = sum(r.clinical_minutes for r in report.rows)
    physician = sum(r.physician_minutes for r in report.rows)
    units = ", ".join(f"{code} × {n}" for code, n in report.units_by_code.items()) or "no codes earned"
    lost = f" · {report.not_counted} min logged count for nothing" if report.not_counted else ""
    return (
        f"{len(report.rows)} patient{'' if len(report.rows) == 1 else 's'} · {report.ready_count} ready to bill · "
        f"{report.total_minutes} min counted (staff {staff}, physician {physician}){lost} · {units}"
    )


class ExportCancelled(Exception):
    """Raised from the progress callback when the user cancels; nothing is written."""


class _Progress(ProgressRelay):
    """The PDF renderer reports per row; a cancel stops it there, before anything is written."""

    def report(self, done: int, total: int) -> None:
        if self.cancelled:
            raise ExportCancelled
        super().report(done, total)


# What the month's rows read: minutes, programs and consent, chronic conditions, the patient.
BILLING_KINDS = (Kind.TIME, Kind.ENROLLMENT, Kind.CLINICAL, Kind.PATIENT)
# More changed patients than this (an import) are recomputed on a worker, not the GUI thread.
RECOMPUTE_OVER = 50

# The filters' Alt keys, chosen against the page's others (Export &CSV, Export &PDF, EHR
# s&ummary, Cop&y, the &month's summaries, &This month, the File and Edit menus).
FILTER_KEYS = {
    MonthFilter.ALL: "&All",
    MonthFilter.NEEDS_MINUTES: "&Needs minutes",
    MonthFilter.READY: "&Ready to bill",
    MonthFilter.CANNOT_BILL: "Cannot &bill",
}
# A report, its rows sorted on the worker, and the sort they are in.
Sorted = tuple[MonthReport, list[MonthRow], tuple[int, Qt.SortOrder]]


class MonthPage(QWidget):
    title = "This month"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace: Workspace | None = None
        self.month: Month | None = None
        self.report: MonthReport | None = None
        self.tasks = TaskRunner(self)  # exports
        self.reader = BackgroundRead(self)  # the month's report
        hub().changed.connect(self._changed)
        self.progress: QProgressDialog | None = None
        self._progress: _Progress | None = None
        self.model = MonthTableModel(self)
        self.proxy = MonthFilterProxy(self)
        self.proxy.setSourceModel(self.model)

        # Alt+Left/Right step the month (a keyboard-only tester found no key for ◀ ▶).
        self.prev_button = button("◀", "Previous month")
        self.prev_button.setShortcut(QKeySequence("Alt+Left"))
        self.prev_button.setToolTip("Previous month (Alt+Left)")
        self.prev_button.clicked.connect(lambda: self._step(-1))
        self.next_button = button("▶", "Next month")
        self.next_button.setShortcut(QKeySequence("Alt+Right"))
        self.next_button.setToolTip("Next month (Alt+Right)")
        self.next_button.clicked.connect(lambda: self._step(1))
        self.today_button = button("&This month", "Go to the current month")
        self.today_button.clicked.connect(self._this_month)
        self.month_label = QLabel()
        self.month_label.setAccessibleName("Month shown")
        theme.set_role(self.month_label, "title")
        self.csv_button = button("Export &CSV…", "Export CSV")
        self.csv_button.clicked.connect(self.ask_csv)
        self.pdf_button = button("Export &PDF…", "Export PDF")
        self.pdf_button.clicked.connect(self.ask_pdf)
        top = QHBoxLayout()
        top.addWidget(self.prev_button)
        top.addWidget(self.month_label)
        top.addWidget(self.next_button)
        top.addWidget(self.today_button)
        top.addStretch(1)
        top.addWidget(self.csv_button)
        top.addWidget(self.pdf_button)

        filter_row, self.filter_buttons = segments(self, MonthFilter, self.set_filter)
        for which, text in FILTER_KEYS.items():
            self.filter_buttons[which].setText(text)
        for which, tip in FILTER_TIPS.items():
            self.filter_buttons[which].setToolTip(tip)

        self.table = row_table(QTableView(), "Billing for the month", self.proxy)
        self.table.setSortingEnabled(True)
        self.table.sortByColumn(PATIENT, Qt.SortOrder.AscendingOrder)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MISSING, QHeaderView.ResizeMode.Stretch)
        cw = self.fontMetrics().averageCharWidth()
        # Minutes: room for "120 / 30 · 14 not counted" (minutes that count for nothing, SPEC 3).
        for column, chars in ((PATIENT, 28), (MRN, 12), (PROGRAMS, 22), (MINUTES, 26), (CODES, 20)):
            header.resizeSection(column, cw * chars)

        # The selected row's reasons in full (the column cuts long ones off): read as the
        # cursor moves, by eye and by a screen reader alike.
        self.detail = info_label("Selected patient's billing")
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._show_detail())
        self.totals = QLabel()
        self.totals.setAccessibleName("Totals")
        self.totals.setWordWrap(True)
        self.shown = QLabel()
        self.shown.setAccessibleName("Patients shown")
        theme.set_role(self.shown, "muted")
        self.message = InlineMessage("Billing message")
        # The selected patient's EHR summary (PDF, text) and the month's batch: their own module.
        self.ehr = EhrSummaryActions(self, self.table, self.message, self._ehr_context, self.selected_row)
        filter_row.addStretch(1)
        for b in self.ehr.buttons:
            filter_row.addWidget(b)

        layout = QVBoxLayout(self)
        pad = self.fontMetrics().height() // 2
        layout.setContentsMargins(pad, pad, pad, pad)
        layout.addLayout(top)
        layout.addLayout(filter_row)
        layout.addWidget(self.message)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.detail)
        layout.addWidget(self.shown)
        layout.addWidget(self.totals)

    # -- page protocol (see caredesk.ui.shell.workspace_view) -------------------------
    def load(self, workspace: Workspace) -> None:
        self.workspace = workspace
        self.show_month(Month.of(workspace.today()))

    def clear(self) -> None:
        """On lock: stop a running export (it finishes or is cancelled first), drop every row."""
        if self._progress is not None:
            self._progress.cancelled = True
        self.tasks.wait()
        self.ehr.clear()
        self.reader.cancel()  # a report still on its way is dropped
        self._close_progress()
        self.workspace, self.report = None, None
        self.model.clear()
        for label in (self.totals, self.shown, self.month_label, self.detail):
            label.clear()
        self.message.clear()

    def selection(self) -> str | None:
        return str(self.month) if self.month is not None else None

    def restore(self, selection: str | None) -> None:
        if selection and self.workspace is not None:
            self.show_month(Month.parse(selection))

    def selected_row(self) -> MonthRow | None:
        """The selected patient's row (None when no row is selected)."""
        index = self.table.currentIndex()
        if not index.isValid() or not self.table.selectionModel().isRowSelected(index.row(), index.parent()):
            return None
        return self.model.month_row(self.proxy.mapToSource(index).row())

    def _ehr_context(self) -> tuple[Workspace, Month] | None:
        return (self.workspace, self.month) if self.workspace is not None and self.month is not None else None

    # -- month -----------------------------------------------------------------
    def show_month(self, month: Month) -> None:
        """Show `month`; one that has not begun is not offered (the current month instead)."""
        current = Month.of(self.workspace.today()) if self.workspace is not None else month
        self.month = min(month, current)
        self.next_button.setEnabled(self.month < current)
        self.refresh()

    def refresh(self) -> None:
        """Read the month's report in the background; the rows arrive on the GUI thread."""
        if self.workspace is None or self.month is None:
            return
        self.month_label.setText(month_title(self.month))
        ws, month = self.workspace, self.month
        self._read(lambda: billing_report.month_report(ws, month))

    def _read(self, report_of: Callable[[], MonthReport]) -> None:
        """Read a report and sort its rows on a worker; the GUI thread swaps them in."""
        order = self.model.sort_order

        def read() -> Sorted:
            report = report_of()
            return report, sorted_rows(report.rows, *order), order

        def show(result: Sorted) -> None:
            self._show_report(*result)
            pending = self.reader.take_pending()
            if len(pending) > RECOMPUTE_OVER and self.workspace is not None:
                ws, report = self.workspace, result[0]
                self._read(lambda: billing_report.refresh_rows(ws, report, pending))
            elif pending:
                self._refresh_rows(pending)

        def failed(exc: CareDeskError) -> None:
            self.report = None
            self.model.clear()
            self.message.show_error(user_message(exc))

        self.reader.start(read, show, failed)

    @property
    def loading(self) -> bool:
        """The month's report is being read in the background."""
        return self.reader.loading

    def _show_report(
        self, report: MonthReport, rows: list[MonthRow] | None = None, order: tuple[int, Qt.SortOrder] | None = None
    ) -> None:
        """`rows`: the report's rows already in `order` (sorted on a worker)."""
        self.report = report
        self.model.set_rows(report.rows if rows is None else rows, order)
        self.totals.setText(totals_text(report))
        self._update_counts()
        self._show_detail()

    def _show_detail(self) -> None:
        row = self.selected_row()
        self.detail.setText(detail_text(row) if row is not None else "")
        self.detail.setVisible(row is not None)

    def _changed(self, changes: Changes, _source: object) -> None:
        """Minutes, programs, consent or conditions of some patients changed: recompute their rows."""
        if self.workspace is None or not changes.patients or not changes.touches(*BILLING_KINDS):
            return
        if self.reader.defer(changes.patients):
            return
        if len(changes.patients) > RECOMPUTE_OVER and self.report is not None:
            ws, report, ids = self.workspace, self.report, changes.patients
            self._read(lambda: billing_report.refresh_rows(ws, report, ids))  # an import: on a worker
        else:
            self._refresh_rows(changes.patients)

    def _refresh_rows(self, patient_ids: set[int] | frozenset[int]) -> None:
        if self.workspace is None or self.report is None:
            return
        try:
            report = billing_report.refresh_rows(self.workspace, self.report, patient_ids)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self._show_report(report)

    def _step(self, delta: int) -> None:
        if self.month is not None and self.workspace is not None:
            self.message.clear()
            self.show_month(self.month.next() if delta > 0 else self.month.previous())

    def _this_month(self) -> None:
        if self.workspace is not None:
            self.message.clear()
            self.show_month(Month.of(self.workspace.today()))

    def set_filter(self, which: MonthFilter) -> None:
        self.filter_buttons[which].setChecked(True)
        self.proxy.set_filter(which)
        self._update_counts()

    def _update_counts(self) -> None:
        rows = self.model.rows()
        for which, b in self.filter_buttons.items():
            b.setText(f"{FILTER_KEYS[which]}  {sum(accepts(r, which) for r in rows)}")
        shown, total = self.proxy.rowCount(), self.model.rowCount()
        self.shown.setText(f"Showing {shown} of {total} patients" if shown != total else "")
        self.shown.setVisible(shown != total)

    # -- export ----------------------------------------------------------------
    def ask_csv(self) -> None:
        path = self._ask("Export billing CSV", "csv", "CSV files (*.csv)")
        if path is not None:
            self.export_csv(path)

    def ask_pdf(self) -> None:
        path = self._ask("Export billing PDF", "pdf", "PDF files (*.pdf)")
        if path is not None:
            self.export_pdf(path)

    def _ask(self, caption: str, suffix: str, filters: str) -> Path | None:
        if self.month is None or self.workspace is None:
            return None
        default = str(Path.home() / f"billing-{self.month}.{suffix}")
        chosen, _ = QFileDialog.getSaveFileName(self, caption, default, filters)
        if not chosen:
            return None
        path = Path(chosen)
        return path if path.suffix else path.with_suffix(f".{suffix}")

    def export_csv(self, path: Path) -> None:
        self._export("CSV", path, lambda ws, report, progress: billing_report.write_csv(ws, report, path))

    def export_pdf(self, path: Path) -> None:
        self._export("PDF", path, lambda ws, report, progress: billing_report.write_pdf(ws, report, path, progress))

    def _export(self, kind: str, path: Path, write: ReportWriter) -> None:
        ws, report = self.workspace, self.report
        if ws is None or report is None or self.tasks.busy:
            return
        self.message.clear()
        progress = _Progress()
        dialog = progress_dialog(
            self, progress, f"Writing the {kind} billing report…", f"Export {kind}", len(report.rows)
        )
        if kind == "CSV":
            dialog.setRange(0, 0)  # one quick write: a busy indicator, not a count
        self.progress, self._progress = dialog, progress
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(False)
        self.tasks.run(
            lambda: write(ws, report, progress.report),
            lambda _result: self._exported(kind, path, report.month),
            self._export_failed,
        )

    def _exported(self, kind: str, path: Path, month: Month) -> None:
        self._close_progress()
        if self.workspace is not None:
            self.message.show_info(f"{kind} billing report for {month_title(month)} saved to {path}")

    def _export_failed(self, exc: BaseException) -> None:
        self._close_progress()
        if self.workspace is None:
            return
        if isinstance(exc, ExportCancelled):
            self.message.show_info("Export cancelled; no file was written.")
        elif isinstance(exc, CareDeskError):
            self.message.show_error(user_message(exc))
        else:
            log.error("billing export failed: %s", type(exc).__name__)
            self.message.show_error("The report could not be written. Nothing was saved.")

    def _close_progress(self) -> None:
        close_progress_dialog(self.progress)
        self.progress, self._progress = None, None
        for b in (self.csv_button, self.pdf_button):
            b.setEnabled(True)
