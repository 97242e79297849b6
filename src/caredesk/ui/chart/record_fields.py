"""The fields of a patient's record as forms show them, shared by Add patient and the Record tab.

`PatientFields` (demographics, with as many phones as needed; the program's fields are
in enrollment_fields.py) builds its widgets once, adds its rows to a QFormLayout, fills
itself from a record and reads one back. Reading
reports the first refused field in the form's order, top to bottom (a blank form names
the MRN, not the date of birth), as a ValidationError naming the field as labelled.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import date
from typing import Any

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLayout,
    QLineEdit,
    QScrollArea,
    QVBoxLayout,
    QWidget,
)

from caredesk.domain import checks
from caredesk.domain.patients import Patient, Phone, RiskTier, Sex
from caredesk.domain.phone_entry import KINDS, entered_phone, phone_field
from caredesk.errors import CareDeskError, ValidationError
from caredesk.ui.common.forms import InlineMessage, button, combo, user_message
from caredesk.ui.common.print_warning import add_print_warning

DATE_HINT = "MM/DD/YYYY"
# Stands in for a date of birth that could not be read, so the other fields are still checked.
_STAND_IN_BIRTH = date(1950, 1, 1)


def line_field(name: str, placeholder: str = "") -> QLineEdit:
    edit = QLineEdit()
    edit.setAccessibleName(name)
    edit.setPlaceholderText(placeholder)
    return edit


def date_text(day: date | None) -> str:
    """MM/DD/YYYY as the date fields take it; empty for no date."""
    return "" if day is None else f"{day.month:02d}/{day.day:02d}/{day.year}"


def typed_date(field: str, edit: QLineEdit, *, required: bool = True) -> date | None:
    """The date typed in `edit` (MM/DD/YYYY or YYYY-MM-DD); None when blank and optional."""
    text = edit.text().strip()
    if not text and not required:
        return None
    return checks.parse_typed_date(field, text)


def set_choice(box: QComboBox, value: str) -> None:
    """Select `value`, adding it first when the list lacks it (a phone type typed in the CLI)."""
    if box.findText(value) < 0:
        box.addItem(value)
    box.setCurrentText(value)


# The lines a dialog needs around its form: title bar, margins, a message of two lines, buttons.
DIALOG_LINES = 8


def scrolled_form(form: QLayout) -> QScrollArea:
    """The form (a QFormLayout, or columns of them) in a scroll area as tall as the form, but
    never taller than the screen less the dialog's other parts (a long form at 125% scaling on a laptop scrolls
    instead of running off it). Three quarters of the screen made Add patient scroll at
    1440x900 and 100%, with its last visible row cut just above the message line. Ruled
    above and below only when it scrolls."""
    content = QWidget()
    content.setLayout(form)
    area = _FormArea()
    area.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # the keyboard starts in the form's first field, not here
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    area.setWidget(content)
    area.fit()
    area.setMinimumWidth(content.sizeHint().width() + area.verticalScrollBar().sizeHint().width())
    content.installEventFilter(area)  # a row added later (Another phone) grows it again
    return area


class _FormArea(QScrollArea):
    """scrolled_form's area: as tall as its form within the screen, again whenever the form's
    layout changes. A tester's Add patient scrolled after Another phone, hiding the QMB box
    below, on a screen with room for the whole form."""

    def fit(self) -> None:
        content = self.widget()
        if content is None:
            return
        screen = self.screen() or QGuiApplication.primaryScreen()
        room = screen.availableGeometry().height() - DIALOG_LINES * content.fontMetrics().height() if screen else 600
        wanted = content.sizeHint().height()
        self.setMinimumHeight(min(wanted, room))  # a shown dialog grows to its new minimum
        scrolls = wanted > room
        if bool(self.property("scrolls")) != scrolls:
            # A form that scrolls has lines at its edges (theme: QScrollArea[scrolls]): its last
            # visible row, cut by the edge, read as "half hidden behind the error line" under it.
            self.setProperty("scrolls", scrolls)
            self.style().unpolish(self)
            self.style().polish(self)
        window = self.window()
        if screen is not None and window.isVisible():
            QTimer.singleShot(0, lambda: _keep_on_screen(window))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.fit()
        return False


def _keep_on_screen(window: QWidget) -> None:
    """Move a window that grew past the bottom of its screen back up onto it."""
    screen = window.screen()
    if screen is None:
        return
    free = screen.availableGeometry()
    frame = window.frameGeometry()
    if frame.bottom() > free.bottom():
        window.move(frame.x(), max(free.top(), frame.y() - (frame.bottom() - free.bottom())))


class Collected(checks.Refusals):
    """Errors gathered while reading a form; the one raised is the highest in `order` (field names)."""

    def __init__(self, order: Sequence[str]):
        self.order = list(order)
        rank = {name: i for i, name in enumerate(self.order)}
        super().__init__(lambda e: rank.get(e.field, len(rank)))


def show_refusal(message: InlineMessage, fields: dict[str, QWidget], exc: CareDeskError) -> None:
    """Show the refusal in the form and put the cursor in the field it names (text selected)."""
    message.show_error(user_message(exc))
    widget = fields.get(getattr(exc, "field", ""))
    if widget is not None:
        area = widget.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            area.ensureWidgetVisible(widget)  # a field below the fold of a long form
        widget.setFocus()
        if isinstance(widget, QLineEdit):
            widget.selectAll()


class PhoneRows(QWidget):
    """A patient's phones: one row per number (number and type) and a button for another.

    Blank rows are ignored; the first row is "phone", the next "phone 2" and so on, so a
    refusal names the row. What is typed is checked as every entry path checks a phone
    (domain.phone_entry: a whole number for the clinic's region, one of its four types); a
    number or type the record already had, shown by set_phones, is kept as stored."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self.rows: list[tuple[QLineEdit, QComboBox]] = []
        self.stored: tuple[Phone, ...] = ()  # the record's phones as set_phones showed them
        self.more = button("Another pho&ne", "Add another phone number")
        self.more.setAutoDefault(False)
        self.more.clicked.connect(self._another)
        self.add_row()
        more_row = QHBoxLayout()
        more_row.addWidget(self.more)
        more_row.addStretch(1)
        self._layout.addLayout(more_row)

    @staticmethod
    def name(index: int) -> str:
        return phone_field(index)

    def add_row(self) -> tuple[QLineEdit, QComboBox]:
        i = len(self.rows)
        number = line_field(self.name(i).capitalize(), "(555) 010-1234")
        kind = combo(f"{self.name(i).capitalize()} type", list(KINDS))
        line = QHBoxLayout()
        line.addWidget(number, 3)
        line.addWidget(kind, 1)
        self._layout.insertLayout(i, line)
        if self.rows:
            # In the Tab order after the row above, not at the window's end (Tab from a second
            # phone's type went back to the MRN, past Another phone and the rest of the form).
            QWidget.setTabOrder(self.rows[-1][1], number)
            QWidget.setTabOrder(number, kind)
        self.rows.append((number, kind))
        return number, kind

    def _another(self) -> None:
        number, kind = self.add_row()
        number.show()  # shown now (a layout shows new widgets later), so it can take the cursor
        kind.show()
        number.setFocus()
        # A form that cannot grow any more scrolls: the new row is brought into view once laid out.
        area = self.parentWidget()
        while area is not None and not isinstance(area, QScrollArea):
            area = area.parentWidget()
        if area is not None:
            QTimer.singleShot(0, area, lambda: area.ensureWidgetVisible(number))

    def set_phones(self, phones: Sequence[Phone]) -> None:
        self.stored = tuple(phones)
        while len(self.rows) < max(1, len(phones)):
            self.add_row()
        for i, (number, kind) in enumerate(self.rows):
            phone = phones[i] if i < len(phones) else None
            number.setText(phone.number if phone else "")
            set_choice(kind, phone.kind if phone else KINDS[0])

    def read(self) -> tuple[Phone, ...]:
        phones = []
        for i, (number, kind) in enumerate(self.rows):
            if not number.text().strip():
                continue
            try:
                typed = Phone(number=number.text(), kind=kind.currentText())
            except ValidationError as exc:
                raise ValidationError(exc.field.replace("phone", self.name(i), 1), exc.message) from None
            phones.append(entered_phone(typed, self.stored, self.name(i)))
        return tuple(phones)

    def fields(self) -> dict[str, QWidget]:
        out: dict[str, QWidget] = {}
        for i, (number, kind) in enumerate(self.rows):
            out[self.name(i)] = number
            out[f"{self.name(i)} type"] = kind
        return out


class PatientFields:
    """The demographic fields, in the form's order (which is also the order of refusals)."""

    ORDER = (
        "MRN",
        "given name",
        "family name",
        "preferred name",
        "date of birth",
        "sex",
        "phones",
        "language",
        "address",
        "preferred call window",
        "primary-care provider",
        "payer",
        "risk tier",
    )
    # How to reach the patient: a column of their own where a form has two (Add patient).
    CONTACT = ("phones", "address", "preferred call window")

    def __init__(self) -> None:
        self._contact_apart = False
        self.mrn = line_field("MRN")
        self.given = line_field("Given name")
        self.family = line_field("Family name")
        self.preferred = line_field("Preferred name", "optional")
        self.birth = line_field("Date of birth", DATE_HINT)
        self.sex = combo("Sex", [s.value for s in Sex])
        self.sex.setCurrentText(Sex.UNKNOWN.value)
        self.phones = PhoneRows()
        self.language = line_field("Language")
        self.language.setText("English")
        self.address = line_field("Address", "optional")
        self.call_window = line_field("Preferred call window", "e.g. weekdays 9-11am")
        self.pcp = line_field("Primary-care provider", "optional")
        self.payer = line_field("Payer", "optional, e.g. Medicare Part B")
        self.risk = combo("Risk tier", [r.value for r in RiskTier])
        self.risk.setCurrentText(RiskTier.MEDIUM.value)

    def add_rows(self, form: QFormLayout, contact: QFormLayout | None = None) -> None:
        """The fields' rows in `form`; the CONTACT ones in `contact` when given (a second
        column), after the others in the order of refusals too, as in the Tab order."""
        self._contact_apart = contact is not None
        moved = (self.phones, self.address, self.call_window)
        for label, widget in (
            ("&MRN", self.mrn),
            ("&Given name", self.given),
            ("&Family name", self.family),
            ("&Preferred name", self.preferred),
            ("&Date of birth", self.birth),
            ("Se&x", self.sex),
            ("P&hone", self.phones),
            ("&Language", self.language),
            ("&Address", self.address),
            ("Call &window", self.call_window),
            ("P&CP", self.pcp),
            ("Pa&yer", self.payer),
            ("&Risk tier", self.risk),
        ):
            into = contact if contact is not None and widget in moved else form
            into.addRow(label, widget)
            if widget in (self.given, self.family, self.preferred, self.address):  # they print on letters and plans
                add_print_warning(into, widget, widget.accessibleName())
        phone_label = (contact or form).labelForField(self.phones)
        if isinstance(phone_label, QLabel):
            phone_label.setBuddy(self.phones.rows[0][0])  # Alt+H goes to the first number

    def order(self) -> list[str]:
        """Field names top to bottom (the second column's after the first's), each phone row in its place."""
        out: list[str] = []
        names = (
            [n for n in self.ORDER if n not in self.CONTACT] + list(self.CONTACT) if self._contact_apart else self.ORDER
        )
        for name in names:
            out += list(self.phones.fields()) if name == "phones" else [name]
        return out

    def fields(self) -> dict[str, QWidget]:
        """Where to put the cursor when the domain names a field."""
        return {
            "MRN": self.mrn,
            "given name": self.given,
            "family name": self.family,
            "preferred name": self.preferred,
            "date of birth": self.birth,
            "language": self.language,
            "address": self.address,
            "preferred call window": self.call_window,
            "primary-care provider": self.pcp,
            "payer": self.payer,
            **self.phones.fields(),
        }

    def fill(self, p: Patient) -> None:
        self.mrn.setText(p.mrn)
        self.given.setText(p.given_name)
        self.family.setText(p.family_name)
        self.preferred.setText(p.preferred_name)
        self.birth.setText(date_text(p.birth_date))
        self.sex.setCurrentText(p.sex.value)
        self.phones.set_phones(p.phones)
        self.language.setText(p.language)
        self.address.setText(p.address)
        self.call_window.setText(p.call_window)
        self.pcp.setText(p.pcp)
        self.payer.setText(p.payer)
        self.risk.setCurrentText(p.risk_tier.value)

    def read(self, today: date, base: Patient | None = None) -> Patient:
        """The patient as typed (`base` keeps its id, status and date of death); the first
        refused field in the form's order as a ValidationError. A date of birth is before today."""
        found = Collected(self.order())
        birth = found.attempt(lambda: checks.parse_typed_date("date of birth", self.birth.text()))
        if birth is not None and birth >= today and (base is None or birth != base.birth_date):
            found.errors.append(ValidationError("date of birth", "must be before today"))
        phones = found.attempt(self.phones.read) or ()
        values: dict[str, Any] = {
            "mrn": self.mrn.text(),
            "given_name": self.given.text(),
            "family_name": self.family.text(),
            "preferred_name": self.preferred.text(),
            "birth_date": birth or (base.birth_date if base else _STAND_IN_BIRTH),
            "sex": self.sex.currentText(),
            "phones": phones,
            "language": self.language.text(),
            "address": self.address.text(),
            "call_window": self.call_window.text(),
            "pcp": self.pcp.text(),
            "payer": self.payer.text(),
            "risk_tier": self.risk.currentText(),
        }
        patient = found.attempt(lambda: replace(base, **values) if base else Patient(**values))
        found.raise_first()
        assert patient is not None
        return patient
