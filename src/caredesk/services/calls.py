"""Working a call: the contact, its minutes and what follows from it, in one transaction."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time

from caredesk.domain import attempts, billing, checks
from caredesk.domain import audit as actions
from caredesk.domain.calendar import Month, local_date, us_date
from caredesk.domain.contacts import Activity, Channel, Contact, Outcome, StaffType, TimeEntry, check_follow_up
from caredesk.domain.coordination import Task, TaskKind, TaskStatus
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Enrollment, Program, Status
from caredesk.domain.workdays import US_FEDERAL
from caredesk.errors import NotFound, ValidationError
from caredesk.services import tcm_contact
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.workspace import Workspace


def letter_task_title(month: Month) -> str:
    """The letter task's title names its month ("Send a letter: calls unanswered in November
    2026"): a task made in November and worked in December must not say "this month"."""
    return f"Send a letter: calls unanswered in {month.title}"


# A call back-filled for an earlier day is stamped at midday of that day, clinic time.
BACKFILL_TIME = time(12, 0)


class NoProgramForMinutes(ValidationError):
    """A call's minutes refused because the patient is in no program on its day (SPEC §3:
    minutes are logged only within an enrollment). The message says the way out: the call
    saved without minutes, or the program's dates corrected (`ended`: a program had ended
    before that day, so its end date may be the mistake; `later`: one starts after it, so its
    start date may be). `minutes` were refused."""

    def __init__(self, day: date, minutes: int, ended: bool, later: bool = False):
        self.day, self.minutes, self.ended, self.later = day, minutes, ended, later
        fix = (
            "correct the program's end date"
            if ended
            else "correct the program's start date"
            if later
            else "enroll the patient first"
        )
        super().__init__(
            "program",
            f"the patient is not enrolled in a program on {us_date(day)}: save the call without minutes, or {fix}",
        )


@dataclass(frozen=True, slots=True)
class CallLogged:
    """What changed: screens refresh exactly these patients."""

    patient_ids: frozenset[int]
    contact: Contact
    time_entry: TimeEntry | None
    letter_task: Task | None = None
    transition_met: bool = False

    @property
    def changes(self) -> Changes:
        kinds = [Kind.CONTACT, Kind.TIME]
        if self.letter_task is not None:
            kinds.append(Kind.TASK)
        if self.transition_met:
            kinds.append(Kind.TRANSITION)
        return Changes.of(self.patient_ids, *kinds)


def log_contact(
    ws: Workspace,
    patient_id: int,
    *,
    outcome: Outcome | str,
    minutes: int,
    on: date | None = None,
    program: Program | str | None = None,
    note: str = "",
    follow_up: date | None = None,
    channel: Channel | str = Channel.PHONE,
    staff_type: StaffType | str = StaffType.CLINICAL_STAFF,
    started_at: datetime | None = None,
    time_of_day: time | None = None,
) -> CallLogged:
    """Log a contact and its minutes together; a refused field stores nothing.

    `on` back-fills a call made on an earlier day (never a future one; for a deceased
    patient only a day before the date of death). `time_of_day` (clinic time) is when it was
    made: by default now for today's call, BACKFILL_TIME for an earlier day's; never later than
    now (ValidationError "time"). Minutes may be 0
    for a quick unanswered attempt; then no time entry is written. A reached call marks
    an open transition-of-care contact as made; the third unanswered attempt of a month
    adds a letter task. Minutes on a day the patient is in no program: NoProgramForMinutes
    (a ValidationError "program" saying to save without minutes or correct the dates).
    """
    today = ws.today()
    day = on or today
    if day > today:
        raise ValidationError("date", "cannot be in the future")
    if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= 600:
        raise ValidationError("minutes", "must be a whole number from 0 to 600")
    check_follow_up(follow_up, day)
    if time_of_day is None:
        at = ws.clock.now() if day == today else datetime.combine(day, BACKFILL_TIME, tzinfo=ws.tz)
    else:
        at = datetime.combine(day, time_of_day, tzinfo=ws.tz)
        if at > ws.clock.now():
            raise ValidationError("time", "cannot be later than now")
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        # A call made before the death can still be back-filled; none on or after it.
        if patient.status is Status.DECEASED and (patient.died_on is None or day >= patient.died_on):
            raise ValidationError("date", "must be before the date of death: the patient is recorded as deceased")
        contact = uow.contacts.add(
            Contact(
                patient_id=patient_id,
                at=at,
                channel=checks.one_of("channel", channel, Channel),
                outcome=checks.one_of("outcome", outcome, Outcome),
                note=note,
                follow_up=follow_up,
            )
        )
        uow.audit(actions.RECORD_CREATED, "contact", contact.id)
        entry = None
        if minutes > 0:
            enrollments = uow.enrollments.for_patient(patient_id)
            if not any(e.active_on(day) for e in enrollments):
                ended = any(e.end_date is not None and e.end_date < day for e in enrollments)
                later = any(e.start_date > day for e in enrollments)
                raise NoProgramForMinutes(day, minutes, ended, later)
            chosen = program_for_minutes(enrollments, day, program)
            entry = uow.time_entries.add(
                TimeEntry(
                    patient_id=patient_id,
                    on=day,
                    minutes=minutes,
                    activity=Activity.CALL,
                    staff_type=checks.one_of("staff type", staff_type, StaffType),
                    program=chosen,
                    started_at=started_at,
                    contact_id=contact.id,
                    note="",
                )
            )
            uow.audit(actions.RECORD_CREATED, "time entry", entry.id)
        met = tcm_contact.settle(uow, patient_id, ws.tz)
        letter = _letter_task(uow, patient_id, contact, day, ws)
        uow.commit()
    return CallLogged(frozenset({patient_id}), contact, entry, letter, met)


def log_time(
    ws: Workspace,
    patient_id: int,
    *,
    minutes: int,
    activity: Activity | str,
    on: date | None = None,
    program: Program | str | None = None,
    staff_type: StaffType | str = StaffType.CLINICAL_STAFF,
    note: str = "",
) -> Saved[TimeEntry]:
    """Typed minutes that were not a call: care-plan work, coordination, a medication review.
    Never dated in the future nor after the patient's date of death (ValidationError "date")."""
    today = ws.today()
    day = on or today
    if day > today:
        raise ValidationError("date", "cannot be in the future")
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        check_within_life("date", day, patient)
        chosen = program_for_minutes(uow.enrollments.for_patient(patient_id), day, program)
        entry = uow.time_entries.add(
            TimeEntry(
                patient_id=patient_id,
                on=day,
                minutes=minutes,
                activity=checks.one_of("activity", activity, Activity),
                staff_type=checks.one_of("staff type", staff_type, StaffType),
                program=chosen,
                note=note,
            )
        )
        uow.audit(actions.RECORD_CREATED, "time entry", entry.id)
        uow.commit()
    return Saved(entry, Changes.of([patient_id], Kind.TIME))


def program_for_minutes(enrollments: Iterable[Enrollment], day: date, given: Program | str | None) -> Program:
    """The program the minutes count for: the one given, which the patient must be enrolled in
    on that day (minutes for a program they are not in would bill nothing and skew the month),
    else the patient's main program among those running on that day."""
    enrollments = tuple(enrollments)
    if given is not None:
        try:
            program = Program(given)
        except ValueError:
            raise ValidationError("program", f"must be one of: {', '.join(p.value for p in Program)}") from None
        enrolled = [e.program for e in enrollments if e.start_date <= day and (e.end_date is None or e.end_date >= day)]
        if program not in enrolled:
            held = ", ".join(dict.fromkeys(p.value for p in enrolled))
            held = f"enrolled in {held}" if held else "not enrolled in any program"
            raise ValidationError(
                "program", f"the patient is not enrolled in {program.value} on {us_date(day)} ({held})"
            )
        return program
    # Only programs running on that day: one starting later in the month (or ended earlier)
    # must not collect minutes from days outside its dates.
    main = billing.main_program([e for e in enrollments if e.active_on(day)], Month.of(day))
    if main is None:
        raise ValidationError("program", f"the patient is not enrolled in a program on {us_date(day)}")
    return main


def _letter_task(uow, patient_id: int, contact: Contact, day: date, ws: Workspace) -> Task | None:  # type: ignore[no-untyped-def]
    if contact.outcome not in attempts.UNANSWERED:
        return None
    month = Month.of(day)
    recent = [c for c in uow.contacts.for_patient(patient_id) if month.contains(c.at.astimezone(ws.tz).date())]
    if not attempts.letter_proposed(recent, month, ws.tz):
        return None
    # One letter a month: an open one is still to be sent, and one made this month and closed
    # (sent, or judged unneeded) must not come back with the fourth unanswered call.
    for t in uow.tasks.for_patient(patient_id):
        if t.kind is TaskKind.LETTER and (
            t.status is TaskStatus.OPEN
            or (t.created_at is not None and month.contains(local_date(t.created_at, ws.tz)))
        ):
            return None
    task = uow.tasks.add(
        Task(
            patient_id=patient_id,
            title=letter_task_title(month),
            kind=TaskKind.LETTER,
            due=US_FEDERAL.next_business_day(day),
            created_at=ws.clock.now(),
        )
    )
    uow.audit(actions.RECORD_CREATED, "task", task.id, "letter proposed after unanswered calls")
    assert isinstance(task, Task)
    return task
