"""The pages of the unlock panel. Layout, and what a page shows while a secret is checked; the
flows live in caredesk.ui.shell.unlock (the panel) and the unlock_* modules named for each flow."""

from __future__ import annotations

import itertools
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
    QCheckBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from caredesk.ui.common.forms import InlineMessage, button, heading, info_label, passphrase_field

if TYPE_CHECKING:  # annotations only: not imported before the unlock page's first paint (issue 14)
    from caredesk.services.workspace import Workspace

RULE_HINT = (
    "At least 10 characters, and not easy to guess (a common password, a name, a date, a keyboard row). "
    "Three or four unrelated words are easy to type and hard to guess."
)
REMEMBER_TEXT = "Remember on this computer"
MISMATCH = "The passphrase and its repetition do not match. Type the same passphrase twice."
NO_KEYRING_TIP = (
    "This computer has no secure keyring (such as GNOME Keyring, KWallet, macOS Keychain "
    "or Windows Credential Manager), so CareDesk will ask for the passphrase each time."
)


class CardPage(QWidget):
    """A page whose content sits in a centred card, as wide as about 64 characters."""

    def __init__(self, title: str, subtitle: str = ""):
        super().__init__()
        self.card = QFrame()
        self.card.setProperty("card", True)
        self.card.setMaximumWidth(self.fontMetrics().averageCharWidth() * 80)
        self.body = QVBoxLayout(self.card)
        m = self.fontMetrics().height()
        self.body.setContentsMargins(2 * m, int(1.5 * m), 2 * m, int(1.5 * m))
        self.body.setSpacing(int(0.6 * m))
        self.title = heading(title)
        self.body.addWidget(self.title)
        if subtitle:
            self.subtitle = heading(subtitle, "subtitle")
            self.body.addWidget(self.subtitle)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.card, 4)
        row.addStretch(1)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        outer.addLayout(row)
        outer.addStretch(2)

    def add_field(self, label_text: str, field: QWidget) -> None:
        label = QLabel(label_text)
        label.setBuddy(field)
        self.body.addWidget(label)
        self.body.addWidget(field)

    def add_buttons(self, *buttons: QPushButton, left: QPushButton | None = None) -> None:
        row = QHBoxLayout()
        if left is not None:
            row.addWidget(left)
        row.addStretch(1)
        for b in buttons:
            row.addWidget(b)
        self.body.addSpacing(self.fontMetrics().height() // 2)
        self.body.addLayout(row)


def tab_chain(*widgets: QWidget) -> None:
    """Tab follows reading order: fields, then the main button, then the way back."""
    for first, second in itertools.pairwise(widgets):
        QWidget.setTabOrder(first, second)


def remember_box() -> QCheckBox:
    box = QCheckBox(REMEMBER_TEXT)
    box.setAccessibleName(REMEMBER_TEXT)
    box.setToolTip("Keep the key in this computer's secure keyring so CareDesk opens without the passphrase.")
    return box


def set_busy(
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


def retype(field: QLineEdit) -> None:
    """After a refusal the focus is in `field` with its text selected, so typing replaces it (the
    focus may have been on the page's button, disabled during the check). Not when the refusal
    moved to another page (the problem page), whose own focus stays."""
    if field.isVisible():
        field.selectAll()
        field.setFocus()


def disable_remember(box: QCheckBox) -> None:
    box.setChecked(False)
    box.setEnabled(False)
    # Say why on the page itself: a greyed box with only a tooltip looks broken.
    box.setText(REMEMBER_TEXT + " (no secure keyring here)")
    box.setToolTip(NO_KEYRING_TIP)
    box.setAccessibleDescription(NO_KEYRING_TIP)


class WelcomePage(CardPage):
    def __init__(self) -> None:
        super().__init__(
            "Welcome to CareDesk",
            "Your caseload stays on this computer, encrypted with a passphrase only you know.",
        )
        text = QLabel(
            "Create your store to start working with your own patients, or look around first "
            "in a demo panel of made-up patients. The demo is kept apart from your real data. "
            "On a new computer, restore your backup instead."
        )
        text.setWordWrap(True)
        self.body.addWidget(text)
        self.message = InlineMessage("Welcome message")
        self.body.addWidget(self.message)
        self.create_button = button("Create my store", primary=True)
        self.demo_button = button("Open a demo panel (synthetic patients)")
        # Stacked full width: long labels never get squeezed at larger text sizes.
        self.body.addSpacing(self.fontMetrics().height() // 2)
        self.body.addWidget(self.create_button)
        self.body.addWidget(self.demo_button)


class CreatePage(CardPage):
    def __init__(self) -> None:
        super().__init__("Create your store", "Choose the passphrase that will unlock CareDesk.")
        self.passphrase = passphrase_field("Passphrase")
        self.confirm = passphrase_field("Repeat passphrase")
        self.add_field("&Passphrase", self.passphrase)
        self.add_field("&Repeat passphrase", self.confirm)
        self.hint = heading(RULE_HINT, "hint")
        self.body.addWidget(self.hint)
        self.remember = remember_box()
        self.body.addWidget(self.remember)
        self.message = InlineMessage("Create store message")
        self.body.addWidget(self.message)
        self.back_button = button("Back")
        self.create_button = button("Create store", primary=True)
        self.add_buttons(self.create_button, left=self.back_button)
        tab_chain(self.passphrase, self.confirm, self.remember, self.create_button, self.back_button)

    def reset(self) -> None:
        self.passphrase.clear()
        self.confirm.clear()
        self.message.clear()


class RecoveryCodePage(CardPage):
    """The one time a recovery code is shown: at creation and after a reset with the old code.

    After a reset the new code is not in effect until Continue (the unlock panel commits it
    then), so leaving this page changes nothing; `message` says when putting it in effect failed.
    """

    def __init__(self) -> None:
        # Its printing and file dialog classes load with this page, not before the first paint.
        from caredesk.ui.shell.recovery_code_view import RecoveryCodeView

        super().__init__("Your recovery code")
        self.explain = QLabel()
        self.explain.setWordWrap(True)
        self.body.addWidget(self.explain)
        self.view = RecoveryCodeView()
        self.body.addWidget(self.view)
        self.message = InlineMessage("Recovery code message")
        self.body.addWidget(self.message)
        self.continue_button = button("Continue", primary=True)
        self.continue_button.setEnabled(False)
        self.view.saved_changed.connect(self.continue_button.setEnabled)
        self.add_buttons(self.continue_button)

    @property
    def code(self) -> QLabel:
        return self.view.code

    @property
    def saved(self) -> QCheckBox:
        return self.view.saved

    def show_code(self, code: str, *, replaced: bool, workspace: Callable[[], Workspace | None]) -> None:
        first = (
            "This is your NEW recovery code. When you continue, your new passphrase and this code take "
            "effect and the code you typed stops working."
            if replaced
            else "If you ever forget your passphrase, this code is the only way back into your patients' records."
        )
        self.explain.setText(first + " Write it down, or print or save the recovery kit, now.")
        self.view.show_code(code, workspace)
        self.message.clear()

    def reset(self) -> None:
        self.view.reset()
        self.message.clear()


class UnlockPage(CardPage):
    def __init__(self) -> None:
        super().__init__("Unlock CareDesk", "Enter your passphrase to open your caseload.")
        # Why it locked, and whether what was being typed was kept (show_why); never patient
        # data: this page shows before the passphrase.
        self.why = info_label("Why CareDesk locked")
        self.why.hide()
        self.body.addWidget(self.why)
        self.passphrase = passphrase_field("Passphrase")
        self.add_field("&Passphrase", self.passphrase)
        self.remember = remember_box()
        self.body.addWidget(self.remember)
        self.message = InlineMessage("Unlock message")
        self.body.addWidget(self.message)
        self.forgot_button = button("Forgot passphrase? Use recovery code", link=True)
        self.unlock_button = button("Unlock", primary=True)
        self.add_buttons(self.unlock_button, left=self.forgot_button)
        tab_chain(self.passphrase, self.remember, self.unlock_button, self.forgot_button)

    def reset(self) -> None:
        self.passphrase.clear()
        self.message.clear()

    def show_why(self, text: str) -> None:
        """'Locked after 10 minutes without use.' and the like ('' hides the line)."""
        self.why.setText(text)
        self.why.setAccessibleDescription(text)
        self.why.setVisible(bool(text))


class RecoverPage(CardPage):
    def __init__(self) -> None:
        super().__init__(
            "Reset your passphrase",
            "Type the recovery code you saved when the store was created, then choose a new passphrase.",
        )
        self.code = QLineEdit()
        self.code.setAccessibleName("Recovery code")
        self.code.setPlaceholderText("XXXXX-XXXXX-XXXXX-XXXXX-XXXXX")
        self.add_field("Recovery &code", self.code)
        self.passphrase = passphrase_field("New passphrase")
        self.confirm = passphrase_field("Repeat new passphrase")
        self.add_field("&New passphrase", self.passphrase)
        self.add_field("&Repeat new passphrase", self.confirm)
        self.body.addWidget(heading(RULE_HINT, "hint"))
        self.message = InlineMessage("Reset passphrase message")
        self.body.addWidget(self.message)
        self.back_button = button("Back")
        self.recover_button = button("Reset passphrase", primary=True)
        self.add_buttons(self.recover_button, left=self.back_button)
        tab_chain(self.code, self.passphrase, self.confirm, self.recover_button, self.back_button)

    def reset(self) -> None:
        for f in (self.code, self.passphrase, self.confirm):
            f.clear()
        self.message.clear()


class BusyPage(CardPage):
    def __init__(self) -> None:
        super().__init__("Please wait")
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.body.addWidget(self.text)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)  # busy indicator: the work reports no steps
        self.bar.setTextVisible(False)
        self.bar.setAccessibleName("Working")
        self.body.addWidget(self.bar)

    def show_work(self, title: str, text: str) -> None:
        self.title.setText(title)
        self.text.setText(text)


class ProblemPage(CardPage):
    """The store exists but cannot be opened: say why; never offer to create a new one."""

    def __init__(self) -> None:
        super().__init__("CareDesk cannot open this store")
        self.message = InlineMessage("Problem")
        self.body.addWidget(self.message)
        self.advice = heading(
            "Nothing was changed. If the files were moved or damaged, restore the data folder from a backup.",
            "hint",
        )
        self.body.addWidget(self.advice)
        self.retry_button = button("Try again", primary=True)
        self.add_buttons(self.retry_button)
