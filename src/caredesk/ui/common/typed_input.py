"""What a form holds, read off its widgets: to tell whether anything was typed, to ask before
it is thrown away, and to keep it as a draft and put it back (SPEC §5).

`AsksBeforeDiscarding` is Add patient's Esc question (5627b70) made a base for every form
that has it: Esc or Cancel closes an untouched form at once; after typing it asks "Discard …?"
with Go back the default (ui.common.message_box.go_ahead). A lock still closes the form without
asking: it calls reject(), which is unchanged.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QDialog,
    QLineEdit,
    QMessageBox,
    QPlainTextEdit,
    QSpinBox,
    QWidget,
)

from caredesk.domain.contact_form_draft import FieldValue
from caredesk.ui.common.dates import DateField
from caredesk.ui.common.message_box import go_ahead

DISCARD = "&Discard"


def entered(root: QWidget) -> list[object]:
    """What the form holds, control by control (texts, choices, ticks; more rows, more values)."""
    values: list[object] = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLineEdit):
            values.append(w.text())
        elif isinstance(w, QPlainTextEdit):
            values.append(w.toPlainText())
        elif isinstance(w, QComboBox):
            values.append(w.currentText())
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            values.append(w.isChecked())
    return values


def named_values(root: QWidget) -> dict[str, FieldValue]:
    """The form's named fields by accessible name: {"Date": "2026-11-24", "Note": "...",
    "Minutes": 12, "Outcome reached": True, "Program": "CCM"}. A date field gives its date (ISO)
    as shown; unnamed controls (the line edit inside a spin or combo box) are left out."""
    values: dict[str, FieldValue] = {}
    for w in root.findChildren(QWidget):
        name = w.accessibleName()
        if not name or name in values:
            continue
        if isinstance(w, DateField):
            day = w.value()
            values[name] = None if day is None else day.isoformat()
        elif isinstance(w, QSpinBox):
            values[name] = w.value()
        elif isinstance(w, QLineEdit):
            values[name] = w.text()
        elif isinstance(w, QPlainTextEdit):
            values[name] = w.toPlainText()
        elif isinstance(w, QComboBox):
            values[name] = w.currentText()
        elif isinstance(w, QAbstractButton) and w.isCheckable():
            values[name] = w.isChecked()
    return values


def put_named_values(root: QWidget, values: dict[str, FieldValue]) -> None:
    """Put named_values() back; a name or a choice the form no longer has is left as it is
    (a program the patient has left keeps the form's own choice)."""
    for w in root.findChildren(QWidget):
        name = w.accessibleName()
        if name not in values:
            continue
        value = values[name]
        if isinstance(w, DateField):
            w.set_value(date.fromisoformat(value) if isinstance(value, str) and value else None)
        elif isinstance(w, QSpinBox) and isinstance(value, int):
            w.setValue(value)
        elif isinstance(w, QLineEdit) and isinstance(value, str):
            w.setText(value)
        elif isinstance(w, QPlainTextEdit) and isinstance(value, str):
            w.setPlainText(value)
        elif isinstance(w, QComboBox) and isinstance(value, str):
            if w.isEditable():
                w.setCurrentText(value)
            elif (at := w.findText(value)) >= 0:
                w.setCurrentIndex(at)
        elif isinstance(w, QAbstractButton) and w.isCheckable() and isinstance(value, bool):
            w.setChecked(value)


class AsksBeforeDiscarding(QDialog):
    """A form whose Esc and Cancel ask before dropping what was typed. Subclasses set
    `discard_question` (title, sentence) and call mark_opened() once their fields are filled."""

    discard_question = ("Discard?", "Discard what you typed? It is not saved.")
    _as_opened: list[object] | None = None

    def mark_opened(self) -> None:
        """The form as it opened: what Esc compares with to know whether anything was typed."""
        self._as_opened = entered(self)

    def typed(self) -> bool:
        return self._as_opened is not None and entered(self) != self._as_opened

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape and not event.modifiers():
            event.accept()
            self.cancel()
            return
        super().keyPressEvent(event)

    def cancel(self) -> None:
        """Esc or Cancel: closes at once when nothing was typed; else asks first, Go back the
        default (a keyboard-only tester's Esc threw a half-typed patient away without a word)."""
        if not self.typed() or self.discard_typed():
            self.discarded()
            self.reject()

    def discard_typed(self) -> bool:
        """Ask whether to drop what was typed; Go back (Enter, Esc) keeps the form (MessageBox)."""
        title, text = self.discard_question
        return go_ahead(self, title, text, DISCARD, QMessageBox.ButtonRole.DestructiveRole)

    def discarded(self) -> None:
        """What the user chose to throw away is gone (a kept draft of it too, in KeptForm)."""
