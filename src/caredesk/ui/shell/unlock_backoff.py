"""The back-off after wrong attempts, counted down on the unlock and recovery pages: their
buttons are off until the wait is over, and the pages say how long is left."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer

if TYPE_CHECKING:
    from caredesk.ui.shell.unlock import UnlockPanel


class BackOffCountdown:
    """Ticks once a second while `panel.context.lockout` makes the user wait."""

    def __init__(self, panel: UnlockPanel):
        self.panel = panel
        self._timer = QTimer(panel)
        self._timer.setInterval(1000)
        self._timer.timeout.connect(self._tick)

    def update(self) -> None:
        """Start counting down when a wait began (after a refusal, or on showing the page)."""
        if self.panel.context.lockout.wait_seconds() > 0:
            if not self._timer.isActive():
                self._timer.start()
            self._tick()

    def stop(self) -> None:
        self._timer.stop()

    def _tick(self) -> None:
        panel = self.panel
        remaining = math.ceil(panel.context.lockout.wait_seconds())
        page = panel.unlock
        if remaining <= 0:
            self._timer.stop()
            page.unlock_button.setEnabled(True)
            panel.recover.recover_button.setEnabled(True)
            page.message.show_info("You can try again now.")
            return
        page.unlock_button.setEnabled(False)
        panel.recover.recover_button.setEnabled(False)
        text = f"Too many wrong attempts. You can try again in {remaining} s."
        page.message.show_error(text)
        if panel.currentWidget() is panel.recover:
            panel.recover.message.show_error(text)
