"""File > Change passphrase…: current, new, repeat; the key is rewrapped as `caredesk
change-passphrase` does (services.access.Access.change_passphrase, audited through the open
store). The database is not re-encrypted; the recovery code and a remembered key stay valid.

Argon2id runs twice (unwrap with the current passphrase, wrap with the new one: about a
second), so the work runs on a TaskRunner; a wrong current passphrase counts toward the
same back-off as the unlock page. Every refusal names its field.
"""

from __future__ import annotations

import logging

from PySide6.QtWidgets import QDialog, QDialogButtonBox, QFormLayout, QLineEdit, QPushButton, QVBoxLayout, QWidget

from caredesk.errors import CareDeskError, TooManyAttempts, ValidationError, WrongSecret
from caredesk.services.access import Access
from caredesk.services.workspace import Workspace
from caredesk.ui.common.forms import InlineMessage, heading, passphrase_field, user_message
from caredesk.ui.common.workers import TaskRunner

log = logging.getLogger(__name__)

RULE_HINT = (
    "At least 10 characters, and not easy to guess (a common password, a name, a date, a keyboard row). "
    "Three or four unrelated words are easy to type and hard to guess."
)


class ChangePassphraseDialog(QDialog):
    def __init__(self, access: Access, ws: Workspace, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Change passphrase")
        self.setAccessibleName("Change passphrase")
        self.access = access
        self.ws = ws
        self.tasks = TaskRunner(self)
        self.current = passphrase_field("Current passphrase")
        self.new = passphrase_field("New passphrase")
        self.repeat = passphrase_field("Repeat new passphrase")
        form = QFormLayout()
        form.addRow("&Current passphrase", self.current)
        form.addRow("&New passphrase", self.new)
        form.addRow("&Repeat new passphrase", self.repeat)
        self.message = InlineMessage("Change passphrase message")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.change_button: QPushButton = self.buttons.addButton(
            "C&hange passphrase", QDialogButtonBox.ButtonRole.AcceptRole
        )
        self.change_button.setDefault(True)
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setAutoDefault(False)
        for b in self.buttons.buttons():
            b.setAccessibleName(b.text().replace("&", ""))
        self.buttons.accepted.connect(self.change)
        self.buttons.rejected.connect(self.reject)
        lay = QVBoxLayout(self)
        lay.addWidget(
            heading(
                "Your data stays as it is: only the key that opens it is locked with the new passphrase. "
                "Your recovery code keeps working.",
                "hint",
            )
        )
        lay.addLayout(form)
        lay.addWidget(heading(RULE_HINT, "hint"))
        lay.addWidget(self.message)
        lay.addWidget(self.buttons)
        self.resize(max(self.sizeHint().width(), 520), self.sizeHint().height())

    def _refuse(self, field: QLineEdit, text: str) -> None:
        self.message.show_error(text)
        field.setFocus()
        field.selectAll()

    def change(self) -> None:
        if self.tasks.busy:
            return
        old, new, again = self.current.text(), self.new.text(), self.repeat.text()
        if not old:
            return self._refuse(self.current, "Current passphrase: type the passphrase you unlock CareDesk with.")
        if not new:
            return self._refuse(self.new, "New passphrase: type the passphrase you want (at least 10 characters).")
        if new != again:
            return self._refuse(self.repeat, "Repeat new passphrase: does not match the new passphrase.")
        if new == old:
            return self._refuse(self.new, "New passphrase: is the same as the current one.")
        self.message.show_info("Changing the passphrase…")
        self._set_busy(True)
        self.tasks.run(lambda: self.access.change_passphrase(old, new, ws=self.ws), self._done, self._failed)

    def _set_busy(self, on: bool) -> None:
        for w in (self.current, self.new, self.repeat, self.change_button):
            w.setEnabled(not on)
        if not on:
            # While Change was disabled the focus passed through Cancel, which took the default:
            # Enter after a refusal then closed the dialog with nothing changed (GUI tester).
            self.change_button.setDefault(True)

    def _done(self, _result: object) -> None:
        self._set_busy(False)
        log.info("passphrase changed in the app")
        for f in (self.current, self.new, self.repeat):
            f.clear()
        self.message.show_info("Passphrase changed. Use the new one from now on; your recovery code is unchanged.")
        self.change_button.hide()
        close = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        close.setText("Close")
        close.setAccessibleName("Close")
        close.setDefault(True)
        close.setFocus()

    def _failed(self, exc: BaseException) -> None:
        self._set_busy(False)
        if isinstance(exc, WrongSecret):
            self._refuse(self.current, "Current passphrase: is not correct. Nothing was changed.")
        elif isinstance(exc, TooManyAttempts):
            self._refuse(self.current, f"Current passphrase: {user_message(exc)}")
        elif isinstance(exc, ValidationError) and exc.field == "passphrase":
            self._refuse(self.new, f"New passphrase: {exc.message}.")
        elif isinstance(exc, CareDeskError):
            self.message.show_error(user_message(exc) + " Nothing was changed.")
        else:
            raise exc

    def done(self, result: int) -> None:
        # Closed (or a lock rejects it) while the key is being rewrapped: the change finishes
        # and is audited through the still-open store first (a second at most), never half-done.
        self.tasks.shutdown()
        super().done(result)
