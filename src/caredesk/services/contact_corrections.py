"""Correcting or voiding a mistaken contact or time entry (the history is services.contact_history).

Rules (each write is one unit of work: a refused field stores nothing):
- A correction edits the record in place; the audit's record.changed line keeps the
  original ids, numbers, codes and dates (domain.corrections: never note text or names).
- A void moves the record to the voided tables, as it was (same id): it counts in no month
  and no queue, and stays in the history marked with who voided it, when and why. Voiding
  a contact voids its minutes with it.
- Moving a contact to another patient moves its minutes too; minutes that belong to a
  contact move only with it. A corrected program must be one the patient is enrolled in
  on the (corrected) date (services.calls.program_for_minutes). Dates are never in the future, nor
  after the patient's date of death.
- TCM: a reached interactive contact that met a discharge's contact deadline and is then
  voided, moved, re-dated or corrected to another outcome un-marks that deadline, unless
  another reached interactive contact of the patient on or after the discharge remains
  (then the deadline is met on the earliest one). A contact corrected into a reached
  interactive one meets open discharges as a newly logged call does (CMS MLN908628: the
  interactive contact is a direct, telephone or electronic communication; a letter never is).
- A letter task proposed after unanswered attempts stays when one of those attempts is
  voided or corrected: the care manager closes it (tasks are not touched here).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta, tzinfo
from typing import Final

from caredesk.domain import audit as actions
from caredesk.domain import checks
from caredesk.domain.calendar import local_date
from caredesk.domain.contacts import (
    Activity,
    Channel,
    Contact,
    Outcome,
    StaffType,
    TimeEntry,
    Voided,
    check_follow_up,
)
from caredesk.domain.corrections import audit_reason, change_line, reason_text
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Program
from caredesk.domain.transitions import reaches_for_tcm
from caredesk.errors import NotFound, ValidationError
from caredesk.services import tcm_contact
from caredesk.services.calls import program_for_minutes
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork


class Keep:
    """The default of an argument whose None has a meaning (no follow-up): leave it as it is."""

    def __repr__(self) -> str:
        return "KEEP"


KEEP: Final = Keep()


# -- correcting ------------------------------------------------------------------------


def correct_time_entry(
    ws: Workspace,
    entry_id: int,
    *,
    minutes: int | None = None,
    program: Program | str | None = None,
    on: date | None = None,
    staff_type: StaffType | str | None = None,
    activity: Activity | str | None = None,
    patient_id: int | None = None,
    reason: str,
) -> Saved[TimeEntry]:
    """Correct minutes logged by mistake; None leaves a field as it is.

    `minutes` 1-600 (to take minutes back, void them); `program` one the patient is enrolled
    in on the date; `on` never in the future; `patient_id` only for minutes without a
    contact (a contact's minutes move with the contact). Raises ValidationError naming the
    field (also "reason" when blank, "correction" when nothing would change), NotFound.
    Returns the corrected entry; the change set names both patients when it moved.
    """
    why = reason_text(reason)
    _not_future(on, ws)
    with ws.uow() as uow:
        old = uow.time_entries.get(entry_id)
        if old is None:
            raise _gone("time entry", entry_id)
        target = old.patient_id if patient_id is None else patient_id
        if target != old.patient_id and old.contact_id is not None:
            raise ValidationError(
                "patient", f"these minutes belong to contact {old.contact_id}: move the contact instead"
            )
        day = old.on if on is None else on
        _check_patient(uow, target, day)
        chosen = old.program if program is None else checks.one_of("program", program, Program)
        if program is not None or day != old.on or target != old.patient_id:
            chosen = program_for_minutes(uow.enrollments.for_patient(target), day, chosen)
        new = replace(
            old,
            patient_id=target,
            on=day,
            minutes=old.minutes if minutes is None else minutes,
            program=chosen,
            staff_type=old.staff_type if staff_type is None else checks.one_of("staff type", staff_type, StaffType),
            activity=old.activity if activity is None else checks.one_of("activity", activity, Activity),
            started_at=_shift(old.started_at, day - old.on, ws.tz),
        )
        if new == old:
            raise _unchanged()
        saved = uow.time_entries.update(new)
        uow.audit(actions.RECORD_CHANGED, "time entry", entry_id, f"{_entry_line(old, new)}; {audit_reason(why)}")
        uow.commit()
    return Saved(saved, Changes.of({old.patient_id, target}, Kind.TIME))


def correct_contact(
    ws: Workspace,
    contact_id: int,
    *,
    on: date | None = None,
    outcome: Outcome | str | None = None,
    channel: Channel | str | None = None,
    note: str | None = None,
    follow_up: date | Keep | None = KEEP,
    patient_id: int | None = None,
    minutes: int | None = None,
    program: Program | str | None = None,
    reason: str,
) -> Saved[Contact]:
    """Correct a contact logged by mistake; None (KEEP for `follow_up`, whose None clears
    it) leaves a field as it is.

    `on` re-dates the contact and its minutes (never into the future); `patient_id` moves
    the contact and its minutes to another patient; `minutes` / `program` correct the
    contact's minutes (or add them to a contact logged without any). Raises
    ValidationError naming the field ("reason" when blank, "correction" when nothing would
    change), NotFound. The change set names both patients when the contact moved.
    """
    why = reason_text(reason)
    _not_future(on, ws)
    if minutes is not None:
        checks.whole_number("minutes", minutes, minimum=1, maximum=600)
    with ws.uow() as uow:
        old = uow.contacts.get(contact_id)
        if old is None:
            raise _gone("contact", contact_id)
        old_day = local_date(old.at, ws.tz)
        day = old_day if on is None else on
        target = old.patient_id if patient_id is None else patient_id
        _check_patient(uow, target, day)
        new = replace(
            old,
            patient_id=target,
            at=old.at if day == old_day else _redated(old.at, day, ws),
            outcome=old.outcome if outcome is None else checks.one_of("outcome", outcome, Outcome),
            channel=old.channel if channel is None else checks.one_of("channel", channel, Channel),
            note=old.note if note is None else note,
            follow_up=old.follow_up if isinstance(follow_up, Keep) else follow_up,
        )
        if (new.follow_up, day) != (old.follow_up, old_day):  # a follow-up kept as it was stands
            check_follow_up(new.follow_up, day)
        entries = uow.time_entries.for_contact(contact_id)
        corrected, added = _contact_minutes(uow, old, new, day - old_day, entries, minutes, program, ws)
        if new == old and not corrected and added is None:
            raise _unchanged()
        kinds = {Kind.CONTACT}
        saved = uow.contacts.update(new)
        uow.audit(
            actions.RECORD_CHANGED, "contact", contact_id, f"{_contact_line(old, new, ws.tz)}; {audit_reason(why)}"
        )
        for before, after in corrected:
            uow.time_entries.update(after)
            line = _entry_line(before, after)
            uow.audit(actions.RECORD_CHANGED, "time entry", before.id, f"{line}; with contact {contact_id}")
            kinds.add(Kind.TIME)
        if added is not None:
            entry = uow.time_entries.add(added)
            uow.audit(actions.RECORD_CREATED, "time entry", entry.id, f"with contact {contact_id}, by correction")
            kinds.add(Kind.TIME)
        if reaches_for_tcm(old) or reaches_for_tcm(new):
            gone = (contact_id, old_day) if reaches_for_tcm(old) else None
            if tcm_contact.settle(uow, old.patient_id, ws.tz, gone=gone):
                kinds.add(Kind.TRANSITION)
            if target != old.patient_id and tcm_contact.settle(uow, target, ws.tz):
                kinds.add(Kind.TRANSITION)
        uow.commit()
    return Saved(saved, Changes.of({old.patient_id, target}, *kinds))


def _contact_minutes(
    uow: UnitOfWork,
    old: Contact,
    new: Contact,
    shift: timedelta,
    entries: list[TimeEntry],
    minutes: int | None,
    program: Program | str | None,
    ws: Workspace,
) -> tuple[list[tuple[TimeEntry, TimeEntry]], TimeEntry | None]:
    """The contact's time entries as corrected (those that change), and one to add when
    minutes are given for a contact logged without any."""
    day = local_date(new.at, ws.tz)
    enrollments = uow.enrollments.for_patient(new.patient_id)
    if len(entries) > 1 and (minutes is not None or program is not None):
        field = "minutes" if minutes is not None else "program"
        raise ValidationError(field, f"are in {len(entries)} time entries for this contact: correct each one")
    if not entries:
        if minutes is None:
            if program is not None:
                raise ValidationError("program", "this contact has no minutes: give the minutes too")
            return [], None
        added = TimeEntry(
            patient_id=new.patient_id,
            on=day,
            minutes=minutes,
            activity=Activity.CALL,
            staff_type=StaffType.CLINICAL_STAFF,
            program=program_for_minutes(enrollments, day, program),
            contact_id=old.id,
        )
        return [], added
    changed = []
    for e in entries:
        e_day = e.on + shift
        if e_day > ws.today():  # a call across midnight moved up to today
            raise ValidationError("date", "cannot be in the future")
        chosen = e.program if program is None else checks.one_of("program", program, Program)
        if program is not None or shift or new.patient_id != e.patient_id:
            chosen = program_for_minutes(enrollments, e_day, chosen)
        after = replace(
            e,
            patient_id=new.patient_id,
            on=e_day,
            minutes=e.minutes if minutes is None else minutes,
            program=chosen,
            started_at=_shift(e.started_at, shift, ws.tz),
        )
        if after != e:
            changed.append((e, after))
    return changed, None


# -- voiding ---------------------------------------------------------------------------


def void_contact(ws: Workspace, contact_id: int, *, reason: str) -> Saved[Voided]:
    """Take a contact back, with its minutes: they leave the month's billing and the queue
    and stay in the history, marked. Raises ValidationError("reason") when blank, NotFound."""
    why = reason_text(reason)
    now = ws.clock.now()
    with ws.uow() as uow:
        kinds = {Kind.CONTACT}
        # The minutes first: deleting the contact row would clear their contact_id (SET NULL).
        for e in uow.time_entries.for_contact(contact_id):
            assert e.id is not None
            uow.time_entries.void(e.id, at=now, by=ws.actor, reason=why)
            uow.audit(actions.RECORD_VOIDED, "time entry", e.id, f"with contact {contact_id}; {audit_reason(why)}")
            kinds.add(Kind.TIME)
        voided = uow.contacts.void(contact_id, at=now, by=ws.actor, reason=why)
        if voided is None:
            raise _gone("contact", contact_id)
        contact = voided.record
        assert isinstance(contact, Contact)
        uow.audit(actions.RECORD_VOIDED, "contact", contact_id, audit_reason(why))
        gone = (contact_id, local_date(contact.at, ws.tz))
        if reaches_for_tcm(contact) and tcm_contact.settle(uow, contact.patient_id, ws.tz, gone=gone):
            kinds.add(Kind.TRANSITION)
        uow.commit()
    return Saved(voided, Changes.of([contact.patient_id], *kinds))


def void_time_entry(ws: Workspace, entry_id: int, *, reason: str) -> Saved[Voided]:
    """Take minutes back (the contact, if any, stays): they count in no month any more.
    Raises ValidationError("reason") when blank, NotFound."""
    why = reason_text(reason)
    with ws.uow() as uow:
        voided = uow.time_entries.void(entry_id, at=ws.clock.now(), by=ws.actor, reason=why)
        if voided is None:
            raise _gone("time entry", entry_id)
        uow.audit(actions.RECORD_VOIDED, "time entry", entry_id, audit_reason(why))
        uow.commit()
    return Saved(voided, Changes.of([voided.record.patient_id], Kind.TIME))


# -- shared checks and lines -------------------------------------------------------------


def _gone(what: str, record_id: int) -> NotFound:
    return NotFound(what, f"No {what} {record_id} in the store (a voided one cannot be corrected or voided again).")


def _unchanged() -> ValidationError:
    return ValidationError("correction", "changes nothing: every value is as it was")


def _not_future(day: date | None, ws: Workspace) -> None:
    if day is not None:
        checks.a_date("date", day)
        if day > ws.today():
            raise ValidationError("date", "cannot be in the future")


def _check_patient(uow: UnitOfWork, patient_id: int, day: date) -> None:
    patient = uow.patients.get(patient_id)
    if patient is None:
        raise NotFound("patient")
    check_within_life("date", day, patient)  # never after the date of death


def _redated(at: datetime, day: date, ws: Workspace) -> datetime:
    """The same clinic time on another day; never later than now."""
    moved = datetime.combine(day, at.astimezone(ws.tz).time(), tzinfo=ws.tz)
    return min(moved, ws.clock.now())


def _shift(started: datetime | None, by: timedelta, tz: tzinfo) -> datetime | None:
    """A timer's start moved by whole days, keeping its clinic wall-clock time."""
    if started is None or not by:
        return started
    local = started.astimezone(tz)
    return datetime.combine(local.date() + by, local.time(), tzinfo=tz)


def _entry_line(old: TimeEntry, new: TimeEntry) -> str:
    return change_line(
        [
            ("minutes", old.minutes, new.minutes),
            ("program", old.program, new.program),
            ("date", old.on, new.on),
            ("staff type", old.staff_type, new.staff_type),
            ("activity", old.activity, new.activity),
            ("patient", old.patient_id, new.patient_id),
        ]
    )


def _contact_line(old: Contact, new: Contact, tz: tzinfo) -> str:
    line = change_line(
        [
            ("date", local_date(old.at, tz), local_date(new.at, tz)),
            ("outcome", old.outcome, new.outcome),
            ("channel", old.channel, new.channel),
            ("follow-up", old.follow_up, new.follow_up),
            ("patient", old.patient_id, new.patient_id),
        ]
    )
    parts = [p for p in (line, "note changed" if new.note != old.note else "") if p]
    return "; ".join(parts) or "minutes only"
