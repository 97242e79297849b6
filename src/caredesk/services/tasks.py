"""Tasks: a care manager's to-dos per patient, and the letter tasks the app proposes.

Every write is one unit of work, audited by id (a task's title is patient content and
never goes into the audit detail), and returns the change set (Kind.TASK) so the queue's
task reasons leave or return at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import replace
from datetime import date, datetime, timedelta

from caredesk.domain import audit as actions
from caredesk.domain.calendar import us_date
from caredesk.domain.coordination import Task, TaskKind, TaskStatus
from caredesk.domain.lifespan import check_not_deceased
from caredesk.errors import NotFound, ValidationError
from caredesk.services.changes import Changes, Kind, Saved
from caredesk.services.missing import not_found
from caredesk.services.workspace import Workspace
from caredesk.store.uow import UnitOfWork

# A due date further out than this is almost surely a mistyped year.
LATEST_DUE_DAYS = 2 * 366


def _check_due(ws: Workspace, due: date | None) -> None:
    if due is None:
        return
    today = ws.today()
    if due < today:
        raise ValidationError("due date", f"cannot be before today ({us_date(today)})")
    if due > today + timedelta(days=LATEST_DUE_DAYS):
        raise ValidationError("due date", "is more than two years ahead")


def _same_title(title: str) -> str:
    """A title as compared for twins: case and runs of spaces ignored."""
    return " ".join(title.split()).casefold()


def _refuse_twin(uow: UnitOfWork, task: Task) -> None:
    """The same open task (same title, ignoring case and spaces, same due date) for the same
    patient is one entered twice."""
    for other in uow.tasks.for_patient(task.patient_id):
        if (
            other.id != task.id
            and other.status is TaskStatus.OPEN
            and other.due == task.due
            and _same_title(other.title) == _same_title(task.title)
        ):
            when = f"due {us_date(task.due)}" if task.due else "without a due date"
            raise ValidationError("task", f"is already open for this patient, {when}")


def add_task(ws: Workspace, patient_id: int, title: str, due: date | None = None) -> Saved[Task]:
    """A new open task. `due` (clinic date, optional) is today or later, within two years.
    Refused for a deceased patient (their open tasks can still be closed) and when the same
    task is already open (same title ignoring case and spaces, same due date).

    Raises ValidationError ("task", "due date") or NotFound("patient")."""
    _check_due(ws, due)
    with ws.uow() as uow:
        patient = uow.patients.get(patient_id)
        if patient is None:
            raise NotFound("patient")
        check_not_deceased("task", patient)
        new = Task(patient_id=patient_id, title=title, due=due, created_at=ws.clock.now())
        _refuse_twin(uow, new)
        task = uow.tasks.add(new)
        uow.audit(actions.RECORD_CREATED, "task", task.id)
        uow.commit()
    return Saved(task, Changes.of([patient_id], Kind.TASK))


def change_task(ws: Workspace, task_id: int, *, title: str, due: date | None) -> Saved[Task]:
    """A new title or due date for an open task (a due date may be cleared with None)."""
    with ws.uow() as uow:
        task = _get(uow, task_id)
        if task.status is not TaskStatus.OPEN:
            raise ValidationError("task", "is closed; reopen it to change it")
        if due != task.due:
            _check_due(ws, due)
        changed = replace(task, title=title, due=due)
        fields = [name for name in ("title", "due") if getattr(changed, name) != getattr(task, name)]
        if not fields:
            return Saved(task, Changes())
        _refuse_twin(uow, changed)
        saved = uow.tasks.update(changed)
        uow.audit(actions.RECORD_CHANGED, "task", task_id, "; ".join(fields))
        uow.commit()
    return Saved(saved, Changes.of([task.patient_id], Kind.TASK))


def complete_task(ws: Workspace, task_id: int) -> Saved[Task]:
    """Mark a task done (a letter task: the letter was sent). Raises NotFound, ValidationError."""
    return _close(ws, task_id, TaskStatus.DONE)


def cancel_task(ws: Workspace, task_id: int) -> Saved[Task]:
    """Close a task that is no longer needed (a letter task: no letter will be sent)."""
    return _close(ws, task_id, TaskStatus.CANCELLED)


def reopen_task(ws: Workspace, task_id: int) -> Saved[Task]:
    """Open a done or cancelled task again; its task reason returns to the queue when due."""
    with ws.uow() as uow:
        task = _get(uow, task_id)
        if task.status is TaskStatus.OPEN:
            raise ValidationError("task", "is already open")
        reopened = replace(task, status=TaskStatus.OPEN, done_at=None)
        _refuse_twin(uow, reopened)
        saved = uow.tasks.update(reopened)
        uow.audit(actions.RECORD_CHANGED, "task", task_id, "reopened")
        uow.commit()
    return Saved(saved, Changes.of([task.patient_id], Kind.TASK))


def close_after_death(uow: UnitOfWork, patient_id: int, at: datetime) -> int:
    """In the unit of work that records a date of death: cancel every open task of the
    patient (letter tasks too), closed at `at` (aware), audited by id ("patient deceased").
    Returns how many were closed."""
    closed = 0
    for task in uow.tasks.for_patient(patient_id):
        if task.status is TaskStatus.OPEN:
            uow.tasks.update(replace(task, status=TaskStatus.CANCELLED, done_at=at))
            uow.audit(actions.RECORD_CHANGED, "task", task.id, "cancelled: patient deceased")
            closed += 1
    return closed


def tasks(ws: Workspace, patient_id: int, *, include_done: bool = False) -> list[Task]:
    """The patient's open tasks, soonest due first (undated last); with `include_done`,
    then the done and cancelled ones, most recently closed first."""
    with ws.uow() as uow:
        found = uow.tasks.for_patient(patient_id)
    return in_order(found, include_done=include_done)


def in_order(found: Iterable[Task], *, include_done: bool) -> list[Task]:
    """One patient's tasks in the order `tasks` gives them."""
    found = list(found)
    open_ = sorted(
        (t for t in found if t.status is TaskStatus.OPEN),
        key=lambda t: (t.due is None, t.due or date.max, t.id or 0),
    )
    if not include_done:
        return open_
    closed = sorted(
        (t for t in found if t.status is not TaskStatus.OPEN),
        key=lambda t: (t.done_at.timestamp() if t.done_at else 0.0, t.id or 0),
        reverse=True,
    )
    return open_ + closed


def _close(ws: Workspace, task_id: int, status: TaskStatus) -> Saved[Task]:
    with ws.uow() as uow:
        task = _get(uow, task_id)
        if task.status is not TaskStatus.OPEN:
            raise ValidationError("task", f"is already {task.status.value}")
        saved = uow.tasks.update(replace(task, status=status, done_at=ws.clock.now()))
        kind = "letter task" if task.kind is TaskKind.LETTER else "task"
        uow.audit(actions.RECORD_CHANGED, "task", task_id, f"{kind} {status.value}")
        uow.commit()
    return Saved(saved, Changes.of([task.patient_id], Kind.TASK))


def _get(uow: UnitOfWork, task_id: int) -> Task:
    task = uow.tasks.get(task_id)
    if task is None:
        raise not_found(uow, "task", "task", task_id)
    assert isinstance(task, Task)
    return task
