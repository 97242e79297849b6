"""Call drafts: a call being worked, kept per patient until it is saved or discarded.

SPEC section 5: an unsaved call survives switching patient, locking, idle lock and quitting.
A draft is not a record of care (nothing bills on it), so it is not audited; it keeps its
patient in the queue (domain.queue: "Unsaved call kept as a draft"), the one place it opens. It
lives in the encrypted store like everything else and is gone once the call is saved.
"""

from __future__ import annotations

from caredesk.domain.call_draft import CallDraft
from caredesk.services.workspace import Workspace


def save(ws: Workspace, draft: CallDraft) -> None:
    """Keep (or replace) this patient's draft; an empty draft removes any kept one."""
    with ws.uow() as uow:
        if draft.empty:
            uow.call_drafts.drop(draft.patient_id)
        else:
            uow.call_drafts.put(draft)
        uow.commit()


def load(ws: Workspace, patient_id: int) -> CallDraft | None:
    """The patient's draft, or None."""
    with ws.uow() as uow:
        return uow.call_drafts.get(patient_id)


def discard(ws: Workspace, patient_id: int) -> None:
    """Drop the patient's draft (after the call is saved, or when the user discards it)."""
    with ws.uow() as uow:
        if uow.call_drafts.drop(patient_id):
            uow.commit()


def patients_with_drafts(ws: Workspace) -> frozenset[int]:
    """Ids of the patients who have a call draft (the queue can mark them)."""
    with ws.uow() as uow:
        return uow.call_drafts.patient_ids()
