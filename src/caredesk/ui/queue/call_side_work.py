"""Work done beside a call, from the call panel: Screen… and Log other time….

Screen… (Alt+S) runs the guided interview for the call's patient; the screen is saved
without minutes and its minutes go into the call's Minutes box (logged once, with the call),
unless the box follows a running timer, which already counts them. Log other time… opens the
time dialog for minutes that were not a call (care-plan work, coordination, a medication review).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from caredesk.domain.coordination import Assessment
from caredesk.domain.patients import Program
from caredesk.services import assessments as screens
from caredesk.ui.assess.interview_dialog import InterviewDialog, saved_text
from caredesk.ui.common.time_dialog import LogTimeDialog, open_log_time

if TYPE_CHECKING:
    from caredesk.ui.queue.call_panel import CallPanel


class CallSideWork:
    """`log_other_time()` and `open_screening()` for the panel's patient (None without one);
    `seconds` is the screens' elapsed-time clock (tests inject theirs)."""

    def __init__(self, panel: CallPanel):
        self.panel = panel
        self.seconds: Callable[[], float] = time.monotonic  # the screens' elapsed time

    def log_other_time(self) -> LogTimeDialog | None:
        """Open the time dialog for the shown patient; on save, say so (the dialog tells the hub)."""
        panel = self.panel
        pid = panel.patient_id
        if panel.workspace is None or pid is None:
            return None
        # Qt hands str-based enums back as plain str: convert.
        programs = [Program(d) for i in range(panel.program.count()) if (d := panel.program.itemData(i))]
        return open_log_time(
            panel.workspace,
            pid,
            panel.header.full_name,
            programs,
            panel.current_program(),
            panel,
            lambda entry: panel.message.show_info(f"Logged {entry.minutes} min of {entry.activity.value}."),
        )

    def open_screening(self) -> InterviewDialog | None:
        """The guided interview for the call's patient (window-modal)."""
        panel = self.panel
        pid = panel.patient_id
        if panel.workspace is None or pid is None:
            return None
        name = panel.header.full_name
        resume = screens.resumable(panel.workspace, pid)  # the queue may have asked to finish it
        dialog = InterviewDialog(
            panel.workspace, pid, name, for_call=True, resume=resume, seconds=self.seconds, parent=panel
        )
        dialog.screened.connect(self._screened)
        dialog.open()
        return dialog

    def _screened(self, screen: Assessment, minutes: int) -> None:
        panel = self.panel
        if panel.timer.running and not panel.timing.minutes_edited:
            panel.message.show_info(f"{saved_text(screen)} Its time is counted by the running call timer.")
            return
        panel.timing.set_minutes(panel.minutes.value() + minutes, edited=True)
        panel.message.show_info(f"{saved_text(screen)} {minutes} min added to the call's minutes.")
