"""The question before one call or time entry of more than LONG_ENTRY_MINUTES is saved.

"600 minutes is 10 h 00 min for one entry. Save it?": a typed 600 for 60 was taken without a
word and billed (a keyboard-only tester's find). The default button, Enter and Esc all go back
to the form; Alt+S saves. The hard limit (ENTRY_MINUTES_MAX) stays the service's refusal: more
than that is never asked about, it is refused by name.
"""

from __future__ import annotations

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from caredesk.domain.contacts import LONG_ENTRY_MINUTES, hours_text, is_long_entry
from caredesk.ui.common.message_box import MessageBox

TITLE = "Long time entry"


def long_minutes_box(parent: QWidget | None, minutes: int) -> tuple[QMessageBox, QPushButton]:
    """The question (not shown yet) and its Save button; Go back is the default and Esc."""
    box = MessageBox(parent)
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle(TITLE)
    box.setAccessibleName(TITLE)
    box.setText(f"{minutes} minutes is {hours_text(minutes)} for one entry. Save it?")
    box.setInformativeText(
        f"More than {LONG_ENTRY_MINUTES // 60} hours in one call or time entry is usually a typo "
        f"({minutes} for {minutes // 10}). Go back to correct the minutes, or save them as they are."
    )
    save = box.addButton(f"&Save {minutes} min", QMessageBox.ButtonRole.AcceptRole)
    back = box.addButton("&Go back and fix", QMessageBox.ButtonRole.RejectRole)
    for b in (save, back):
        b.setAccessibleName(b.text().replace("&", ""))
    box.setDefaultButton(back)  # Enter, pressed out of habit, must not save 600 for 60
    box.setEscapeButton(back)
    return box, save


def confirm_minutes(parent: QWidget | None, minutes: int) -> bool:
    """True to go on saving `minutes`: not long, or the care manager chose Save. A box closed
    any other way (Esc, Go back, a lock closing it) is False."""
    if not is_long_entry(minutes):
        return True
    box, save = long_minutes_box(parent, minutes)
    box.exec()
    saved = box.clickedButton() is save
    box.deleteLater()
    return saved
