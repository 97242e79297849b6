"""Creating a store: two matching passphrases, the store made in the background, then its
recovery code on screen; only then is the keyring asked to remember the key."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from caredesk.errors import CareDeskError
from caredesk.ui.common.forms import user_message
from caredesk.ui.shell.unlock_pages import MISMATCH, retype, set_busy

if TYPE_CHECKING:
    from caredesk.services.workspace import Workspace
    from caredesk.ui.shell.unlock import UnlockPanel

log = logging.getLogger(__name__)


class CreateStore:
    """The create page's Create button and Enter, for `panel` (which owns the page)."""

    def __init__(self, panel: UnlockPanel):
        self.panel = panel

    def submit(self) -> None:
        panel = self.panel
        page = panel.create_page
        if not page.create_button.isEnabled():
            return
        first, second = page.passphrase.text(), page.confirm.text()
        if not first:
            page.message.show_error("Type a passphrase (at least 10 characters).")
            return
        if first != second:
            page.message.show_error(MISMATCH)
            return
        remember = page.remember.isChecked()
        fields = (page.passphrase, page.confirm)
        set_busy(page.create_button, True, fields, page.message, "Creating the store…")

        def done(result: tuple[Workspace, str]) -> None:
            set_busy(page.create_button, False, fields)
            ws, code = result
            log.info("store created")
            page.reset()
            panel.new_code.show(ws, code, replaced=False)
            if remember:  # only now: a keyring that fails or hangs cannot keep the code off screen
                self._remember_behind_code(ws)

        def failed(exc: BaseException) -> None:
            set_busy(page.create_button, False, fields)
            if not isinstance(exc, CareDeskError):
                raise exc
            page.message.show_error(user_message(exc))
            retype(page.passphrase)

        panel.tasks.run(lambda: panel.access.create(first, kdf=panel.kdf), done, failed, _close_pair)

    def _remember_behind_code(self, ws: Workspace) -> None:
        """Ask the keyring off the GUI thread, the code already on screen; say so when it fails."""
        panel = self.panel

        def done(ok: bool) -> None:
            panel.remembered = ok
            if not ok and panel.currentWidget() is panel.code:
                panel.code.message.show_warning(
                    "This computer's keyring did not keep the key, so CareDesk will ask for the passphrase each time."
                )

        def failed(exc: BaseException) -> None:
            raise exc  # remember_key turns every keyring error into False: anything else is a defect

        panel.tasks.run(ws.remember_key, done, failed)


def _close_pair(result: tuple[Workspace, str]) -> None:
    result[0].lock()
