"""Questions whose buttons answer to Alt+letter, Enter, Esc and Space, never to a letter alone.

QMessageBox presses a button when its mnemonic letter is typed without Alt (its own
keyPressEvent). A question that comes up while someone types then takes a letter of what they
were typing for an answer: a tester pressed Ctrl+L and went on typing the passphrase, and the
"d" of it pressed "Discard call" in the Unsaved call question. Then the Space of the words typed
on pressed the focused default, Save call, and the app locked (a second tester): Space never
answers, and Enter only once the question has been on screen for GUARD_S (a habit's Enter typed
ahead is not a choice; Enter after reading it presses the default or the focused button). Every
question CareDesk asks about something it would change or drop is a MessageBox.
"""

from __future__ import annotations

import time
from typing import ClassVar

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QKeyEvent, QShowEvent
from PySide6.QtWidgets import QMessageBox, QWidget

_COMMAND_KEYS = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier


_PRESS_KEYS = (Qt.Key.Key_Return, Qt.Key.Key_Enter)


class MessageBox(QMessageBox):
    """QMessageBox answered by Alt+letter, Esc, and Enter once shown for GUARD_S; never by a
    letter, a digit or Space alone (see the module docstring)."""

    GUARD_S: ClassVar[float] = 0.5
    shown_at = 0.0  # time.monotonic() when last shown

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        self.shown_at = time.monotonic()
        for b in self.buttons():  # a focused button takes Space and Enter before the box sees them
            b.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease) and self._typed_on(event):  # type: ignore[arg-type]
            return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if self._typed_on(event) or (text and text.isalnum() and not event.modifiers() & _COMMAND_KEYS):
            event.accept()  # typed on: not an answer
            return
        super().keyPressEvent(event)

    def _typed_on(self, event: QKeyEvent) -> bool:
        if event.key() == Qt.Key.Key_Space:
            return True
        return event.key() in _PRESS_KEYS and time.monotonic() - self.shown_at < self.GUARD_S


def ask(
    parent: QWidget | None,
    title: str,
    text: str,
    buttons: QMessageBox.StandardButton,
    default: QMessageBox.StandardButton,
) -> QMessageBox.StandardButton:
    """QMessageBox.question's shape, asked in a MessageBox: the button chosen (Esc: the escape
    button Qt picks, No or Cancel)."""
    box = MessageBox(QMessageBox.Icon.Question, title, text, buttons, parent)
    box.setDefaultButton(default)
    answer = box.exec()
    box.deleteLater()
    return QMessageBox.StandardButton(answer)


GO_BACK = "&Go back"


def go_ahead(
    parent: QWidget | None,
    title: str,
    text: str,
    action: str,
    role: QMessageBox.ButtonRole,
    informative: str = "",
) -> bool:
    """A question whose safe answer is Go back (the default, Enter and Esc) and whose other is
    `action` ("&Discard", "&Add anyway"; Alt+its letter): True when `action` was chosen. The
    buttons' accessible names are their text without the '&'."""
    box = MessageBox(QMessageBox.Icon.Question, title, text, QMessageBox.StandardButton.NoButton, parent)
    box.setAccessibleName(title)
    if informative:
        box.setInformativeText(informative)
    act = box.addButton(action, role)
    back = box.addButton(GO_BACK, QMessageBox.ButtonRole.RejectRole)
    act.setAccessibleName(action.replace("&", ""))
    back.setAccessibleName(GO_BACK.replace("&", ""))
    box.setDefaultButton(back)
    box.setEscapeButton(back)
    box.exec()
    chosen = box.clickedButton() is act
    box.deleteLater()
    return chosen
