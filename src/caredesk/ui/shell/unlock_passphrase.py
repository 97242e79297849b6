"""Unlocking with the passphrase: the check runs in the background, and passphrases entered
during it are queued and tried next, each whole, as each before it is refused."""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING

from caredesk.errors import TooManyAttempts, WrongSecret
from caredesk.ui.shell.unlock_pages import set_busy

if TYPE_CHECKING:
    from caredesk.services.workspace import Workspace
    from caredesk.ui.shell.unlock import UnlockPanel

log = logging.getLogger(__name__)


class PassphraseUnlock:
    """The unlock page's Unlock button and Enter, for `panel` (which owns the page)."""

    def __init__(self, panel: UnlockPanel):
        self.panel = panel
        self.checking = False  # a passphrase is being checked in the background
        self.queued: deque[str] = deque()  # passphrases entered during that check, to try next

    def submit(self) -> None:
        """Unlock with what the box holds. During a check, Enter queues it as the next try and
        empties the box: passphrases typed ahead are tried in turn, each whole, as each before it
        is refused (a second tester's "wrong2" + Enter + the right one typed on became one try)."""
        page = self.panel.unlock
        if self.checking:
            if page.passphrase.text():
                self.queued.append(page.passphrase.text())
                page.passphrase.clear()
            return
        if not page.unlock_button.isEnabled():
            return
        secret = page.passphrase.text()
        if not secret:
            page.message.show_error("Type your passphrase.")
            return
        # The box is emptied and keeps taking keys: what is typed during the ~0.5 s check is the
        # next try (a fresh tester's quick retype lost its first keys to a read-only box, and the
        # fragment left was sent and counted as a failed attempt; before that, the retype was
        # appended to the passphrase sent).
        page.passphrase.clear()
        self._check(secret)

    def _check(self, secret: str) -> None:
        panel = self.panel
        page = panel.unlock
        remember = page.remember.isEnabled() and page.remember.isChecked()
        self.checking = True
        set_busy(page.unlock_button, True, (), page.message, "Checking the passphrase…")

        def done(ws: Workspace) -> None:
            self.checking = False
            self.queued.clear()
            set_busy(page.unlock_button, False)
            log.info("unlocked with the passphrase")
            if remember:
                panel.remembered = ws.remember_key()
            elif page.remember.isEnabled():
                ws.forget_key()
                panel.remembered = False
            page.reset()
            panel.unlocked.emit(ws, False)

        def failed(exc: BaseException) -> None:
            self.checking = False
            set_busy(page.unlock_button, False)
            if isinstance(exc, (WrongSecret, TooManyAttempts)):
                log.info("unlock refused: %s", type(exc).__name__)
            panel.refused(page.message, exc)
            if self.queued and page.unlock_button.isEnabled():  # not while the back-off lasts
                self._check(self.queued.popleft())
                return
            if self.queued:  # the back-off: the next one typed waits in the box for its Enter
                page.passphrase.setText(self.queued.popleft())
                self.queued.clear()
            if page.passphrase.isVisible():
                page.passphrase.setFocus()  # on the retype begun meanwhile, or the empty box

        panel.tasks.run(lambda: panel.access.unlock(secret), done, failed, _close_workspace)


def _close_workspace(ws: Workspace) -> None:
    ws.lock()
