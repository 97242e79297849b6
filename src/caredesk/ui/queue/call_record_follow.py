"""The call panel follows the shown patient's record while the call is worked.

A change set naming the shown patient's demographics or programs (the chart's End program…,
a `caredesk enroll --end` beside the app) reads the header and the Program box again at once,
and what the form holds (outcome, note, minutes, follow-up, timer, the program chosen while it
is still active) stays as it was. A tester saw an ended program in the panel until another
patient was opened; the queue had re-ranked already (SPEC 8: a fact the rules read shows at once).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject

from caredesk.errors import CareDeskError
from caredesk.services import patients as patient_records
from caredesk.services.changes import Changes, Kind
from caredesk.ui.common.hub import hub

if TYPE_CHECKING:
    from caredesk.ui.queue.call_panel import CallPanel

log = logging.getLogger(__name__)


class RecordFollow(QObject):
    """Listens on the hub for the panel (a child of it: the connection goes with the panel)."""

    def __init__(self, panel: CallPanel):
        super().__init__(panel)
        self.panel = panel
        hub().changed.connect(self._changed)

    def _changed(self, changes: Changes, _source: object) -> None:
        """A change to the shown patient's record (demographics, programs, consent): read again."""
        if self.panel.patient_id in changes.patients and changes.touches(Kind.PATIENT, Kind.ENROLLMENT):
            self.refresh()

    def refresh(self) -> None:
        """Show the patient's header and programs as stored now, keeping the call in the form.
        The program chosen stays while it is still active; one ended is replaced by the form's
        default (the one that bills this month), and a call being worked is told so. Not a new
        view of the chart: not audited."""
        panel = self.panel
        ws, pid = panel.workspace, panel.patient_id
        if ws is None or pid is None or not ws.is_open:
            return
        try:
            chart = patient_records.open_chart(ws, pid, audit_view=False)
        except CareDeskError as exc:
            log.warning("the call panel's patient could not be read again: %s", type(exc).__name__)
            return
        draft = panel.drafts.draft()
        had_call = draft is not None and not draft.empty  # worked now, or a draft brought back
        chosen = panel.current_program()
        today = ws.today()
        panel.header.show_chart(chart, today)
        panel.form.set_programs(chart, today)
        at = panel.program.findData(chosen) if chosen is not None else -1
        if at >= 0:
            panel.program.setCurrentIndex(at)
        elif chosen is not None and had_call:
            now = panel.current_program()
            panel.message.show_info(
                f"{chosen.value} is no longer active for this patient: "
                + (
                    f"this call will be saved under {now.value}."
                    if now
                    else "this call has no program now, so its minutes cannot be logged (Save call offers to save it without them)."
                )
            )
