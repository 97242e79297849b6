"""Hospital stays (transitions of care): the discharge, and the three TCM steps it starts.

SPEC §3 "Transitions of care": interactive contact by discharge + 2 business days, the
face-to-face visit by + 7 (high complexity) or + 14 days, medication reconciliation by the
visit (rules in caredesk.domain.transitions). Each deadline is a queue reason from the moment
the discharge is entered until it is met; every write returns Kind.TRANSITION so the queue
re-ranks at once. Audit details name the fields changed, never the facility.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, Final

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.appointments import Appointment
from caredesk.domain.attempts import UNANSWERED
from caredesk.domain.calendar import local_date, us_date
from caredesk.domain.contacts import INTERACTIVE_CHANNELS, Channel
from caredesk.domain.coordination import Complexity, Transition
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Patient
from caredesk.domain.transitions import (
    TCM_PERIOD_DAYS,
    Deadline,
    DeadlineStatus,
    stay_deadlines,
    timely_attempts,
)
from caredesk.errors import NotFound, ValidationError
from caredesk.services import tcm_contact
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.missing import not_found
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork


class _Keep:
    """The default of change_stay's fields: leave this one as it is."""


KEEP: Final = _Keep()


@dataclass(frozen=True, slots=True)
class StayView:
    """One stay as the chart shows it, with its deadlines' status on `as_of` (today).

    `attempts`: clinic dates of unanswered interactive calls from the discharge to the
    contact's due date (two or more stand for the contact, CMS MLN908628);
    `appointments`: those arranged for this stay (the TCM visit among them)."""

    stay: Transition
    contact: Deadline
    visit: Deadline
    reconciliation: Deadline
    attempts: tuple[date, ...]
    appointments: tuple[Appointment, ...]
    as_of: date

    @property
    def deadlines(self) -> tuple[Deadline, Deadline, Deadline]:
        return self.contact, self.visit, self.reconciliation

    @property
    def period_ends(self) -> date:
        """The last day of the 30-day TCM period that begins on the discharge day."""
        return self.stay.discharged_on + timedelta(days=TCM_PERIOD_DAYS - 1)

    def status(self, deadline: Deadline) -> DeadlineStatus:
        return deadline.status(self.as_of)


def add_stay(
    ws: Workspace,
    patient_id: int,
    *,
    facility: str,
    discharged_on: date,
    admitted_on: date | None = None,
    complexity: Complexity | str = Complexity.MODERATE,
) -> Saved[Transition]:
    """Record a hospital or facility stay; its TCM deadlines enter the queue at once.

    Dates are clinic calendar dates, never in the future, not before the patient's birth nor
    after their death; the admission is on or before the discharge; the stay does not overlap
    another of the patient's stays (a transfer discharged and admitted on one day does not).
    A reached interactive contact already logged within the contact window (a call made
    before the stay was entered) is taken as its TCM contact, as a call logged afterwards is.
    Raises ValidationError naming the field ("facility", "discharge date", "admission date",
    "complexity") or NotFound("patient"); nothing is stored then."""
    today = ws.today()
    checks.not_after("discharge date", discharged_on, today, "today")
    checks.not_after("admission date", admitted_on, today, "today")
    stay = Transition(
        patient_id=patient_id,
        facility=facility,
        admitted_on=admitted_on,
        discharged_on=discharged_on,
        complexity=checks.one_of("complexity", complexity, Complexity),
    )
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        _check_life(patient, stay)
        _refuse_twin(uow, stay)
        _refuse_overlap(uow, stay)
        saved = uow.transitions.add(stay)
        uow.audit(actions.RECORD_CREATED, "transition", saved.id)
        saved = _with_logged_contact(uow, saved, ws)
        uow.commit()
    return Saved(saved, Changes.of([patient_id], Kind.TRANSITION))


def change_stay(
    ws: Workspace,
    stay_id: int,
    *,
    facility: str | _Keep = KEEP,
    admitted_on: date | _Keep | None = KEEP,
    discharged_on: date | _Keep = KEEP,
    complexity: Complexity | str | _Keep = KEEP,
) -> Saved[Transition]:
    """Correct a stay's facility, dates or complexity (the deadlines move with them).

    Only the fields given change. Steps already recorded must stay on or after the
    discharge (ValidationError naming the step); the corrected stay must not overlap another.
    A stay still without its TCM contact takes a reached interactive contact logged within
    the corrected contact window."""
    today = ws.today()
    with ws.uow() as uow:
        stay = _get(uow, stay_id)
        changes: dict[str, Any] = {}
        if not isinstance(facility, _Keep):
            changes["facility"] = facility
        if not isinstance(admitted_on, _Keep):
            checks.not_after("admission date", admitted_on, today, "today")
            changes["admitted_on"] = admitted_on
        if not isinstance(discharged_on, _Keep):
            checks.a_date("discharge date", discharged_on)
            checks.not_after("discharge date", discharged_on, today, "today")
            _check_steps(stay, discharged_on)
            changes["discharged_on"] = discharged_on
        if not isinstance(complexity, _Keep):
            changes["complexity"] = checks.one_of("complexity", complexity, Complexity)
        changed = replace(stay, **changes)
        names = {"facility": "facility", "admitted_on": "admission date", "discharged_on": "discharge date"}
        names["complexity"] = "complexity"
        fields = [label for key, label in names.items() if getattr(changed, key) != getattr(stay, key)]
        if not fields:
            return Saved(stay, Changes())
        patient = uow.patients.get(stay.patient_id)
        assert patient is not None  # stays go with their patient
        _check_life(patient, changed)
        if changed.discharged_on != stay.discharged_on:
            _refuse_twin(uow, changed)
        if (changed.admitted_on, changed.discharged_on) != (stay.admitted_on, stay.discharged_on):
            _refuse_overlap(uow, changed)
        saved = uow.transitions.update(changed)
        uow.audit(actions.RECORD_CHANGED, "transition", stay_id, "; ".join(fields))
        if changed.discharged_on != stay.discharged_on:
            saved = _with_logged_contact(uow, saved, ws)
        uow.commit()
    return Saved(saved, Changes.of([stay.patient_id], Kind.TRANSITION))


def remove_stay(ws: Workspace, stay_id: int) -> Saved[Transition]:
    """Take back a stay entered by mistake (for the wrong patient, or twice): its deadlines
    leave the queue; appointments arranged for it stay, no longer linked."""
    with ws.uow() as uow:
        stay = _get(uow, stay_id)
        for a in uow.appointments.for_patient(stay.patient_id):
            if a.transition_id == stay_id:
                uow.appointments.update(replace(a, transition_id=None))
                uow.audit(actions.RECORD_CHANGED, "appointment", a.id, "stay removed")
        uow.transitions.remove(stay_id)
        uow.audit(actions.RECORD_REMOVED, "transition", stay_id)
        uow.commit()
    return Saved(stay, Changes.of([stay.patient_id], Kind.TRANSITION, Kind.APPOINTMENT))


def record_contact(
    ws: Workspace, stay_id: int, *, on: date | None, channel: Channel | str = Channel.PHONE
) -> Saved[Transition]:
    """The TCM interactive contact was made on `on` by `channel` (phone, video, portal or
    home visit; a letter is refused, SPEC §3). `on=None` takes a mistaken entry back.

    Use this for a contact made outside a logged call; a reached call logged in CareDesk
    records it by itself (services.calls)."""
    if on is None:
        return _record(ws, stay_id, "TCM contact", None, contacted_on=None, contact_channel=None)
    picked = checks.one_of("contact channel", channel, Channel)
    if picked not in INTERACTIVE_CHANNELS:
        raise ValidationError(
            "contact channel", "must be phone, video, portal or home visit: a letter is not interactive"
        )
    return _record(ws, stay_id, "TCM contact", on, contacted_on=on, contact_channel=picked)


def record_visit(ws: Workspace, stay_id: int, *, on: date | None) -> Saved[Transition]:
    """The face-to-face visit was made on `on` (None takes a mistaken entry back)."""
    return _record(ws, stay_id, "face-to-face visit", on, seen_on=on)


def record_reconciliation(ws: Workspace, stay_id: int, *, on: date | None) -> Saved[Transition]:
    """Medication reconciliation was done on `on`: on or after the discharge, due by the
    visit (None takes a mistaken entry back)."""
    return _record(ws, stay_id, "medication reconciliation", on, meds_reconciled_on=on)


def stays(ws: Workspace, patient_id: int) -> list[StayView]:
    """The patient's stays, newest discharge first, each with its three deadlines."""
    today = ws.today()
    with ws.uow() as uow:
        found = uow.transitions.for_patient(patient_id)
        contacts = uow.contacts.for_patient(patient_id) if found else []
        booked = uow.appointments.for_patient(patient_id) if found else []
    tries = [local_date(c.at, ws.tz) for c in contacts if c.outcome in UNANSWERED and c.channel in INTERACTIVE_CHANNELS]
    out = []
    for t in newest_first(found):
        contact, visit, reconciliation = stay_deadlines(t)
        linked = tuple(sorted((a for a in booked if a.transition_id == t.id), key=lambda a: a.at))
        out.append(StayView(t, contact, visit, reconciliation, tuple(timely_attempts(t, tries)), linked, today))
    return out


def newest_first(found: Iterable[Transition]) -> list[Transition]:
    """Stays in the order `stays` gives them: newest discharge first."""
    return sorted(found, key=lambda t: (t.discharged_on, t.id or 0), reverse=True)


def _record(ws: Workspace, stay_id: int, step: str, day: date | None, **values: Any) -> Saved[Transition]:
    """Set (or, with `day` None, clear) one step's date: never in the future, never before the discharge."""
    if day is not None:
        checks.a_date(f"{step} date", day)
        checks.not_after(f"{step} date", day, ws.today(), "today")
    with ws.uow() as uow:
        stay = _get(uow, stay_id)
        if day is not None and day < stay.discharged_on:
            raise ValidationError(f"{step} date", f"cannot be before the discharge ({us_date(stay.discharged_on)})")
        patient = uow.patients.get(stay.patient_id)
        assert patient is not None  # stays go with their patient
        check_within_life(f"{step} date", day, patient)
        changed = replace(stay, **values)
        saved = uow.transitions.update(changed)
        uow.audit(actions.RECORD_CHANGED, "transition", stay_id, f"{step} {'made' if day else 'taken back'}")
        uow.commit()
    return Saved(saved, Changes.of([stay.patient_id], Kind.TRANSITION))


def _check_life(patient: Patient, stay: Transition) -> None:
    """Admission and discharge within the patient's life: not before the date of birth, not
    after the date of death (a patient who died in hospital is discharged on that day)."""
    check_within_life("admission date", stay.admitted_on, patient)
    check_within_life("discharge date", stay.discharged_on, patient)


def _check_steps(t: Transition, discharged_on: date) -> None:
    """A discharge moved later must stay on or before every step already recorded."""
    for step, done in (
        ("TCM contact", t.contacted_on),
        ("face-to-face visit", t.seen_on),
        ("medication reconciliation", t.meds_reconciled_on),
    ):
        if done is not None and done < discharged_on:
            raise ValidationError("discharge date", f"cannot be after the {step} recorded on {us_date(done)}")


def _refuse_twin(uow: UnitOfWork, stay: Transition) -> None:
    """One discharge a day per patient: a second is almost surely the same stay entered twice."""
    for other in uow.transitions.for_patient(stay.patient_id):
        if other.id != stay.id and other.discharged_on == stay.discharged_on:
            raise ValidationError(
                "discharge date", f"a stay discharged on {us_date(stay.discharged_on)} is already recorded"
            )


def _refuse_overlap(uow: UnitOfWork, stay: Transition) -> None:
    """A patient is in one facility at a time: a stay that overlaps another (or lies inside
    it) is a mistyped date or the same stay entered twice. Discharged from one and admitted
    to the next on the same day (a transfer) is not an overlap; one inside another is. A
    stay without an admission date stands for its discharge day alone."""
    start = stay.admitted_on or stay.discharged_on
    for other in uow.transitions.for_patient(stay.patient_id):
        if other.id == stay.id:
            continue
        other_start = other.admitted_on or other.discharged_on
        if start < other.discharged_on and other_start < stay.discharged_on:
            span = f"{us_date(other.admitted_on)} to " if other.admitted_on else "discharged "
            raise ValidationError(
                "admission date" if stay.admitted_on else "discharge date",
                f"this stay overlaps the stay of {span}{us_date(other.discharged_on)}",
            )


def _with_logged_contact(uow: UnitOfWork, stay: Transition, ws: Workspace) -> Transition:
    """The stay after a call logged before it was entered (or before its discharge was
    corrected) is taken as its TCM contact (services.tcm_contact). Unanswered attempts need
    nothing here: `stays` reads them from the contacts whenever they were logged."""
    if not tcm_contact.settle(uow, stay.patient_id, ws.tz):
        return stay
    assert stay.id is not None
    return _get(uow, stay.id)


def _get(uow: UnitOfWork, stay_id: int) -> Transition:
    stay = uow.transitions.get(stay_id)
    if stay is None:
        raise not_found(uow, "hospital stay", "transition", stay_id)
    assert isinstance(stay, Transition)
    return stay
