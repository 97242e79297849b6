"""File > Import panel from CSV… (Ctrl+Shift+I): a registry spreadsheet's patients, after a column
mapping and a preview, in one step (issue 13, SPEC §7).

    choose the file -> match its columns to CareDesk's fields (the first 5 rows shown as they
    would be read) -> preview (nothing stored) -> Import N patients -> result

The mapping starts from the one remembered for a file with the same header
(interop.csv_mapping.remembered, by header signature), else from the usual column names
(csv_mapping.guess); after a successful import the mapping used is remembered for that header.
The reading rules are interop.csv_table's and csv_panel's; this module only shows them.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from caredesk.domain.incoming import ImportProblem, IncomingPatient
from caredesk.domain.patients import ConsentMethod
from caredesk.errors import CareDeskError, ValidationError
from caredesk.interop import csv_mapping
from caredesk.interop.csv_mapping import FIELDS, Mapping
from caredesk.interop.csv_panel import read_patients
from caredesk.interop.csv_table import Table, read_file
from caredesk.services.changes import Changes
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, info_label
from caredesk.ui.common.tables import RowsModel, row_table
from caredesk.ui.interop.import_steps import ImportSource, ImportWizard, Read

log = logging.getLogger(__name__)

SAMPLE_ROWS = 5  # rows shown as they would be read while the mapping is chosen
NOT_MAPPED = "— not in the file —"
# Mnemonics for the fields a file must have (the rest are reached with Tab); none takes the
# wizard's own Alt+B (Back) or Alt+N (Next).
MNEMONICS = {"mrn": "&MRN", "full_name": "N&ame (Last, First or First Last)", "birth_date": "&Date of birth"}
CONSENT_CHOICES = (
    ("Not given (a consent column says)", None),
    ("Verbal", ConsentMethod.VERBAL),
    ("Written", ConsentMethod.WRITTEN),
)


@dataclass(frozen=True)
class LoadedCsv:
    """The file read on the worker, with the mapping remembered for its header (if any)."""

    path: Path
    table: Table
    remembered: Mapping | None


def load_csv(ws: Workspace, path: Path) -> LoadedCsv:
    table = read_file(path)
    return LoadedCsv(path, table, csv_mapping.remembered(ws, table.header))


def column_name(header: tuple[str, ...], index: int) -> str:
    return header[index] or f"Column {index + 1} (no name)"


class SampleModel(RowsModel):
    """The first rows as the import would read them: the values it would store, or why refused."""

    headers = ("Row", "MRN", "Name", "Born", "Sex", "Phone", "Programs", "Conditions", "Refused because")

    def __init__(self, parent: Any = None):
        super().__init__(parent)
        self._rows: list[tuple[str, ...]] = []

    def set_rows(self, rows: list[tuple[str, ...]]) -> None:
        self.beginResetModel()
        self._rows = rows
        self.endResetModel()

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers[section]
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        text = self._rows[index.row()][index.column()]
        return text if role == Qt.ItemDataRole.DisplayRole else (text or None)


def sample_rows(table: Table, incoming: list[IncomingPatient], problems: list[ImportProblem]) -> list[tuple[str, ...]]:
    """One line per sampled row: what would be stored, or each problem ('DOB "13/45/1950": ...')."""
    by_row = {one.where: one for one in incoming}
    refused: dict[str, list[str]] = {}
    for problem in problems:
        shown = f' "{problem.value}"' if problem.value else ""
        refused.setdefault(problem.where, []).append(f"{problem.field}{shown}: {problem.why}")
    lines: list[tuple[str, ...]] = []
    for number, _cells in table.rows:
        where = f"row {number}"
        one = by_row.get(where)
        if one is None:
            lines.append((str(number), "", "", "", "", "", "", "", "; ".join(refused.get(where, ["refused"]))))
            continue
        p = one.patient
        lines.append(
            (
                str(number),
                p.mrn,
                f"{p.family_name}, {p.given_name}",
                p.birth_date.strftime("%m/%d/%Y"),
                p.sex.value if p.sex.name != "UNKNOWN" else "",
                "; ".join(phone.number for phone in p.phones),
                ", ".join(e.program.value for e in one.enrollments),
                ", ".join(c.icd10 for c in one.conditions),
                "",
            )
        )
    return lines


class MappingPage(QWizardPage):
    """One list of the file's columns per CareDesk field (required ones marked *), the consent method
    for rows that do not say, and the first rows as they would be read, updated with each choice."""

    def __init__(self, wizard: CsvImportWizard):
        super().__init__(wizard)  # owned by the wizard from the start (see ImportWizard)
        self.owner = wizard
        self.setTitle("Match the file's columns")
        self.setSubTitle("Fields marked * are required (a name: one full-name column, or given and family names).")
        self.facts = info_label("The file", "hint")
        self.boxes: dict[str, QComboBox] = {}
        grid = QGridLayout()
        half = (len(FIELDS) + 1) // 2
        previous: QWidget | None = None
        for i, f in enumerate(FIELDS):
            box = QComboBox()
            box.setAccessibleName(f"Column for {f.label}" + (" (required)" if f.required else ""))
            box.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
            box.setMinimumContentsLength(14)
            box.currentIndexChanged.connect(self.refresh)
            text = MNEMONICS.get(f.key, f.label) + (" *" if f.required else "")
            label = QLabel(text)
            label.setBuddy(box)
            column = 0 if i < half else 2
            grid.addWidget(label, i % half, column)
            grid.addWidget(box, i % half, column + 1)
            self.boxes[f.key] = box
            if previous is not None:
                QWidget.setTabOrder(previous, box)
            previous = box
        self.consent = QComboBox()
        self.consent.setAccessibleName("Consent method for rows that do not say")
        for text, _value in CONSENT_CHOICES:
            self.consent.addItem(text)
        self.consent.currentIndexChanged.connect(self.refresh)
        consent_label = QLabel("Consent me&thod when a row does not say")
        consent_label.setBuddy(self.consent)
        grid.addWidget(consent_label, half, 0, 1, 3)
        grid.addWidget(self.consent, half, 3)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        fields = QWidget()
        fields.setLayout(grid)
        scroll = QScrollArea()
        scroll.setWidget(fields)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the lists narrow instead
        scroll.setAccessibleName("Column for each field")
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes from list to list, not to their frame

        self.sample_model = SampleModel(self)
        self.sample = row_table(QTableView(), "First rows as they would be read", self.sample_model)
        header = self.sample.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        sample_label = QLabel("First rows as they would be &read")
        sample_label.setBuddy(self.sample)
        self.message = InlineMessage("Mapping message")
        below = QWidget()
        bv = QVBoxLayout(below)
        bv.setContentsMargins(0, 0, 0, 0)
        bv.addWidget(self.message)
        bv.addWidget(sample_label)
        bv.addWidget(self.sample, 1)
        split = QSplitter(Qt.Orientation.Vertical)
        split.setChildrenCollapsible(False)
        split.addWidget(scroll)
        split.addWidget(below)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.facts)
        layout.addWidget(split, 1)
        if previous is not None:
            QWidget.setTabOrder(previous, self.consent)
        QWidget.setTabOrder(self.consent, self.sample)
        self._table: Table | None = None
        self._filling = False
        self._ok = False

    # -- filling ---------------------------------------------------------------------
    def initializePage(self) -> None:
        loaded = self.owner.loaded()
        if self._table is loaded.table:
            return  # back here over the same file: the choices stay as they were
        self._table = table = loaded.table
        n = len(table.rows)
        separator = {",": "comma", ";": "semicolon", "\t": "tab"}.get(table.delimiter, table.delimiter)
        self.facts.setText(
            f"{loaded.path.name}: {n:,} row{'s' if n != 1 else ''} under the header, {len(table.header)} columns, "
            f"{table.encoding}, {separator}-separated."
            + (" The columns chosen for this header last time are filled in." if loaded.remembered else "")
        )
        if loaded.remembered is not None:
            chosen = loaded.remembered.indices(table.header)
            method = loaded.remembered.consent_method
        else:
            chosen, method = csv_mapping.guess(table.header), None
        self._filling = True
        try:
            for key, box in self.boxes.items():
                box.clear()
                box.addItem(NOT_MAPPED, None)
                for i in range(len(table.header)):
                    box.addItem(column_name(table.header, i), i)
                box.setCurrentIndex(box.findData(chosen[key]) if key in chosen else 0)
            self.consent.setCurrentIndex(next(i for i, (_t, v) in enumerate(CONSENT_CHOICES) if v == method))
        finally:
            self._filling = False
        self.refresh()
        self.boxes["mrn"].setFocus()

    def mapping(self) -> Mapping:
        """The mapping as chosen: field key -> column name."""
        assert self._table is not None
        header = self._table.header
        columns = {key: header[box.currentData()] for key, box in self.boxes.items() if box.currentData() is not None}
        return Mapping(columns=columns, consent_method=CONSENT_CHOICES[self.consent.currentIndex()][1])

    def refresh(self) -> None:
        """Check the choice and read the first rows through it (a few rows: on the GUI thread)."""
        if self._filling or self._table is None:
            return
        self._ok = False
        table = self._table
        used: dict[int, list[str]] = {}
        for f in FIELDS:
            index = self.boxes[f.key].currentData()
            if index is not None:
                used.setdefault(index, []).append(f.label)
        twice = next(((i, labels) for i, labels in used.items() if len(labels) > 1), None)
        absent = csv_mapping.missing({k for k, box in self.boxes.items() if box.currentData() is not None})
        if twice is not None:
            self.message.show_error(
                f'The column "{column_name(table.header, twice[0])}" is chosen for both {" and ".join(twice[1])}: '
                "choose it for one field."
            )
        elif absent:
            self.message.show_error(f"Still needed: a column for {' and '.join(absent)}.")
        elif not any(table.header):
            self.message.show_error("The file's first row names no columns.")
        elif self._consent_unsaid():
            # The domain requires a method with every consent date (csv_panel refuses the mapping):
            # said here with the choice on this page, not the mapping file's "consent_method".
            self.message.show_error(
                "Consent date: every consent needs its method. Choose a Consent method column, or "
                "Verbal or Written under “Consent method when a row does not say”."
            )
        else:
            try:
                sample = replace(table, rows=table.rows[:SAMPLE_ROWS])
                incoming, problems = read_patients(sample, self.mapping(), today=self.owner.ws.today())
            except ValidationError as exc:
                self.message.show_error(f"{exc.message[:1].upper()}{exc.message[1:]}.")
                self.sample_model.set_rows([])
            else:
                self._ok = True
                self.sample_model.set_rows(sample_rows(sample, incoming, problems))
                self.message.clear()
        if not self._ok:
            self.sample_model.set_rows([])
        self.completeChanged.emit()

    def _consent_unsaid(self) -> bool:
        mapped = {k for k, box in self.boxes.items() if box.currentData() is not None}
        return (
            "consent_date" in mapped
            and "consent_method" not in mapped
            and CONSENT_CHOICES[self.consent.currentIndex()][1] is None
        )

    def isComplete(self) -> bool:
        return self._ok


class CsvImportWizard(ImportWizard):
    """The CSV import (see the module docstring); `load_file(path)` starts it on a given file."""

    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        source = ImportSource(
            noun="CSV file",
            unit="row",
            file_filter="CSV files (*.csv *.txt *.tsv);;All files (*)",
            load=load_csv,
        )
        super().__init__(ws, source, parent)
        self.setWindowTitle("Import panel from CSV")
        self.setAccessibleName("Import panel from CSV")
        self.mapping_page = MappingPage(self)
        self.add_middle_page(self.mapping_page)
        self.finish_pages()
        self._used: Mapping | None = None

    def loaded(self) -> LoadedCsv:
        loaded = self.file_page.loaded
        assert isinstance(loaded, LoadedCsv)
        return loaded

    def load_file(self, path: Path) -> None:
        """Choose `path` and read it (Next on the first page)."""
        self.file_page.path.setText(str(path))
        self.next()

    def read_incoming(self) -> Callable[[], Read]:
        table, mapping, today = self.loaded().table, self.mapping_page.mapping(), self.ws.today()
        self._used = mapping
        return lambda: read_patients(table, mapping, today=today)

    def after_import(self, ws: Workspace) -> Changes:
        """Remember the mapping for this header (an audited setting: column names, no patient data)."""
        if self._used is None:
            return Changes()
        try:
            return csv_mapping.remember(ws, self.loaded().table.header, self._used)
        except CareDeskError as exc:
            log.warning("the CSV mapping was not remembered: %s", type(exc).__name__)
            raise CareDeskError(f"The column choices could not be remembered for next time: {exc}") from None
