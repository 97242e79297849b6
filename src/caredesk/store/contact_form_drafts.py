"""The contact_form_drafts table: chart contact forms kept when they had to close (schema 0006);
callers never see rows or SQL."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from caredesk.domain.contact_form_draft import ContactFormDraft, ContactFormKind
from caredesk.store import models as t


def _from_row(row: t.ContactFormDraftRow) -> ContactFormDraft:
    return ContactFormDraft(
        id=row.id,
        patient_id=row.patient_id,
        kind=ContactFormKind(row.kind),
        record=row.record,
        fields=json.loads(row.fields_json),
        updated_at=row.updated_at,
    )


class ContactFormDrafts:
    def __init__(self, session: Session):
        self.s = session

    def put(self, draft: ContactFormDraft) -> int:
        """Store `draft`: over the kept row it came from when it has an id (a resumed form kept
        again), else as a new row (a second form never replaces a first still kept); its id."""
        row = self.s.get(t.ContactFormDraftRow, draft.id) if draft.id is not None else None
        if row is None:
            row = t.ContactFormDraftRow(patient_id=draft.patient_id, kind=draft.kind.value, record=draft.record)
            self.s.add(row)
        row.fields_json = json.dumps(dict(draft.fields), sort_keys=True)
        row.updated_at = draft.updated_at
        self.s.flush()
        return row.id

    def for_patient(self, patient_id: int) -> list[ContactFormDraft]:
        """Oldest kept first."""
        rows = self.s.scalars(
            select(t.ContactFormDraftRow)
            .where(t.ContactFormDraftRow.patient_id == patient_id)
            .order_by(t.ContactFormDraftRow.updated_at, t.ContactFormDraftRow.id)
        )
        return [_from_row(r) for r in rows]

    def patient_ids(self) -> list[int]:
        """Patients with a kept form, the oldest kept first."""
        rows = self.s.execute(
            select(t.ContactFormDraftRow.patient_id).order_by(
                t.ContactFormDraftRow.updated_at, t.ContactFormDraftRow.id
            )
        )
        return list(dict.fromkeys(pid for (pid,) in rows))

    def drop(self, draft_id: int) -> bool:
        row = self.s.get(t.ContactFormDraftRow, draft_id)
        if row is None:
            return False
        self.s.delete(row)
        self.s.flush()
        return True
