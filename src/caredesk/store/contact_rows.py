"""Contacts and time entries (a voided one moves to its voided table, same id) and each
patient's unsaved call draft; callers never see rows or SQL."""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from caredesk.domain.calendar import local_date
from caredesk.domain.call_draft import CallDraft
from caredesk.domain.contacts import Contact, TimeEntry, Voided
from caredesk.errors import NotFound
from caredesk.store import mapping as m
from caredesk.store import models as t
from caredesk.store.record_rows import Records


class Contacts(Records):
    def __init__(self, session: Session, tz: tzinfo):
        super().__init__(session, t.ContactRow, Contact)
        self.tz = tz

    def add(self, record: Contact) -> Contact:
        row = t.ContactRow(**m.values_of(record), on=local_date(record.at, self.tz))
        self.s.add(row)
        self.s.flush()
        return m.from_row(Contact, row)

    def update(self, record: Contact) -> Contact:
        row = self.s.get(t.ContactRow, record.id)
        if row is None:
            raise NotFound("contact")
        for key, value in m.values_of(record).items():
            setattr(row, key, value)
        row.on = local_date(record.at, self.tz)
        self.s.flush()
        return m.from_row(Contact, row)

    def void(self, contact_id: int, *, at: datetime, by: str, reason: str) -> Voided | None:
        """Move a contact to voided_contacts (same id), as it was; None when it is not there."""
        return _void(self.s, t.ContactRow, t.VoidedContactRow, Contact, contact_id, at=at, by=by, reason=reason)

    def voided_for_patient(self, patient_id: int) -> list[Voided]:
        return _voided(self.s, t.VoidedContactRow, Contact, patient_id)


class TimeEntries(Records):
    def __init__(self, session: Session):
        super().__init__(session, t.TimeEntryRow, TimeEntry)

    def for_contact(self, contact_id: int) -> list[TimeEntry]:
        rows = self.s.scalars(select(t.TimeEntryRow).where(t.TimeEntryRow.contact_id == contact_id))
        return [m.from_row(TimeEntry, r) for r in rows]

    def void(self, entry_id: int, *, at: datetime, by: str, reason: str) -> Voided | None:
        """Move a time entry to voided_time_entries (same id): it counts in no month any more."""
        return _void(self.s, t.TimeEntryRow, t.VoidedTimeEntryRow, TimeEntry, entry_id, at=at, by=by, reason=reason)

    def voided_for_patient(self, patient_id: int) -> list[Voided]:
        return _voided(self.s, t.VoidedTimeEntryRow, TimeEntry, patient_id)


def _void(
    s: Session, live: Any, dead: Any, cls: Any, record_id: int, *, at: datetime, by: str, reason: str
) -> Voided | None:
    row = s.get(live, record_id)
    if row is None:
        return None
    voided = Voided(record=m.from_row(cls, row), voided_at=at, voided_by=by, reason=reason)
    columns = {c.key: getattr(row, c.key) for c in live.__table__.columns}
    s.add(dead(**columns, voided_at=at, voided_by=by, reason=voided.reason))
    s.delete(row)
    s.flush()
    return voided


def _voided(s: Session, dead: Any, cls: Any, patient_id: int) -> list[Voided]:
    rows = s.scalars(select(dead).where(dead.patient_id == patient_id).order_by(dead.id))
    return [
        Voided(record=m.from_row(cls, r), voided_at=r.voided_at, voided_by=r.voided_by, reason=r.reason) for r in rows
    ]


class CallDrafts:
    def __init__(self, session: Session):
        self.s = session

    def get(self, patient_id: int) -> CallDraft | None:
        row = self.s.get(t.CallDraftRow, patient_id)
        return None if row is None else m.call_draft_from_row(row)

    def put(self, draft: CallDraft) -> None:
        self.s.merge(t.CallDraftRow(**m.call_draft_values(draft)))
        self.s.flush()

    def drop(self, patient_id: int) -> bool:
        row = self.s.get(t.CallDraftRow, patient_id)
        if row is None:
            return False
        self.s.delete(row)
        self.s.flush()
        return True

    def patient_ids(self) -> frozenset[int]:
        return frozenset(self.s.scalars(select(t.CallDraftRow.patient_id)))
