"""Small building blocks shared by forms: inline messages, passphrase fields, buttons."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QComboBox, QDateEdit, QDialogButtonBox, QLabel, QLineEdit, QPushButton, QWidget

from caredesk.errors import CareDeskError, ValidationError
from caredesk.ui.common import theme


def user_message(exc: CareDeskError) -> str:
    """One clear sentence for the form. Our messages never contain patient data."""
    if isinstance(exc, ValidationError):
        where = f"Row {exc.row}: " if exc.row is not None else ""
        field = exc.field[:1].upper() + exc.field[1:]
        return f"{where}{field} {exc.message}."
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


def date_edit(name: str, value: date | None = None) -> QDateEdit:
    """A US-format date field with a calendar popup and a name for screen readers."""
    field = QDateEdit()
    field.setAccessibleName(name)
    field.setCalendarPopup(True)
    field.setDisplayFormat("MM/dd/yyyy")
    if value is not None:
        field.setDate(qdate(value))
    return field


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def picked_date(field: QDateEdit) -> date:
    d = field.date()
    return date(d.year(), d.month(), d.day())
