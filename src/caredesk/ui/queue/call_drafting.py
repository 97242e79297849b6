"""A call panel's unsaved call and its draft: the form as a CallDraft and back, and keeping,
bringing back and dropping the draft (services.call_drafts keeps it in the store).

A call put aside is the patient's draft; opening the patient again brings it back (with a
Discard draft button). What asks first (a switch, a lock, quitting: unsaved_call) and what an
idle lock does (keeps it, nobody asked) are the queue page's and the panel's `clear`; this
module says whether the form holds an unsaved call (`CallDrafts.unsaved`) and does the keeping.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt

from caredesk.domain.calendar import us_date
from caredesk.domain.call_draft import CallDraft
from caredesk.errors import CareDeskError
from caredesk.services import call_drafts
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import user_message

if TYPE_CHECKING:
    from caredesk.ui.queue.call_panel import CallPanel

log = logging.getLogger(__name__)


def draft_time(draft: CallDraft, ws: Workspace) -> str:
    """'11/30/2026 2:05 PM': when the draft was kept, on the clinic's clock."""
    at = draft.updated_at.astimezone(ws.tz)
    return f"{us_date(at.date())} {at.strftime('%I:%M %p').lstrip('0')}"


def same_call(a: CallDraft, b: CallDraft) -> bool:
    """The same call apart from when it was kept (and less than a second of timing)."""
    return (
        a.outcome == b.outcome
        and a.note == b.note
        and a.minutes == b.minutes
        and a.program == b.program
        and a.follow_up == b.follow_up
        and abs(a.elapsed_seconds - b.elapsed_seconds) < 1
    )


def form_draft(panel: CallPanel) -> CallDraft | None:
    """The panel's form as a draft of the shown patient's call (None without a patient).
    A follow-up whose typed text is not a date keeps the last good date."""
    ws, pid = panel.workspace, panel.patient_id
    if ws is None or pid is None:
        return None
    return CallDraft(
        patient_id=pid,
        updated_at=ws.clock.now(),
        outcome=panel.outcome(),
        note=panel.note.toPlainText(),
        minutes=panel.minutes.value(),
        minutes_edited=panel.timing.minutes_edited,
        program=panel.current_program(),
        follow_up=panel.follow_up.value() if panel.follow_up_check.isChecked() else None,
        elapsed_seconds=panel.clock.elapsed_seconds,
    )


def fill_form(panel: CallPanel, draft: CallDraft) -> None:
    """Put a draft back into the panel's form (the timer stopped at the draft's seconds).
    A program the patient is no longer in leaves the form's own choice."""
    panel.form.set_outcome(draft.outcome)
    panel.note.setPlainText(draft.note)
    panel.timing.set_minutes(draft.minutes, edited=draft.minutes_edited)
    at = panel.program.findData(draft.program) if draft.program is not None else -1
    if at >= 0:
        panel.program.setCurrentIndex(at)
    panel.follow_up_check.setChecked(draft.follow_up is not None)
    if draft.follow_up is not None:
        panel.follow_up.set_value(draft.follow_up)
    panel.clock.reset(draft.elapsed_seconds)


class CallDrafts:
    """The panel's call as a draft: `unsaved`, `draft()`, `keep_draft()`, `discard_call()`,
    `discard_draft()` (its button), `drop_draft(id)`, `restore_draft()` (when a patient is shown).
    `kept` is the form as last kept or restored as a draft (None: nothing kept as it stands)."""

    def __init__(self, panel: CallPanel):
        self.panel = panel
        self.kept: CallDraft | None = None  # the form as last kept or restored as a draft

    @property
    def unsaved(self) -> bool:
        """The form holds a call that is neither saved nor kept as a draft as it stands."""
        panel = self.panel
        if panel.patient_id is None:
            return False
        if panel.timer.started:
            return True
        draft = self.draft()
        if draft is None:
            return False
        if self.kept is None:
            return not draft.empty
        return not same_call(draft, self.kept)

    def draft(self) -> CallDraft | None:
        """The form as a draft of the shown patient's call (None without a patient)."""
        return form_draft(self.panel)

    def keep_draft(self) -> bool:
        """Put the call aside as the patient's draft (a running timer stops, its time kept).
        False, with the store's message, if it could not be kept."""
        panel = self.panel
        ws = panel.workspace
        if panel.timer.started:
            panel.timing.stop()
        draft = self.draft()
        if ws is None or draft is None:
            return False
        try:
            call_drafts.save(ws, draft)
        except (CareDeskError, ValueError) as exc:
            log.warning("a call draft could not be kept: %s", type(exc).__name__)
            panel.message.show_error(user_message(exc) if isinstance(exc, CareDeskError) else str(exc))
            return False
        self.kept = None if draft.empty else draft
        panel.drafts_changed.emit(draft.patient_id)
        return True

    def discard_call(self) -> None:
        """Drop the call being worked, and the patient's kept draft with it."""
        panel = self.panel
        pid = panel.patient_id
        panel.reset_form()
        if pid is not None:
            self.drop_draft(pid)

    def discard_draft(self) -> None:
        """The Discard draft button: empty form, no draft kept."""
        self.discard_call()
        self.panel.message.show_info("Draft discarded.")
        self.panel.note.setFocus(Qt.FocusReason.OtherFocusReason)

    def drop_draft(self, patient_id: int) -> None:
        panel = self.panel
        if panel.workspace is None:
            return
        try:
            call_drafts.discard(panel.workspace, patient_id)
        except CareDeskError as exc:
            log.warning("a call draft could not be dropped: %s", type(exc).__name__)
            return
        panel.drafts_changed.emit(patient_id)

    def restore_draft(self) -> None:
        panel = self.panel
        ws, pid = panel.workspace, panel.patient_id
        if ws is None or pid is None:
            return
        try:
            draft = call_drafts.load(ws, pid)
        except CareDeskError as exc:
            panel.message.show_error(user_message(exc))
            return
        if draft is None:
            return
        fill_form(panel, draft)
        self.kept = self.draft()
        panel.message.show_info(f"Draft from {draft_time(draft, ws)} restored.")
        panel.discard_draft_button.show()
