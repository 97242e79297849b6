"""The unlock panel: create a store, unlock it, recover it, or open the demo panel.

Modelled on KeePassXC's unlock form: one panel of pages in front of the workspace.
Everything slow (the KDF, generating the demo, the keyring) runs on a TaskRunner; the
panel only reacts to results. A store that exists but cannot be opened is explained, never
replaced by a new one.

The panel makes its pages and chooses the first one; each flow lives in a module named for it:
unlock_passphrase (the passphrase check, and what is typed during it), unlock_backoff (the
wait after wrong attempts), unlock_create (a new store), unlock_recover (a reset with the
recovery code), unlock_new_code (a new recovery code on screen before anything that can fail,
issue 11) and unlock_demo (the demo panel).
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QApplication, QCheckBox, QStackedWidget, QWidget

from caredesk.errors import CareDeskError, StoreError, TooManyAttempts, WrongSecret
from caredesk.ui.common.forms import InlineMessage, user_message
from caredesk.ui.common.workers import TaskRunner
from caredesk.ui.shell import unlock_pages as pages
from caredesk.ui.shell.unlock_backoff import BackOffCountdown
from caredesk.ui.shell.unlock_create import CreateStore
from caredesk.ui.shell.unlock_demo import open_demo
from caredesk.ui.shell.unlock_new_code import NewCodeStep
from caredesk.ui.shell.unlock_passphrase import PassphraseUnlock
from caredesk.ui.shell.unlock_recover import RecoverWithCode

if TYPE_CHECKING:  # the store's way in loads after the first paint (issue 14)
    from caredesk.app import AppContext
    from caredesk.services.access import Access

log = logging.getLogger(__name__)

_P = TypeVar("_P", bound=QWidget)
KEPT_SAID = "What you were typing was kept; it is offered again after you unlock."


class UnlockPanel(QStackedWidget):
    """Emits `unlocked(workspace, is_demo)` once a store is open and the user may see it."""

    unlocked = Signal(object, bool)

    def __init__(self, context: AppContext, parent: QWidget | None = None, *, check_keyring: bool = True):
        """`check_keyring=False`: the caller calls `check_keyring()` later (at start-up, after the
        first paint: asking which keyring this computer has loads the keyring package)."""
        super().__init__(parent)
        self.context = context
        self.kdf = context.kdf
        # Set while the database layer loads in the background at start-up: the first use of the
        # store's way in waits for it there rather than importing the same modules alongside.
        self.wait_for_loading: Callable[[], None] | None = None
        self.tasks = TaskRunner(self)
        self.remembered = False  # whether the key is believed to be in the keyring
        self.locked_why = ""  # why the window locked, said on the unlock page (say_why_locked)

        # Pages are made when first shown (issue 14): only the one on screen at start is built
        # before the first paint; each page added to the stack is polished by the style sheet.
        # Whether a secure keyring is here: None until check_keyring() has asked.
        self._keyring_ok: bool | None = None

        self.by_passphrase = PassphraseUnlock(self)
        self.backoff = BackOffCountdown(self)
        self.creating = CreateStore(self)
        self.recovering = RecoverWithCode(self)
        self.new_code = NewCodeStep(self)
        if check_keyring:
            self.check_keyring()

    def _add(self, page: _P) -> _P:
        self.addWidget(page)
        return page

    def _built(self, *names: str) -> list[QWidget]:
        """The pages among `names` that exist (made by a first use), so a reset makes none."""
        return [self.__dict__[name] for name in names if name in self.__dict__]

    @cached_property
    def welcome(self) -> pages.WelcomePage:
        page = self._add(pages.WelcomePage())
        page.create_button.clicked.connect(self.show_create)
        page.demo_button.clicked.connect(self.open_demo)
        return page

    @cached_property
    def create_page(self) -> pages.CreatePage:
        page = self._add(pages.CreatePage())
        page.back_button.clicked.connect(self.start)
        page.create_button.clicked.connect(self.creating.submit)
        page.confirm.returnPressed.connect(self.creating.submit)
        self._offer_remember(page.remember)
        return page

    @cached_property
    def code(self) -> pages.RecoveryCodePage:
        page = self._add(pages.RecoveryCodePage())
        page.continue_button.clicked.connect(self.new_code.continue_after_code)
        return page

    @cached_property
    def unlock(self) -> pages.UnlockPage:
        page = self._add(pages.UnlockPage())
        page.unlock_button.clicked.connect(self.by_passphrase.submit)
        page.passphrase.returnPressed.connect(self.by_passphrase.submit)
        page.forgot_button.clicked.connect(self.show_recover)
        self._offer_remember(page.remember)
        return page

    @cached_property
    def recover(self) -> pages.RecoverPage:
        page = self._add(pages.RecoverPage())
        page.back_button.clicked.connect(self.show_unlock)
        page.recover_button.clicked.connect(self.recovering.submit)
        page.confirm.returnPressed.connect(self.recovering.submit)
        return page

    @cached_property
    def busy(self) -> pages.BusyPage:
        return self._add(pages.BusyPage())

    @cached_property
    def problem(self) -> pages.ProblemPage:
        page = self._add(pages.ProblemPage())
        page.retry_button.clicked.connect(lambda: self.start(try_keyring=False))
        return page

    @property
    def access(self) -> Access:
        """The context's one Access for the life of the window, so the back-off after wrong
        attempts holds; the database layer loads on first use."""
        if self.wait_for_loading is not None:
            self.wait_for_loading()
        return self.context.access

    def check_keyring(self) -> None:
        """'Remember on this computer' is offered only where a secure keyring is."""
        from caredesk.services.access import Access

        self._keyring_ok = Access.keyring_available()
        for page in self._built("create_page", "unlock"):
            self._offer_remember(page.remember)  # type: ignore[attr-defined]

    def _offer_remember(self, box: QCheckBox) -> None:
        """Offered only where a secure keyring is; not before that is known (a box ticked in the
        first second at start-up, before the check, was silently not remembered)."""
        if self._keyring_ok is None:
            box.setChecked(False)
            box.setEnabled(False)
        elif self._keyring_ok:
            box.setEnabled(True)
        else:
            pages.disable_remember(box)

    # -- where to start --------------------------------------------------------
    def start(self, try_keyring: bool = False) -> None:
        """Show the right first page; at program start a remembered key opens at once."""
        self.locked_why = ""  # a start of its own (leaving the demo, a retry) says no lock's reason
        for page in self._built("create_page", "unlock", "recover", "code"):
            page.reset()  # type: ignore[attr-defined]
        if "welcome" in self.__dict__:
            self.welcome.message.clear()
        if not self.context.has_store():
            self.setCurrentWidget(self.welcome)
            return
        try:
            self.context.preflight()  # half a store is explained before any passphrase is typed
        except StoreError as exc:
            self.show_problem(exc)
            return
        if try_keyring and self.try_remembered():
            return
        self.show_unlock()

    def try_remembered(self) -> bool:
        """Open the store with a key remembered in the keyring: True when it opened (`unlocked`
        was emitted) or cannot be opened (the problem page shows); False when no key is remembered."""
        try:
            ws = self.access.unlock_remembered()
        except StoreError as exc:
            self.show_problem(exc)
            return True
        if ws is None:
            return False
        log.info("unlocked with the remembered key")
        self.remembered = True
        self.unlocked.emit(ws, False)
        return True

    def show_create(self) -> None:
        self.create_page.reset()
        self.setCurrentWidget(self.create_page)
        self.create_page.passphrase.setFocus()

    def show_unlock(self) -> None:
        self.unlock.reset()
        if self.unlock.remember.isEnabled():
            self.unlock.remember.setChecked(self.remembered)
        self.unlock.show_why(self.locked_why)  # kept when coming back from the recovery page
        self.setCurrentWidget(self.unlock)
        self.unlock.passphrase.setFocus()
        self.backoff.update()

    def say_why_locked(self, why: str, *, kept: bool) -> None:
        """After a lock: 'Locked after 10 minutes without use.' (`why`), and when a form or call
        was kept as a draft 'What you were typing was kept; it is offered again after you unlock.'
        Said on the unlock page, before the passphrase: what was kept is never named here."""
        self.locked_why = why + (" " + KEPT_SAID if kept else "")
        if "unlock" in self.__dict__:
            self.unlock.show_why(self.locked_why)

    def show_recover(self) -> None:
        self.recover.reset()
        self.setCurrentWidget(self.recover)
        self.recover.code.setFocus()

    def show_problem(self, exc: CareDeskError) -> None:
        log.warning("the store could not be opened: %s", type(exc).__name__)
        self.problem.message.show_error(user_message(exc))
        self.setCurrentWidget(self.problem)

    def open_demo(self) -> None:
        open_demo(self)

    # -- shared ----------------------------------------------------------------
    def refused(self, message: InlineMessage, exc: BaseException) -> None:
        """A secret was refused or the store cannot be opened: say so where it helps."""
        if isinstance(exc, (WrongSecret, TooManyAttempts)):
            message.show_error(user_message(exc))
            self.backoff.update()
        elif isinstance(exc, StoreError):
            self.show_problem(exc)
        elif isinstance(exc, CareDeskError):
            message.show_error(user_message(exc))
        else:
            raise exc

    def discard_pending(self) -> None:
        """Window closing: close a store still waiting behind the recovery-code page (a reset
        not yet continued is dropped: the old passphrase and code still work)."""
        self.new_code.discard()
        for page in self._built("code"):
            page.reset()  # type: ignore[attr-defined]

    def shutdown(self) -> None:
        self.backoff.stop()
        self.tasks.shutdown()
        while QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
        self.discard_pending()
