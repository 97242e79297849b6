"""Resetting the passphrase with the recovery code: the code and a new passphrase checked in
the background, then the new code shown; the reset takes effect on its page's Continue."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from caredesk.errors import ValidationError
from caredesk.ui.shell.unlock_pages import MISMATCH, retype, set_busy

if TYPE_CHECKING:
    from caredesk.services.access import PendingKeyChange
    from caredesk.ui.shell.unlock import UnlockPanel

log = logging.getLogger(__name__)


class RecoverWithCode:
    """The recovery page's Reset button and Enter, for `panel` (which owns the page)."""

    def __init__(self, panel: UnlockPanel):
        self.panel = panel

    def submit(self) -> None:
        panel = self.panel
        page = panel.recover
        if not page.recover_button.isEnabled():
            return
        code, first, second = page.code.text(), page.passphrase.text(), page.confirm.text()
        if not code.strip():
            page.message.show_error("Type the recovery code.")
            return
        if not first:
            page.message.show_error("Type a new passphrase (at least 10 characters).")
            return
        if first != second:
            page.message.show_error(MISMATCH)
            return
        fields = (page.code, page.passphrase, page.confirm)
        set_busy(page.recover_button, True, fields, page.message, "Checking the recovery code…")

        def done(pending: PendingKeyChange) -> None:
            set_busy(page.recover_button, False, fields)
            log.info("recovery code accepted; the new code is shown before it takes effect")
            page.reset()
            panel.new_code.change = pending
            panel.new_code.show(pending.workspace, pending.recovery_code, replaced=True)

        def failed(exc: BaseException) -> None:
            set_busy(page.recover_button, False, fields)
            panel.refused(page.message, exc)
            # A new passphrase the store refuses (too short) is retyped there; anything else
            # (a wrong code, the back-off) starts again from the code.
            retype(page.passphrase if isinstance(exc, ValidationError) else page.code)

        panel.tasks.run(lambda: panel.access.begin_recover(code, first), done, failed, _close_change)


def _close_change(pending: PendingKeyChange) -> None:
    pending.workspace.lock()
