"""An id that is not in the store: one that never existed says so, one removed says it was
removed (the audit log records every removal, SPEC section 8), for tasks, appointments and
hospital stays, on a real store."""

from __future__ import annotations

from datetime import date

import pytest

from caredesk.errors import NotFound
from caredesk.services import appointments, stays, tasks
from tests.services.test_calls import _patient


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda ws: tasks.complete_task(ws, 999), "No task with id 999."),
        (lambda ws: tasks.reopen_task(ws, 999), "No task with id 999."),
        (lambda ws: appointments.record_outcome(ws, 999, "missed"), "No appointment with id 999."),
        (lambda ws: stays.record_visit(ws, 999, on=date(2026, 11, 20)), "No hospital stay with id 999."),
        (lambda ws: stays.remove_stay(ws, 999), "No hospital stay with id 999."),
    ],
)
def test_an_id_that_never_existed_says_so(workspace, call, message):
    with pytest.raises(NotFound) as err:
        call(workspace)
    assert str(err.value) == message


def test_a_removed_stay_says_it_was_removed_and_nothing_is_stored(workspace):
    pid = _patient(workspace, "M1")
    stay_id = stays.add_stay(workspace, pid, facility="Mercy General", discharged_on=date(2026, 11, 20)).value.id
    stays.remove_stay(workspace, stay_id)
    with workspace.uow() as uow:
        before = uow.audit_log.count()

    with pytest.raises(NotFound) as err:
        stays.record_contact(workspace, stay_id, on=date(2026, 11, 23))

    assert str(err.value) == f"Hospital stay {stay_id} was removed from the store."
    with workspace.uow() as uow:
        assert uow.audit_log.count() == before and uow.transitions.for_patient(pid) == []
