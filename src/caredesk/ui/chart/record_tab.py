"""The chart's Record tab: who the patient is (every demographic field), their status, and
the programs they are enrolled in with consent, billing practitioner and QMB.

Edit details… (Alt+I), Change status… (Alt+S), Enroll… (Alt+N), Edit program… (Alt+P), End
program… (Alt+D) and Remove program… (Alt+V, an enrollment entered in error) open small forms
(ui/chart/record_dialogs.py, remove_program_dialog.py); each Alt key is the tab's alone
(tests/ui/test_mnemonics.py). A program that starts after today reads "starts MM/DD/YYYY".
The tab reads its patient when first shown and again when a change set names that patient
with a patient or enrollment change.

A program is always chosen when there is one (the first still running, else the first row; the
one chosen stays chosen when the table is read again), so Edit program… (Alt+P) and End
program… (Alt+D) act at once: a keyboard-only tester found them greyed out for a patient with
one program until a row was clicked.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QKeyEvent, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFormLayout,
    QLabel,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.calendar import us_date
from caredesk.domain.patients import Chart, Enrollment, Patient, Program, Status
from caredesk.errors import CareDeskError
from caredesk.services import patient_records
from caredesk.services.changes import Changes, Kind
from caredesk.services.enrollments import CURRENT, UPCOMING, enrollment_status
from caredesk.services.patient_records import PatientRecord
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.record_dialogs import EditPatientDialog, EndProgramDialog, EnrollmentDialog, StatusDialog
from caredesk.ui.chart.remove_program_dialog import RemoveProgramDialog
from caredesk.ui.chart.summary_table import SummaryTable
from caredesk.ui.chart.tab_parts import ButtonRow
from caredesk.ui.common import theme
from caredesk.ui.common.forms import InlineMessage, button, heading, info_label, user_message
from caredesk.ui.common.hub import hub

# "Practitioner" is the billing practitioner (said in its tooltip): the long header was cut at 125%.
PROGRAM_HEADERS = ("Program", "Start", "End", "Consent", "Practitioner", "QMB")
DETAILS = (
    ("MRN", "MRN"),
    ("Name", "Name"),
    ("Preferred name", "Preferred name"),
    ("Date of birth", "Date of birth"),
    ("Sex", "Sex"),
    ("Language", "Language"),
    ("Phones", "Phone numbers"),
    ("Address", "Address"),
    ("Call window", "Preferred call window"),
    ("PCP", "Primary-care provider"),
    ("Payer", "Payer"),
    ("Risk tier", "Risk tier"),
    ("Status", "Status"),
)


def status_text(p: Patient) -> str:
    """'Active', 'Paused', 'Disenrolled' or 'Deceased 11/02/2026'."""
    text = p.status.value.capitalize()
    return f"{text} {us_date(p.died_on)}" if p.status is Status.DECEASED and p.died_on else text


def consent_text(e: Enrollment) -> str:
    if e.consent_date is None:
        return "Not on file"
    method = f" ({e.consent_method.value})" if e.consent_method else ""
    return f"{us_date(e.consent_date)}{method}"


class ProgramsTable(SummaryTable):
    """The enrollments, one row each; Enter or a double-click edits the row, Insert enrolls,
    Delete removes (entered in error), Tab leaves."""

    def __init__(self) -> None:
        super().__init__("Programs and consent", PROGRAM_HEADERS, 4)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setTabKeyNavigation(False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.ids: list[int] = []
        self.keys: dict[Qt.Key, Callable[[], None]] = {}
        header = self.horizontalHeaderItem(4)
        if header is not None:
            header.setToolTip("Billing practitioner")

    def show_enrollments(self, enrollments: tuple[Enrollment, ...], today: date | None = None) -> None:
        """One row per enrollment; one starting after `today` reads 'starts MM/DD/YYYY'. The
        program chosen before stays chosen when it is still listed; otherwise the first one
        not ended is (else the first row), so the buttons that act on one work at once."""
        chosen = self.selected_id()
        self.ids = [e.id for e in enrollments if e.id is not None]
        status = {e.id: enrollment_status(e, today) if today else "" for e in enrollments}
        self.fill(
            [
                (
                    e.program.value,
                    f"starts {us_date(e.start_date)}" if status[e.id] == UPCOMING else us_date(e.start_date),
                    us_date(e.end_date) if e.end_date else "",
                    consent_text(e),
                    e.billing_practitioner,
                    "Yes" if e.qmb else "",
                )
                for e in enrollments
            ]
        )
        # Columns nobody's enrollment fills give their width to the practitioner's name, which a
        # narrow chart pane at 125% cut to "Dr. …" under a header cut to "Billi".
        self.setColumnHidden(2, not any(e.end_date for e in enrollments))  # End
        self.setColumnHidden(5, not any(e.qmb or e.program is Program.APCM for e in enrollments))  # QMB
        for row, e in enumerate(enrollments):
            item = self.item(row, 3)
            if item is not None and e.consent_date is None and status[e.id] == CURRENT:
                item.setForeground(QColor(theme.current().warning))  # a current program that cannot bill
        if chosen not in self.ids:
            chosen = next((e.id for e in enrollments if e.end_date is None), self.ids[0] if self.ids else None)
        if chosen is not None:
            self.setCurrentCell(self.ids.index(chosen), 0)  # chooses it; the focus stays where it is

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Insert enrolls, Delete removes the chosen program (as in the other chart lists)."""
        action = self.keys.get(Qt.Key(event.key())) if event.modifiers() == Qt.KeyboardModifier.NoModifier else None
        if action is None:
            super().keyPressEvent(event)
            return
        event.accept()
        action()

    def selected_id(self) -> int | None:
        row = self.currentRow()
        return self.ids[row] if 0 <= row < len(self.ids) and self.selectionModel().hasSelection() else None


class RecordTab(QWidget):
    tab_title = "Record"

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setAccessibleName("Patient record")
        self.ws: Workspace | None = None
        self.patient_id: int | None = None
        self.data: PatientRecord | None = None
        self.dialog: QDialog | None = None  # the form open over the tab, if any
        self._stale = False  # read again when next shown
        hub().changed.connect(self._changed)

        # Containers first, then what goes in them: moving a widget into a parent re-applies the
        # style sheet to all it holds, so the scroll area and its page are in place while empty
        # (the page filled first and moved in last: making this tab 12 -> 6 ms, issue 14).
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(self)
        scroll.setWidgetResizable(True)
        scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        outer.addWidget(scroll)
        body = QWidget()
        scroll.setWidget(body)
        lay = QVBoxLayout(body)
        self.edit_button = button("Ed&it details…", "Edit patient details")
        self.status_button = button("Change &status…", "Change status")
        # Headings over rows of buttons that wrap: at 125% or in a narrow chart pane a heading
        # beside four buttons pushed the last ones out of sight.
        lay.addWidget(heading("Patient", "section"))
        lay.addLayout(ButtonRow(self.edit_button, self.status_button))
        details = QFormLayout()
        details.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        self.values: dict[str, QLabel] = {}
        for label, name in DETAILS:
            value = info_label(name)
            self.values[label] = value
            details.addRow(f"{label}:", value)
        lay.addLayout(details)

        self.enroll_button = button("E&nroll…", "Enroll in a program")
        self.change_button = button("Edit &program…", "Edit the selected program")
        self.end_button = button("En&d program…", "End the selected program")
        self.remove_button = button("Remo&ve program…", "Remove the selected program (entered in error)")
        lay.addWidget(heading("Programs and consent", "section"))
        lay.addLayout(ButtonRow(self.enroll_button, self.change_button, self.end_button, self.remove_button))
        self.programs = ProgramsTable()
        self.no_programs = heading("Not enrolled in any program.", "muted")
        lay.addWidget(self.programs)
        lay.addWidget(self.no_programs)
        self.message = InlineMessage("Record message")
        lay.addWidget(self.message)
        lay.addStretch(1)

        self.edit_button.clicked.connect(self.edit_details)
        self.status_button.clicked.connect(self.change_status)
        self.enroll_button.clicked.connect(self.enroll)
        self.change_button.clicked.connect(self.change_program)
        self.end_button.clicked.connect(self.end_program)
        self.remove_button.clicked.connect(self.remove_program)
        self.programs.keys = {Qt.Key.Key_Insert: self.enroll, Qt.Key.Key_Delete: self.remove_program}
        self.programs.activated.connect(lambda _index: self.change_program())
        self.programs.itemSelectionChanged.connect(self._update_buttons)
        self.clear()

    # -- the ChartTab protocol ----------------------------------------------------
    def open(self, ws: Workspace, chart: Chart) -> None:
        """Remember the patient; the chart already read their record, so showing it costs nothing."""
        self.ws, self.patient_id = ws, chart.patient.id
        self.data = PatientRecord(
            chart.patient, tuple(sorted(chart.enrollments, key=lambda e: (e.start_date, e.id or 0)))
        )
        self._stale = False
        if self.isVisible():
            self._show()
        else:
            self._blank()

    def clear(self) -> None:
        """Drop every patient detail (on lock); an open form closes unsaved."""
        if self.dialog is not None:
            self.dialog.reject()
        self.ws, self.patient_id, self.data, self._stale = None, None, None, False
        self._blank()

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        if self._stale:
            self.reload()
        elif self.data is not None:
            self._show()

    # -- reading and showing ------------------------------------------------------
    def reload(self) -> None:
        if self.ws is None or self.patient_id is None:
            return
        self._stale = False
        try:
            self.data = patient_records.record(self.ws, self.patient_id)
        except CareDeskError as exc:
            self._blank()
            self.message.show_error(user_message(exc))
            return
        self._show()

    def _changed(self, changes: Changes, _source: object) -> None:
        if self.patient_id in changes.patients and changes.touches(Kind.PATIENT, Kind.ENROLLMENT):
            if self.isVisible():
                self.reload()
            else:
                self._stale = True

    def _show(self) -> None:
        if self.data is None:
            return
        p = self.data.patient
        values = {
            "MRN": p.mrn,
            "Name": f"{p.family_name}, {p.given_name}",
            "Preferred name": p.preferred_name or "—",
            "Date of birth": us_date(p.birth_date),
            "Sex": p.sex.value,
            "Language": p.language or "—",
            "Phones": " · ".join(f"{ph.number} ({ph.kind})" for ph in p.phones) or "No phone on file",
            "Address": p.address or "—",
            "Call window": p.call_window or "—",
            "PCP": p.pcp or "—",
            "Payer": p.payer or "—",
            "Risk tier": p.risk_tier.value,
            "Status": status_text(p),
        }
        for key, label in self.values.items():
            label.setText(values[key])
        theme.set_role(self.values["Status"], "" if p.status is Status.ACTIVE else "warning")
        self.programs.show_enrollments(self.data.enrollments, self.ws.today() if self.ws is not None else None)
        self.no_programs.setVisible(not self.data.enrollments)
        self._update_buttons()

    def _blank(self) -> None:
        for label in self.values.values():
            label.clear()
        self.programs.show_enrollments(())
        self.no_programs.hide()
        self.message.clear()
        self._update_buttons()

    def _update_buttons(self) -> None:
        loaded = self.data is not None and self.ws is not None
        chosen = self._selected()
        for b in (self.edit_button, self.status_button, self.enroll_button):
            b.setEnabled(loaded)
        self.change_button.setEnabled(loaded and chosen is not None)
        self.end_button.setEnabled(loaded and chosen is not None and chosen.end_date is None)
        self.remove_button.setEnabled(loaded and chosen is not None)

    def _selected(self) -> Enrollment | None:
        chosen = self.programs.selected_id()
        if self.data is None or chosen is None:
            return None
        return next((e for e in self.data.enrollments if e.id == chosen), None)

    # -- actions ------------------------------------------------------------------
    def _run(self, dialog: QDialog) -> None:
        """Open the form over the chart (not blocking); a save publishes its change set,
        which this tab hears like every other page."""
        self.message.clear()
        self.dialog = dialog
        dialog.finished.connect(lambda _result: setattr(self, "dialog", None))
        dialog.open()

    def edit_details(self) -> None:
        if self.ws is not None and self.data is not None:
            self._run(EditPatientDialog(self.ws, self.data.patient, self))

    def change_status(self) -> None:
        if self.ws is not None and self.data is not None:
            self._run(StatusDialog(self.ws, self.data.patient, self))

    def enroll(self) -> None:
        if self.ws is not None and self.patient_id is not None:
            self._run(EnrollmentDialog(self.ws, self.patient_id, None, self))

    def change_program(self) -> None:
        chosen = self._selected()
        if self.ws is not None and self.patient_id is not None and chosen is not None:
            self._run(EnrollmentDialog(self.ws, self.patient_id, chosen, self))

    def end_program(self) -> None:
        chosen = self._selected()
        if self.ws is not None and chosen is not None and chosen.end_date is None:
            self._run(EndProgramDialog(self.ws, chosen, self))

    def remove_program(self) -> None:
        chosen = self._selected()
        if self.ws is not None and chosen is not None:
            self._run(RemoveProgramDialog(self.ws, chosen, self))
