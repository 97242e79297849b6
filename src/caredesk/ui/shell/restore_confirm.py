"""The restore dialog's checks before anything is restored: the form's (`form_problem`) and
its question before it replaces a store (issue 11: the app replaced the
store in its folder without a word, even with a backup of another store or an older one).

`read_facts` runs on the dialog's worker (the live store's key is unwrapped: Argon2, half a
second); `question` is the box shown with what caredesk.services.restore_facts found, Cancel
the default: Replace must be chosen.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QLabel, QLineEdit, QMessageBox, QWidget

from caredesk.app import AppContext
from caredesk.services.restore_facts import Replacing, what_is_replaced
from caredesk.ui.common.message_box import MessageBox

TITLE = "Replace the store in this folder?"
MISMATCH = "New passphrase: the two entries do not match. Type the same passphrase twice."


def form_problem(
    by_code: bool, file: QLineEdit, passphrase: QLineEdit, code: QLineEdit, new: QLineEdit, repeat: QLineEdit
) -> tuple[str, QWidget] | None:
    """What is missing from the restore form (the message naming the field) and the field to
    put the cursor in; None when it can go ahead."""
    if not file.text().strip():
        return "Backup file: choose the backup to restore (Browse…).", file
    if not by_code:
        if not passphrase.text():
            return "Passphrase: type the passphrase the store had when the backup was made.", passphrase
        return None
    if not code.text().strip():
        return "Recovery code: type the code saved when the store was created.", code
    if not new.text():
        return "New passphrase: choose one (at least 10 characters).", new
    if new.text() != repeat.text():
        return MISMATCH, repeat
    return None


def label(text: str, buddy: QWidget) -> QLabel:
    """A form label whose Alt letter goes to `buddy`."""
    widget = QLabel(text)
    widget.setBuddy(buddy)
    return widget


def read_facts(context: AppContext, file: Path, secret: str, code: str | None) -> Replacing | None:
    """What the restore would replace (None: the folder holds no store). `secret` is the
    passphrase, or with `code` the new passphrase (not tried: the code is). A new passphrase
    too easy to guess is refused first (ValidationError), before the question is asked."""
    if code is not None:
        context.access.check_new_passphrase(secret)
        return what_is_replaced(context.access, file, recovery_code=code)
    return what_is_replaced(context.access, file, passphrase=secret)


def question(parent: QWidget, replacing: Replacing) -> QMessageBox:
    """A window-modal box (not yet shown: `.open()` it) whose Replace button is the only yes."""
    box = MessageBox(parent)
    box.setIcon(QMessageBox.Icon.Warning)
    box.setWindowTitle(TITLE)
    box.setText(TITLE)
    box.setInformativeText(
        f"{replacing.sentence()} Restoring replaces it; it is kept, unchanged, in a replaced-<date> "
        "folder in the data folder."
    )
    box.setAccessibleName(TITLE)
    box.addButton("&Replace it", QMessageBox.ButtonRole.DestructiveRole)
    cancel = box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(cancel)
    box.setEscapeButton(cancel)
    return box


def replace_chosen(box: QMessageBox) -> bool:
    clicked = box.clickedButton()
    return clicked is not None and box.buttonRole(clicked) == QMessageBox.ButtonRole.DestructiveRole
