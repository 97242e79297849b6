"""A call panel's form as a CallDraft and back (services.call_drafts keeps it in the store)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from caredesk.domain.calendar import us_date
from caredesk.domain.call_draft import CallDraft
from caredesk.services.workspace import Workspace

if TYPE_CHECKING:
    from caredesk.ui.queue.call_panel import CallPanel


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
        minutes_edited=panel.minutes_edited,
        program=panel.current_program(),
        follow_up=panel.follow_up.value() if panel.follow_up_check.isChecked() else None,
        elapsed_seconds=panel.clock.elapsed_seconds,
    )


def fill_form(panel: CallPanel, draft: CallDraft) -> None:
    """Put a draft back into the panel's form (the timer stopped at the draft's seconds).
    A program the patient is no longer in leaves the form's own choice."""
    panel.form.set_outcome(draft.outcome)
    panel.note.setPlainText(draft.note)
    panel.set_minutes(draft.minutes, edited=draft.minutes_edited)
    at = panel.program.findData(draft.program) if draft.program is not None else -1
    if at >= 0:
        panel.program.setCurrentIndex(at)
    panel.follow_up_check.setChecked(draft.follow_up is not None)
    if draft.follow_up is not None:
        panel.follow_up.set_value(draft.follow_up)
    panel.clock.reset(draft.elapsed_seconds)
