"""Tasks on a real store: add, change, complete, reopen, cancel; the queue follows at once.

SPEC §3 "Call queue": overdue and due-today tasks rank after transition deadlines; after
three unanswered attempts in a month a letter task is proposed (and, once closed, leaves).
"""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.domain import audit as actions
from caredesk.domain.coordination import TaskKind, TaskStatus
from caredesk.domain.queue import ReasonKind
from caredesk.errors import NotFound, ValidationError
from caredesk.services import tasks as task_service
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.services.changes import Kind
from tests.services.test_calls import _patient

TODAY = date(2026, 11, 24)


def _reasons(queue: CallQueue, pid: int, rows=None) -> list[str]:
    rows = queue.rows if rows is None else rows
    row = next((r for r in rows if r.patient_id == pid), None)
    return [] if row is None else [x.text for x in row.entry.reasons]


def _audit(ws, action: str, entity: str):
    with ws.uow() as uow:
        return [e for e in uow.audit_log.all() if e.action == action and e.entity == entity]


def test_a_task_due_today_enters_the_queue_and_leaves_when_done_and_returns_when_reopened(workspace):
    pid = _patient(workspace, "T1")
    queue = CallQueue(workspace)
    queue.build()
    saved = task_service.add_task(workspace, pid, "Mail the glucose log", TODAY)
    assert saved.changes.patients == {pid} and saved.changes.kinds == {Kind.TASK}
    assert "Task due today: Mail the glucose log" in _reasons(queue, pid, queue.refresh(saved.changes.patients))

    done = task_service.complete_task(workspace, saved.value.id)
    assert done.value.status is TaskStatus.DONE and done.value.done_at == workspace.clock.now()
    assert not any("Task" in t for t in _reasons(queue, pid, queue.refresh(done.changes.patients)))

    again = task_service.reopen_task(workspace, saved.value.id)
    assert again.value.status is TaskStatus.OPEN and again.value.done_at is None
    assert "Task due today: Mail the glucose log" in _reasons(queue, pid, queue.refresh(again.changes.patients))
    # The refreshed queue is the queue a fresh build gives.
    assert [(r.patient_id, r.entry) for r in queue.rows] == [
        (r.patient_id, r.entry) for r in CallQueue(workspace).build()
    ]


def test_tasks_list_open_soonest_first_then_closed(workspace):
    pid = _patient(workspace, "T2")
    later = task_service.add_task(workspace, pid, "Later", date(2026, 12, 10)).value
    undated = task_service.add_task(workspace, pid, "Whenever").value
    sooner = task_service.add_task(workspace, pid, "Sooner", date(2026, 11, 30)).value
    gone = task_service.add_task(workspace, pid, "Not needed").value
    task_service.cancel_task(workspace, gone.id)
    assert [t.id for t in task_service.tasks(workspace, pid)] == [sooner.id, later.id, undated.id]
    everything = task_service.tasks(workspace, pid, include_done=True)
    assert [t.id for t in everything] == [sooner.id, later.id, undated.id, gone.id]
    assert everything[-1].status is TaskStatus.CANCELLED


@pytest.mark.parametrize(
    ("title", "due", "field"),
    [
        ("", None, "task"),
        ("   ", TODAY, "task"),
        ("x" * 201, None, "task"),
        ("Call pharmacy", date(2026, 11, 23), "due date"),  # yesterday
        ("Call pharmacy", date(2029, 1, 1), "due date"),  # a mistyped year
    ],
)
def test_a_refused_task_names_the_field_and_stores_nothing(workspace, title, due, field):
    pid = _patient(workspace, "T3")
    before = workspace.audit_count()
    with pytest.raises(ValidationError) as caught:
        task_service.add_task(workspace, pid, title, due)
    assert caught.value.field == field
    assert task_service.tasks(workspace, pid, include_done=True) == []
    assert workspace.audit_count() == before


def test_closing_twice_or_reopening_an_open_task_is_refused(workspace):
    pid = _patient(workspace, "T4")
    task = task_service.add_task(workspace, pid, "Fax the plan").value
    with pytest.raises(ValidationError, match="already open"):
        task_service.reopen_task(workspace, task.id)
    task_service.complete_task(workspace, task.id)
    with pytest.raises(ValidationError, match="already done"):
        task_service.cancel_task(workspace, task.id)
    with pytest.raises(NotFound):
        task_service.complete_task(workspace, 9999)


def test_change_a_task_and_the_audit_names_fields_not_words(workspace):
    pid = _patient(workspace, "T5")
    task = task_service.add_task(workspace, pid, "Call Dr. Secretname's office").value
    changed = task_service.change_task(workspace, task.id, title="Call the cardiology office", due=date(2026, 12, 1))
    assert (changed.value.title, changed.value.due) == ("Call the cardiology office", date(2026, 12, 1))
    (created,) = _audit(workspace, actions.RECORD_CREATED, "task")
    (edit,) = _audit(workspace, actions.RECORD_CHANGED, "task")
    assert created.entity_id == str(task.id) and edit.detail == "title; due"
    assert all("Secretname" not in e.detail and "cardiology" not in e.detail for e in (created, edit))
    unchanged = task_service.change_task(workspace, task.id, title="Call the cardiology office", due=date(2026, 12, 1))
    assert not unchanged.changes  # nothing to save, nothing audited
    assert len(_audit(workspace, actions.RECORD_CHANGED, "task")) == 1


def test_the_apps_letter_task_closes_like_any_other_and_the_letter_reason_leaves(workspace, clock):
    pid = _patient(workspace, "T6")
    for day in (date(2026, 11, 18), date(2026, 11, 20)):
        log_contact(workspace, pid, outcome="voicemail", minutes=1, on=day)
    letter = log_contact(workspace, pid, outcome="no answer", minutes=1, on=date(2026, 11, 23)).letter_task
    assert letter is not None and letter.kind is TaskKind.LETTER
    queue = CallQueue(workspace)
    kinds = {x.kind for r in queue.build() if r.patient_id == pid for x in r.entry.reasons}
    assert {ReasonKind.LETTER, ReasonKind.TASK} <= kinds  # "3 calls unanswered" and the task due today

    done = task_service.complete_task(workspace, letter.id)
    row = next((r for r in queue.refresh(done.changes.patients) if r.patient_id == pid), None)
    left = set() if row is None else {x.kind for x in row.entry.reasons}
    assert ReasonKind.LETTER not in left and ReasonKind.TASK not in left
    (event,) = [e for e in _audit(workspace, actions.RECORD_CHANGED, "task") if e.entity_id == str(letter.id)]
    assert event.detail == "letter task done"

    task_service.reopen_task(workspace, letter.id)
    kinds = {x.kind for r in queue.refresh([pid]) if r.patient_id == pid for x in r.entry.reasons}
    assert ReasonKind.LETTER in kinds  # reopened: no letter went out after all
