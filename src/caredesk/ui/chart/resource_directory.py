"""File > Community resources (Ctrl+Shift+R): the directory referrals are made to (issue 10).

The resources by name (name, needs, phone, hours, active) with a search box over the names and
a need filter; inactive ones only when asked. Add… and Edit… open the resource form
(caredesk.ui.chart.resource_form). Import CSV… reads a file in the background
(services.resource_import): on success it says how many were added; on a refusal nothing is
saved and every bad row is listed ("row 4: phone: 12 is not a phone number; type all 10 digits").
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QListWidget,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.community import CommunityResource, Need, search
from caredesk.errors import CareDeskError
from caredesk.services import community as directory
from caredesk.services import resource_import
from caredesk.services.changes import Saved
from caredesk.services.resource_import import ImportRefused
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.referral_dialogs import need_title
from caredesk.ui.chart.resource_form import ResourceDialog
from caredesk.ui.chart.tab_parts import ButtonRow, RecordTable, Row, line
from caredesk.ui.common.forms import (
    InlineMessage,
    button,
    dialog_buttons,
    field_says,
    heading,
    info_label,
    user_message,
)
from caredesk.ui.common.hub import publish
from caredesk.ui.common.workers import TaskRunner

log = logging.getLogger(__name__)
HEADERS = ("Name", "Needs", "Phone", "Hours", "Active")
ALL_NEEDS = "All needs"


def resource_row(r: CommunityResource) -> Row:
    assert r.id is not None
    needs = ", ".join(need_title(n) for n in r.needs)
    return Row(
        r.id, (r.name, needs, r.phone or "—", r.hours or "—", "yes" if r.active else "no"), "" if r.active else "muted"
    )


class ResourceDirectory(QDialog):
    def __init__(self, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Community resources")
        self.setAccessibleName("Community resources")
        self.ws = ws
        self._all: list[CommunityResource] = []
        self._shown: dict[int, CommunityResource] = {}
        self.runner = TaskRunner(self)

        self.search = line("Search by name", "type part of a name")
        self.search.setClearButtonEnabled(True)
        self.need = QComboBox()
        self.need.setAccessibleName("Need filter")
        self.need.addItem(ALL_NEEDS, None)
        for n in Need:
            self.need.addItem(need_title(n), n.value)
        self.inactive = QCheckBox("Show &inactive")
        self.inactive.setAccessibleName("Show inactive resources")
        search_label, need_label = QLabel("&Search"), QLabel("N&eed")
        search_label.setBuddy(self.search)
        need_label.setBuddy(self.need)
        top = QHBoxLayout()
        top.addWidget(search_label)
        top.addWidget(self.search, 2)
        top.addWidget(need_label)
        top.addWidget(self.need, 1)
        top.addWidget(self.inactive)

        self.table = RecordTable("Community resources", HEADERS, 0)
        self.table.activated.connect(lambda _index: self.edit_resource())
        self.table.current_changed.connect(self._selection_changed)
        self.count = info_label("Number of resources", "muted")
        self.detail = info_label("Address, eligibility and notes of the selected resource")
        self.empty = heading("No community resources yet. Add one, or import a CSV file.", "muted")
        self.add_button = button("&Add…", "Add community resource")
        self.edit_button = button("E&dit…", "Edit community resource")
        self.import_button = button("Import &CSV…", "Import community resources from a CSV file")
        self.import_button.setToolTip(
            "Columns: name, needs, phone, address, hours, eligibility, notes (name and needs required; "
            "needs separated by ';'). Nothing is imported when any row is wrong."
        )
        self.add_button.clicked.connect(self.add_resource)
        self.edit_button.clicked.connect(self.edit_resource)
        self.import_button.clicked.connect(self.ask_import)

        self.message = InlineMessage("Community resources message")
        self.problems = QListWidget()
        self.problems.setAccessibleName("Rows not imported")
        self.problems.setMaximumHeight(self.fontMetrics().lineSpacing() * 8)
        self.problems.hide()
        close = dialog_buttons(QDialogButtonBox.StandardButton.Close, self.reject, self.reject)

        lay = QVBoxLayout(self)
        lay.addLayout(top)
        lay.addWidget(self.count)
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        lay.addWidget(self.detail)
        lay.addLayout(ButtonRow(self.add_button, self.edit_button, self.import_button))
        lay.addWidget(self.message)
        lay.addWidget(self.problems)
        lay.addWidget(close)

        self.search.textChanged.connect(lambda _t: self._show())
        self.need.currentIndexChanged.connect(lambda _i: self._show())
        self.inactive.toggled.connect(lambda _on: self._show())
        width = self.fontMetrics().averageCharWidth()
        self.resize(width * 110, self.fontMetrics().lineSpacing() * 40)
        self.load()
        self.search.setFocus()

    # -- reading -----------------------------------------------------------------
    def load(self) -> None:
        try:
            self._all = directory.resources(self.ws, include_inactive=True)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            self._all = []
        self._show()

    def _show(self) -> None:
        data = self.need.currentData()
        need = None if data is None else Need(data)
        found = search(self._all, need=need, text=self.search.text(), include_inactive=self.inactive.isChecked())
        self._shown = {r.id: r for r in found if r.id is not None}
        self.table.fill([resource_row(r) for r in found])
        inactive = sum(not r.active for r in self._all)
        total = f"{len(self._all)} resource{'s' if len(self._all) != 1 else ''}"
        total += f" ({inactive} inactive)" if inactive else ""
        self.count.setText(f"Showing {len(found)} of {total}.")
        self.table.setVisible(bool(self._all))
        self.count.setVisible(bool(self._all))
        self.empty.setVisible(not self._all)
        self._selection_changed()

    def _selection_changed(self) -> None:
        r = self.current()
        self.edit_button.setEnabled(r is not None)
        parts = [] if r is None else [("Address", r.address), ("Eligibility", r.eligibility), ("Notes", r.notes)]
        self.detail.setText("\n".join(f"{label}: {text}" for label, text in parts if text))
        self.detail.setVisible(bool(self.detail.text()))

    def current(self) -> CommunityResource | None:
        rid = self.table.current_id()
        return None if rid is None else self._shown.get(rid)

    # -- writing -------------------------------------------------------------------
    def add_resource(self) -> ResourceDialog:
        return self._open(ResourceDialog(self.ws, parent=self))

    def edit_resource(self) -> ResourceDialog | None:
        r = self.current()
        return None if r is None else self._open(ResourceDialog(self.ws, r, parent=self))

    def _open(self, dialog: ResourceDialog) -> ResourceDialog:
        def done() -> None:
            saved = dialog.saved
            self.load()
            if isinstance(saved, CommunityResource):
                if saved.id not in self._shown:  # filtered out: show it
                    self.search.clear()
                    self.need.setCurrentIndex(0)
                    self.inactive.setChecked(self.inactive.isChecked() or not saved.active)
                self.table.select_id(saved.id)
                self.message.show_info(f"Saved {saved.name}.")
                self.problems.hide()
            self.table.setFocus()

        dialog.accepted.connect(done)
        dialog.open()
        return dialog

    def ask_import(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "Import community resources", str(Path.home()), "CSV files (*.csv);;All files (*)"
        )
        if chosen:
            self.import_file(Path(chosen))

    def import_file(self, path: Path) -> None:
        """Import `path` in the background; the result is shown under the list."""
        if self.runner.busy:
            return
        self.import_button.setEnabled(False)
        self.problems.hide()
        self.message.show_info(f"Importing {path.name}…")
        ws = self.ws
        self.runner.run(lambda: resource_import.import_resources(ws, path), self._imported, self._refused)

    def _imported(self, result: Saved[list[CommunityResource]]) -> None:
        self.import_button.setEnabled(True)
        publish(result.changes, self)
        n = len(result.value)
        self.load()
        self.message.show_info(f"Imported {n} resource{'s' if n != 1 else ''}.")

    def _refused(self, exc: BaseException) -> None:
        self.import_button.setEnabled(True)
        if isinstance(exc, ImportRefused):
            rows = len({r.line for r in exc.refusals})
            self.message.show_error(
                f"Nothing imported from {exc.field}: {rows} row{'s' if rows != 1 else ''} need correcting. "
                "Fix them in the file and import it again."
            )
            self.problems.clear()
            self.problems.addItems([f"Row {r.line}: {field_says(r.field, r.message)}" for r in exc.refusals])
            self.problems.show()
            self.problems.setCurrentRow(0)
            self.problems.setFocus(Qt.FocusReason.OtherFocusReason)
        elif isinstance(exc, CareDeskError):
            self.message.show_error(user_message(exc))
        else:
            log.error("resource import failed: %s", type(exc).__name__)  # the type only: rows are data
            self.message.show_error("The file could not be imported. Nothing was saved.")

    def done(self, result: int) -> None:
        self.runner.shutdown()  # an import running finishes (or not) before the dialog goes
        super().done(result)
