"""The unlock panel: create a store, unlock it, recover it, or open the demo panel.

Modelled on KeePassXC's unlock form: one panel of pages in front of the workspace.
Everything slow (the KDF, generating the demo, the keyring) runs on a TaskRunner; the
panel only reacts to results. A store that exists but cannot be opened is explained, never
replaced by a new one.

A recovery code is on screen before anything that can fail (issue 11, SPEC section 5): a
new store's code page shows before the keyring is asked to remember the key, and after a
reset with the recovery code the new passphrase and code take effect only on Continue, so
the old code works until the new one has been seen (and saved, the box says).
"""

from __future__ import annotations

import logging
import math
from collections import deque
from collections.abc import Callable, Sequence
from functools import cached_property
from typing import TYPE_CHECKING, TypeVar

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import QApplication, QCheckBox, QLineEdit, QStackedWidget, QWidget

from caredesk.errors import CareDeskError, StoreError, TooManyAttempts, ValidationError, WrongSecret
from caredesk.ui.common.forms import InlineMessage, user_message
from caredesk.ui.common.workers import TaskRunner
from caredesk.ui.shell import unlock_pages as pages

if TYPE_CHECKING:  # the store's way in loads after the first paint (issue 14)
    from caredesk.app import AppContext
    from caredesk.services.access import Access, PendingKeyChange
    from caredesk.services.workspace import Workspace

log = logging.getLogger(__name__)

_P = TypeVar("_P", bound=QWidget)

MISMATCH = "The passphrase and its repetition do not match. Type the same passphrase twice."


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
        self._pending: Workspace | None = None  # open, but the recovery code is still on screen
        self._change: PendingKeyChange | None = None  # a reset waiting for Continue to take effect
        self._remembered = False  # whether the key is believed to be in the keyring
        self._checking_passphrase = False  # a passphrase is being checked in the background
        self._queued: deque[str] = deque()  # passphrases entered during that check, to try next

        # Pages are made when first shown (issue 14): only the one on screen at start is built
        # before the first paint; each page added to the stack is polished by the style sheet.
        # Whether a secure keyring is here: None until check_keyring() has asked.
        self._keyring_ok: bool | None = None

        self._countdown = QTimer(self)
        self._countdown.setInterval(1000)
        self._countdown.timeout.connect(self._tick)
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
        page.create_button.clicked.connect(self._create)
        page.confirm.returnPressed.connect(self._create)
        self._offer_remember(page.remember)
        return page

    @cached_property
    def code(self) -> pages.RecoveryCodePage:
        page = self._add(pages.RecoveryCodePage())
        page.continue_button.clicked.connect(self._continue_after_code)
        return page

    @cached_property
    def unlock(self) -> pages.UnlockPage:
        page = self._add(pages.UnlockPage())
        page.unlock_button.clicked.connect(self._unlock)
        page.passphrase.returnPressed.connect(self._unlock)
        page.forgot_button.clicked.connect(self.show_recover)
        self._offer_remember(page.remember)
        return page

    @cached_property
    def recover(self) -> pages.RecoverPage:
        page = self._add(pages.RecoverPage())
        page.back_button.clicked.connect(self.show_unlock)
        page.recover_button.clicked.connect(self._recover)
        page.confirm.returnPressed.connect(self._recover)
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
            self._show_problem(exc)
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
            self._show_problem(exc)
            return True
        if ws is None:
            return False
        log.info("unlocked with the remembered key")
        self._remembered = True
        self.unlocked.emit(ws, False)
        return True

    @property
    def remembered(self) -> bool:
        """Whether the key is believed to be in the keyring."""
        return self._remembered

    def show_create(self) -> None:
        self.create_page.reset()
        self.setCurrentWidget(self.create_page)
        self.create_page.passphrase.setFocus()

    def show_unlock(self) -> None:
        self.unlock.reset()
        if self.unlock.remember.isEnabled():
            self.unlock.remember.setChecked(self._remembered)
        self.setCurrentWidget(self.unlock)
        self.unlock.passphrase.setFocus()
        self._update_countdown()

    def show_recover(self) -> None:
        self.recover.reset()
        self.setCurrentWidget(self.recover)
        self.recover.code.setFocus()

    def _show_problem(self, exc: CareDeskError) -> None:
        log.warning("the store could not be opened: %s", type(exc).__name__)
        self.problem.message.show_error(user_message(exc))
        self.setCurrentWidget(self.problem)

    # -- create ----------------------------------------------------------------
    def _create(self) -> None:
        page = self.create_page
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
        self._busy(page.create_button, True, fields, page.message, "Creating the store…")

        def done(result: tuple[Workspace, str]) -> None:
            self._busy(page.create_button, False, fields)
            ws, code = result
            log.info("store created")
            page.reset()
            self._show_code(ws, code, replaced=False)
            if remember:  # only now: a keyring that fails or hangs cannot keep the code off screen
                self._remember_behind_code(ws)

        def failed(exc: BaseException) -> None:
            self._busy(page.create_button, False, fields)
            if not isinstance(exc, CareDeskError):
                raise exc
            page.message.show_error(user_message(exc))
            _retype(page.passphrase)

        self.tasks.run(lambda: self.access.create(first, kdf=self.kdf), done, failed, _close_pair)

    def _show_code(self, ws: Workspace, code: str, *, replaced: bool) -> None:
        self._pending = ws
        self.code.show_code(code, replaced=replaced, workspace=lambda: self._pending)
        self.setCurrentWidget(self.code)
        self.code.saved.setFocus()

    def _remember_behind_code(self, ws: Workspace) -> None:
        """Ask the keyring off the GUI thread, the code already on screen; say so when it fails."""

        def done(ok: bool) -> None:
            self._remembered = ok
            if not ok and self.currentWidget() is self.code:
                self.code.message.show_warning(
                    "This computer's keyring did not keep the key, so CareDesk will ask for the passphrase each time."
                )

        def failed(exc: BaseException) -> None:
            raise exc  # remember_key turns every keyring error into False: anything else is a defect

        self.tasks.run(ws.remember_key, done, failed)

    def _continue_after_code(self) -> None:
        change = self._change
        if change is not None and not change.committed:
            try:
                change.commit()  # now the new passphrase and code take effect, the old code stops working
            except CareDeskError as exc:
                self.code.message.show_error(user_message(exc))
                return
            log.info("passphrase reset with the recovery code")
            self._remembered = False  # the commit forgot any remembered key
        ws, self._pending, self._change = self._pending, None, None
        self.code.reset()
        if ws is not None:
            self.unlocked.emit(ws, False)

    # -- unlock ----------------------------------------------------------------
    def _unlock(self) -> None:
        """Unlock with what the box holds. During a check, Enter queues it as the next try and
        empties the box: passphrases typed ahead are tried in turn, each whole, as each before it
        is refused (a second tester's "wrong2" + Enter + the right one typed on became one try)."""
        page = self.unlock
        if self._checking_passphrase:
            if page.passphrase.text():
                self._queued.append(page.passphrase.text())
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
        self._check_passphrase(secret)

    def _check_passphrase(self, secret: str) -> None:
        page = self.unlock
        remember = page.remember.isEnabled() and page.remember.isChecked()
        self._checking_passphrase = True
        self._busy(page.unlock_button, True, (), page.message, "Checking the passphrase…")

        def done(ws: Workspace) -> None:
            self._checking_passphrase = False
            self._queued.clear()
            self._busy(page.unlock_button, False)
            log.info("unlocked with the passphrase")
            if remember:
                self._remembered = ws.remember_key()
            elif page.remember.isEnabled():
                ws.forget_key()
                self._remembered = False
            page.reset()
            self.unlocked.emit(ws, False)

        def failed(exc: BaseException) -> None:
            self._checking_passphrase = False
            self._busy(page.unlock_button, False)
            if isinstance(exc, (WrongSecret, TooManyAttempts)):
                log.info("unlock refused: %s", type(exc).__name__)
            self._refused(page.message, exc)
            if self._queued and page.unlock_button.isEnabled():  # not while the back-off lasts
                self._check_passphrase(self._queued.popleft())
                return
            if self._queued:  # the back-off: the next one typed waits in the box for its Enter
                page.passphrase.setText(self._queued.popleft())
                self._queued.clear()
            if page.passphrase.isVisible():
                page.passphrase.setFocus()  # on the retype begun meanwhile, or the empty box

        self.tasks.run(lambda: self.access.unlock(secret), done, failed, _close_workspace)

    def _update_countdown(self) -> None:
        if self.context.lockout.wait_seconds() > 0:
            if not self._countdown.isActive():
                self._countdown.start()
            self._tick()

    def _tick(self) -> None:
        remaining = math.ceil(self.context.lockout.wait_seconds())
        page = self.unlock
        if remaining <= 0:
            self._countdown.stop()
            page.unlock_button.setEnabled(True)
            self.recover.recover_button.setEnabled(True)
            page.message.show_info("You can try again now.")
            return
        page.unlock_button.setEnabled(False)
        self.recover.recover_button.setEnabled(False)
        text = f"Too many wrong attempts. You can try again in {remaining} s."
        page.message.show_error(text)
        if self.currentWidget() is self.recover:
            self.recover.message.show_error(text)

    # -- recover ---------------------------------------------------------------
    def _recover(self) -> None:
        page = self.recover
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
        self._busy(page.recover_button, True, fields, page.message, "Checking the recovery code…")

        def done(pending: PendingKeyChange) -> None:
            self._busy(page.recover_button, False, fields)
            log.info("recovery code accepted; the new code is shown before it takes effect")
            page.reset()
            self._change = pending
            self._show_code(pending.workspace, pending.recovery_code, replaced=True)

        def failed(exc: BaseException) -> None:
            self._busy(page.recover_button, False, fields)
            self._refused(page.message, exc)
            # A new passphrase the store refuses (too short) is retyped there; anything else
            # (a wrong code, the back-off) starts again from the code.
            _retype(page.passphrase if isinstance(exc, ValidationError) else page.code)

        self.tasks.run(lambda: self.access.begin_recover(code, first), done, failed, _close_change)

    # -- demo ------------------------------------------------------------------
    def open_demo(self) -> None:
        if self.tasks.busy:
            return
        context = self.context
        patients = context.demo_patients
        reuse = context.has_demo_store()
        self.busy.show_work(
            "Opening the demo panel" if reuse else "Building the demo panel",
            "Made-up patients only, kept in their own folder apart from your real data."
            + ("" if reuse else f" Generating {patients} synthetic patients takes a few seconds."),
        )
        self.setCurrentWidget(self.busy)

        def work() -> Workspace:
            return context.open_demo()

        def done(ws: Workspace) -> None:
            log.info("demo panel opened")
            self.unlocked.emit(ws, True)

        def failed(exc: BaseException) -> None:
            self.start()
            if not isinstance(exc, CareDeskError):
                raise exc
            self.welcome.message.show_error("The demo panel could not be opened: " + user_message(exc))

        self.tasks.run(work, done, failed, _close_workspace)

    # -- shared ----------------------------------------------------------------
    def _refused(self, message: InlineMessage, exc: BaseException) -> None:
        """A secret was refused or the store cannot be opened: say so where it helps."""
        if isinstance(exc, (WrongSecret, TooManyAttempts)):
            message.show_error(user_message(exc))
            self._update_countdown()
        elif isinstance(exc, StoreError):
            self._show_problem(exc)
        elif isinstance(exc, CareDeskError):
            message.show_error(user_message(exc))
        else:
            raise exc

    def _busy(
        self,
        widget: QWidget,
        on: bool,
        fields: Sequence[QLineEdit] = (),
        message: InlineMessage | None = None,
        status: str = "",
    ) -> None:
        """While a secret is checked in the background (Argon2id, ~0.5 s): `widget` (the page's
        button) disabled, `fields` read-only (keys typed meanwhile were appended to the secret
        already sent: a keyboard-only tester's retype during a check became part of the field),
        `status` in `message`, the wait cursor. `on=False` undoes all but the message, which the
        answer replaces."""
        widget.setEnabled(not on)
        for field in fields:
            field.setReadOnly(on)
        if on and message is not None:
            message.show_info(status)
        if on:
            QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        else:
            QApplication.restoreOverrideCursor()

    def discard_pending(self) -> None:
        """Window closing: close a store still waiting behind the recovery-code page (a reset
        not yet continued is dropped: the old passphrase and code still work)."""
        ws, self._pending, self._change = self._pending, None, None
        if ws is not None:
            ws.lock()
        for page in self._built("code"):
            page.reset()  # type: ignore[attr-defined]

    def shutdown(self) -> None:
        self._countdown.stop()
        self.tasks.shutdown()
        while QApplication.overrideCursor() is not None:
            QApplication.restoreOverrideCursor()
        self.discard_pending()


def _retype(field: QLineEdit) -> None:
    """After a refusal the focus is in `field` with its text selected, so typing replaces it (the
    focus may have been on the page's button, disabled during the check). Not when the refusal
    moved to another page (the problem page), whose own focus stays."""
    if field.isVisible():
        field.selectAll()
        field.setFocus()


def _close_workspace(ws: Workspace) -> None:
    ws.lock()


def _close_pair(result: tuple[Workspace, str]) -> None:
    result[0].lock()


def _close_change(pending: PendingKeyChange) -> None:
    pending.workspace.lock()
