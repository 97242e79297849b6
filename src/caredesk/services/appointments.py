"""Appointments the care manager arranges: PCP, specialist, tests, the TCM face-to-face visit.

A scheduled appointment is a queue reason the working day before (a reminder call) and,
once its day has passed, until it is recorded kept, missed or cancelled (rules in
caredesk.domain.queue). A kept TCM visit linked to a stay records that stay's face-to-face
visit. Every write returns Kind.APPOINTMENT (and Kind.TRANSITION when a stay changed).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.appointments import Appointment, AppointmentKind, AppointmentStatus, clock_time
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.coordination import Transition
from caredesk.domain.lifespan import check_not_deceased, check_within_life
from caredesk.domain.patients import Patient
from caredesk.errors import NotFound, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.missing import not_found
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

# A time further off than these is almost surely a mistyped year.
LATEST_DAYS_AHEAD = 2 * 366
EARLIEST_DAYS_BACK = 366
# The reason added to the note of an appointment cancelled because the patient died.
DECEASED_NOTE = "Cancelled: patient deceased"
NOTE_MAX = 1000  # domain.appointments' limit on a note


def schedule(
    ws: Workspace,
    patient_id: int,
    *,
    at: datetime,
    kind: AppointmentKind | str,
    with_whom: str,
    place: str = "",
    transition_id: int | None = None,
) -> Saved[Appointment]:
    """Arrange an appointment at `at` (an aware date and time; a past one within a year may be
    entered to record it afterwards). `transition_id` links it to the patient's stay; a TCM
    visit must be on or after that discharge.

    Raises ValidationError naming the field ("appointment time", "appointment type",
    "with whom", "where", "hospital stay") or NotFound("patient"); nothing is stored then.
    Refused: a time after the patient's date of death (or any, for a patient recorded
    deceased without one), and a second appointment at the same date and time."""
    appointment = Appointment(
        patient_id=patient_id,
        at=at,
        kind=checks.one_of("appointment type", kind, AppointmentKind),
        with_whom=with_whom,
        place=place,
        transition_id=transition_id,
    )
    _check_time(ws, at)
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        _check_life(patient, appointment, ws)
        _check_stay(uow, appointment, ws)
        _refuse_twin(uow, appointment, ws)
        saved = uow.appointments.add(appointment)
        uow.audit(actions.RECORD_CREATED, "appointment", saved.id)
        uow.commit()
    return Saved(saved, Changes.of([patient_id], Kind.APPOINTMENT))


def record_outcome(ws: Workspace, appointment_id: int, outcome: AppointmentStatus | str) -> Saved[Appointment]:
    """Kept, missed or cancelled. Kept and missed only from the appointment's day on.

    A kept TCM face-to-face visit linked to a stay sets the stay's visit date when none is
    recorded; taking a kept visit back (missed, cancelled) clears the date it set."""
    status = checks.one_of("outcome", outcome, AppointmentStatus)
    if status is AppointmentStatus.SCHEDULED:
        raise ValidationError("outcome", "must be kept, missed or cancelled (use reschedule for a new time)")
    with ws.uow() as uow:
        appointment = _get(uow, appointment_id)
        day = local_date(appointment.at, ws.tz)
        if status in (AppointmentStatus.KEPT, AppointmentStatus.MISSED) and day > ws.today():
            raise ValidationError("outcome", f"can be recorded from the appointment's day ({us_date(day)})")
        if status is appointment.status:
            return Saved(appointment, Changes())
        saved = uow.appointments.update(replace(appointment, status=status))
        uow.audit(actions.RECORD_CHANGED, "appointment", appointment_id, status.value)
        stay_changed = _follow_visit(uow, appointment, saved, day)
        uow.commit()
    kinds = (Kind.APPOINTMENT, Kind.TRANSITION) if stay_changed else (Kind.APPOINTMENT,)
    return Saved(saved, Changes.of([appointment.patient_id], *kinds))


def reschedule(ws: Workspace, appointment_id: int, *, at: datetime) -> Saved[Appointment]:
    """A new time. A scheduled appointment moves; a missed or cancelled one stays as it was
    and a new one is arranged with the same details (the history keeps the miss). A kept
    appointment cannot be rescheduled."""
    checks.aware("appointment time", at)
    _check_time(ws, at)
    with ws.uow() as uow:
        appointment = _get(uow, appointment_id)
        if appointment.status is AppointmentStatus.KEPT:
            raise ValidationError("appointment", "was kept; schedule a new one instead")
        moved = replace(appointment, at=at, status=AppointmentStatus.SCHEDULED)
        patient = uow.patients.get(appointment.patient_id)
        assert patient is not None  # appointments go with their patient
        _check_life(patient, moved, ws)
        _check_stay(uow, moved, ws)
        _refuse_twin(uow, moved, ws)
        if appointment.status is AppointmentStatus.SCHEDULED:
            saved = uow.appointments.update(moved)
            uow.audit(actions.RECORD_CHANGED, "appointment", appointment_id, "time")
        else:
            saved = uow.appointments.add(replace(moved, id=None, note=""))
            uow.audit(actions.RECORD_CREATED, "appointment", saved.id, f"rescheduled from {appointment_id}")
        uow.commit()
    return Saved(saved, Changes.of([appointment.patient_id], Kind.APPOINTMENT))


def cancel_after_death(uow: UnitOfWork, patient_id: int, died_on: date) -> int:
    """In the unit of work that records a date of death: cancel the patient's scheduled
    appointments on clinic dates after `died_on`, noting the reason "patient deceased"
    (audited by id). Kept, missed and cancelled ones stay as they were. Returns how many
    were cancelled."""
    cancelled = 0
    for a in uow.appointments.for_patient(patient_id):
        if a.status is not AppointmentStatus.SCHEDULED or local_date(a.at, uow.tz) <= died_on:
            continue
        note = f"{a.note}\n{DECEASED_NOTE}" if a.note else DECEASED_NOTE
        if len(note) > NOTE_MAX:  # the reason must fit; the end of a long note gives way
            note = f"{a.note[: NOTE_MAX - len(DECEASED_NOTE) - 1]}\n{DECEASED_NOTE}"
        uow.appointments.update(replace(a, status=AppointmentStatus.CANCELLED, note=note))
        uow.audit(actions.RECORD_CHANGED, "appointment", a.id, "cancelled: patient deceased")
        cancelled += 1
    return cancelled


def appointments(ws: Workspace, patient_id: int) -> list[Appointment]:
    """The patient's appointments, earliest first (the chart splits upcoming from past)."""
    with ws.uow() as uow:
        found = uow.appointments.for_patient(patient_id)
    return earliest_first(found)


def earliest_first(found: Iterable[Appointment]) -> list[Appointment]:
    """Appointments in the order `appointments` gives them."""
    return sorted(found, key=lambda a: (a.at, a.id or 0))


def _check_time(ws: Workspace, at: datetime) -> None:
    day = local_date(at, ws.tz)
    today = ws.today()
    if day > today + timedelta(days=LATEST_DAYS_AHEAD):
        raise ValidationError("appointment time", "is more than two years ahead")
    if day < today - timedelta(days=EARLIEST_DAYS_BACK):
        raise ValidationError("appointment time", "is more than a year ago")


def _check_life(patient: Patient, a: Appointment, ws: Workspace) -> None:
    """Not before the patient's birth nor after their death; none for a patient recorded
    deceased without a date."""
    check_within_life("appointment time", local_date(a.at, ws.tz), patient)
    if patient.died_on is None:
        check_not_deceased("appointment", patient)


def _refuse_twin(uow: UnitOfWork, a: Appointment, ws: Workspace) -> None:
    """One appointment at a time per patient: another (not cancelled) at the same date and
    time is the same one entered twice."""
    for other in uow.appointments.for_patient(a.patient_id):
        if other.id != a.id and other.at == a.at and other.status is not AppointmentStatus.CANCELLED:
            when = f"{clock_time(a.at.astimezone(ws.tz))} on {us_date(local_date(a.at, ws.tz))}"
            raise ValidationError("appointment time", f"is taken: the patient already has an appointment at {when}")


def _check_stay(uow: UnitOfWork, a: Appointment, ws: Workspace) -> None:
    if a.transition_id is None:
        return
    stay = uow.transitions.get(a.transition_id)
    if stay is None or stay.patient_id != a.patient_id:
        raise ValidationError("hospital stay", "is not one of this patient's stays")
    assert isinstance(stay, Transition)
    if a.kind is AppointmentKind.TCM_VISIT and local_date(a.at, ws.tz) < stay.discharged_on:
        raise ValidationError("appointment time", f"cannot be before the discharge ({us_date(stay.discharged_on)})")


def _follow_visit(uow: UnitOfWork, before: Appointment, after: Appointment, day: date) -> bool:
    """Keep the linked stay's visit date in step with a kept TCM visit; True when it changed."""
    if before.kind is not AppointmentKind.TCM_VISIT or before.transition_id is None:
        return False
    stay = uow.transitions.get(before.transition_id)
    if stay is None:
        return False
    if after.status is AppointmentStatus.KEPT and stay.seen_on is None:
        uow.transitions.update(replace(stay, seen_on=day))
        uow.audit(actions.RECORD_CHANGED, "transition", stay.id, f"face-to-face visit made (appointment {before.id})")
        return True
    if before.status is AppointmentStatus.KEPT and after.status is not AppointmentStatus.KEPT and stay.seen_on == day:
        uow.transitions.update(replace(stay, seen_on=None))
        uow.audit(
            actions.RECORD_CHANGED, "transition", stay.id, f"face-to-face visit taken back (appointment {before.id})"
        )
        return True
    return False


def _get(uow: UnitOfWork, appointment_id: int) -> Appointment:
    appointment = uow.appointments.get(appointment_id)
    if appointment is None:
        raise not_found(uow, "appointment", "appointment", appointment_id)
    assert isinstance(appointment, Appointment)
    return appointment
