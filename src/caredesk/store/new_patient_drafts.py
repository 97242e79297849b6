"""The new_patient_drafts table: Add patient forms kept when they had to close (schema 0007);
callers never see rows or SQL."""

from __future__ import annotations

import json

from sqlalchemy import select
from sqlalchemy.orm import Session

from caredesk.domain.new_patient_draft import NewPatientDraft
from caredesk.store import models as t


class NewPatientDrafts:
    def __init__(self, session: Session):
        self.s = session

    def put(self, draft: NewPatientDraft) -> int:
        """Store `draft`: over the kept row it was resumed from (its id), else as a new row
        beside any other; its id."""
        row = self.s.get(t.NewPatientDraftRow, draft.id) if draft.id is not None else None
        if row is None:
            row = t.NewPatientDraftRow()
            self.s.add(row)
        row.fields_json = json.dumps(dict(draft.fields), sort_keys=True)
        row.updated_at = draft.updated_at
        self.s.flush()
        return row.id

    def all(self) -> list[NewPatientDraft]:
        """Oldest kept first."""
        rows = self.s.scalars(
            select(t.NewPatientDraftRow).order_by(t.NewPatientDraftRow.updated_at, t.NewPatientDraftRow.id)
        )
        return [NewPatientDraft(id=r.id, fields=json.loads(r.fields_json), updated_at=r.updated_at) for r in rows]

    def drop(self, draft_id: int) -> bool:
        row = self.s.get(t.NewPatientDraftRow, draft_id)
        if row is None:
            return False
        self.s.delete(row)
        self.s.flush()
        return True
