"""What accepting an import would do, before anything is stored (issue 13): the counts line, the
patients to add, update or leave (an update's field changes, before -> after), what each patient
still needs (flags such as "needs an ICD-10 code"), and the refused rows with why, which the care
manager can save as a CSV error report.

Model/view throughout: 10,000 rows are three list models, not thousands of widgets. The widget
only shows an `ImportPlan` (domain.incoming); it computes and stores nothing.
"""

from __future__ import annotations

import logging
from datetime import date
from enum import Enum
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.incoming import Action, FieldChange, ImportPlan, ImportProblem, PlannedPatient
from caredesk.errors import CareDeskError
from caredesk.interop.problem_report import write_problems
from caredesk.ui.common.forms import InlineMessage, button, heading, info_label, user_message
from caredesk.ui.common.tables import FilterProxy, RowsModel, row_table, segments

log = logging.getLogger(__name__)

ACTION_WORDS = {Action.ADD: "Add", Action.UPDATE: "Update", Action.SAME: "Unchanged"}
SIZE_SAMPLE_ROWS = 50  # rows a column's width is fitted to
REPORT_NOTE = "The report quotes the file's values, so it may hold patient information."


def counts_text(plan: ImportPlan, unit: str = "row") -> str:
    """'1,900 to add, 12 to update, 0 unchanged, 95 rows refused' (a row with several problems
    counts once; `unit` is "row" for a CSV file, "resource" for a FHIR bundle)."""
    refused = len({p.where for p in plan.problems})
    noun = unit if refused == 1 else f"{unit}s"
    return (
        f"{plan.count(Action.ADD):,} to add, {plan.count(Action.UPDATE):,} to update, "
        f"{plan.count(Action.SAME):,} unchanged, {refused:,} {noun} refused"
    )


def changes_text(changes: tuple[FieldChange, ...]) -> str:
    """'Phone: (555) 010-0101 → (555) 010-0102; Payer: — → Medicare' in one line."""
    return "; ".join(f"{c.field}: {c.before or '—'} → {c.after or '—'}" for c in changes)


class Show(Enum):
    ALL = "All"
    ADD = "To add"
    UPDATE = "To update"
    SAME = "Unchanged"
    FLAGGED = "Need something"


class PlannedModel(RowsModel):
    """One row per incoming patient: from (row or resource), action, MRN, name, born, what changes, needs."""

    headers = ("From", "Action", "MRN", "Name", "Born", "Changes", "Needs")
    CHANGES, NEEDS = 5, 6

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[PlannedPatient] = []

    def set_rows(self, rows: tuple[PlannedPatient, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def planned(self, row: int) -> PlannedPatient:
        return self._rows[row]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        p = self._rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return self._text(p, index.column())
        if role == Qt.ItemDataRole.ToolTipRole and index.column() in (self.CHANGES, self.NEEDS):
            return self._text(p, index.column()) or None  # long lines: the whole text on hover
        return None

    @staticmethod
    def _text(p: PlannedPatient, column: int) -> str:
        patient = p.incoming.patient
        if column == 0:
            return p.incoming.where
        if column == 1:
            return ACTION_WORDS[p.action]
        if column == 2:
            return patient.mrn
        if column == 3:
            return f"{patient.family_name}, {patient.given_name}"
        if column == 4:
            return patient.birth_date.strftime("%m/%d/%Y")
        if column == PlannedModel.CHANGES:
            return changes_text(p.changes)
        return "; ".join(p.incoming.flags)


class PlannedProxy(FilterProxy[PlannedModel]):
    source_type = PlannedModel

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self.show = Show.ALL

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex | QPersistentModelIndex) -> bool:
        p = self.source().planned(source_row)
        if self.show is Show.ALL:
            return True
        if self.show is Show.FLAGGED:
            return bool(p.incoming.flags)
        return p.action.value == self.show.name.lower()


class ChangesModel(RowsModel):
    """The selected update's field changes, one per row: field, before, after."""

    headers = ("Field", "Before", "After")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[FieldChange] = []

    def set_rows(self, rows: tuple[FieldChange, ...]) -> None:
        self.beginResetModel()
        self._rows = list(rows)
        self.endResetModel()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role != Qt.ItemDataRole.DisplayRole:
            return None
        c: FieldChange = self._rows[index.row()]
        return (c.field, c.before or "—", c.after or "—")[index.column()]


class ProblemsModel(RowsModel):
    """The refused rows or resources: where, field, value, why."""

    headers = ("Row", "Column", "Value", "Why")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[ImportProblem] = []

    def set_rows(self, rows: tuple[ImportProblem, ...], where_label: str) -> None:
        self.beginResetModel()
        self.headers = (where_label, *ProblemsModel.headers[1:])
        self._rows = list(rows)
        self.endResetModel()

    def problem(self, row: int) -> ImportProblem:
        return self._rows[row]

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        p: ImportProblem = self._rows[index.row()]
        if role == Qt.ItemDataRole.ToolTipRole:
            return str(p) if index.column() == 3 else None
        return (p.where, p.field, p.value, p.why)[index.column()]


def _fit(view: QTableView, stretch: int) -> None:
    header = view.horizontalHeader()
    # Columns fit the first rows, not all 10,000: Qt's default reads 1,000 rows per column on
    # every layout (selecting a row of a big preview took 260 ms on the GUI thread).
    header.setResizeContentsPrecision(SIZE_SAMPLE_ROWS)
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(stretch, QHeaderView.ResizeMode.Stretch)
    header.setStretchLastSection(False)


class ImportPreview(QWidget):
    """Shows one ImportPlan (`show_plan`); 'Save error report…' writes its problems as CSV.

    `unit`: "row" for a CSV file, "resource" for a FHIR bundle (the counts line and the column
    heading of the refused table say which)."""

    def __init__(self, unit: str = "row", parent: QWidget | None = None):
        super().__init__(parent)
        self.unit = unit
        self.plan: ImportPlan | None = None
        self.today: date | None = None

        self.counts = info_label("What the import would do", "section")
        self.flag_note = info_label("Patients who need something after the import", "hint")

        self.model = PlannedModel(self)
        self.proxy = PlannedProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = row_table(QTableView(), "Patients in the file", self.proxy)
        _fit(self.table, PlannedModel.CHANGES)
        self.table.selectionModel().currentRowChanged.connect(self._current_changed)
        self.filter_row, self.filter_buttons = segments(self, Show, self._show)
        self.changes_model = ChangesModel(self)
        self.changes = row_table(QTableView(), "Changes to the selected patient", self.changes_model)
        _fit(self.changes, 2)
        self.changes_label = QLabel("Changes to the selected patient (before → after)")
        self.changes_label.setBuddy(self.changes)

        patients_tab = QWidget()
        pv = QVBoxLayout(patients_tab)
        pv.addLayout(self.filter_row)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(self.table)
        below = QWidget()
        bv = QVBoxLayout(below)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addWidget(self.changes_label)
        bv.addWidget(self.changes)
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 1)
        pv.addWidget(split, 1)

        self.problems_model = ProblemsModel(self)
        self.problems = row_table(QTableView(), "Refused rows", self.problems_model)
        _fit(self.problems, 3)
        self.problems.setWordWrap(True)
        self.save_button = button("&Save error report…", "Save error report")
        self.save_button.setAutoDefault(False)
        self.save_button.setToolTip(REPORT_NOTE)
        self.save_button.clicked.connect(self.ask_report)
        self.message = InlineMessage("Error report message")
        problems_tab = QWidget()
        qv = QVBoxLayout(problems_tab)
        qv.addWidget(
            heading(f"Refused {unit}s are left out of the import; fix them in the file and import it again.", "hint")
        )
        qv.addWidget(self.problems, 1)
        bottom = QHBoxLayout()
        bottom.addWidget(self.message, 1)
        bottom.addWidget(self.save_button, 0, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop)
        qv.addLayout(bottom)

        self.tabs = QTabWidget()
        self.tabs.setAccessibleName("Import preview")
        self.tabs.addTab(patients_tab, "&Patients")
        self.tabs.addTab(problems_tab, f"Re&fused {unit}s")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.counts)
        layout.addWidget(self.flag_note)
        layout.addWidget(self.tabs, 1)
        self.flag_note.hide()

    # -- showing ---------------------------------------------------------------------
    def show_plan(self, plan: ImportPlan, today: date) -> None:
        self.plan, self.today = plan, today
        self.model.set_rows(plan.patients)
        self.problems_model.set_rows(plan.problems, "Resource" if self.unit == "resource" else "Row")
        self.problems.resizeRowsToContents()
        self.counts.setText(counts_text(plan, self.unit))
        self.counts.setAccessibleDescription(self.counts.text())
        flagged = sum(1 for p in plan.patients if p.incoming.flags)
        self.flag_note.setText(
            f"{flagged:,} patient{'s' if flagged != 1 else ''} will need something after the import "
            "(see Needs; choose Need something to list them)."
            if flagged
            else ""
        )
        self.flag_note.setVisible(bool(flagged))
        refused = len({p.where for p in plan.problems})
        self.tabs.setTabText(0, f"&Patients ({len(plan.patients):,})")
        self.tabs.setTabText(1, f"Re&fused {self.unit}s ({refused:,})")
        self.save_button.setEnabled(bool(plan.problems))
        self.message.clear()
        for which, b in self.filter_buttons.items():
            n = (
                len(plan.patients)
                if which is Show.ALL
                else flagged
                if which is Show.FLAGGED
                else plan.count(Action(which.name.lower()))
            )
            b.setText(f"{which.value}  {n:,}")
        # Updates first catch the eye: they change what is stored.
        start = Show.UPDATE if plan.count(Action.UPDATE) else Show.ALL
        self.filter_buttons[start].setChecked(True)
        self._show(start)
        self.tabs.setCurrentIndex(1 if plan.problems and not plan.patients else 0)

    def clear(self) -> None:
        self.plan = None
        self.model.set_rows(())
        self.problems_model.set_rows((), "Row")
        self.changes_model.set_rows(())
        self.counts.clear()
        self.flag_note.hide()

    def _show(self, which: Show) -> None:
        self.proxy.refilter(lambda: setattr(self.proxy, "show", which))
        if self.proxy.rowCount():
            self.table.selectRow(0)
        else:
            self.changes_model.set_rows(())

    def _current_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if not current.isValid():
            self.changes_model.set_rows(())
            return
        planned = self.model.planned(self.proxy.mapToSource(current).row())
        self.changes_model.set_rows(planned.changes)

    # -- the error report ------------------------------------------------------------
    def ask_report(self) -> None:
        if self.plan is None or not self.plan.problems or self.today is None:
            return
        day = self.today.isoformat()
        default = str(Path.home() / f"caredesk-import-problems-{day}.csv")
        chosen, _ = QFileDialog.getSaveFileName(self, "Save error report", default, "CSV files (*.csv)")
        if chosen:
            path = Path(chosen)
            self.save_report(path if path.suffix else path.with_suffix(".csv"))

    def save_report(self, path: Path) -> bool:
        """Write the refused rows to `path`; the outcome is said under the table."""
        if self.plan is None:
            return False
        try:
            write_problems(path, self.plan.problems)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            return False
        log.info("import error report written (%d problems)", len(self.plan.problems))
        self.message.show_info(f"Error report saved to {path}. {REPORT_NOTE}")
        return True
