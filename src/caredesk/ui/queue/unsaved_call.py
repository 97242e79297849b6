"""The question asked before an unsaved call would go away: Save, Keep as draft, Discard, Cancel.

Asked for what a person chose to do (open another patient, lock, quit); an idle lock,
with nobody to ask, keeps the call as a draft instead (SPEC §5). Keyboard: Enter keeps it as
a draft (the default), Esc cancels, Alt+S saves, Alt+K keeps it as a draft, Alt+D discards it.

Keep as draft is the default because it is the one answer that neither loses nor stores
anything: a tester moved with k while a call was open, the question came up at once, and the
Enter meant for "open the patient" saved the half-done call as "reached, 0 min".
"""

from __future__ import annotations

from enum import Enum

from PySide6.QtWidgets import QMessageBox, QPushButton, QWidget

from caredesk.ui.common.message_box import MessageBox


class CallChoice(Enum):
    SAVE = "save"
    DRAFT = "draft"
    DISCARD = "discard"
    CANCEL = "cancel"


# What the person was about to do, as the question names it.
SWITCH = "open another patient"
LOCK = "lock CareDesk"
QUIT = "quit CareDesk"
LEAVE_DEMO = "leave the demo panel"


def unsaved_call_box(parent: QWidget, name: str, action: str) -> tuple[QMessageBox, dict[QPushButton, CallChoice]]:
    """The message box (not shown yet) and what each of its buttons means."""
    box = MessageBox(parent)  # a letter typed on is no answer (Discard took a passphrase's "d")
    box.setIcon(QMessageBox.Icon.Question)
    box.setWindowTitle("Unsaved call")
    box.setAccessibleName("Unsaved call")
    box.setText(f"The call with {name} is not saved.")
    box.setInformativeText(
        f"Save it before you {action}? A draft is kept in your store and comes back when you open the patient again."
    )
    choices: dict[QPushButton, CallChoice] = {}
    for text, role, choice in (
        ("&Save call", QMessageBox.ButtonRole.AcceptRole, CallChoice.SAVE),
        ("&Keep as draft", QMessageBox.ButtonRole.ActionRole, CallChoice.DRAFT),
        ("&Discard call", QMessageBox.ButtonRole.DestructiveRole, CallChoice.DISCARD),
        ("Cancel", QMessageBox.ButtonRole.RejectRole, CallChoice.CANCEL),
    ):
        b = box.addButton(text, role)
        b.setAccessibleName(text.replace("&", ""))
        choices[b] = choice
    box.setDefaultButton(next(b for b, c in choices.items() if c is CallChoice.DRAFT))
    box.setEscapeButton(next(b for b, c in choices.items() if c is CallChoice.CANCEL))
    return box, choices


def ask_about_call(parent: QWidget, name: str, action: str) -> CallChoice:
    """Ask and wait; a box closed by a lock (idle time ran out meanwhile) is Cancel."""
    box, choices = unsaved_call_box(parent, name, action)
    box.exec()
    clicked = box.clickedButton()
    box.setText("")  # the name leaves at once (a lock may be what closed the box)
    box.setInformativeText("")
    box.deleteLater()
    return choices.get(clicked, CallChoice.CANCEL) if isinstance(clicked, QPushButton) else CallChoice.CANCEL
