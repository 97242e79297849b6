"""Screens and the safety protocol: record a screen, read a patient's scores over time, the
open safety flags, and the safety check that closes one (SPEC section 3, Assessments; issue 10).

Every write is one unit of work, audited by ids and the instrument's name only (answers,
scores and notes are patient content and never go into the audit detail), and returns the
change set so the queue re-ranks the patient at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime

from caredesk.domain import audit as events
from caredesk.domain import billing, checks, screen_followups
from caredesk.domain.assessments import Instrument, instrument_of, spec
from caredesk.domain.calendar import Month, us_date
from caredesk.domain.contacts import Activity, StaffType, TimeEntry
from caredesk.domain.coordination import Assessment
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.safety import SafetyAction, SafetyCheck, SafetyFlag, check_refusal, open_flags
from caredesk.errors import NotFound, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork


def record_assessment(
    ws: Workspace,
    patient_id: int,
    instrument: Instrument | str,
    answers: Sequence[int | None],
    taken_on: date,
    *,
    minutes: int | None = None,
) -> Saved[Assessment]:
    """Save a screen as answered: each item's option value in order, None for an item not
    answered (then it is kept as incomplete, never scored). The record computes score, band
    and safety. `taken_on` is a clinic date, not in the future nor before birth (nor after a
    date of death). `minutes` (1-600), when given, are logged as assessment time for the
    patient's main program that month, in the same transaction.

    Raises ValidationError ("instrument", "PHQ-9 item 4", "date", "minutes") or
    NotFound("patient"); nothing is saved then."""
    chosen = instrument_of(instrument)
    if not spec(chosen).offered:
        raise ValidationError("instrument", f"{chosen.value} is kept for old screens; record the social-needs screen")
    if taken_on > ws.today():
        raise ValidationError("date", "cannot be in the future")
    screen = Assessment(patient_id=patient_id, instrument=chosen, taken_on=taken_on, answers=tuple(answers))
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        check_within_life("date", taken_on, patient)
        saved = uow.assessments.add(screen)
        uow.audit(events.RECORD_CREATED, "assessment", saved.id, chosen.value)
        kinds = [Kind.ASSESSMENT]
        if minutes is not None:
            entry = uow.time_entries.add(_assessment_time(uow, patient_id, taken_on, minutes))
            uow.audit(events.RECORD_CREATED, "time entry", entry.id)
            kinds.append(Kind.TIME)
        uow.commit()
    return Saved(saved, Changes.of([patient_id], *kinds))


def _assessment_time(uow: UnitOfWork, patient_id: int, day: date, minutes: int) -> TimeEntry:
    program = billing.main_program(uow.enrollments.for_patient(patient_id), Month.of(day))
    if program is None:
        raise ValidationError("minutes", "the patient is not enrolled in a program that month")
    return TimeEntry(
        patient_id=patient_id,
        on=day,
        minutes=minutes,
        activity=Activity.ASSESSMENT,
        staff_type=StaffType.CLINICAL_STAFF,
        program=program,
    )


def history(ws: Workspace, patient_id: int, instrument: Instrument | str | None = None) -> list[Assessment]:
    """The patient's screens (of one instrument, or all), oldest first: each has its computed
    `score` and `band` (None when incomplete). Raises NotFound("patient")."""
    chosen = None if instrument is None else instrument_of(instrument)
    with ws.reading() as uow:
        if uow.patients.get(patient_id) is None:
            raise NotFound("patient")
        screens = uow.assessments.for_patient(patient_id)
    return [s for s in screens if chosen is None or s.instrument is chosen]


def resumable(ws: Workspace, patient_id: int) -> Assessment | None:
    """The patient's unfinished PHQ-2, PHQ-9 or GAD-7 that a new interview today continues
    (domain.screen_followups.resumable: within 14 days, not finished since), or None.
    Raises NotFound("patient")."""
    return screen_followups.resumable(history(ws, patient_id), ws.today())


def open_safety_flags(ws: Workspace, patient_id: int) -> list[SafetyFlag]:
    """Screens whose answers raised the safety flag and that no safety check names yet, oldest
    first. Raises NotFound("patient")."""
    with ws.reading() as uow:
        if uow.patients.get(patient_id) is None:
            raise NotFound("patient")
        return _open(uow, patient_id)


def safety_checks(ws: Workspace, patient_id: int) -> list[SafetyCheck]:
    """Every safety check documented for the patient, oldest first."""
    with ws.reading() as uow:
        return uow.safety_checks.for_patient(patient_id)


def _open(uow: UnitOfWork, patient_id: int) -> list[SafetyFlag]:
    checked = (c.assessment_id for c in uow.safety_checks.for_patient(patient_id))
    return open_flags(uow.assessments.for_patient(patient_id), checked)


def record_safety_check(
    ws: Workspace,
    assessment_id: int,
    actions: Iterable[SafetyAction | str],
    note: str,
    by: str,
    *,
    checked_at: datetime | None = None,
) -> Saved[SafetyCheck]:
    """Document the safety check of a flagged screen: what was done (at least one
    SafetyAction; "other" needs a note), a note, who did it and when (`checked_at`, aware;
    default now; never in the future nor before the screen's day). The screen's flag leaves
    the queue. A screen has one safety check: a second one is refused
    (caredesk.domain.safety.check_refusal).

    Raises ValidationError ("actions", "note", "checked by", "checked at", "safety check":
    the screen has no safety answer; "screen": "screen 1 already has a safety check (by Ana
    Ruiz, RN on 11/24/2026 10:15 AM)") or NotFound("screen")."""
    now = ws.clock.now()
    when = now if checked_at is None else checks.aware("checked at", checked_at)
    if when > now:
        raise ValidationError("checked at", "cannot be in the future")
    with ws.uow() as uow:
        screen = uow.assessments.get(assessment_id)
        if screen is None or screen.id is None:
            raise NotFound("screen")
        if not screen.safety:
            raise ValidationError("safety check", "this screen raised no safety flag")
        refusal = check_refusal(screen.id, uow.safety_checks.for_patient(screen.patient_id), ws.tz)
        if refusal is not None:
            raise ValidationError("screen", refusal)
        if when.astimezone(ws.tz).date() < screen.taken_on:
            raise ValidationError("checked at", f"cannot be before the screen ({us_date(screen.taken_on)})")
        check = SafetyCheck(
            patient_id=screen.patient_id,
            assessment_id=screen.id,
            checked_at=when,
            by=by,
            actions=tuple(checks.one_of("actions", a, SafetyAction) for a in actions),
            note=note,
        )
        saved = uow.safety_checks.add(check)
        uow.audit(events.RECORD_CREATED, "safety check", saved.id, f"assessment {screen.id}")
        uow.commit()
    return Saved(saved, Changes.of([screen.patient_id], Kind.ASSESSMENT))
