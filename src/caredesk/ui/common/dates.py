"""The date field every form uses: US MM/DD/YYYY, typed freely or picked from a calendar.

Qt's QDateEdit edits a date section by section: typing "1/5/2027" over a selected date
did nothing, Tab stepped through month, day and year, no key opened the calendar and
Alt+Down stepped the month back. DateField keeps QDateEdit's API (date(), setDate(),
dateChanged, arrows to step a section) and adds:
- typing: M/D/YYYY, MM/DD/YYYY or MMDDYYYY over the selection or into an empty field;
  a typed text that is no date is refused with `refused(message)` (the form names it);
- F4 or Alt+Down opens the calendar (as on Windows), near today when the field is empty;
- Tab and Shift+Tab leave the field (Left/Right and "/" move between its parts; "/" never out of
  the year); the whole date is selected whenever the field gets the focus but by a click;
- a typed date outside the field's range is refused as a text that is no date is, on leaving
  the field and on Enter alike; Enter then goes no further (QDateEdit put the last good date
  back and let Enter press the dialog's default button: a future date typed in Log time
  saved today's date without a word);
- a refusal's tooltip goes as soon as the text changes (typed, picked or set); until then
  `checked_value()` (a form's save) refuses too, naming the field, rather than take the last
  good date the field shows again;
- `no_later_than(today)` caps the field and says so in words ("cannot be after today, 11/24/2026");
- optional fields: "Not set" is the empty value (`value()` is None).
"""

from __future__ import annotations

import re
from datetime import date

from PySide6.QtCore import QDate, QDateTime, QEvent, QPoint, QPointF, Qt, QTime, QTimer, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent, QMouseEvent, QValidator
from PySide6.QtWidgets import (
    QCalendarWidget,
    QDateEdit,
    QStyle,
    QStyleOptionComboBox,
    QToolTip,
    QWidget,
)

from caredesk.errors import ValidationError

_NOT_SET = QDate(2000, 1, 1)  # the minimum date of an optional field stands for "not set"
_NO_FLOOR = QDate(2000, 1, 2)  # a minimum at or before it is QDateEdit's default or "Not set": no floor to name
_SLASHED = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{1,2})\s*/\s*(\d{4})\s*$")
_DIGITS = re.compile(r"^\s*(\d{2})(\d{2})(\d{4})\s*$")
_PARTIAL = re.compile(r"^\s*(\d{0,8}|\d{1,2}\s*/\s*\d{0,2}(\s*/\s*\d{0,4})?)\s*$")
FORMAT_HINT = "MM/DD/YYYY"


def parse_us_date(text: str) -> date | None:
    """'1/5/2027', '01/05/2027' or '01052027' -> date(2027, 1, 5); None if it is no date."""
    m = _SLASHED.match(text) or _DIGITS.match(text)
    if m is None:
        return None
    month, day, year = (int(g) for g in m.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def qdate(day: date) -> QDate:
    return QDate(day.year, day.month, day.day)


def pydate(day: QDate) -> date:
    return date(day.year(), day.month(), day.day())


class DateCalendar(QCalendarWidget):
    """The popup's calendar, big enough for six week rows at any scaling (it cut the last one)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setGridVisible(False)
        self.setFirstDayOfWeek(Qt.DayOfWeek.Sunday)  # US calendars start on Sunday
        self.setVerticalHeaderFormat(QCalendarWidget.VerticalHeaderFormat.NoVerticalHeader)
        for name, text in (
            ("qt_calendar_calendarview", "Days of the month"),
            ("qt_calendar_prevmonth", "Previous month"),
            ("qt_calendar_nextmonth", "Next month"),
            ("qt_calendar_monthbutton", "Month"),
            ("qt_calendar_yearbutton", "Year"),
            ("qt_calendar_yearedit", "Year"),
        ):
            part = self.findChild(QWidget, name)
            if part is not None:  # Qt's own parts: named for screen readers too
                part.setAccessibleName(text)
        m = self.fontMetrics()
        # Seven day columns of "Wed" with padding; a navigation bar, a header row and six weeks.
        self.setMinimumSize(m.horizontalAdvance("Wed") * 7 + m.height() * 6, m.height() * 17)


class DateField(QDateEdit):
    """A US-format date with a calendar popup; see the module docstring for the keys."""

    refused = Signal(str)  # a typed text that is not a date, as a sentence naming the field

    def __init__(self, name: str, value: date | None = None, *, optional: bool = False):
        self.optional = optional  # set first: Qt calls validate() while the field is built
        super().__init__()
        self.setAccessibleName(name)
        self.setDisplayFormat("MM/dd/yyyy")
        # The calendar is made when first opened (popup_calendar()): the care-plan tab's three
        # calendars took ~13 ms of its build, the longest slice of the pages' build after an
        # unlock. Until then Qt has no popup at all (it makes one, with its own plain calendar,
        # only when asked for it), so every way of opening goes through popup_calendar()
        # first: F4 / Alt+Down (open_calendar) and a press on the arrow (mousePressEvent).
        self.setCalendarPopup(True)
        self._calendar: DateCalendar | None = None
        self.setToolTip(f"Type {FORMAT_HINT}, or press F4 (Alt+Down) for the calendar")
        self.near: date | None = None  # where the calendar opens when the field is empty (default: today)
        self._latest_name = ""  # what the maximum date is, in words ("today"), for the refusal
        self._refusal_shown = ""  # the refusal in the tooltip, until the text changes
        # Why the last typed text was refused, until the text changes: the field shows the last
        # good date again, and a save must not take it without a word (checked_value).
        self._refused_why = ""
        # Any change of the text (a key, a pick in the calendar, set_value) takes the refusal
        # away, as the call panel's do once the form is edited: a tester's "cannot be after
        # today" stayed on screen for seconds over the good date typed after it.
        # (QDateEdit writes its line edit with its signals blocked: a date set or picked is
        # heard through dateChanged.)
        self.lineEdit().textChanged.connect(self._hide_refusal)
        self.dateChanged.connect(self._hide_refusal)
        if optional:
            self.setMinimumDate(_NOT_SET)
            self.setSpecialValueText("Not set")
            self.setDate(_NOT_SET)
        if value is not None:
            self.setDate(qdate(value))

    # -- values ------------------------------------------------------------------
    def value(self) -> date | None:
        """The date shown; None while an optional field is not set."""
        d = self.date()
        return None if self.optional and d == _NOT_SET else pydate(d)

    def setDate(self, day: QDate) -> None:
        # A date set is a fresh start even with the field's signals blocked (the call panel's
        # reset): a refusal kept from before would refuse the next call's follow-up.
        self._hide_refusal()
        super().setDate(day)

    def set_value(self, day: date | None) -> None:
        self.setDate(_NOT_SET if day is None and self.optional else qdate(day or date.today()))

    def checked_value(self) -> date | None:
        """value(), or ValidationError naming the field while its text is not a date
        (a save pressed in the middle of typing must not take the old date)."""
        text = self.text()
        if self._refused_why:
            # A tester typed 11/20, then 12/05 (refused: 11/20 put back), Tab, Enter on Log
            # time: 11/20 was saved with nothing said at the save.
            raise ValidationError(self.accessibleName(), self._refused_why)
        if self._is_empty_text(text) or parse_us_date(text) is not None:
            if not self._is_empty_text(text) and not self._in_range(parse_us_date(text)):
                raise ValidationError(self.accessibleName(), self._range_text(parse_us_date(text)))
            return self.value()
        raise ValidationError(self.accessibleName(), f"must be a date as {FORMAT_HINT}")

    def no_later_than(self, day: date, name: str = "today") -> None:
        """No date after `day`; a later typed date is refused as "cannot be after `name`, MM/DD/YYYY"."""
        self.setMaximumDate(qdate(day))
        self._latest_name = name

    # -- typing ----------------------------------------------------------------
    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        if self._is_empty_text(text):
            return QValidator.State.Acceptable, text, pos
        day = parse_us_date(text)
        if day is not None:
            state = QValidator.State.Acceptable if self._in_range(day) else QValidator.State.Intermediate
            return state, text, pos
        if _PARTIAL.match(text):
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos

    def dateTimeFromText(self, text: str) -> QDateTime:
        day = parse_us_date(text)
        if day is None or not self._in_range(day):
            return QDateTime(self.minimumDate() if self._is_empty_text(text) else self.date(), QTime(0, 0))
        return QDateTime(qdate(day), QTime(0, 0))

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if (key == Qt.Key.Key_F4 and not mods) or (key == Qt.Key.Key_Down and mods == Qt.KeyboardModifier.AltModifier):
            self.open_calendar()
            return
        if key == Qt.Key.Key_Up and mods == Qt.KeyboardModifier.AltModifier:
            return  # Alt+Up closes a calendar on Windows; never step the date
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and self._is_refused(text := self.text()):
            super().keyPressEvent(event)  # Qt puts the last good date back
            self._refuse(text)
            event.accept()  # and the dialog's default button is not pressed with that date
            return
        text = event.text()
        if text and (text.isdigit() or text == "/") and not mods & ~Qt.KeyboardModifier.ShiftModifier:
            # Typed as text, checked by validate(): Qt's own section logic swallowed the
            # slashes of "3/4/2027" and typed nothing over a selected date.
            line = self.lineEdit()
            if self.optional and line.text() == self.specialValueText():
                line.selectAll()  # typing into "Not set" replaces it
            elif line.hasSelectedText():
                # Ctrl+A selects from the end back to the start, and insert() over a backward
                # selection took nothing here: every digit was refused and the old date kept.
                line.setSelection(line.selectionStart(), len(line.selectedText()))
            before = line.text()
            line.insert(text)
            last_part = self.currentSectionIndex() >= self.sectionCount() - 1
            if line.text() != before or (text == "/" and last_part):
                # A "/" that does not fit moves to the next part, but never out of the year:
                # QDateEdit then left the field (focusNextPrevChild), and the rest of a date
                # typed went into the next field ("2020" minutes in Log other time).
                event.accept()
                return
        super().keyPressEvent(event)

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        # A typed date replaces the whole value, not the month: by Tab, a shortcut, or a dialog
        # opening on the field (Log other time: QDateEdit selected the month alone, and
        # "11/20/2026" became 11/02 with "2020" typed into the next field). The calendar closing
        # leaves what was picked.
        reason = event.reason()
        if reason == Qt.FocusReason.MouseFocusReason:
            # Clicked into: selected once the click is done (the press places the cursor), unless
            # the click dragged a selection; a later click places the cursor to edit a part. A
            # date typed after a click went digit by digit into a full field and was refused
            # without a word (a second tester's vitals date kept today's).
            QTimer.singleShot(0, self, self._select_all_unless_selected)
        elif reason != Qt.FocusReason.PopupFocusReason:
            self.lineEdit().selectAll()

    def _select_all_unless_selected(self) -> None:
        line = self.lineEdit()
        if self.hasFocus() and not line.hasSelectedText():
            line.selectAll()

    def focusOutEvent(self, event: QFocusEvent) -> None:
        text = self.text()
        refused = self._is_refused(text)
        super().focusOutEvent(event)  # Qt puts the last good date back
        if refused:
            self._refuse(text)

    def focusNextPrevChild(self, next: bool) -> bool:
        # QDateEdit moves between month, day and year on Tab; the field is left instead.
        return QWidget.focusNextPrevChild(self, next)

    def _refuse(self, text: str) -> None:
        day = parse_us_date(text)
        why = f"must be a date as {FORMAT_HINT}" if day is None else self._range_text(day)
        message = f"{self.accessibleName()} {why} ({text.strip()!r} was not taken)."
        shown = "" if self.value() is None else f", {self.text()} is shown"
        self._refused_why = f"{why} ({text.strip()!r} was not taken{shown}): type the date again"
        self.refused.emit(message)
        if self.isVisible():
            QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), message, self)
            self._refusal_shown = message

    def _hide_refusal(self) -> None:
        self._refused_why = ""
        if self._refusal_shown and QToolTip.isVisible() and QToolTip.text() == self._refusal_shown:
            QToolTip.hideText()
        self._refusal_shown = ""

    # -- calendar --------------------------------------------------------------
    def popup_calendar(self) -> DateCalendar:
        """The popup's calendar, made and handed to Qt the first time it is needed.

        Use it rather than Qt's calendarWidget(), which before then makes a popup with a plain
        QCalendarWidget (replaced by ours, at a cost, when the field first opens its calendar)."""
        if self._calendar is None:
            self._calendar = DateCalendar()
            self.setCalendarWidget(self._calendar)  # Qt's popup takes it (and its ownership)
        return self._calendar

    def open_calendar(self) -> None:
        """Open the calendar popup as a click on the arrow would (Qt has no call for it)."""
        if not self.isEnabled() or self.isReadOnly():
            return
        arrow = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, self._combo_option(), QStyle.SubControl.SC_ComboBoxArrow, self
        )
        press = QMouseEvent(
            QEvent.Type.MouseButtonPress,
            QPointF(arrow.center()),
            QPointF(self.mapToGlobal(arrow.center())),
            Qt.MouseButton.LeftButton,
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
        )
        self.mousePressEvent(press)
        self.popup_calendar().setFocus(Qt.FocusReason.PopupFocusReason)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        on_arrow = self._on_arrow(event.position().toPoint())
        if on_arrow:
            self.popup_calendar()  # before Qt opens its popup, which would otherwise be a plain one
        super().mousePressEvent(event)
        if on_arrow and not self.isReadOnly() and self.value() is None:
            # Empty: open on this month, not January 2000 (the "Not set" date).
            near = self.near or date.today()
            self.popup_calendar().setCurrentPage(near.year, near.month)  # shown, not picked

    def _on_arrow(self, at: QPoint) -> bool:
        """Whether a press at `at` opens the popup: Qt's own test (QDateTimeEdit's hover control)."""
        hit = self.style().hitTestComplexControl(QStyle.ComplexControl.CC_ComboBox, self._combo_option(), at, self)
        return hit == QStyle.SubControl.SC_ComboBoxArrow

    def _combo_option(self) -> QStyleOptionComboBox:
        # With a calendar popup QDateTimeEdit draws and hit-tests itself as an editable combo box.
        opt = QStyleOptionComboBox()
        opt.initFrom(self)
        opt.editable = True
        opt.subControls = QStyle.SubControl.SC_All
        return opt

    # -- helpers ---------------------------------------------------------------
    def _is_refused(self, text: str) -> bool:
        """A typed text that is not empty and not a date in range."""
        return not self._is_empty_text(text) and not self._in_range(parse_us_date(text))

    def _is_empty_text(self, text: str) -> bool:
        return self.optional and (not text.strip() or text == self.specialValueText())

    def _in_range(self, day: date | None) -> bool:
        if day is None:
            return False
        low = self.minimumDate()
        if self.optional and low == _NOT_SET:
            low = _NOT_SET.addDays(1)
        return low <= qdate(day) <= self.maximumDate()

    def _range_text(self, day: date | None = None) -> str:
        """Why the typed `day` is out of range, in words."""
        low, high = self.minimumDate(), self.maximumDate()
        if self.optional and low == _NOT_SET:
            low = _NOT_SET.addDays(1)
        if low <= _NO_FLOOR and day is not None and qdate(day) < low:
            # Below Qt's own floor with only a ceiling set: a year typed short ("11/2/0202" from
            # "11/2/0/2026") was refused as "after today" (a second tester).
            return f"must have its whole year ({FORMAT_HINT})"
        if low <= _NO_FLOOR:  # only a ceiling: "between 09/14/1752 and ..." said nothing useful
            latest = high.toString("MM/dd/yyyy")
            return (
                f"cannot be after {self._latest_name}, {latest}" if self._latest_name else f"cannot be after {latest}"
            )
        return f"must be between {low.toString('MM/dd/yyyy')} and {high.toString('MM/dd/yyyy')}"
