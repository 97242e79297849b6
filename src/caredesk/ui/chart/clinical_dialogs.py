"""The Clinical tab's forms: a condition by ICD-10-CM code (ui/chart/icd10_field.py), an allergy, a care-team member, a
medication, a dose change, a stop, an adherence check, and a medication's adherence history.

Each form collects text and lets services.clinical validate it; a refusal names the field,
keeps the form and stores nothing (tab_parts.FormDialog).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain.calendar import us_date
from caredesk.domain.medications import AdherenceAnswer
from caredesk.domain.patients import Allergy, CareTeamMember, Condition, Medication
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import clinical, medications
from caredesk.services.changes import Saved
from caredesk.services.workspace import Workspace
from caredesk.ui.chart.icd10_field import Icd10Field
from caredesk.ui.chart.tab_parts import DATE_HINT, FormDialog, RecordTable, Row, date_text, line, typed_date
from caredesk.ui.common.forms import dialog_buttons, info_label
from caredesk.ui.common.print_warning import add_print_warning

ROLES = ("PCP", "Cardiologist", "Endocrinologist", "Nephrologist", "Pulmonologist", "Pharmacist",
         "Caregiver", "Home health nurse", "Social worker", "Care manager")  # fmt: skip
FREQUENCIES = ("once a day", "twice a day", "three times a day", "at bedtime", "every morning", "once a week",
               "as needed")  # fmt: skip
STOP_REASONS = ("side effects", "no longer needed", "prescriber stopped it", "replaced by another medicine",
                "cost")  # fmt: skip
ANSWER_LABELS = {
    AdherenceAnswer.TAKEN: "&Taken as prescribed",
    AdherenceAnswer.MISSED: "&Missed doses",
    AdherenceAnswer.STOPPED: "&Stopped taking it",
    AdherenceAnswer.COST_OR_ACCESS: "&Cost or access problem",
}


def editable_combo(name: str, items: tuple[str, ...], text: str = "", placeholder: str = "") -> QComboBox:
    """A combo that offers common values and takes any typed text."""
    box = QComboBox()
    box.setEditable(True)
    box.setAccessibleName(name)
    box.addItems(list(items))
    box.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
    box.setCurrentText(text)
    edit = box.lineEdit()
    assert edit is not None  # an editable combo has one
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return box


class ConditionDialog(FormDialog):
    """Add a condition by code; or (given one) correct whether it is chronic and its onset."""

    def __init__(self, ws: Workspace, patient_id: int, condition: Condition | None = None, parent: Any = None):
        super().__init__("Edit condition" if condition else "Add condition", parent)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 75)  # official descriptions are long
        self.ws, self.patient_id, self.condition = ws, patient_id, condition
        self.chronic = QCheckBox("Expected to last 12 months or more")
        self.chronic.setAccessibleName("Chronic")
        self.chronic.setChecked(condition.chronic if condition else True)
        self.onset = line(
            "Onset date", f"{DATE_HINT}, blank if not known", date_text(condition.onset if condition else None)
        )
        if condition is None:
            self.code = Icd10Field()
            code_row: tuple[str, QWidget, str] = ("&ICD-10 code", self.code, "ICD-10 code")
        else:
            shown = info_label("Condition")
            shown.setText(f"{condition.icd10}: {condition.display}")
            code_row = ("Condition", shown, "condition")
        self.add_rows([code_row, ("C&hronic", self.chronic, "chronic"), ("&Onset", self.onset, "onset date")])
        if condition is None:
            self.fields["ICD-10 code"] = self.code.edit  # a refusal puts the cursor in the code

    def save(self) -> Saved[Any]:
        onset = typed_date("onset date", self.onset, required=False)
        if self.condition is None:
            return clinical.add_condition(
                self.ws, self.patient_id, self.code.text(), chronic=self.chronic.isChecked(), onset=onset
            )
        assert self.condition.id is not None
        return clinical.change_condition(self.ws, self.condition.id, chronic=self.chronic.isChecked(), onset=onset)


class AllergyDialog(FormDialog):
    """Add an allergy, or correct one's substance and reaction."""

    def __init__(self, ws: Workspace, patient_id: int, allergy: Allergy | None = None, parent: Any = None):
        super().__init__("Edit allergy" if allergy else "Add allergy", parent)
        self.ws, self.patient_id, self.allergy = ws, patient_id, allergy
        self.substance = line(
            "Allergy substance", "e.g. Penicillin, peanuts, latex", allergy.substance if allergy else ""
        )
        self.reaction = line("Reaction", "e.g. hives, anaphylaxis", allergy.reaction if allergy else "")
        self.add_rows([("&Substance", self.substance, "allergy substance"), ("&Reaction", self.reaction, "reaction")])

    def save(self) -> Saved[Any]:
        if self.allergy is None:
            return clinical.add_allergy(
                self.ws, self.patient_id, substance=self.substance.text(), reaction=self.reaction.text()
            )
        assert self.allergy.id is not None
        return clinical.change_allergy(
            self.ws, self.allergy.id, substance=self.substance.text(), reaction=self.reaction.text()
        )


class MemberDialog(FormDialog):
    """Add a care-team member, or correct one."""

    def __init__(self, ws: Workspace, patient_id: int, member: CareTeamMember | None = None, parent: Any = None):
        super().__init__("Edit care-team member" if member else "Add care-team member", parent)
        self.ws, self.patient_id, self.member = ws, patient_id, member
        self.role = editable_combo("Care-team role", ROLES, member.role if member else "", "e.g. Cardiologist")
        self.name = line("Care-team name", "e.g. Dr. Ana Ruiz", member.name if member else "")
        self.phone = line("Care-team phone", "(555) 010-1234", member.phone if member else "")
        self.organization = line("Organization", "practice, clinic or agency", member.organization if member else "")
        self.add_rows(
            [
                ("&Role", self.role, "care-team role"),
                ("&Name", self.name, "care-team name"),
                ("&Phone", self.phone, "care-team phone"),
                ("&Organization", self.organization, "organization"),
            ]
        )
        # "Who to call" on the patient's copy prints them.
        add_print_warning(self.form, self.name, "Name")
        add_print_warning(self.form, self.organization, "Organization")

    def save(self) -> Saved[Any]:
        values = {
            "role": self.role.currentText(),
            "name": self.name.text(),
            "phone": self.phone.text(),
            "organization": self.organization.text(),
        }
        if self.member is None:
            return clinical.add_member(self.ws, self.patient_id, **values)
        assert self.member.id is not None
        return clinical.change_member(self.ws, self.member.id, **values)


class MedicationDialog(FormDialog):
    """Add a current medication."""

    def __init__(self, ws: Workspace, patient_id: int, parent: Any = None):
        super().__init__("Add medication", parent)
        self.ws, self.patient_id = ws, patient_id
        self.name = line("Medication", "e.g. Metformin")
        self.dose = line("Dose", "e.g. 500 mg")
        self.frequency = editable_combo("Frequency", FREQUENCIES, "", "e.g. twice a day")
        self.prescriber = line("Prescriber", "optional")
        self.start = line("Start date", f"{DATE_HINT}, blank if not known")
        self.add_rows(
            [
                ("&Medication", self.name, "medication"),
                ("&Dose", self.dose, "dose"),
                ("&Frequency", self.frequency, "frequency"),
                ("&Prescriber", self.prescriber, "prescriber"),
                ("&Start date", self.start, "start date"),
            ]
        )

    def save(self) -> Saved[Any]:
        return medications.add_medication(
            self.ws,
            self.patient_id,
            name=self.name.text(),
            dose=self.dose.text(),
            frequency=self.frequency.currentText(),
            prescriber=self.prescriber.text(),
            start_date=typed_date("start date", self.start, required=False),
        )


def _medicine_label(m: Medication) -> QLabel:
    label = info_label("Medication", "section")
    label.setText(" ".join(x for x in (m.name, m.dose, m.frequency) if x))
    return label


class DoseDialog(FormDialog):
    """A new dose or frequency from a day: the current record stops, a new one starts."""

    def __init__(self, ws: Workspace, medication: Medication, parent: Any = None):
        super().__init__("Change dose", parent)
        self.ws, self.medication = ws, medication
        self.dose = line("New dose", "e.g. 1000 mg", medication.dose)
        self.frequency = editable_combo("New frequency", FREQUENCIES, medication.frequency)
        self.on = line("Date of change", DATE_HINT, date_text(ws.today()))
        self.add_rows(
            [
                ("Medication", _medicine_label(medication), "medication"),
                ("New &dose", self.dose, "dose"),
                ("New &frequency", self.frequency, "frequency"),
                ("Date of &change", self.on, "date of change"),
            ]
        )
        self.dose.selectAll()

    def save(self) -> Saved[Any]:
        assert self.medication.id is not None
        return medications.change_dose(
            self.ws,
            self.medication.id,
            dose=self.dose.text(),
            frequency=self.frequency.currentText(),
            on=typed_date("date of change", self.on),
        )


class StopDialog(FormDialog):
    """Stop a medication on a day, for a reason (required)."""

    def __init__(self, ws: Workspace, medication: Medication, parent: Any = None):
        super().__init__("Stop medication", parent)
        self.ws, self.medication = ws, medication
        self.reason = editable_combo("Stop reason", STOP_REASONS, "", "why it was stopped")
        self.on = line("Stop date", DATE_HINT, date_text(ws.today()))
        self.add_rows(
            [
                ("Medication", _medicine_label(medication), "medication"),
                ("&Reason", self.reason, "stop reason"),
                ("&Stop date", self.on, "stop date"),
            ]
        )

    def save(self) -> Saved[Any]:
        assert self.medication.id is not None
        return medications.stop_medication(
            self.ws, self.medication.id, reason=self.reason.currentText(), on=typed_date("stop date", self.on)
        )


class AdherenceDialog(FormDialog):
    """What the patient said about taking a medication (asked on a call)."""

    def __init__(self, ws: Workspace, medication: Medication, parent: Any = None):
        super().__init__("Adherence check", parent)
        self.ws, self.medication = ws, medication
        box = QWidget()
        box.setAccessibleName("Adherence answer")
        column = QVBoxLayout(box)
        column.setContentsMargins(0, 0, 0, 0)
        self.answers = QButtonGroup(self)
        self.answer_buttons: dict[AdherenceAnswer, QRadioButton] = {}
        for answer, text in ANSWER_LABELS.items():
            b = QRadioButton(text)
            b.setAccessibleName(answer.value)
            self.answers.addButton(b)
            self.answer_buttons[answer] = b
            column.addWidget(b)
        self.on = line("Date checked", DATE_HINT, date_text(ws.today()))
        self.note = line("Note", "optional: what they said")
        self.add_rows(
            [
                ("Medication", _medicine_label(medication), "medication"),
                ("Answer", box, "adherence answer"),
                ("&Date checked", self.on, "date checked"),
                ("&Note", self.note, "note"),
            ]
        )
        self.fields["adherence answer"] = self.answer_buttons[AdherenceAnswer.TAKEN]

    def answer(self) -> AdherenceAnswer | None:
        return next((a for a, b in self.answer_buttons.items() if b.isChecked()), None)

    def save(self) -> Saved[Any]:
        assert self.medication.id is not None
        answer = self.answer()
        if answer is None:
            raise ValidationError("adherence answer", "must be chosen")
        return medications.check_adherence(
            self.ws, self.medication.id, answer=answer, on=typed_date("date checked", self.on), note=self.note.text()
        )


class AdherenceHistoryDialog(QDialog):
    """Every adherence check of one medication, newest first, through its earlier doses."""

    def __init__(self, ws: Workspace, medication: Medication, parent: Any = None):
        super().__init__(parent)
        self.setWindowTitle("Adherence history")
        self.setAccessibleName("Adherence history")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 60)
        self.table = RecordTable("Adherence checks", ("Date", "Answer", "Note"), 2)
        self.empty = info_label("No adherence checks", "muted")
        lay = QVBoxLayout(self)
        lay.addWidget(_medicine_label(medication))
        lay.addWidget(self.table, 1)
        lay.addWidget(self.empty)
        lay.addWidget(dialog_buttons(QDialogButtonBox.StandardButton.Close, self.accept, self.reject))
        assert medication.id is not None
        try:
            history = medications.adherence_history(ws, medication.id)
        except CareDeskError as exc:
            self.empty.setText(str(exc))
            history = []
        else:
            self.empty.setText("No adherence checks recorded for this medication yet.")
        self.table.fill([Row(h.id or 0, (us_date(h.checked_on), h.answer.value, h.note)) for h in history])
        self.table.setVisible(bool(history))
        self.empty.setVisible(not history)
