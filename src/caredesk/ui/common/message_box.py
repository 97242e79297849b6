"""Questions whose buttons answer to Alt+letter, Enter, Esc and Space, never to a letter alone.

QMessageBox presses a button when its mnemonic letter is typed without Alt (its own
keyPressEvent). A question that comes up while someone types then takes a letter of what they
were typing for an answer: a tester pressed Ctrl+L and went on typing the passphrase, and the
"d" of it pressed "Discard call" in the Unsaved call question. Every question CareDesk asks
about something it would change or drop is a MessageBox.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QMessageBox, QWidget

_COMMAND_KEYS = Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier


class MessageBox(QMessageBox):
    """QMessageBox without its plain-letter shortcuts (Alt+letter still presses a button)."""

    def keyPressEvent(self, event: QKeyEvent) -> None:
        text = event.text()
        if text and text.isalnum() and not event.modifiers() & _COMMAND_KEYS:
            event.accept()  # a letter typed on: not an answer
            return
        super().keyPressEvent(event)


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
