"""Add a patient: demographics and, optionally, the first program with its consent.

The form only collects text; the domain records validate it and name the field, and
the workspace saves patient and enrollment in one transaction, so a refused form
stores nothing.
"""

from __future__ import annotations

import logging

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.new_patient_draft import NewPatientDraft
from caredesk.domain.patients import Enrollment, Patient, Program
from caredesk.errors import CareDeskError
from caredesk.services import new_patient_drafts
from caredesk.services import patients as patient_records
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.enrollment_fields import EnrollmentFields
from caredesk.ui.chart.record_fields import PatientFields, date_text, scrolled_form, show_refusal
from caredesk.ui.common.forms import InlineMessage, heading
from caredesk.ui.common.hub import publish
from caredesk.ui.common.kept_form import kept_time
from caredesk.ui.common.message_box import go_ahead
from caredesk.ui.common.typed_input import AsksBeforeDiscarding, named_values, put_named_values

log = logging.getLogger(__name__)

NO_PROGRAM = "Not enrolled yet"
ADD_ANYWAY = "&Add anyway"


class AddPatientDialog(AsksBeforeDiscarding):
    """Esc or Cancel after typing asks "Discard the new patient?" (AsksBeforeDiscarding); a lock
    closes the form without asking and keeps what was typed as a draft (keep_draft, SPEC §5),
    which the Patients page offers back (ui.chart.kept_new_patient)."""

    discard_question = ("Discard the new patient?", "Discard the new patient? What you typed is not saved.")

    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.saved: Patient | None = None
        self.kept_id: int | None = None  # the stored draft this form was resumed from (or last kept as)
        self.setWindowTitle("Add patient")
        self.setAccessibleName("Add patient")
        # Two columns whose fields show their hints whole ("optional, e.g. Medicare Part B"):
        # about 860 px, within a 1440x900 screen at 125% (1152 px wide then).
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 120)

        self.patient_fields = PatientFields()
        f = self.patient_fields
        self.mrn, self.given, self.family, self.preferred, self.birth = f.mrn, f.given, f.family, f.preferred, f.birth
        self.sex, self.language, self.call_window, self.pcp, self.risk = f.sex, f.language, f.call_window, f.pcp, f.risk
        self.phone = f.phones.rows[0][0]  # the first number; "Another phone" adds more

        self.enrollment_fields = EnrollmentFields([NO_PROGRAM] + [p.value for p in Program])
        e = self.enrollment_fields
        self.program, self.start, self.consent = e.program, e.start, e.consent
        self.consent_method, self.practitioner, self.qmb = e.consent_method, e.practitioner, e.qmb
        self.start.setText(date_text(workspace.today()))
        self.program.currentTextChanged.connect(self._program_changed)

        # Two columns: who the patient is; how to reach them and their program. In one column
        # the form (about 750 px) scrolled at 125% on a 1440x900 screen (720 px tall then).
        # Tab goes down the first column, then the second, as the refusals are ordered.
        form = QFormLayout()
        form.addRow(heading("Patient", "section"))
        second = QFormLayout()
        second.addRow(heading("Contact", "section"))
        f.add_rows(form, contact=second)
        second.addRow(heading("Care-management program", "section"))
        e.add_rows(
            second,
            {
                "program": "Pr&ogram",
                "start date": "&Start date",
                "consent date": "Consen&t date",
                "consent method": "Consent m&ethod",
                "billing practitioner": "&Billing practitioner",
            },
        )

        self.message = InlineMessage("Problem with the form")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Add pat&ient")  # Alt+I: the form's labels take the other letters
        self.save_button.setAccessibleName("Add patient")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.cancel)

        for b in buttons.buttons():
            b.setIcon(QIcon())  # plain buttons, like the rest of CareDesk
        layout = QVBoxLayout(self)
        columns = QHBoxLayout()
        columns.addLayout(form, 1)
        columns.addSpacing(2 * self.fontMetrics().averageCharWidth())
        columns.addLayout(second, 1)
        layout.addWidget(scrolled_form(columns))
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._program_changed(self.program.currentText())
        self.mrn.setFocus()  # typing starts at once, in the form's first field
        self.mark_opened()

    def _program_changed(self, text: str) -> None:
        enrolled = text != NO_PROGRAM
        for widget in self.enrollment_fields.widgets():
            widget.setEnabled(enrolled)
        self.qmb.setEnabled(text == Program.APCM.value)

    def _enrollment(self) -> Enrollment | None:
        if self.program.currentText() == NO_PROGRAM:
            return None
        return self.enrollment_fields.read()  # the patient id is set when the patient is saved

    def submit(self) -> None:
        """Save, or show the first refused field in the form's order and keep the form. A
        patient who looks like one already on the panel (services.patients.PossibleDuplicate)
        is saved only when the question's Add anyway is chosen; Go back keeps the form.
        The rule is domain.same_person's, asked inside add_patient (the CLI's too)."""
        try:
            patient = self.patient_fields.read(self.workspace.today())
            enrollment = self._enrollment()
            try:
                added = patient_records.add_patient(self.workspace, patient, enrollment, check_same_person=True)
            except patient_records.PossibleDuplicate as exc:
                if not self.add_anyway(exc):
                    self.family.setFocus()  # back at the names, to check them against the chart named
                    return
                added = patient_records.add_patient(self.workspace, patient, enrollment)
        except CareDeskError as exc:
            # Where to put the cursor when the domain names a field: read now, with the phone
            # rows "Another phone" added since the form opened ("phone 2" left it on phone 1).
            show_refusal(self.message, {**self.patient_fields.fields(), **self.enrollment_fields.fields()}, exc)
            return
        self.saved = added.value
        publish(added.changes)  # the list has the row before the dialog closes and selects it
        self.accept()

    def add_anyway(self, found: patient_records.PossibleDuplicate) -> bool:
        """Ask whether to add a patient who looks like one on the panel; Go back is the default
        (Enter, Esc), and a letter typed on answers nothing (MessageBox)."""
        one = len(found.matches) == 1
        return go_ahead(
            self,
            "Possible duplicate patient",
            f"{'A patient' if one else 'Patients'} with the same name and birth date {'is' if one else 'are'} "
            f"already in your panel: {found.named()}. Add this patient anyway?",
            ADD_ANYWAY,
            QMessageBox.ButtonRole.AcceptRole,
            informative="Two charts for one person split the calls, the minutes and the bill.",
        )

    # -- kept through a lock (SPEC §5) ------------------------------------------
    def keep_draft(self) -> bool:
        """Keep what was typed in the store before a lock closes the form (the main window's
        lock calls it, as for the chart's contact forms); False when nothing was typed or the
        store refused (logged without what was typed). The form is deleted: nothing typed stays
        in a widget behind the lock."""
        self.deleteLater()
        if not self.typed():
            return False
        draft = NewPatientDraft(updated_at=self.workspace.clock.now(), fields=named_values(self), id=self.kept_id)
        try:
            self.kept_id = new_patient_drafts.keep(self.workspace, draft)
        except CareDeskError as exc:
            log.warning("new patient form not kept as a draft: %s", type(exc).__name__)
            return False
        return True

    def resume(self, draft: NewPatientDraft) -> None:
        """Fill the form from a kept draft (phones past the first get their rows back) and say so;
        Esc still asks before dropping it, and adding the patient drops the draft."""
        phones = self.patient_fields.phones
        while phones.name(len(phones.rows)).capitalize() in draft.fields:
            phones.add_row()
        put_named_values(self, dict(draft.fields))
        self.kept_id = draft.id
        self.message.show_info(
            f"Kept at {kept_time(draft.updated_at, self.workspace)} when CareDesk locked: "
            "check it, then add the patient, or Esc to discard it."
        )

    def _drop_kept(self) -> None:
        draft_id, self.kept_id = self.kept_id, None
        if draft_id is None:
            return
        try:
            new_patient_drafts.discard(self.workspace, draft_id)
        except CareDeskError as exc:  # offered again next time, which loses nothing
            log.warning("kept new patient form not dropped: %s", type(exc).__name__)

    def discarded(self) -> None:
        self._drop_kept()

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._drop_kept()  # added: the draft it came from is done with
        super().done(result)
