"""File > Make a new recovery code and kit…: for a lost code, or to print a kit later.

CareDesk keeps no readable copy of the code, so a kit made after creation needs a new code.
The passphrase is asked although the store is open (an unlocked, unattended laptop must not
hand out a way in); the new code is shown with Copy / Print… / Save recovery kit… and takes
effect only on Done, so the old code works until the new one was seen and saved. Closing the
dialog before Done changes nothing. services.access.Access.begin_new_recovery_code.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QPushButton, QStackedWidget, QVBoxLayout, QWidget

from caredesk.errors import CareDeskError, TooManyAttempts, WrongSecret
from caredesk.services.access import Access, PendingKeyChange
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, heading, passphrase_field, user_message
from caredesk.ui.common.workers import TaskRunner
from caredesk.ui.shell.recovery_code_view import RecoveryCodeView

log = logging.getLogger(__name__)


class NewRecoveryCodeDialog(QDialog):
    def __init__(self, access: Access, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("New recovery code")
        self.setAccessibleName("New recovery code")
        self.access = access
        self.ws = ws
        self.tasks = TaskRunner(self)
        self.pending: PendingKeyChange | None = None
        self.stack = QStackedWidget()

        ask = QWidget()
        lay = QVBoxLayout(ask)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(
            heading(
                "CareDesk does not keep your recovery code, so it cannot show or print it again. It can make a "
                "new one, with a recovery kit to print. Once you press Done the old code stops working "
                "(backups made before then still open with it).",
                "hint",
            )
        )
        self.passphrase = passphrase_field("Passphrase")
        form = QFormLayout()
        form.addRow("Your &passphrase", self.passphrase)
        lay.addLayout(form)
        self.ask_message = InlineMessage("New recovery code message")
        lay.addWidget(self.ask_message)
        lay.addStretch(1)
        self.stack.addWidget(ask)

        show = QWidget()
        lay = QVBoxLayout(show)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(
            heading(
                "This is your NEW recovery code. It takes effect when you press Done; until then your old "
                "code still works.",
                "hint",
            )
        )
        self.view = RecoveryCodeView()
        lay.addWidget(self.view)
        self.show_message = InlineMessage("New recovery code result")
        lay.addWidget(self.show_message)
        self.stack.addWidget(show)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.make_button: QPushButton = self.buttons.addButton("&Make new code", QDialogButtonBox.ButtonRole.ActionRole)
        self.make_button.setDefault(True)
        self.done_button: QPushButton = self.buttons.addButton("Done", QDialogButtonBox.ButtonRole.AcceptRole)
        self.done_button.hide()
        for b in self.buttons.buttons():
            b.setAccessibleName(b.text().replace("&", ""))
        self.make_button.clicked.connect(self.make)
        self.buttons.accepted.connect(self.finish)
        self.buttons.rejected.connect(self.reject)
        self.view.saved_changed.connect(self.done_button.setEnabled)
        self.passphrase.returnPressed.connect(self.make)
        outer = QVBoxLayout(self)
        outer.addWidget(self.stack)
        outer.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 600), self.sizeHint().height())

    def make(self) -> None:
        if self.tasks.busy or self.pending is not None:
            return
        secret = self.passphrase.text()
        if not secret:
            self.ask_message.show_error("Passphrase: type the passphrase you unlock CareDesk with.")
            self.passphrase.setFocus()
            return
        self.ask_message.show_info("Checking the passphrase…")
        self.make_button.setEnabled(False)
        self.tasks.run(lambda: self.access.begin_new_recovery_code(self.ws, secret), self._made, self._refused)

    def _made(self, pending: PendingKeyChange) -> None:
        self.pending = pending
        self.passphrase.clear()
        self.view.show_code(pending.recovery_code, lambda: self.ws)
        self.stack.setCurrentIndex(1)
        self.make_button.hide()
        self.done_button.show()
        self.done_button.setEnabled(False)
        self.done_button.setDefault(True)
        self.view.saved.setFocus()
        log.info("new recovery code shown; not yet in effect")

    def _refused(self, exc: BaseException) -> None:
        self.make_button.setEnabled(True)
        if isinstance(exc, WrongSecret):
            self.ask_message.show_error("Passphrase: is not correct. Nothing was changed.")
        elif isinstance(exc, TooManyAttempts):
            self.ask_message.show_error(f"Passphrase: {user_message(exc)}")
        elif isinstance(exc, CareDeskError):
            self.ask_message.show_error(user_message(exc) + " Nothing was changed.")
        else:
            raise exc
        self.passphrase.setFocus()
        self.passphrase.selectAll()

    def finish(self) -> None:
        """Done: the new code takes effect (the old one stops working), then the dialog closes."""
        if self.pending is None or not self.view.saved.isChecked():
            return
        try:
            self.pending.commit()
        except CareDeskError as exc:
            self.show_message.show_error(user_message(exc))
            return
        log.info("new recovery code in effect")
        self.accept()

    def done(self, result: int) -> None:
        self.tasks.shutdown()
        if self.pending is not None and not self.pending.committed:
            log.info("new recovery code dropped before it took effect")
        self.view.reset()
        super().done(result)
