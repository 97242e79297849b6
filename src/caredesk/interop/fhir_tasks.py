"""The care manager's tasks as FHIR R4 Tasks, both ways (https://hl7.org/fhir/R4/task.html).

A task is a Task: status requested (open), completed (done) or cancelled; intent order;
code the task's kind in urn:caredesk:task-kind (domain.coordination.TaskKind: general,
letter, follow-up, referral), description its title, for the Patient, authoredOn when it was
created, restriction.period.end its due date ("when fulfillment is sought"), executionPeriod.end
when it was done or cancelled. Only CareDesk's Tasks (coded in urn:caredesk:task-kind) are
read: another system's Tasks (a lab's fulfilment, an EHR's order workflow) are not a care
manager's to-do list and are skipped.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from caredesk.domain import checks
from caredesk.domain.coordination import Task, TaskKind, TaskStatus
from caredesk.domain.lifespan import check_within_life
from caredesk.domain.patients import Patient
from caredesk.errors import ValidationError
from caredesk.interop.fhir_import_patient import full_date
from caredesk.interop.fhir_patient import ref
from caredesk.services.tasks import LATEST_DUE_DAYS

KIND_SYSTEM = "urn:caredesk:task-kind"
_STATUS = {TaskStatus.OPEN: "requested", TaskStatus.DONE: "completed", TaskStatus.CANCELLED: "cancelled"}
_FROM_STATUS = {v: k for k, v in _STATUS.items()}


def task_resource(t: Task, rid: str, patient_rid: str) -> dict[str, Any]:
    r: dict[str, Any] = {
        "resourceType": "Task",
        "id": rid,
        "status": _STATUS[t.status],
        "intent": "order",
        "code": {"coding": [{"system": KIND_SYSTEM, "code": t.kind.value}]},
        "description": t.title,
        "for": ref("Patient", patient_rid),
    }
    if t.created_at is not None:
        r["authoredOn"] = t.created_at.isoformat()
    if t.due is not None:
        r["restriction"] = {"period": {"end": t.due.isoformat()}}
    if t.done_at is not None:
        r["executionPeriod"] = {"end": t.done_at.isoformat()}
    return r


def is_caredesk_task(r: dict[str, Any]) -> bool:
    return any(c.get("system") == KIND_SYSTEM for c in (r.get("code") or {}).get("coding", ()))


def _at(field: str, value: object) -> datetime | None:
    if value is None:
        return None
    if not isinstance(value, str) or "T" not in value:
        raise ValidationError(field, "a date and time with its offset is needed")
    try:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise ValidationError(field, f'"{value[:30]}" is not a date and time') from None
    return checks.aware(field, at)


def task_of(r: dict[str, Any], patient: Patient | None, today: date) -> Task:
    """The task, checked as services.tasks keeps its list: created and done not in the future
    and within the patient's life, done not before created, a due date at most two years ahead
    (services.tasks.LATEST_DUE_DAYS). A due date already past is kept: the task existed, and an
    overdue open task is what the queue must show (the "not before today" rule is for a task
    typed today). ValidationError names the element."""
    kind = next(str(c.get("code", "")) for c in r["code"]["coding"] if c.get("system") == KIND_SYSTEM)
    status = _FROM_STATUS.get(str(r.get("status", "")))
    if status is None:
        raise ValidationError("Task.status", f'"{str(r.get("status"))[:30]}" is not requested, completed or cancelled')
    created = _at("Task.authoredOn", r.get("authoredOn"))
    done = _at("Task.executionPeriod.end", (r.get("executionPeriod") or {}).get("end"))
    due = full_date("Task.restriction.period.end", ((r.get("restriction") or {}).get("period") or {}).get("end"))
    for field, at in (("Task.authoredOn", created), ("Task.executionPeriod.end", done)):
        if at is not None:
            checks.not_after(field, at.date(), today, "today")
            if patient is not None:
                check_within_life(field, at.date(), patient)
    if created is not None and done is not None and done < created:
        raise ValidationError("Task.executionPeriod.end", "cannot be before the task was created (Task.authoredOn)")
    if status is TaskStatus.OPEN and done is not None:
        raise ValidationError("Task.executionPeriod.end", "an open (requested) task has not been done")
    if due is not None and due > today + timedelta(days=LATEST_DUE_DAYS):
        raise ValidationError("Task.restriction.period.end", "is more than two years ahead")
    try:
        return Task(
            patient_id=0,
            title=str(r.get("description") or ""),
            due=due,
            status=status,
            kind=checks.one_of("task kind", kind, TaskKind),
            created_at=created,
            done_at=done,
        )
    except ValidationError as exc:
        where = "Task.description" if exc.field == "task" else "Task.code"
        raise ValidationError(f"{where} ({exc.field})", exc.message) from None
