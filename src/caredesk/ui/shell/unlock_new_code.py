"""A new recovery code on screen before anything that can fail (issue 11, SPEC section 5).

A new store's code page shows before the keyring is asked to remember the key, and after a
reset with the recovery code the new passphrase and code take effect only on Continue, so
the old code works until the new one has been seen (and saved, the box says).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from caredesk.errors import CareDeskError
from caredesk.ui.common.forms import user_message

if TYPE_CHECKING:
    from caredesk.services.access import PendingKeyChange
    from caredesk.services.workspace import Workspace
    from caredesk.ui.shell.unlock import UnlockPanel

log = logging.getLogger(__name__)


class NewCodeStep:
    """The code page of `panel` between a new code and the open store behind it."""

    def __init__(self, panel: UnlockPanel):
        self.panel = panel
        self.pending: Workspace | None = None  # open, but the recovery code is still on screen
        self.change: PendingKeyChange | None = None  # a reset waiting for Continue to take effect

    def show(self, ws: Workspace, code: str, *, replaced: bool) -> None:
        panel = self.panel
        self.pending = ws
        panel.code.show_code(code, replaced=replaced, workspace=lambda: self.pending)
        panel.setCurrentWidget(panel.code)
        panel.code.saved.setFocus()

    def continue_after_code(self) -> None:
        panel = self.panel
        change = self.change
        if change is not None and not change.committed:
            try:
                change.commit()  # now the new passphrase and code take effect, the old code stops working
            except CareDeskError as exc:
                panel.code.message.show_error(user_message(exc))
                return
            log.info("passphrase reset with the recovery code")
            panel.remembered = False  # the commit forgot any remembered key
        ws, self.pending, self.change = self.pending, None, None
        panel.code.reset()
        if ws is not None:
            panel.unlocked.emit(ws, False)

    def discard(self) -> None:
        """Window closing: close a store still waiting behind the recovery-code page (a reset
        not yet continued is dropped: the old passphrase and code still work)."""
        ws, self.pending, self.change = self.pending, None, None
        if ws is not None:
            ws.lock()
