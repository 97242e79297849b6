"""Add a patient: demographics and, optionally, the first program with its consent.

The form only collects text; the domain records validate it and name the field, and
the workspace saves patient and enrollment in one transaction, so a refused form
stores nothing.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain import checks
from caredesk.domain.patients import (
    ConsentMethod,
    Enrollment,
    Patient,
    Phone,
    Program,
    RiskTier,
    Sex,
)
from caredesk.errors import CareDeskError, ValidationError
from caredesk.services import patients as patient_records
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, combo, heading, user_message
from caredesk.ui.common.hub import publish

NO_PROGRAM = "Not enrolled yet"
DATE_HINT = "MM/DD/YYYY"


def _field(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def _date_text(day: date) -> str:
    return f"{day.month:02d}/{day.day:02d}/{day.year}"


class AddPatientDialog(QDialog):
    def __init__(self, workspace: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.workspace = workspace
        self.saved: Patient | None = None
        self.setWindowTitle("Add patient")
        self.setAccessibleName("Add patient")
        self.setMinimumWidth(self.fontMetrics().averageCharWidth() * 70)

        self.mrn = _field("MRN")
        self.given = _field("Given name")
        self.family = _field("Family name")
        self.preferred = _field("Preferred name", "optional")
        self.birth = _field("Date of birth", DATE_HINT)
        self.sex = combo("Sex", [s.value for s in Sex])
        self.sex.setCurrentText(Sex.UNKNOWN.value)
        self.phone = _field("Phone", "(555) 010-1234")
        self.phone_kind = combo("Phone type", ["mobile", "home", "work", "caregiver"])
        self.language = _field("Language")
        self.language.setText("English")
        self.call_window = _field("Preferred call window", "e.g. weekdays 9-11am")
        self.pcp = _field("Primary-care provider", "optional")
        self.risk = combo("Risk tier", [r.value for r in RiskTier])
        self.risk.setCurrentText(RiskTier.MEDIUM.value)

        self.program = combo("Program", [NO_PROGRAM] + [p.value for p in Program])
        self.start = _field("Enrollment start", DATE_HINT)
        self.start.setText(_date_text(workspace.today()))
        self.consent = _field("Consent date", f"{DATE_HINT}, blank if not yet given")
        self.consent_method = combo("Consent method", [m.value for m in ConsentMethod])
        self.practitioner = _field("Billing practitioner", "optional")
        self.program.currentTextChanged.connect(self._program_changed)

        # One form for both sections, so the labels line up.
        form = QFormLayout()
        form.addRow(heading("Patient", "section"))
        for label, widget in (
            ("&MRN", self.mrn),
            ("&Given name", self.given),
            ("&Family name", self.family),
            ("&Preferred name", self.preferred),
            ("&Date of birth", self.birth),
            ("Se&x", self.sex),
            ("P&hone", self.phone),
            ("Phone &type", self.phone_kind),
            ("&Language", self.language),
            ("Call &window", self.call_window),
            ("P&CP", self.pcp),
            ("&Risk tier", self.risk),
        ):
            form.addRow(label, widget)
        form.addRow(heading("Care-management program", "section"))
        for label, widget in (
            ("Pr&ogram", self.program),
            ("Enrollment &start", self.start),
            ("&Consent date", self.consent),
            ("Consent m&ethod", self.consent_method),
            ("&Billing practitioner", self.practitioner),
        ):
            form.addRow(label, widget)
        # Where to put the cursor when the domain names a field.
        self._fields = {
            "MRN": self.mrn,
            "given name": self.given,
            "family name": self.family,
            "preferred name": self.preferred,
            "date of birth": self.birth,
            "phone": self.phone,
            "language": self.language,
            "preferred call window": self.call_window,
            "primary-care provider": self.pcp,
            "enrollment start": self.start,
            "start date": self.start,
            "consent date": self.consent,
            "billing practitioner": self.practitioner,
        }

        self.message = InlineMessage("Problem with the form")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel)
        self.save_button = buttons.button(QDialogButtonBox.StandardButton.Save)
        self.save_button.setText("Add patient")
        self.save_button.setAccessibleName("Add patient")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setAccessibleName("Cancel")
        buttons.accepted.connect(self.submit)
        buttons.rejected.connect(self.reject)

        for b in buttons.buttons():
            b.setIcon(QIcon())  # plain buttons, like the rest of CareDesk
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.message)
        layout.addWidget(buttons)
        self._program_changed(self.program.currentText())

    def _program_changed(self, text: str) -> None:
        enrolled = text != NO_PROGRAM
        for widget in (self.start, self.consent, self.consent_method, self.practitioner):
            widget.setEnabled(enrolled)

    def _patient(self) -> Patient:
        phone_text = self.phone.text().strip()
        phones = (Phone(number=phone_text, kind=self.phone_kind.currentText()),) if phone_text else ()
        return Patient(
            mrn=self.mrn.text(),
            given_name=self.given.text(),
            family_name=self.family.text(),
            preferred_name=self.preferred.text(),
            birth_date=checks.parse_typed_date("date of birth", self.birth.text()),
            sex=checks.one_of("sex", self.sex.currentText(), Sex),
            phones=phones,
            language=self.language.text(),
            call_window=self.call_window.text(),
            pcp=self.pcp.text(),
            risk_tier=checks.one_of("risk tier", self.risk.currentText(), RiskTier),
        )

    def _enrollment(self, birth_date: date) -> Enrollment | None:
        if self.program.currentText() == NO_PROGRAM:
            return None
        today = self.workspace.today()
        start = checks.parse_typed_date("enrollment start", self.start.text())
        consent_text = self.consent.text().strip()
        consent = checks.parse_typed_date("consent date", consent_text) if consent_text else None
        checks.not_after("consent date", consent, today, "today")
        if start < birth_date:
            raise ValidationError("enrollment start", "cannot be before the date of birth")
        return Enrollment(
            patient_id=0,  # set by the workspace once the patient has an id
            program=checks.one_of("program", self.program.currentText(), Program),
            start_date=start,
            consent_date=consent,
            consent_method=checks.one_of("consent method", self.consent_method.currentText(), ConsentMethod)
            if consent
            else None,
            billing_practitioner=self.practitioner.text(),
        )

    def submit(self) -> None:
        try:
            patient = self._patient()
            checks.not_after("date of birth", patient.birth_date, self.workspace.today(), "today")
            enrollment = self._enrollment(patient.birth_date)
            added = patient_records.add_patient(self.workspace, patient, enrollment)
        except CareDeskError as exc:
            self.message.show_error(user_message(exc))
            field = self._fields.get(getattr(exc, "field", ""))
            if field is not None:
                field.setFocus()
                field.selectAll()
            return
        self.saved = added.value
        publish(added.changes)  # the list has the row before the dialog closes and selects it
        self.accept()
