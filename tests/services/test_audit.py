"""The audit trail: hash-chained, and verify finds any change."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import text

from caredesk.domain.audit import AuditEvent, seal, verify_chain
from caredesk.services.patients import open_chart
from tests.conftest import add_patient


def _chain(n: int) -> list[AuditEvent]:
    events, prev = [], "0" * 64
    t0 = datetime(2026, 11, 24, 9, tzinfo=UTC)
    for i in range(1, n + 1):
        e = seal(AuditEvent(seq=i, at=t0 + timedelta(minutes=i), actor="cm", action="unlock", prev_hash=prev))
        events.append(e)
        prev = e.hash
    return events


def test_an_intact_chain_verifies():
    assert verify_chain(_chain(5)) == []


def test_an_edited_event_is_found():
    events = _chain(5)
    events[2] = replace(events[2], action="lock")
    assert verify_chain(events) == ["event 3: its contents were changed after it was written"]


def test_a_deleted_event_is_found():
    events = _chain(5)
    del events[1]
    problems = verify_chain(events)
    assert any("event 3: expected sequence number 2" in p for p in problems)
    assert any("does not link" in p for p in problems)


def test_the_hash_does_not_depend_on_the_time_zone_it_was_written_in():
    e = _chain(1)[0]
    shifted = replace(e, at=e.at.astimezone(timezone(timedelta(hours=-5))))
    assert verify_chain([shifted]) == []


def test_the_store_records_unlock_view_create_and_lock(workspace, folder, clock):
    from datetime import date

    from caredesk.domain.patients import Patient
    from caredesk.services.access import Access
    from tests.conftest import PASSPHRASE

    pid = add_patient(
        workspace, Patient(mrn="A1", given_name="Ann", family_name="Test", birth_date=date(1950, 1, 1))
    ).id
    open_chart(workspace, pid)
    workspace.lock()
    ws = Access(folder, clock).unlock(PASSPHRASE)
    with ws.uow() as uow:
        events = uow.audit_log.all()
    actions = [e.action for e in events]
    assert actions == ["store.created", "unlock", "record.created", "patient.viewed", "lock", "unlock"]
    viewed = events[3]
    assert (viewed.entity, viewed.entity_id) == ("patient", str(pid))
    assert ws.verify() == []
    ws.lock()


def test_verify_finds_a_tampered_store(workspace):
    with workspace.uow() as uow:
        conn = uow.audit_log.s.connection()
        conn.execute(text("DROP TRIGGER audit_events_no_update"))
        conn.execute(text("UPDATE audit_events SET detail = 'forged' WHERE seq = 1"))
        uow.commit()
    problems = workspace.verify()
    assert problems == [
        "audit log: event 1: its contents were changed after it was written",
        "audit log: the trigger audit_events_no_update that keeps the log append-only was dropped",
    ]
