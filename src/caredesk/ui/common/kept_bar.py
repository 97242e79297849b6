"""The line a page or tab shows while a form kept at a lock waits to be taken up again.

Its words ("Unsaved contact, kept at 10:42 AM when CareDesk locked."), a Resume button and a
Discard button, in a card; hidden while nothing is kept. The chart's Contacts & minutes tab
(ui.chart.kept_contact_forms) and the Patients page (ui.chart.kept_new_patient) each read their
own drafts and say what Resume and Discard do.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QFrame, QHBoxLayout, QPushButton, QWidget

from caredesk.ui.common.forms import button, info_label

# A button's text (with its &), its accessible name and its tooltip.
ButtonWords = tuple[str, str, str]


class KeptBar(QFrame):
    """`name` is the accessible name; `resume` and `discard` are the buttons' words. Subclasses
    give `resume()` and `discard()`."""

    def __init__(self, name: str, resume: ButtonWords, discard: ButtonWords, parent: QWidget | None = None):
        super().__init__(parent)
        self.setProperty("card", True)
        self.setAccessibleName(name)
        self.text = info_label(name, "warning")
        self.resume_button = _button(resume, self.resume)
        self.discard_button = _button(discard, self.discard)
        row = QHBoxLayout(self)
        row.addWidget(self.text, 1)
        row.addWidget(self.resume_button)
        row.addWidget(self.discard_button)
        self.hide()

    def say(self, text: str) -> None:
        """Show the line with `text` (screen readers get it as the description too)."""
        self.text.setText(text)
        self.setAccessibleDescription(text)
        self.show()

    def unsay(self) -> None:
        """Hide the line, its words gone."""
        self.text.clear()
        self.setAccessibleDescription("")
        self.hide()

    def resume(self) -> object:
        raise NotImplementedError

    def discard(self) -> None:
        raise NotImplementedError


def _button(words: ButtonWords, slot: Callable[[], object]) -> QPushButton:
    text, accessible, tip = words
    made = button(text, accessible)
    made.setToolTip(tip)
    made.clicked.connect(slot)
    return made
