"""The chart's "Contacts & minutes" tab: every contact and time entry, newest first.

A month combo filters the rows ("All", "November 2026", ...); the line above the table
totals the minutes per program of the month shown (the current month under "All"), as
the bill counts them. Voided rows stay, greyed and struck through, with who voided them,
when and why in their tooltip. Correct… and Void… open small forms (contact_forms).
Log contact… (Alt+L here, Ctrl+Shift+L anywhere on Patients) logs a call the patient made
back or one made away from the queue (log_contact_dialog); Log other time… (Alt+T) opens the
call panel's time dialog for this patient: a patient waiting after a no answer is not in
today's queue, and her call back still has to be logged.

The history is read when the tab is shown (opening a chart stays fast) and again when a
change set names this patient's contacts or minutes.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QFont, QPalette, QShowEvent
from PySide6.QtWidgets import (
    QApplication,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.billing import main_program
from caredesk.domain.calendar import MONTH_NAMES, Month, us_date
from caredesk.domain.contacts import StaffType
from caredesk.domain.patients import Chart, Program
from caredesk.errors import CareDeskError
from caredesk.services import billing_report, contact_history
from caredesk.services import patients as patient_records
from caredesk.services.billing_report import MonthRow
from caredesk.services.changes import Changes, Kind
from caredesk.services.contact_history import HistoryRow
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.contact_forms import CorrectionForm, VoidForm
from caredesk.ui.chart.kept_contact_forms import KeptFormsBar
from caredesk.ui.chart.log_contact_dialog import LogContactDialog, logged_text
from caredesk.ui.common.forms import InlineMessage, button, info_label, user_message
from caredesk.ui.common.hub import hub
from caredesk.ui.common.tables import RowsModel, row_table
from caredesk.ui.common.time_dialog import LogTimeDialog, open_log_time

DATE, WHAT, OUTCOME, MINUTES, PROGRAM, NOTE = range(6)
HEADERS = ("Date", "What", "Outcome", "Min", "Program", "Note")
ALL = "All"
Index = QModelIndex | QPersistentModelIndex


def month_label(month: Month) -> str:
    """'November 2026' (fixed English, like the rest of the interface)."""
    return month.title


def totals_text(totals: dict[Program, int], month: Month, billed: MonthRow | None = None) -> str:
    """'November 2026: CCM 25 min · BHI 10 min' (the minutes logged, voided ones left out); when
    some count for nothing (the month's bill, `billed`, says so: after the program ended, before
    consent; SPEC 3) '... CCM 14 min logged; 0 count for billing: 14 min after CCM ended 11/30
    count for nothing' (a tester read "CCM 14 min" as minutes that bill)."""
    if not totals:
        return f"{month_label(month)}: no minutes"
    logged = f"{month_label(month)}: " + " · ".join(f"{p.value} {m} min" for p, m in totals.items())
    if billed is None or not billed.not_counted:
        return logged
    why = "; ".join(billed.not_counted_why)
    return f"{logged} logged; {billed.total_minutes} count for billing: {why}"


def void_text(row: HistoryRow) -> str:
    assert row.voided is not None
    v = row.voided
    return f"Voided {us_date(v.at.date())} by {v.by}: {v.reason}"


def _time_text(row: HistoryRow) -> str:
    t = row.time_of_day
    if t is None:
        return ""
    hour = t.hour % 12 or 12
    return f"{hour}:{t.minute:02d} {'AM' if t.hour < 12 else 'PM'}"


def detail_text(r: HistoryRow) -> str:
    """The selected entry in full under the table, where a narrow chart pane leaves the Note column
    a few characters wide: '11/09/2026 2:15 PM · phone · reached · 30 min BHI · follow-up 11/23/2026
    / Reviewed care plan goals...' (then why it was voided)."""
    facts = [" ".join(x for x in (us_date(r.on), _time_text(r)) if x)]
    facts.append(str(HistoryModel._display(r, WHAT)).removesuffix(" (voided)"))
    if r.contact is not None:
        facts.append(r.contact.outcome.value)
    if r.entries:
        facts.append(f"{r.minutes} min {HistoryModel._display(r, PROGRAM)}".rstrip())
    if r.contact is not None and r.contact.follow_up is not None:
        facts.append(f"follow-up {us_date(r.contact.follow_up)}")
    lines = [" · ".join(f for f in facts if f)]
    if r.note.strip():
        lines.append(r.note.strip())
    if r.voided is not None:
        lines.append(void_text(r))
    return "\n".join(lines)


class HistoryModel(RowsModel):
    """The history rows; a voided row is greyed and struck, its reason in the tooltip."""

    headers = HEADERS

    def set_rows(self, rows: list[HistoryRow]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def row(self, index: int) -> HistoryRow:
        row: HistoryRow = self._rows[index]
        return row

    def clear(self) -> None:
        self.set_rows([])

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation != Qt.Orientation.Horizontal:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return HEADERS[section]
        if role == Qt.ItemDataRole.AccessibleTextRole:
            return "Minutes" if section == MINUTES else HEADERS[section]
        if role == Qt.ItemDataRole.TextAlignmentRole and section == MINUTES:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or index.row() >= len(self._rows):
            return None
        r = self.row(index.row())
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self._display(r, col)
        if role == Qt.ItemDataRole.ToolTipRole:
            return self._tooltip(r, col)
        if role == Qt.ItemDataRole.TextAlignmentRole:
            align = Qt.AlignmentFlag.AlignRight if col == MINUTES else Qt.AlignmentFlag.AlignLeft
            return int(align | Qt.AlignmentFlag.AlignVCenter)
        if r.voided is not None:
            if role == Qt.ItemDataRole.FontRole:
                font = QFont(QApplication.font())
                font.setStrikeOut(True)
                return font
            if role == Qt.ItemDataRole.ForegroundRole:
                return QApplication.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            if role == Qt.ItemDataRole.AccessibleDescriptionRole:
                return void_text(r)
        return None

    @staticmethod
    def _display(r: HistoryRow, col: int) -> str | int:
        if col == DATE:
            return us_date(r.on)
        if col == WHAT:
            what = r.contact.channel.value if r.contact is not None else (r.activity.value if r.activity else "")
            return f"{what} (voided)" if r.voided is not None else what
        if col == OUTCOME:
            return r.contact.outcome.value if r.contact is not None else ""
        if col == MINUTES:
            return r.minutes if r.entries else ""
        if col == PROGRAM:
            physician = StaffType.PHYSICIAN in r.staff_types
            return ", ".join(p.value for p in r.programs) + (" (physician/QHP)" if physician else "")
        if col == NOTE:
            return " ".join(r.note.split())
        return ""

    @staticmethod
    def _tooltip(r: HistoryRow, col: int) -> str | None:
        lines = []
        if r.voided is not None:
            lines.append(void_text(r))
        if col == DATE and r.time_of_day is not None:
            lines.append(f"{us_date(r.on)} {_time_text(r)}")
        if col == NOTE and r.note:
            lines.append(r.note)
        if col == OUTCOME and r.contact is not None and r.contact.follow_up is not None:
            lines.append(f"Follow-up {us_date(r.contact.follow_up)}")
        if col == WHAT and r.of_contact is not None:
            lines.append(f"Minutes of a call on {us_date(r.on)}")
        return "\n".join(lines) or None


class ContactsTab(QWidget):
    """The chart tab (a ChartTab): the patient's contacts and minutes, corrected or voided here."""

    tab_title = "Contacts && minutes"  # "&&" shows one "&" in a tab's title

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Contacts and minutes")
        self.ws: Workspace | None = None
        self.chart: Chart | None = None
        self.rows: list[HistoryRow] = []
        self._stale = False
        hub().changed.connect(self._changed)

        self.month = QComboBox()
        self.month.setAccessibleName("Month shown")
        self.month.currentIndexChanged.connect(self._month_changed)
        month_caption = QLabel("&Month")
        month_caption.setBuddy(self.month)
        self.totals = info_label("Minutes by program for the month shown")
        self.model = HistoryModel(self)
        self.table = row_table(QTableView(), "Contacts and minutes history", self.model)
        self.table.setTabKeyNavigation(False)  # Tab leaves the table
        self.table.setTextElideMode(Qt.TextElideMode.ElideRight)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(NOTE, QHeaderView.ResizeMode.Stretch)
        header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.table.selectionModel().selectionChanged.connect(lambda *_: self._update_buttons())
        self.table.activated.connect(lambda _index: self.correct_selected())
        self.empty = info_label("No contacts or minutes", "muted")
        self.detail = info_label("The selected entry in full")
        self.correct_button = button("Co&rrect…", "Correct the selected entry")
        self.correct_button.setToolTip("Correct the date, minutes, program, outcome or patient (Enter)")
        self.correct_button.clicked.connect(self.correct_selected)
        self.void_button = button("V&oid…", "Void the selected entry")
        self.void_button.setToolTip("Take the entry back: its minutes leave the month; the row stays, struck")
        self.void_button.clicked.connect(self.void_selected)
        self.log_button = button("&Log contact…", "Log a contact")
        self.log_button.setToolTip("A call the patient made back, or one made away from the queue (Ctrl+Shift+L)")
        self.log_button.clicked.connect(self.log_contact)
        self.time_button = button("Log other &time…", "Log other time")
        self.time_button.setToolTip("Minutes that were not a call: care-plan work, coordination, a medication review")
        self.time_button.clicked.connect(self.log_other_time)
        self.message = InlineMessage("Contacts and minutes message")
        self.kept = KeptFormsBar(self)  # a form a lock closed, kept as a draft: Resume (SPEC §5)

        top = QHBoxLayout()
        top.addWidget(month_caption)
        top.addWidget(self.month)
        top.addSpacing(self.fontMetrics().height())
        top.addWidget(self.totals, 1)
        actions = QHBoxLayout()
        actions.addWidget(self.correct_button)
        actions.addWidget(self.void_button)
        actions.addStretch(1)
        actions.addWidget(self.log_button)
        actions.addWidget(self.time_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.message)
        layout.addWidget(self.kept)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.empty)
        layout.addWidget(self.detail)
        layout.addLayout(actions)
        self.setTabOrder(self.month, self.table)
        self.setTabOrder(self.table, self.correct_button)
        self.setTabOrder(self.correct_button, self.void_button)
        self.setTabOrder(self.void_button, self.log_button)
        self.setTabOrder(self.log_button, self.time_button)
        self.clear()

    # -- the ChartTab protocol ---------------------------------------------------------
    def open(self, ws: Workspace, chart: Chart) -> None:
        """Remember the patient; the history is read when the tab is shown."""
        same = self.chart is not None and self.chart.patient.id == chart.patient.id
        if not same:
            self.clear()
        self.ws, self.chart = ws, chart
        self._stale = True
        if chart.patient.id is not None:
            self.kept.opened(chart.patient.id)
        if self.isVisible():
            self.reload()

    def clear(self) -> None:
        """Drop every patient detail (on lock, or another patient)."""
        self.ws, self.chart, self.rows, self._stale = None, None, [], False
        self.model.clear()
        self.month.blockSignals(True)
        self.month.clear()
        self.month.blockSignals(False)
        self.totals.clear()
        self.message.clear()
        self.kept.clear()
        self.empty.hide()
        self._update_buttons()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()

    # -- reading --------------------------------------------------------------------------
    @property
    def patient_id(self) -> int | None:
        return None if self.chart is None else self.chart.patient.id

    def reload(self) -> None:
        """Read the whole history again; the month chosen and the row selected stay."""
        if self.ws is None or self.patient_id is None:
            return
        self._stale = False
        try:
            self.rows = contact_history.history(self.ws, self.patient_id)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return
        self.message.clear()
        shown = self.month.currentText() or ALL
        current = Month.of(self.ws.today())
        labels = [ALL] + [month_label(m) for m in sorted({current, *contact_history.months(self.rows)}, reverse=True)]
        self.month.blockSignals(True)
        self.month.clear()
        self.month.addItems(labels)
        self.month.setCurrentText(shown if shown in labels else ALL)
        self.month.blockSignals(False)
        self._show_month()
        self.kept.show_for(self.ws, self.patient_id)

    def shown_month(self) -> Month | None:
        """The month chosen in the combo; None for All."""
        text = self.month.currentText()
        if not text or text == ALL:
            return None
        name, year = text.rsplit(" ", 1)
        return Month(int(year), MONTH_NAMES.index(name) + 1)

    def _month_changed(self, _index: int) -> None:
        self._show_month()

    def _show_month(self) -> None:
        if self.ws is None:
            return
        month = self.shown_month()
        selected = self.selected()
        key = None if selected is None else (selected.kind, selected.record_id)
        rows = [r for r in self.rows if month is None or r.in_month(month)]
        self.model.set_rows(rows)
        counted = month or Month.of(self.ws.today())
        self.totals.setText(totals_text(contact_history.program_minutes(rows, counted), counted, self._billed(counted)))
        self.empty.setText("No contacts or minutes" + (f" in {month_label(month)}" if month else " yet"))
        self.empty.setVisible(not rows)
        for i, r in enumerate(rows):
            if (r.kind, r.record_id) == key:
                self.table.selectRow(i)
                break
        self._update_buttons()

    def _billed(self, month: Month) -> MonthRow | None:
        """The patient's row of the month's bill (which minutes count); None when it cannot be read."""
        if self.ws is None or self.patient_id is None:
            return None
        try:
            return billing_report.patient_row(self.ws, self.patient_id, month)
        except CareDeskError:
            return None  # the line then shows the minutes logged alone

    def _changed(self, changes: Changes, _source: object) -> None:
        if self.patient_id is None or self.patient_id not in changes.patients:
            return
        # An ended (or corrected) program changes which minutes count: the line says so.
        if not changes.touches(Kind.CONTACT, Kind.TIME, Kind.ENROLLMENT):
            return
        if self.isVisible():
            self.reload()
        else:
            self._stale = True

    # -- correcting and voiding ---------------------------------------------------------------
    def selected(self) -> HistoryRow | None:
        picked = self.table.selectionModel().selectedRows()
        if not picked or picked[0].row() >= self.model.rowCount():
            return None
        return self.model.row(picked[0].row())

    def select_record(self, key: str) -> bool:
        """Select the live row `key` names ("contact:12", as contact_forms.record_key), showing
        every month; False when it is voided or gone."""
        at = next((r for r in self.rows if r.voided is None and f"{r.kind}:{r.record_id}" == key), None)
        if at is None:
            return False
        self.month.setCurrentText(ALL)
        self.table.selectRow(next(i for i in range(self.model.rowCount()) if self.model.row(i) is at))
        return True

    def _update_buttons(self) -> None:
        row = self.selected()
        self.detail.setText("" if row is None else detail_text(row))
        self.detail.setVisible(row is not None)
        live = row is not None and row.voided is None
        self.correct_button.setEnabled(live)
        self.void_button.setEnabled(live)
        for b in (self.log_button, self.time_button):
            b.setEnabled(self.chart is not None)

    def _programs(self) -> list[Program]:
        """The patient's programs as they are now (the chart may have been opened before an enrollment)."""
        assert self.ws is not None and self.patient_id is not None
        chart = patient_records.open_chart(self.ws, self.patient_id, audit_view=False)
        return list(dict.fromkeys(e.program for e in chart.enrollments))

    def correct_selected(self) -> CorrectionForm | None:
        """Open the Correct form on the selected row (returned for tests; None when none)."""
        row = self.selected()
        if row is None or row.voided is not None or self.ws is None:
            return None
        try:
            programs = self._programs()
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return None
        form = CorrectionForm(self.ws, row, programs, self)
        form.open()
        return form

    def void_selected(self) -> VoidForm | None:
        """Open the Void form on the selected row (returned for tests; None when none)."""
        row = self.selected()
        if row is None or row.voided is not None or self.ws is None:
            return None
        form = VoidForm(self.ws, row, self)
        form.open()
        return form

    # -- logging ------------------------------------------------------------------------------
    def _current_chart(self) -> Chart | None:
        """The patient's chart as it is now (programs enrolled since it was opened); None, with
        the store's message, if it cannot be read."""
        if self.ws is None or self.patient_id is None:
            return None
        try:
            return patient_records.open_chart(self.ws, self.patient_id, audit_view=False)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return None

    def log_contact(self) -> LogContactDialog | None:
        """Open Log contact for this patient (window-modal; returned for tests). Once logged, the
        hub tells every page (this tab re-reads) and the tab says what was stored."""
        chart = self._current_chart()
        if chart is None or self.ws is None:
            return None
        tz = self.ws.tz
        dialog = LogContactDialog(self.ws, chart, self)

        def done(result: int) -> None:
            if result == LogContactDialog.DialogCode.Accepted and dialog.logged is not None:
                self.message.show_info(logged_text(dialog.logged, tz))

        dialog.finished.connect(done)
        dialog.open()
        return dialog

    def log_other_time(self) -> LogTimeDialog | None:
        """Open the call panel's Log time dialog for this patient (returned for tests)."""
        chart = self._current_chart()
        if chart is None or self.ws is None or self.patient_id is None:
            return None
        today = self.ws.today()
        programs = list(dict.fromkeys(e.program for e in chart.active_enrollments(today)))
        return open_log_time(
            self.ws,
            self.patient_id,
            chart.patient.display_name,
            programs,
            main_program(chart.enrollments, Month.of(today)),
            self,
            lambda entry: self.message.show_info(f"Logged {entry.minutes} min of {entry.activity.value}."),
        )
