"""A patient's programs: enrolling, correcting, ending and removing an enrollment, and
the minutes an end would take away.

Each use case validates (a refusal is a ValidationError naming the field as the form
shows it), writes in one unit of work (nothing partial), audits the names of the fields
it changed (never their values: they are patient content) and returns
`Saved(enrollment, Changes)` with Kind.ENROLLMENT, so the queue, the month view and an
open chart refresh that patient at once (consent recorded lets the month bill). The
patient's demographics and status are services.patient_records; a date of death ending
the open programs happens there, in the same unit of work as the death.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.billing_minutes import LostMinutes, lost_by_end, split_by_day
from caredesk.domain.calendar import us_date
from caredesk.domain.contacts import StaffType
from caredesk.domain.corrections import audit_reason, reason_text
from caredesk.domain.patients import ConsentMethod, Enrollment, Program
from caredesk.errors import NotFound, ValidationError
from caredesk.services.changes import Changes, Kind, Saved, changed_fields
from caredesk.services.workspace import Workspace

# The oldest of these programs, TCM (99495/99496), was first payable on 01/01/2013 (CMS,
# CY2013 Physician Fee Schedule final rule); an earlier start or consent is a typing slip.
PROGRAMS_BEGAN = date(2013, 1, 1)

# What change_enrollment may correct; the program itself is ended and enrolled anew.
ENROLLMENT_FIELDS: Mapping[str, str] = {
    "start_date": "start date",
    "end_date": "end date",
    "consent_date": "consent date",
    "consent_method": "consent method",
    "billing_practitioner": "billing practitioner",
    "qmb": "QMB",
}


# -- rules shared with adding a patient and importing a panel (services.patients, panel_records) --
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


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


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
        changed = changed_fields(before, after, ENROLLMENT_FIELDS)
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
