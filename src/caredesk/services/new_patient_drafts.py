"""New patient drafts: what was typed in Add patient when a lock or quit closed it (SPEC §5).

Kept in the encrypted store, never in memory or settings, apart from the contact form drafts
(those belong to a patient; this one has none yet). Like them it is no record of care and is not
audited; the patient added from it is, when saved.
"""

from __future__ import annotations

from caredesk.domain.new_patient_draft import NewPatientDraft
from caredesk.services.workspace import Workspace


def keep(ws: Workspace, draft: NewPatientDraft) -> int:
    """Store the draft: over the one it was resumed from (`draft.id`), else as a new one; its id."""
    with ws.uow() as uow:
        draft_id = uow.new_patient_drafts.put(draft)
        uow.commit()
    return draft_id


def kept(ws: Workspace) -> list[NewPatientDraft]:
    """Every kept Add patient form, oldest first."""
    with ws.uow() as uow:
        return uow.new_patient_drafts.all()


def discard(ws: Workspace, draft_id: int) -> None:
    """Drop a kept form (the patient was added from it, or the user discarded it); gone already is fine."""
    with ws.uow() as uow:
        if uow.new_patient_drafts.drop(draft_id):
            uow.commit()
