"""The patient's record itself: demographics, status, and the programs they are enrolled in.

Each use case validates (a refusal is a ValidationError naming the field as the form
shows it), writes in one unit of work (nothing partial), audits the names of the fields
it changed (never their values: they are patient content) and returns
`Saved(record, Changes)` so the queue, the patient list, the month view and an open
chart refresh that patient at once. (A paused patient leaves the queue; consent
recorded lets the month bill.)
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, replace
from datetime import date, timedelta
from typing import Any

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.billing_minutes import LostMinutes, lost_by_end, split_by_day
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.contacts import StaffType
from caredesk.domain.corrections import audit_reason, reason_text
from caredesk.domain.patients import ConsentMethod, Enrollment, Patient, Phone, Program, Status
from caredesk.errors import NotFound, ValidationError
from caredesk.services.appointments import cancel_after_death
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.tasks import close_after_death
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

# The oldest of these programs, TCM (99495/99496), was first payable on 01/01/2013 (CMS,
# CY2013 Physician Fee Schedule final rule); an earlier start or consent is a typing slip.
PROGRAMS_BEGAN = date(2013, 1, 1)

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

# What change_enrollment may correct; the program itself is ended and enrolled anew.
ENROLLMENT_FIELDS: Mapping[str, str] = {
    "start_date": "start date",
    "end_date": "end date",
    "consent_date": "consent date",
    "consent_method": "consent method",
    "billing_practitioner": "billing practitioner",
    "qmb": "QMB",
}


# -- rules shared with adding a patient (services.patients.add_patient) ---------------
def check_birth_date(birth_date: date, today: date) -> None:
    """A date of birth is before today (a date typed as today is a slip). ValidationError."""
    if birth_date >= today:
        raise ValidationError("date of birth", "must be before today")


def check_enrollment(enrollment: Enrollment, birth_date: date, today: date, died_on: date | None = None) -> None:
    """An enrollment's dates against the patient and the clinic's today: start and consent
    not before the date of birth nor 01/01/2013 (PROGRAMS_BEGAN), consent not in the future,
    a start not after a date of death, a consent method only with a consent date."""
    for field, day in (("start date", enrollment.start_date), ("consent date", enrollment.consent_date)):
        if day is None:
            continue
        if day < birth_date:
            raise ValidationError(field, "cannot be before the date of birth")
        if day < PROGRAMS_BEGAN:
            raise ValidationError(field, f"cannot be before {us_date(PROGRAMS_BEGAN)}, when these programs began")
    checks.not_after("consent date", enrollment.consent_date, today, "today")
    if enrollment.consent_date is None and enrollment.consent_method is not None:
        raise ValidationError("consent date", "is required when a consent method is given")
    if died_on is not None and enrollment.start_date > died_on:
        raise ValidationError("start date", "cannot be after the date of death")


def _check_status(before: Patient, patient: Patient, today: date) -> None:
    # A patient recorded deceased before dates of death were kept can still be edited.
    newly = before.status is not Status.DECEASED or before.died_on is not None
    if patient.status is Status.DECEASED and patient.died_on is None and newly:
        raise ValidationError("date of death", "is required when the status is deceased")
    checks.not_after("date of death", patient.died_on, today, "today")


def _phones(items: Iterable[Phone | tuple[str, str]]) -> tuple[Phone, ...]:
    """Phones as given: Phone records, or (number, type) pairs validated here."""
    return tuple(p if isinstance(p, Phone) else Phone(number=p[0], kind=p[1]) for p in items)


def _changed(before: Any, after: Any, names: Mapping[str, str]) -> list[str]:
    """The user's names of the fields that differ, in the form's order."""
    return [label for key, label in names.items() if getattr(before, key) != getattr(after, key)]


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
        changed = _changed(before, after, PATIENT_FIELDS)
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


# -- programs and consent ---------------------------------------------------------------
def _overlap(enrollment: Enrollment, others: Iterable[Enrollment], field: str) -> None:
    """Refuse a second enrollment in the same program over the same days."""
    end = enrollment.end_date or date.max
    for other in others:
        if other.id == enrollment.id or other.program is not enrollment.program:
            continue
        if other.start_date <= end and enrollment.start_date <= (other.end_date or date.max):
            # No dates in the message: messages carry no patient data (the table shows them).
            raise ValidationError(
                field, f"overlaps the patient's other {other.program.value} enrollment: change or end that one instead"
            )


def enroll(
    ws: Workspace,
    patient_id: int,
    program: Program | str,
    start_date: date,
    consent_date: date | None = None,
    consent_method: ConsentMethod | str | None = None,
    billing_practitioner: str = "",
    qmb: bool = False,
) -> Saved[Enrollment]:
    """Enroll a patient in a program (CCM, complex CCM, PCM, BHI, RPM, TCM, APCM, CoCM) from
    `start_date`, with the consent if it is already given (date not in the future, with
    its method, verbal or written), the billing practitioner, and QMB for APCM (G0558).
    A second enrollment in the same program over the same days is refused. Raises
    ValidationError naming the field, NotFound."""
    today = ws.today()
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        enrollment = Enrollment(
            patient_id=patient_id,
            program=checks.one_of("program", program, Program),
            start_date=start_date,
            consent_date=consent_date,
            consent_method=None
            if consent_method is None
            else checks.one_of("consent method", consent_method, ConsentMethod),
            billing_practitioner=billing_practitioner,
            qmb=qmb,
        )
        check_enrollment(enrollment, patient.birth_date, today, patient.died_on)
        _overlap(enrollment, uow.enrollments.for_patient(patient_id), "program")
        saved = uow.enrollments.add(enrollment)
        uow.audit(actions.RECORD_CREATED, "enrollment", saved.id, f"patient {patient_id}")
        uow.commit()
    return Saved(saved, Changes.of([patient_id], Kind.ENROLLMENT))


def change_enrollment(ws: Workspace, enrollment_id: int, **changes: Any) -> Saved[Enrollment]:
    """Correct an enrollment: any of start_date, end_date, consent_date, consent_method,
    billing_practitioner, qmb (ENROLLMENT_FIELDS). Clearing the consent date clears its
    method too. The same rules as `enroll`; the end date may be cleared (None) to reopen
    it. Nothing changed: nothing written. Raises ValidationError, NotFound, TypeError."""
    unknown = set(changes) - set(ENROLLMENT_FIELDS)
    if unknown:
        raise TypeError(f"change_enrollment got unknown fields: {', '.join(sorted(unknown))}")
    today = ws.today()
    with ws.uow() as uow:
        before = uow.enrollments.get(enrollment_id)
        if before is None:
            raise NotFound("enrollment")
        patient = uow.patients.get(before.patient_id)
        assert patient is not None  # enrollments go with their patient
        values = dict(changes)
        if values.get("consent_date", before.consent_date) is None and "consent_method" not in values:
            values["consent_method"] = None
        after = replace(before, **values)
        check_enrollment(after, patient.birth_date, today, patient.died_on)
        field = "start date" if "start_date" in changes else "end date"
        _overlap(after, uow.enrollments.for_patient(before.patient_id), field)
        changed = _changed(before, after, ENROLLMENT_FIELDS)
        if not changed:
            return Saved(before, Changes())
        saved = uow.enrollments.update(after)
        uow.audit(actions.RECORD_CHANGED, "enrollment", enrollment_id, "; ".join(changed))
        uow.commit()
    return Saved(saved, Changes.of([before.patient_id], Kind.ENROLLMENT))


def minutes_an_end_takes(ws: Workspace, enrollment_id: int, end_date: date) -> tuple[LostMinutes, ...]:
    """What ending the enrollment on `end_date` would take away, before it is saved: the
    minutes already logged under its program that count now and, on days after `end_date`,
    would count for nothing (by month, earliest first; caredesk.domain.billing_minutes.
    lost_by_end over each entry's clinic-local days). Empty when none. The End program dialog
    asks with these and `caredesk enroll --end` prints them. The end date is checked as
    `end_enrollment` checks it, so a refusal comes first. Raises ValidationError, NotFound."""
    checks.a_date("end date", end_date)
    with ws.reading() as uow:
        e = uow.enrollments.get(enrollment_id)
        if e is None:
            raise NotFound("enrollment")
        patient = uow.patients.get(e.patient_id)
        assert patient is not None  # enrollments go with their patient
        after = replace(e, end_date=end_date)
        check_enrollment(after, patient.birth_date, ws.today(), patient.died_on)
        everyone = uow.enrollments.for_patient(e.patient_id)
        _overlap(after, everyone, "end date")
        days: dict[tuple[date, Program, StaffType], int] = {}
        for t in uow.time_entries.for_patient(e.patient_id):
            if t.on < end_date - timedelta(days=1):
                continue  # a day's minutes reach the next day at most (split_by_day)
            for day, spent in split_by_day(t.on, t.minutes, t.started_at, ws.tz):
                key = (day, t.program, t.staff_type)
                days[key] = days.get(key, 0) + spent
    return lost_by_end(days, everyone, e, end_date)


def end_enrollment(ws: Workspace, enrollment_id: int, end_date: date) -> Saved[Enrollment]:
    """End a program on `end_date` (its last day; not before the start). Minutes after it
    count for nothing in that program. Raises ValidationError naming the end date, NotFound."""
    checks.a_date("end date", end_date)
    return change_enrollment(ws, enrollment_id, end_date=end_date)


def remove_enrollment(ws: Workspace, enrollment_id: int, reason: str) -> Saved[Enrollment]:
    """Take back an enrollment entered in error (the wrong patient or program, entered twice).
    A program that really ended is ended (`end_enrollment`), not removed.

    `reason`: required (a standard one such as "entered in error" is kept in the audit, other
    words only by their length: domain.corrections). Refused while minutes are logged under
    that program within its dates: they would lose their program, so their program is
    corrected or they are voided first (the message says how many and from when). Audited
    as record.removed with the enrollment's id. Raises ValidationError ("reason",
    "program"), NotFound."""
    why = reason_text(reason)
    with ws.uow() as uow:
        e = uow.enrollments.get(enrollment_id)
        if e is None:
            raise NotFound("enrollment")
        last = e.end_date or date.max
        logged = [
            t
            for t in uow.time_entries.for_patient(e.patient_id)
            if t.program is e.program and e.start_date <= t.on <= last
        ]
        if logged:
            minutes = sum(t.minutes for t in logged)
            raise ValidationError(
                "program",
                f"has {_plural(minutes, 'minute')} logged under this {e.program.value} enrollment "
                f"(the first on {us_date(min(t.on for t in logged))}): "
                "correct their program or void them in Contacts first",
            )
        uow.enrollments.remove(enrollment_id)
        uow.audit(actions.RECORD_REMOVED, "enrollment", enrollment_id, f"patient {e.patient_id}; {audit_reason(why)}")
        uow.commit()
    return Saved(e, Changes.of([e.patient_id], Kind.ENROLLMENT))


def open_enrollment(ws: Workspace, patient_id: int, program: Program | str) -> Enrollment:
    """The patient's current enrollment in `program` (not ended before today; the latest
    start if there are several), which `caredesk consent` and `enroll --end` act on.
    Raises NotFound naming the program."""
    chosen = checks.one_of("program", program, Program)
    today = ws.today()
    with ws.uow() as uow:
        if uow.patients.get(patient_id) is None:
            raise NotFound("patient")
        current: list[Enrollment] = [
            e
            for e in uow.enrollments.for_patient(patient_id)
            if e.program is chosen and (e.end_date is None or e.end_date >= today)
        ]
    if not current:
        raise NotFound("enrollment", f"The patient has no current {chosen.value} enrollment: enroll them first.")
    return max(current, key=lambda e: (e.start_date, e.id or 0))


UPCOMING, CURRENT, ENDED = "upcoming", "current", "ended"


def enrollment_status(e: Enrollment, today: date) -> str:
    """'upcoming' (starts after `today`), 'current' (running today) or 'ended' (its end date
    has passed): what the Record tab and `caredesk patient show` print. An upcoming program
    asks nothing of the queue and bills nothing before its start."""
    if e.start_date > today:
        return UPCOMING
    return CURRENT if e.end_date is None or e.end_date >= today else ENDED


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
