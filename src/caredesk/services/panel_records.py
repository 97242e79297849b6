"""Which of an incoming patient's records are new: the import's rules per kind of record
(see services.panel_merge for the whole merge and its sources).

Each function takes the file's records (patient_id=0) and the stored ones, and returns the
new ones; a date the chart's forms would refuse raises ValidationError naming the record and
the field ("E11.9 onset date", "CCM consent date", "metformin start date", "A1c date").
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from datetime import date, tzinfo
from typing import Any

from caredesk.domain import checks, icd10
from caredesk.domain.allergies import is_none_known, same_substance
from caredesk.domain.appointments import Appointment, AppointmentKind
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.careplan import CarePlanVersion
from caredesk.domain.coordination import Task, Transition
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.observations import ObservationTarget
from caredesk.domain.patients import (
    Allergy,
    Condition,
    Enrollment,
    Medication,
    Observation,
    Patient,
    practitioner_key,
)
from caredesk.domain.rpm_devices import RpmDevice, check_in_rpm, outside_rpm
from caredesk.domain.text import fold
from caredesk.errors import ValidationError
from caredesk.services.enrollments import check_enrollment
from caredesk.services.medications import is_current


def new_records(incoming: Iterable[Any], stored: Iterable[Any], key: Callable[[Any], object]) -> tuple[Any, ...]:
    """The incoming records whose key no stored record (nor an earlier incoming one) has."""
    seen = {key(r) for r in stored}
    out = []
    for record in incoming:
        k = key(record)
        if k not in seen:
            seen.add(k)
            out.append(record)
    return tuple(out)


def _overlaps(a: Enrollment, b: Enrollment) -> bool:
    return (
        a.program is b.program and a.start_date <= (b.end_date or date.max) and b.start_date <= (a.end_date or date.max)
    )


def new_enrollments(
    incoming: Iterable[Enrollment], stored: tuple[Enrollment, ...], patient: Patient, today: date
) -> tuple[tuple[Enrollment, ...], tuple[Enrollment, ...]]:
    """New enrollments, and stored ones the file changes (`_as_the_file_says`): its consent
    date and method, its billing practitioner, and its start moved back to an earlier consent.
    Checked as services.enrollments.change_enrollment checks a change made in the chart
    (check_enrollment, and no overlap with another enrollment of the program)."""
    new: list[Enrollment] = []
    filled: dict[int, Enrollment] = {}
    for e in incoming:
        on_file = _matching(e, stored)
        if on_file is not None:
            before = filled.get(on_file.id or 0, on_file)
            after = _as_the_file_says(before, e, stored)
            if after != before:
                _checked(after, patient, today)
                filled[on_file.id or 0] = after
            continue
        if any(_overlaps(n, e) for n in new):
            if e in new:
                continue  # the same enrollment twice in one file
            raise ValidationError(
                f"{e.program.value} start date", f"overlaps the file's other {e.program.value} enrollment"
            )
        _checked(e, patient, today)
        new.append(e)
    return tuple(new), tuple(filled.values())


def _matching(e: Enrollment, stored: tuple[Enrollment, ...]) -> Enrollment | None:
    """The stored enrollment the file's one is: of those over its days, the one with its
    consent date, else the latest (a row says the current consent; an ended enrollment before
    it is history the file does not repeat)."""
    over = [s for s in stored if _overlaps(s, e)]
    same = [s for s in over if e.consent_date is not None and s.consent_date == e.consent_date]
    return next(iter(same or sorted(over, key=lambda s: s.start_date, reverse=True)), None)


def _as_the_file_says(before: Enrollment, e: Enrollment, stored: tuple[Enrollment, ...]) -> Enrollment:
    """A stored enrollment as the file's matching one says it is. What the file leaves empty
    stays; a consent date or method, or a billing practitioner, that differs replaces the stored
    one (the EHR corrected it). When the file's enrollment starts earlier than the stored one and
    its consent is before the stored start too, the start moves back to the later of the two (a
    CSV row's enrollment starts on its consent date), so the minutes logged from then count (a
    patient first imported without a consent starts on the import's day); unless that overlaps
    another enrollment of the program: refused naming it (ValidationError "CCM consent date").
    A consent the day before a start the file repeats leaves the start as it is."""
    after = before
    consent = (e.consent_date, e.consent_method or before.consent_method)
    if e.consent_date is not None and consent != (before.consent_date, before.consent_method):
        after = replace(after, consent_date=consent[0], consent_method=consent[1])
    practitioner = e.billing_practitioner
    if practitioner and practitioner_key(practitioner) != practitioner_key(before.billing_practitioner or ""):
        after = replace(after, billing_practitioner=practitioner)
    if after.consent_date is not None and max(e.start_date, after.consent_date) < before.start_date:
        moved = replace(after, start_date=max(e.start_date, after.consent_date))
        for other in stored:
            if other.id != before.id and _overlaps(other, moved):
                until = f" to {us_date(other.end_date)}" if other.end_date else ""
                raise ValidationError(
                    f"{e.program.value} consent date",
                    f"{us_date(after.consent_date)} is before this enrollment's start ({us_date(before.start_date)}), "
                    f"and starting it then would overlap the {e.program.value} enrollment from "
                    f"{us_date(other.start_date)}{until}: correct the consent date or that enrollment in the chart",
                )
        after = moved
    return after


def _checked(e: Enrollment, patient: Patient, today: date) -> None:
    try:
        check_enrollment(e, patient.birth_date, today, patient.died_on)
    except ValidationError as exc:
        raise ValidationError(f"{e.program.value} {exc.field}", exc.message) from None


def check_dated(field: str, day: date | None, patient: Patient, today: date) -> None:
    """A record's date as the chart's forms take it: not after today, within the patient's
    life (services.clinical onset, services.medications start, services.observations day)."""
    if day is not None:
        checks.not_after(field, day, today, "today")
        check_within_life(field, day, patient)


def new_conditions(
    incoming: Iterable[Condition], stored: Iterable[Condition], patient: Patient, today: date
) -> tuple[Condition, ...]:
    new = new_records(incoming, stored, lambda c: icd10.normalize(c.icd10))
    for c in new:
        check_dated(f"{c.icd10} onset date", c.onset, patient, today)
    return new


def new_allergies(incoming: Iterable[Allergy], stored: tuple[Allergy, ...]) -> tuple[tuple[Allergy, ...], int | None]:
    """New allergies, and the id of the stored "No known allergies" entry they replace."""
    given = tuple(incoming)
    new: list[Allergy] = []
    for a in given:
        if not is_none_known(a) and not any(same_substance(a.substance, s.substance) for s in (*stored, *new)):
            new.append(a)
    if given and not stored and all(is_none_known(a) for a in given):
        new.append(given[0])  # "No known allergies", asked and recorded by the EHR
    none_known = next((s for s in stored if is_none_known(s)), None)
    replaces = none_known.id if none_known is not None and any(not is_none_known(a) for a in new) else None
    return tuple(new), replaces


def new_medications(
    incoming: Iterable[Medication], stored: Iterable[Medication], patient: Patient, today: date
) -> tuple[Medication, ...]:
    """A current medication (services.medications.is_current) is on file when a current one
    has its name (case and accents ignored); a stopped one when one of that name stopped the
    same day. A start date as services.medications.add_medication takes it."""

    def key(m: Medication) -> object:
        return (fold(m.name.strip()), None if is_current(m, today) else m.stop_date)

    new = new_records(incoming, stored, key)
    for m in new:
        check_dated(f"{m.name} start date", m.start_date, patient, today)
    return new


def new_observations(
    incoming: Iterable[Observation], stored: Iterable[Observation], patient: Patient, today: date
) -> tuple[Observation, ...]:
    """An observation is on file when one of its kind, day and value is (the same reading
    entered twice: services.observations); its day not after today, within the patient's life."""
    new = new_records(incoming, stored, lambda o: (o.kind, o.observed_on, o.value))
    for o in new:
        check_dated(f"{o.kind.value} date", o.observed_on, patient, today)
    return new


def numbered_versions(versions: Iterable[CarePlanVersion]) -> tuple[CarePlanVersion, ...]:
    ordered = sorted(versions, key=lambda v: (v.number, v.finalized_at))
    return tuple(replace(v, number=n, id=None) for n, v in enumerate(ordered, start=1))


def new_transitions(incoming: Iterable[Transition], stored: tuple[Transition, ...]) -> tuple[Transition, ...]:
    """New hospital stays: a stay is on file when one has its discharge day (one discharge a
    day per patient, services.stays._refuse_twin; the stored stay and its steps stand). A new
    stay overlapping another (stored or new) is refused as services.stays refuses one entered
    by hand; a transfer discharged and admitted on one day is not an overlap. The dates
    against today and the patient's life are checked by the reader (interop.fhir_stays), as
    for contacts."""
    new = new_records(incoming, stored, lambda t: t.discharged_on)
    seen = list(stored)
    for stay in new:
        start = stay.admitted_on or stay.discharged_on
        for other in seen:
            other_start = other.admitted_on or other.discharged_on
            if start < other.discharged_on and other_start < stay.discharged_on:
                span = f"{us_date(other.admitted_on)} to " if other.admitted_on else "discharged "
                raise ValidationError(
                    f"stay discharged {us_date(stay.discharged_on)} admission date",
                    f"overlaps the stay of {span}{us_date(other.discharged_on)}",
                )
        seen.append(stay)
    return new


def new_appointments(
    incoming: Iterable[Appointment],
    stored: Iterable[Appointment],
    stays_in_file: tuple[Transition, ...],
    stays_on_file: tuple[Transition, ...],
    new_stays: tuple[Transition, ...],
    tz: tzinfo,
) -> tuple[tuple[Appointment, ...], tuple[int | None, ...]]:
    """New appointments (one is on file when a stored one has its time and type), with
    transition_id the stored stay's id, and for each the index of its stay in `new_stays`
    (None: stored or none). `incoming`'s transition_id is an index into `stays_in_file`; a
    stay is the stored one with its discharge day (new_transitions' rule). A TCM visit before
    its stay's discharge is refused, as services.appointments refuses one."""
    out: list[Appointment] = []
    links: list[int | None] = []
    for a in new_records(incoming, stored, lambda a: (a.at, a.kind)):
        day = local_date(a.at, tz)
        field = f"appointment of {us_date(day)}"
        stay_id: int | None = None
        link: int | None = None
        if a.transition_id is not None:
            if not 0 <= a.transition_id < len(stays_in_file):
                raise ValidationError(f"{field} hospital stay", "names no stay of this patient")
            stay = stays_in_file[a.transition_id]
            if a.kind is AppointmentKind.TCM_VISIT and day < stay.discharged_on:
                raise ValidationError(
                    f"{field} time", f"cannot be before the discharge ({us_date(stay.discharged_on)})"
                )
            on_file = next((s for s in stays_on_file if s.discharged_on == stay.discharged_on), None)
            if on_file is not None:
                stay_id = on_file.id
            else:
                link = next(n for n, s in enumerate(new_stays) if s.discharged_on == stay.discharged_on)
        out.append(replace(a, transition_id=stay_id))
        links.append(link)
    return tuple(out), tuple(links)


def new_targets(
    incoming: Iterable[ObservationTarget], stored: Iterable[ObservationTarget]
) -> tuple[ObservationTarget, ...]:
    """New target bands: one per measure (services.observations.set_targets keeps one); a
    measure the patient already has a band for keeps the stored one (changed in the chart
    since the export, it is the care manager's). Two bands for one measure in the file: the
    first."""
    return new_records(incoming, stored, lambda t: t.kind)


def new_devices(
    incoming: Iterable[RpmDevice], stored: Iterable[RpmDevice], enrollments: Iterable[Enrollment]
) -> tuple[RpmDevice, ...]:
    """New RPM devices: one is on file when a stored one has its kind and set-up day
    (domain.rpm_devices.check_not_twice; the stored one and its reading days stand). As
    services.rpm_devices checks one entered by hand: set up within an RPM enrollment
    (check_in_rpm) and every reading day in one (outside_rpm, SPEC 3)."""
    enrollments = tuple(enrollments)
    new = new_records(incoming, stored, lambda d: (d.kind, d.set_up_on))
    for device in new:
        try:
            check_in_rpm(device, enrollments)
            for day in device.reading_days:
                if (why := outside_rpm(day, enrollments)) is not None:
                    raise ValidationError("reading date", why)
        except ValidationError as exc:
            raise ValidationError(
                f"{device.kind.value} set up {us_date(device.set_up_on)} {exc.field}", exc.message
            ) from None
    return new


def new_tasks(incoming: Iterable[Task], stored: Iterable[Task]) -> tuple[Task, ...]:
    """New tasks: a task is on file when a stored one has its title (case and runs of spaces
    ignored, as services.tasks compares twins), due date and creation time; the stored one's
    status stands (a task done in CareDesk since the export stays done). The reader checked
    the dates (interop.fhir_tasks). A task the reader makes itself (no creation time: "Needs
    an ICD-10 code: ..." for a condition coded only in SNOMED CT, interop.fhir_import_records.
    icd10_task) is on file when any task of the patient has its title, open, done or
    cancelled: a re-import never makes it again, whatever day it runs."""
    titles = {_title(t) for t in stored}
    new = list(new_records((t for t in incoming if t.created_at is not None), stored, _task_key))
    for t in incoming:  # a to-do the import itself makes (no creation time): never twice
        if t.created_at is None and _title(t) not in titles:
            titles.add(_title(t))
            new.append(t)
    return tuple(new)


def _title(t: Task) -> str:
    return " ".join(t.title.split()).casefold()


def _task_key(t: Task) -> object:
    return (_title(t), t.due, t.created_at)
