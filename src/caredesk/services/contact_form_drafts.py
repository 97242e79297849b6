"""Contact form drafts: what was typed in a chart contact form that a lock or quit closed.

SPEC §5: an idle lock, Ctrl+L and quitting never drop what was typed. The chart's Contacts &
minutes forms (Log contact…, Log other time…, Correct…, Void…) keep it here, in the encrypted
store, never in memory or settings; the call panel's CallDraft (services.call_drafts) is a table
of its own, so neither overwrites the other. Like a call draft it is no record of care (nothing
bills on it) and is not audited; the contact or correction made from it is, when saved.
"""

from __future__ import annotations

from caredesk.domain.contact_form_draft import ContactFormDraft
from caredesk.services.workspace import Workspace


def keep(ws: Workspace, draft: ContactFormDraft) -> int:
    """Store the draft: over the kept one it was resumed from (`draft.id`), else as a new one
    beside any other kept (a second Log contact never replaces a first); its id."""
    with ws.uow() as uow:
        draft_id = uow.contact_form_drafts.put(draft)
        uow.commit()
    return draft_id


def kept(ws: Workspace, patient_id: int) -> list[ContactFormDraft]:
    """The patient's kept forms, oldest first."""
    with ws.uow() as uow:
        return uow.contact_form_drafts.for_patient(patient_id)


def discard(ws: Workspace, draft_id: int) -> None:
    """Drop a kept form (once saved from it, or when the user discards it); gone already is fine."""
    with ws.uow() as uow:
        if uow.contact_form_drafts.drop(draft_id):
            uow.commit()


def patients_with_kept_forms(ws: Workspace) -> list[str]:
    """The display names of the patients with a kept form, oldest kept first (said after an unlock)."""
    with ws.uow() as uow:
        found = (uow.patients.get(pid) for pid in uow.contact_form_drafts.patient_ids())
        return [p.display_name for p in found if p is not None]
