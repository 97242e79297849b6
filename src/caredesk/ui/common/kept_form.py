"""A chart contact form that survives a lock: what was typed is kept as a draft in the store.

SPEC §5: an idle lock, Ctrl+L, leaving the demo and quitting never drop what was typed. The
main window's lock calls keep_draft() on every open form that has it, before it closes the forms
and clears the widgets; the draft goes to the encrypted store (services.contact_form_drafts),
never to settings or temporary files, and nothing of it stays in memory. The Contacts & minutes
tab offers it back ("Resume"), and resume() fills the reopened form. Saving from it, or the
user's Discard, drops the kept draft.
"""

from __future__ import annotations

import logging
from datetime import datetime

from PySide6.QtWidgets import QDialog, QWidget

from caredesk.domain.contact_form_draft import ContactFormDraft, ContactFormKind
from caredesk.errors import CareDeskError
from caredesk.services import contact_form_drafts
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage
from caredesk.ui.common.typed_input import AsksBeforeDiscarding, named_values, put_named_values

log = logging.getLogger(__name__)

# A window property: the ids of the patients whose form a lock of that window kept (ids only, in
# memory, as the window keeps its selection across a lock). Their chart's tab comes to the front
# once after the unlock to say so; another window (or process) never sees them.
KEPT_AT_LOCK = "keptFormsAtLock"


def note_kept_at_lock(window: QWidget, patient_id: int) -> None:
    ids = set(window.property(KEPT_AT_LOCK) or [])
    window.setProperty(KEPT_AT_LOCK, sorted(ids | {patient_id}))


def take_kept_at_lock(window: QWidget, patient_id: int) -> bool:
    """True (once) when a lock of `window` kept a form of this patient."""
    ids = set(window.property(KEPT_AT_LOCK) or [])
    if patient_id not in ids:
        return False
    window.setProperty(KEPT_AT_LOCK, sorted(ids - {patient_id}))
    return True


def kept_time(at: datetime, ws: Workspace) -> str:
    """'10:42 AM' today, '11/23/2026 4:05 PM' another day: when a draft was kept, clinic time."""
    local = at.astimezone(ws.tz)
    clock = local.strftime("%I:%M %p").lstrip("0")
    if local.date() == ws.today():
        return clock
    return f"{local:%m/%d/%Y} {clock}"


class KeptForm(AsksBeforeDiscarding):
    """Subclasses call kept_as(...) in their __init__ and mark_opened() once filled as new."""

    message: InlineMessage  # every such form says why it reopened filled, in its own message line
    kept_kind = ContactFormKind.LOG_CONTACT
    kept_record: str | None = None
    kept_id: int | None = None  # the stored draft this form was resumed from (or last kept as)
    _kept_ws: Workspace | None = None
    _kept_patient: int | None = None

    def kept_as(self, ws: Workspace, patient_id: int, kind: ContactFormKind, record: str | None = None) -> None:
        self._kept_ws, self._kept_patient = ws, patient_id
        self.kept_kind, self.kept_record = kind, record

    def keep_draft(self) -> bool:
        """Keep what was typed in the store (before a lock closes the form); False when nothing
        was typed or the store refused (logged by kind, never with what was typed). The lock then
        closes the form, which is deleted: nothing typed stays in memory behind the lock."""
        self.deleteLater()
        ws, pid = self._kept_ws, self._kept_patient
        if ws is None or pid is None or not self.typed():
            return False
        draft = ContactFormDraft(
            patient_id=pid,
            kind=self.kept_kind,
            record=self.kept_record,
            fields=named_values(self),
            updated_at=ws.clock.now(),
            id=self.kept_id,  # resumed: kept over the draft it came from
        )
        try:
            self.kept_id = contact_form_drafts.keep(ws, draft)
        except CareDeskError as exc:
            log.warning("%s form not kept as a draft: %s", self.kept_kind.value, type(exc).__name__)
            return False
        host = self.parentWidget()
        if host is not None:
            note_kept_at_lock(host.window(), pid)
        return True

    def resume(self, draft: ContactFormDraft) -> None:
        """Fill the form from a kept draft (after mark_opened: Esc still asks before dropping it)."""
        put_named_values(self, dict(draft.fields))
        self.kept_id = draft.id

    def _drop_kept(self) -> None:
        ws, self_id = self._kept_ws, self.kept_id
        self.kept_id = None
        if ws is None or self_id is None:
            return
        try:
            contact_form_drafts.discard(ws, self_id)
        except CareDeskError as exc:  # it is offered again next time, which loses nothing
            log.warning("kept %s form not dropped: %s", self.kept_kind.value, type(exc).__name__)

    def discarded(self) -> None:
        self._drop_kept()

    def done(self, result: int) -> None:
        if result == QDialog.DialogCode.Accepted:
            self._drop_kept()  # saved: the draft it came from is done with
        super().done(result)
