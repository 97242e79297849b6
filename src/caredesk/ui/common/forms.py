"""Small building blocks shared by forms: inline messages, passphrase fields, buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QKeySequence, QShortcutEvent
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QWidget

from caredesk.errors import CareDeskError, ValidationError
from caredesk.ui.common import theme

if TYPE_CHECKING:  # forms import both from here (loaded on first use: __getattr__)
    from caredesk.ui.common.dates import DateField as DateField
    from caredesk.ui.common.dates import qdate as qdate


def __getattr__(name: str) -> Any:
    """TYPED_MINUTES_MAX, for the minutes boxes, from caredesk.domain.call_draft when first asked
    (and DateField, qdate from caredesk.ui.common.dates):
    the unlock page uses this module before the app's first paint, the call forms after (issue 14)."""
    if name == "TYPED_MINUTES_MAX":
        from caredesk.domain.call_draft import TYPED_MINUTES_MAX

        return TYPED_MINUTES_MAX
    if name in ("DateField", "qdate"):  # likewise: no date field on the unlock page
        from caredesk.ui.common import dates

        return getattr(dates, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


# A validation message goes on from the field's name ("Start date must be ...", "Program overlaps
# ..."), unless it opens a sentence of its own with one of these: then it follows a colon
# ("Program: the patient is not enrolled ...", which a tester read as "Program the patient ...").
# One that opens with the value typed does too ("Phone: 555-0142 has no area code ...").
_OPENS_A_SENTENCE = frozenset(
    {"the", "there", "a", "an", "this", "these", "that", "no", "none", "version"}
    | {"give", "say", "choose", "enter", "type", "pick", "use"}
)


def field_says(field: str, message: str) -> str:
    """'phone must ...', or 'phone: 12 is not ...' where the message opens a sentence of its own
    or with the value typed (_OPENS_A_SENTENCE)."""
    opens = message.split(" ", 1)[0]
    joint = ": " if opens in _OPENS_A_SENTENCE or not opens[:1].isalpha() else " "
    return f"{field}{joint}{message}"


def user_message(exc: CareDeskError) -> str:
    """One clear sentence for the form. Our messages hold no patient data but the value just
    typed, when naming it helps (a phone number refused, domain.phone_entry)."""
    if isinstance(exc, ValidationError):
        where = f"Row {exc.row}: " if exc.row is not None else ""
        return f"{where}{field_says(exc.field[:1].upper() + exc.field[1:], exc.message)}."
    text = str(exc).strip()
    return text or "That did not work."


class InlineMessage(QLabel):
    """A message shown inside the form (never a dialog); hidden while empty.

    Screen readers get it through the accessible description as well as the text.
    """

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWordWrap(True)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setAccessibleName(name)
        theme.set_role(self, "error")
        self.hide()

    def show_error(self, text: str) -> None:
        self._show(text, "error")

    def show_warning(self, text: str) -> None:
        self._show(text, "warning")

    def show_info(self, text: str) -> None:
        self._show(text, "hint")

    def _show(self, text: str, role: str) -> None:
        theme.set_role(self, role)
        self.setText(text)
        self.setAccessibleDescription(text)
        self.setVisible(bool(text))

    def clear(self) -> None:
        super().clear()
        self.setAccessibleDescription("")
        self.hide()


def passphrase_field(name: str, placeholder: str = "") -> QLineEdit:
    field = QLineEdit()
    field.setEchoMode(QLineEdit.EchoMode.Password)
    field.setAccessibleName(name)
    field.setPlaceholderText(placeholder)
    # Secrets stay out of undo stacks and drag-and-drop.
    field.setDragEnabled(False)
    field.setContextMenuPolicy(Qt.ContextMenuPolicy.NoContextMenu)
    return field


def button(text: str, accessible: str | None = None, *, primary: bool = False, link: bool = False) -> QPushButton:
    b = QPushButton(text)
    b.setAccessibleName(accessible or text.replace("&", ""))
    if primary:
        b.setProperty("primary", True)
        b.setDefault(True)
    if link:
        b.setProperty("flat", True)
        b.setFlat(True)
        b.setCursor(Qt.CursorShape.PointingHandCursor)
    return b


class KeyButton(QPushButton):
    """A button whose Alt+letter (or other shortcut) clicks it at once and leaves the focus
    where it was.

    A plain QPushButton's mnemonic animates a click 100 ms later and, when checkable, takes
    the focus: what was typed next went to the button instead of the note, and a Ctrl+S in
    those 100 ms saved the form without the choice.
    """

    def __init__(self, text: str, accessible: str | None = None, *, shortcut: str | None = None):
        super().__init__(text)
        self.setAccessibleName(accessible or text.replace("&", ""))
        self.setAutoDefault(False)
        if shortcut:
            self.set_key(shortcut)

    def set_key(self, keys: str) -> None:
        """A shortcut that is not the text's mnemonic (set it again after setText)."""
        self.setShortcut(QKeySequence(keys))
        tip = self.toolTip().split(" (")[0] if self.toolTip() else self.accessibleName()
        self.setToolTip(f"{tip} ({QKeySequence(keys).toString(QKeySequence.SequenceFormat.NativeText)})")

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.Shortcut and isinstance(e, QShortcutEvent) and not e.isAmbiguous():
            if self.isEnabled():
                self.click()
            return True
        return super().event(e)


def heading(text: str, role: str = "title") -> QLabel:
    label = QLabel(text)
    label.setWordWrap(True)
    theme.set_role(label, role)
    return label


def info_label(name: str, role: str | None = None) -> QLabel:
    """A wrapping, selectable read-only value with a name for screen readers."""
    label = QLabel()
    label.setAccessibleName(name)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if role:
        theme.set_role(label, role)
    return label


def combo(name: str, items: list[str]) -> QComboBox:
    box = QComboBox()
    box.setAccessibleName(name)
    box.addItems(items)
    return box


def dialog_buttons(
    standard: QDialogButtonBox.StandardButton, accept: Callable[[], object], reject: Callable[[], object]
) -> QDialogButtonBox:
    """Qt's standard dialog buttons, each named for screen readers, wired to accept and reject."""
    buttons = QDialogButtonBox(standard)
    buttons.accepted.connect(accept)
    buttons.rejected.connect(reject)
    for b in buttons.buttons():
        b.setAccessibleName(b.text().replace("&", ""))
    return buttons


def date_edit(name: str, value: date | None = None, *, optional: bool = False) -> DateField:
    """A US-format date field (typed MM/DD/YYYY or picked with F4 / Alt+Down) named for screen readers."""
    from caredesk.ui.common.dates import DateField

    return DateField(name, value, optional=optional)


def picked_date(field: QDateEdit) -> date:
    """The field's date; ValidationError naming the field while its typed text is not a date."""
    from caredesk.ui.common.dates import DateField

    if isinstance(field, DateField):
        day = field.checked_value()
        if day is None:
            raise ValidationError(field.accessibleName(), "is required")
        return day
    d = field.date()
    return date(d.year(), d.month(), d.day())
