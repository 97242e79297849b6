"""The patient's record itself: demographics and status (a date of death ends the open
programs in the same unit of work), and the record the Record tab reads: the patient with
every enrollment. Enrolling, correcting, ending and removing a program are
services.enrollments.

Each use case validates (a refusal is a ValidationError naming the field as the form
shows it), writes in one unit of work (nothing partial), audits the names of the fields
it changed (never their values: they are patient content) and returns
`Saved(record, Changes)` so the queue, the patient list, the month view and an open
chart refresh that patient at once. (A paused patient leaves the queue.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date
from typing import Any

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.patients import Enrollment, Patient, Phone, Status
from caredesk.errors import NotFound, ValidationError
from caredesk.services.appointments import cancel_after_death
from caredesk.services.changes import Changes, Kind, Saved, changed_fields
from caredesk.services.tasks import close_after_death
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

# Patient fields as a user sees them: the audit detail and error messages use these names.
PATIENT_FIELDS: Mapping[str, str] = {
    "mrn": "MRN",
    "given_name": "given name",
    "family_name": "family name",
    "preferred_name": "preferred name",
    "birth_date": "date of birth",
    "sex": "sex",
    "language": "language",
    "phones": "phones",
    "address": "address",
    "call_window": "preferred call window",
    "pcp": "primary-care provider",
    "payer": "payer",
    "risk_tier": "risk tier",
    "status": "status",
    "died_on": "date of death",
}


# -- rules shared with adding a patient (services.patients.add_patient) ---------------
def check_birth_date(birth_date: date, today: date) -> None:
    """A date of birth is before today (a date typed as today is a slip). ValidationError."""
    if birth_date >= today:
        raise ValidationError("date of birth", "must be before today")


def _check_status(before: Patient, patient: Patient, today: date) -> None:
    # A patient recorded deceased before dates of death were kept can still be edited.
    newly = before.status is not Status.DECEASED or before.died_on is not None
    if patient.status is Status.DECEASED and patient.died_on is None and newly:
        raise ValidationError("date of death", "is required when the status is deceased")
    checks.not_after("date of death", patient.died_on, today, "today")


def _phones(items: Iterable[Phone | tuple[str, str]]) -> tuple[Phone, ...]:
    """Phones as given: Phone records, or (number, type) pairs validated here."""
    return tuple(p if isinstance(p, Phone) else Phone(number=p[0], kind=p[1]) for p in items)


# -- the patient -----------------------------------------------------------------------
def edit_patient(ws: Workspace, patient: int | Patient, /, **changes: Any) -> Saved[Patient]:
    """Change a patient's demographics (and, if given, status and date of death).

    Either `edit_patient(ws, patient_id, given_name="...", phones=(Phone(...),))` with any
    of PATIENT_FIELDS' keys, or `edit_patient(ws, patient)` with the whole edited Patient
    (its id names the record). Values are the domain's types (dates, enums or their
    values; phones as Phone records or (number, type) pairs: the list is replaced). The MRN may change but never to one
    another patient has (compared without case or surrounding spaces). Changing the
    status away from deceased clears the date of death. Nothing changed: nothing is
    written or audited. Raises ValidationError naming the field, NotFound, TypeError for
    an unknown keyword.

    A date of death is refused while contacts or minutes are dated after it (the message
    counts them and gives the first date: correct or void them first) or while a program
    starts after it. Recording it ends every open program on that day (audited, the same
    unit of work; the change set then includes Kind.ENROLLMENT).
    """
    if isinstance(patient, Patient):
        if changes:
            raise TypeError("pass either a Patient or field keywords, not both")
        if patient.id is None:
            raise NotFound("patient")
        patient_id = patient.id
        changes = {f.name: getattr(patient, f.name) for f in fields(Patient) if f.name != "id"}
    else:
        patient_id = patient
    unknown = set(changes) - set(PATIENT_FIELDS)
    if unknown:
        raise TypeError(f"edit_patient got unknown fields: {', '.join(sorted(unknown))}")
    today = ws.today()
    with ws.uow() as uow:
        before = uow.patients.get(patient_id)
        if before is None:
            raise NotFound("patient")
        values = dict(changes)
        if "phones" in values:
            values["phones"] = _phones(values["phones"])
        new_status = checks.one_of("status", values.get("status", before.status), Status)
        if new_status is not Status.DECEASED and "died_on" not in changes:
            values["died_on"] = None  # leaving deceased clears the date of death
        after = replace(before, **values)  # the domain validates, naming the field
        if after.mrn != before.mrn and uow.patients.mrn_taken(after.mrn, other_than=patient_id):
            raise ValidationError("MRN", "is already used by another patient")
        if after.birth_date != before.birth_date:
            check_birth_date(after.birth_date, today)
        _check_status(before, after, today)
        changed = changed_fields(before, after, PATIENT_FIELDS)
        if not changed:
            return Saved(before, Changes())
        if after.died_on is not None and after.died_on != before.died_on:
            _refuse_contacts_after(uow, patient_id, after.died_on, ws)
        ended = _end_programs_at_death(uow, before, after)
        after_death: tuple[Kind, ...] = ()
        if after.died_on is not None and after.died_on != before.died_on:  # appointments, tasks end too
            after_death = (Kind.APPOINTMENT,) if cancel_after_death(uow, patient_id, after.died_on) else ()
            after_death += (Kind.TASK,) if close_after_death(uow, patient_id, ws.clock.now()) else ()
        saved = uow.patients.update(after)
        uow.audit(actions.RECORD_CHANGED, "patient", patient_id, "; ".join(changed))
        uow.commit()
    kinds = (Kind.PATIENT, Kind.ENROLLMENT) if ended else (Kind.PATIENT,)
    return Saved(saved, Changes.of([patient_id], *kinds, *after_death))


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _refuse_contacts_after(uow: UnitOfWork, patient_id: int, died_on: date, ws: Workspace) -> None:
    """A date of death before contacts or minutes already logged is a slip (or those were
    logged for the wrong patient): say how many and from when, so they can be corrected."""
    contacts = [d for c in uow.contacts.for_patient(patient_id) if (d := local_date(c.at, ws.tz)) > died_on]
    entries = [e for e in uow.time_entries.for_patient(patient_id) if e.on > died_on]
    if not contacts and not entries:
        return
    counted = [_plural(len(contacts), "contact")] if contacts else []
    if entries:
        counted.append(_plural(sum(e.minutes for e in entries), "minute"))
    first = min([*contacts, *(e.on for e in entries)])
    raise ValidationError(
        "date of death",
        f"is before {' and '.join(counted)} already logged (the first on {us_date(first)}): "
        "correct their date or void them in Contacts first",
    )


def _end_programs_at_death(uow: UnitOfWork, before: Patient, after: Patient) -> bool:
    """Recording a death ends every program still open on the date of death (its last day);
    a corrected date of death moves the end of the programs it ended; leaving deceased (a
    status set on the wrong patient) reopens them. True when an enrollment changed."""
    old, new = before.died_on, after.died_on
    if old == new:
        return False
    changed = False
    for e in uow.enrollments.for_patient(after.id or 0):
        ended_by_death = old is not None and e.end_date == old
        if new is None:
            end = None if ended_by_death else e.end_date
        elif e.end_date is None or e.end_date > new or ended_by_death:
            if e.start_date > new:
                raise ValidationError(
                    "date of death",
                    f"is before the start of the {e.program.value} enrollment ({us_date(e.start_date)}): "
                    "remove or change that enrollment first",
                )
            end = new
        else:
            continue
        if end != e.end_date:
            uow.enrollments.update(replace(e, end_date=end))
            why = "end date (date of death)" if end is not None else "end date (reopened: no longer deceased)"
            uow.audit(actions.RECORD_CHANGED, "enrollment", e.id, why)
            changed = True
    return changed


def set_status(ws: Workspace, patient_id: int, status: Status | str, *, died_on: date | None = None) -> Saved[Patient]:
    """Active, paused, disenrolled or deceased. Deceased needs `died_on` (not after today,
    not before the date of birth, no contact or minutes after it) and ends the open
    programs on it; any other status clears it and reopens the programs it ended. Paused,
    disenrolled and deceased patients leave the call queue. Raises ValidationError naming
    the field."""
    return edit_patient(ws, patient_id, status=status, died_on=died_on)


@dataclass(frozen=True, slots=True)
class PatientRecord:
    """The patient and every enrollment, current and ended, oldest start first."""

    patient: Patient
    enrollments: tuple[Enrollment, ...]


def record(ws: Workspace, patient_id: int) -> PatientRecord:
    """What the Record tab and `caredesk patient show` read (not audited as a view: the
    chart's opening is). Raises NotFound."""
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        enrolled = sorted(uow.enrollments.for_patient(patient_id), key=lambda e: (e.start_date, e.id or 0))
    return PatientRecord(patient, tuple(enrolled))
