"""A program enrollment's fields as forms show them (Add patient, Enroll, Edit program).

Built once, added to a QFormLayout, filled from an Enrollment and read back as one; the
first refused field in the form's order is reported, as a ValidationError naming it.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from PySide6.QtWidgets import QCheckBox, QFormLayout, QWidget

from caredesk.domain import checks
from caredesk.domain.patients import ConsentMethod, Enrollment, Program
from caredesk.ui.chart.record_fields import DATE_HINT, Collected, date_text, line_field, typed_date
from caredesk.ui.common.forms import combo


class EnrollmentFields:
    """A program enrollment's fields: program, start (and end), consent date and method,
    billing practitioner, QMB (APCM only, CY2025 PFS final rule: G0558)."""

    ORDER = ("program", "start date", "end date", "consent date", "consent method", "billing practitioner", "QMB")

    def __init__(self, programs: Sequence[str], *, with_end: bool = False):
        self.program = combo("Program", list(programs))
        self.start = line_field("Start date", DATE_HINT)
        self.end = line_field("End date", f"{DATE_HINT}, blank while enrolled") if with_end else None
        self.consent = line_field("Consent date", f"{DATE_HINT}, blank if not yet given")
        self.consent_method = combo("Consent method", [m.value for m in ConsentMethod])
        self.practitioner = line_field("Billing practitioner", "optional")
        self.qmb = QCheckBox("Qualified Medicare Beneficiary (APCM &QMB)")
        self.qmb.setAccessibleName("QMB")
        self.program.currentTextChanged.connect(self._program_changed)
        self._program_changed(self.program.currentText())

    def add_rows(self, form: QFormLayout, labels: dict[str, str]) -> None:
        """`labels`: each field's label with its mnemonic (they differ between forms)."""
        rows: list[tuple[str, QWidget | None]] = [
            ("program", self.program),
            ("start date", self.start),
            ("end date", self.end),
            ("consent date", self.consent),
            ("consent method", self.consent_method),
            ("billing practitioner", self.practitioner),
        ]
        for key, widget in rows:
            if widget is not None:
                form.addRow(labels[key], widget)
        form.addRow("", self.qmb)

    def widgets(self) -> list[QWidget]:
        return [w for w in (self.start, self.end, self.consent, self.consent_method, self.practitioner) if w]

    def fields(self) -> dict[str, QWidget]:
        out: dict[str, QWidget] = {
            "program": self.program,
            "start date": self.start,
            "consent date": self.consent,
            "consent method": self.consent_method,
            "billing practitioner": self.practitioner,
            "QMB": self.qmb,
        }
        if self.end is not None:
            out["end date"] = self.end
        return out

    def _program_changed(self, text: str) -> None:
        apcm = text == Program.APCM.value
        self.qmb.setEnabled(apcm)
        if not apcm:
            self.qmb.setChecked(False)

    def fill(self, e: Enrollment) -> None:
        self.program.setCurrentText(e.program.value)
        self.start.setText(date_text(e.start_date))
        if self.end is not None:
            self.end.setText(date_text(e.end_date))
        self.consent.setText(date_text(e.consent_date))
        if e.consent_method is not None:
            self.consent_method.setCurrentText(e.consent_method.value)
        self.practitioner.setText(e.billing_practitioner)
        self.qmb.setChecked(e.qmb)

    def read(self, patient_id: int = 0) -> Enrollment:
        """The enrollment as typed (dates MM/DD/YYYY); the first refused field in the form's order."""
        found = Collected(self.ORDER)
        start = found.attempt(lambda: typed_date("start date", self.start))
        end_edit = self.end
        end = found.attempt(lambda: typed_date("end date", end_edit, required=False)) if end_edit else None
        consent = found.attempt(lambda: typed_date("consent date", self.consent, required=False))
        enrollment = found.attempt(
            lambda: Enrollment(
                patient_id=patient_id,
                program=checks.one_of("program", self.program.currentText(), Program),
                start_date=start or date.min,
                end_date=end,
                consent_date=consent,
                consent_method=checks.one_of("consent method", self.consent_method.currentText(), ConsentMethod)
                if consent
                else None,
                billing_practitioner=self.practitioner.text(),
                qmb=self.qmb.isChecked(),
            )
        )
        found.raise_first()
        assert enrollment is not None
        return enrollment
