"""Letters to patients we could not reach: the PDF, and recording it as sent.

The letter task (proposed after three unanswered calls in a month, services.calls) is closed
by sending the letter: `record_sent` logs a contact by letter (outcome "sent": neither an
answered contact nor another unanswered attempt, and never a TCM interactive contact) and
marks the open letter task done, in one audited write, so the queue stops proposing the
letter. Saving the PDF is audited as printed; the audit names the patient by id only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path

from caredesk.domain import audit as actions
from caredesk.domain.calendar import Month, us_date
from caredesk.domain.contacts import Channel, Contact, Outcome
from caredesk.domain.coordination import Task, TaskKind, TaskStatus
from caredesk.domain.letters import Letter, compose, letter_calls
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Status
from caredesk.errors import NotFound, ValidationError
from caredesk.services.calls import BACKFILL_TIME, letter_task_title
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.files import write_atomic
from caredesk.services.practice import get_profile
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork


def letter_for(ws: Workspace, patient_id: int) -> Letter:
    """The letter's words, dated today (clinic date). It names the unanswered calls since the
    patient was last reached (all of them when never reached) and after the last letter sent
    (caredesk.domain.letters.letter_calls), so it always names the calls that proposed the
    letter task, in whatever month it is written.

    Raises NotFound("patient"), or ValidationError naming what is missing (a practice detail,
    the patient's address) or why no letter is due (field "letter": the patient was reached
    since, no call went unanswered, or a letter about these calls was already sent)."""
    today = ws.today()
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        contacts = uow.contacts.for_patient(patient_id)
    return compose(patient, get_profile(ws), letter_calls(contacts, ws.tz).named(), today)


def render(ws: Workspace, patient_id: int, *, large_print: bool) -> bytes:
    """The letter as PDF bytes (not audited: nothing has left the app yet)."""
    from caredesk.pdf.letter import render_letter  # reportlab loads on first use

    return render_letter(letter_for(ws, patient_id), large_print=large_print)


def write(ws: Workspace, patient_id: int, path: Path, data: bytes, *, large_print: bool) -> None:
    """Write a rendered letter atomically (never half a file under `path`), audited as printed."""
    write_atomic(path, data)
    with ws.uow() as uow:
        uow.audit(actions.PRINTED, "letter", patient_id, "saved as PDF" + (", large print" if large_print else ""))
        uow.commit()


def save(ws: Workspace, patient_id: int, path: Path, *, large_print: bool) -> None:
    """Render the letter and write it to `path`; a refusal writes nothing."""
    write(ws, patient_id, path, render(ws, patient_id, large_print=large_print), large_print=large_print)


def default_file_name(on: date) -> str:
    """'letter-2026-11-24.pdf': by date, never by the patient's name."""
    return f"letter-{on.isoformat()}.pdf"


@dataclass(frozen=True, slots=True)
class LetterSent:
    """The letter contact recorded, and how many open letter tasks it closed (0: none was open)."""

    contact: Contact
    tasks_closed: int


def check_sent(ws: Workspace, patient_id: int, on: date | None = None) -> None:
    """Refuse, before anything is written, what record_sent would refuse (same errors)."""
    with ws.uow() as uow:
        _check_sent(uow, ws, patient_id, on or ws.today())


def record_sent(ws: Workspace, patient_id: int, on: date | None = None) -> Saved[LetterSent]:
    """The letter was mailed on `on` (default today): a contact by letter, outcome "sent", and
    the open letter tasks marked done (one is added as done when none is open, so the queue's
    letter reason ends either way).

    A letter is not an interactive contact: it never meets a TCM contact deadline, never
    counts as reaching the patient, and is not an unanswered call attempt.
    Raises NotFound("patient"); ValidationError("date") for a day in the future, on or after
    the date of death, or before the last unanswered call the letter names;
    ValidationError("letter") when there is no call to write about or a letter about these
    calls was already recorded as sent. Nothing is saved then."""
    day = on or ws.today()
    now = ws.clock.now()
    at = now if day == ws.today() else datetime.combine(day, BACKFILL_TIME, tzinfo=ws.tz)
    with ws.uow() as uow:
        _check_sent(uow, ws, patient_id, day)
        contact = uow.contacts.add(Contact(patient_id=patient_id, at=at, channel=Channel.LETTER, outcome=Outcome.SENT))
        uow.audit(actions.RECORD_CREATED, "contact", contact.id, "letter sent")
        tasks = _open_letter_tasks(uow, patient_id)
        for task in tasks:
            uow.tasks.update(replace(task, status=TaskStatus.DONE, done_at=now))
            uow.audit(actions.RECORD_CHANGED, "task", task.id, "letter task done: letter sent")
        if not tasks:
            done = Task(
                patient_id=patient_id,
                title=letter_task_title(Month.of(day)),
                kind=TaskKind.LETTER,
                status=TaskStatus.DONE,
                created_at=now,
                done_at=now,
            )
            added = uow.tasks.add(done)
            uow.audit(actions.RECORD_CREATED, "task", added.id, "letter task done: letter sent")
        uow.commit()
    return Saved(LetterSent(contact, len(tasks)), Changes.of([patient_id], Kind.CONTACT, Kind.TASK))


def _check_sent(uow: UnitOfWork, ws: Workspace, patient_id: int, day: date) -> None:
    if day > ws.today():
        raise ValidationError("date", "cannot be in the future")
    patient = uow.patients.get(patient_id)
    if patient is None:
        raise NotFound("patient")
    check_within_life("date", day, patient)
    # As for a call: one mailed before the death can be back-filled, none on or after it.
    if patient.status is Status.DECEASED and (patient.died_on is None or day >= patient.died_on):
        raise ValidationError("date", "must be before the date of death: the patient is recorded as deceased")
    calls = letter_calls(uow.contacts.for_patient(patient_id), ws.tz).named()
    if day < calls[-1]:
        raise ValidationError("date", f"the letter names calls up to {us_date(calls[-1])}; it cannot be mailed before")


def _open_letter_tasks(uow: UnitOfWork, patient_id: int) -> list[Task]:
    return [t for t in uow.tasks.for_patient(patient_id) if t.kind is TaskKind.LETTER and t.status is TaskStatus.OPEN]
