"""The NotFound a lookup by id raises: a record never stored reads differently from one removed.

A user who types an id that never existed ("caredesk task done 999") is told so; one whose
record was taken back (a stay removed as entered by mistake) is told it was removed. The audit
log tells them apart: every removal is audited by entity and id (SPEC section 8).
"""

from __future__ import annotations

from typing import Any

from caredesk.domain import audit as actions
from caredesk.domain.patients import Patient
from caredesk.errors import NotFound
from caredesk.store.uow import UnitOfWork


def patient(uow: UnitOfWork, patient_id: int) -> Patient:
    """The stored patient; NotFound("patient") when there is none with this id."""
    found = uow.patients.get(patient_id)
    if found is None:
        raise NotFound("patient")
    return found


def record(repo: Any, record_id: int, what: str) -> Any:
    """`repo.get(record_id)`; NotFound(what) when there is none."""
    found = repo.get(record_id)
    if found is None:
        raise NotFound(what)
    return found


def not_found(uow: UnitOfWork, what: str, entity: str, record_id: int) -> NotFound:
    """The error for `what` (the user's word: "task", "hospital stay") with id `record_id`
    that is not in the store; `entity` is the audit log's name for the record ("transition")."""
    key = str(record_id)
    removed = any(
        e.action == actions.RECORD_REMOVED and e.entity == entity and e.entity_id == key for e in uow.audit_log.all()
    )
    if removed:
        return NotFound(what, f"{what.capitalize()} {record_id} was removed from the store.")
    return NotFound(what, f"No {what} with id {record_id}.")
