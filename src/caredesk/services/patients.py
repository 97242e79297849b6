"""Patients: the list, one chart, adding a patient, finding one by MRN.

The one MRN lookup every screen and command uses: `by_mrn`.
"""

from __future__ import annotations

from dataclasses import replace

from caredesk.domain import audit as actions
from caredesk.domain.calendar import us_date
from caredesk.domain.patients import Chart, Enrollment, Patient, PatientSummary, plain_mrn
from caredesk.domain.same_person import likely_same
from caredesk.errors import CareDeskError, NotFound, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.enrollments import check_enrollment
from caredesk.services.patient_records import check_birth_date
from caredesk.services.workspace import Workspace


def patient_list(ws: Workspace) -> list[PatientSummary]:
    """Every patient as the list shows them (minutes of the clinic's current month)."""
    with ws.reading() as uow:
        return uow.patients.summaries(ws.today())


def exported_list(ws: Workspace, how: str) -> list[PatientSummary]:
    """The list as it leaves CareDesk (the CLI prints it): read and audited as an export."""
    with ws.uow() as uow:
        rows = uow.patients.summaries(ws.today())
        uow.audit(actions.EXPORTED, "patient list", detail=f"{len(rows)} patients, {how}")
        uow.commit_audit_of_read()
    return rows


def summaries(ws: Workspace, patient_ids: list[int]) -> list[PatientSummary]:
    """The list rows of these patients only (after a change)."""
    with ws.reading() as uow:
        return uow.patients.summaries(ws.today(), patient_ids)


def open_chart(ws: Workspace, patient_id: int, *, audit_view: bool = True) -> Chart:
    """The chart for one patient. Opening it is audited as a view; refreshing a chart
    already on screen after a change (`audit_view=False`) is not. Raises NotFound."""
    with ws.uow() as uow:
        chart = uow.patients.chart(patient_id, ws.today())
        if chart is None:
            raise NotFound("patient")
        if audit_view:
            uow.audit(actions.PATIENT_VIEWED, "patient", patient_id)
            uow.commit_audit_of_read()
        return chart


def record_view(ws: Workspace, patient_id: int) -> None:
    """Audit the view of a chart read with `open_chart(..., audit_view=False)` and then shown
    (the call panel's first patient is read on the worker that builds the queue, before it is
    known to be the one shown; the view is recorded once it is)."""
    with ws.uow() as uow:
        uow.audit(actions.PATIENT_VIEWED, "patient", patient_id)
        uow.commit_audit_of_read()


def by_mrn(ws: Workspace, mrn: str) -> Patient:
    """The patient with this MRN (as typed: leading zeros count; case only matters when two
    stored MRNs differ by case alone). Raises NotFound; ValidationError naming the MRN when it
    is blank, as adding a patient words it ("No patient with MRN ." said nothing)."""
    if not mrn.strip():
        raise ValidationError("MRN", "is required")
    with ws.reading() as uow:
        patient = uow.patients.by_mrn(plain_mrn(mrn).strip())  # typed with an en dash, found with "-"
    if patient is None:
        raise NotFound("patient", f"No patient with MRN {mrn.strip()}.")
    return patient


class PossibleDuplicate(CareDeskError):
    """The patient being added looks like one already on the panel (domain.same_person: same
    date of birth, family name, and given name or initial). `matches`: those stored patients,
    by id. str() names no one (errors.py: no patient data in exception messages); `named()`
    names them for the question on screen and the line in the terminal."""

    def __init__(self, matches: list[Patient]):
        self.matches = matches
        super().__init__("a patient with the same name and date of birth is already in the panel")

    def named(self) -> str:
        """'Kim, Bo (MRN MRN-1004, born 01/01/1950)', each match so, joined by '; '."""
        return "; ".join(f"{p.display_name} (MRN {p.mrn}, born {us_date(p.birth_date)})" for p in self.matches)


def add_patient(
    ws: Workspace, patient: Patient, enrollment: Enrollment | None = None, *, check_same_person: bool = False
) -> Saved[Patient]:
    """A new patient, and optionally their first enrollment, in one transaction.

    With `check_same_person` (what a person types: the Add patient dialog, `caredesk patient
    add`), a patient who looks like one already on the panel (domain.same_person: same birth
    date, family name, and given name or initial) raises PossibleDuplicate with those
    patients, checked after the fields below and before anything is stored; the caller asks
    and adds again without the check when the user says they are two people. Off by default
    for patients built by code (fixtures, the screenshots' panel), which may share a name.

    `enrollment` is validated with any patient_id; the saved one points at the new
    patient. If either is refused (ValidationError naming the field), nothing is stored.
    Refused in the form's order: an MRN another patient has (compared without case or
    surrounding spaces), a date of birth not before today, an enrollment's dates
    (services.enrollments.check_enrollment: consent not in the future, nothing before 2013).
    """
    today = ws.today()
    with ws.uow() as uow:
        if uow.patients.mrn_taken(patient.mrn):
            raise ValidationError("MRN", "is already used by another patient")
        check_birth_date(patient.birth_date, today)
        if enrollment is not None:
            check_enrollment(enrollment, patient.birth_date, today, patient.died_on)
        if check_same_person:
            matches = [p for p in uow.patients.born_on(patient.birth_date) if likely_same(patient, p)]
            if matches:
                raise PossibleDuplicate(matches)
        saved = uow.patients.add(patient)
        assert saved.id is not None  # the store gave it one
        uow.audit(actions.RECORD_CREATED, "patient", saved.id)
        if enrollment is not None:
            enrolled = uow.enrollments.add(replace(enrollment, patient_id=saved.id))
            uow.audit(actions.RECORD_CREATED, "enrollment", enrolled.id)
        uow.commit()
    return Saved(saved, Changes.of([saved.id], Kind.PATIENT, Kind.ENROLLMENT))
