"""The date field's calendar popup (ui/common/dates.py) is made when first opened, and every way
of opening it shows our DateCalendar: F4, Alt+Down and a click on the arrow. Qt makes a popup
with its own plain QCalendarWidget (Monday first, week numbers, cut last row) when asked for
one before a calendar is set, so a way of opening that missed DateField.popup_calendar() would show
that instead. Real widgets and real key presses and clicks (pytest-qt)."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import (
    QApplication,
    QCalendarWidget,
    QLineEdit,
    QStyle,
    QStyleOptionComboBox,
    QVBoxLayout,
    QWidget,
)

from caredesk.ui.common.dates import DateCalendar, DateField
from caredesk.ui.common.forms import date_edit

ALT = Qt.KeyboardModifier.AltModifier
NONE = Qt.KeyboardModifier.NoModifier


@pytest.fixture
def fields(qtbot):
    """A form with a follow-up date (11/24/2026) and an empty optional target date, shown."""
    window = QWidget()
    layout = QVBoxLayout(window)
    before = QLineEdit()
    before.setAccessibleName("Before")
    follow_up = date_edit("Follow-up date", date(2026, 11, 24))
    target = date_edit("Target date", optional=True)
    for w in (before, follow_up, target):
        layout.addWidget(w)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    yield follow_up, target
    window.close()  # held until then: the fields are its children


def calendars(field: DateField) -> list[QCalendarWidget]:
    """Every calendar the field has made (Qt's popup is the field's child, its calendar the popup's)."""
    return field.findChildren(QCalendarWidget)


def shown_calendar(field: DateField) -> QCalendarWidget:
    """The one calendar the field has, open in a popup window of its own."""
    (calendar,) = calendars(field)
    assert calendar.window() is not field.window()
    assert calendar.window().isVisible()
    return calendar


def arrow_center(field: DateField) -> QPoint:
    """Where the field draws its drop-down arrow (QDateTimeEdit with a popup is drawn as a combo box)."""
    opt = QStyleOptionComboBox()
    opt.initFrom(field)
    opt.editable = True
    opt.subControls = QStyle.SubControl.SC_All
    style = field.style()
    return style.subControlRect(
        QStyle.ComplexControl.CC_ComboBox, opt, QStyle.SubControl.SC_ComboBoxArrow, field
    ).center()


def close_popup(qtbot, field: DateField) -> None:
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not field.findChild(QCalendarWidget).window().isVisible())


def test_no_calendar_is_made_until_the_field_opens_one(fields, qtbot):
    follow_up, target = fields
    for field in (follow_up, target):
        field.setFocus()
        qtbot.keyClicks(field, "12/1/2026")  # typing, stepping and clicking in the text make none
        qtbot.keyClick(field, Qt.Key.Key_Up)
        qtbot.mouseClick(field, Qt.MouseButton.LeftButton, pos=QPoint(5, field.height() // 2))
        assert calendars(field) == []
    assert not [w for w in QApplication.allWidgets() if isinstance(w, QCalendarWidget)]


@pytest.mark.parametrize(("opener", "mods"), [(Qt.Key.Key_F4, NONE), (Qt.Key.Key_Down, ALT)], ids=["F4", "Alt+Down"])
def test_the_keys_open_a_date_calendar_and_only_one(fields, qtbot, opener, mods):
    follow_up, _target = fields
    follow_up.setFocus()
    qtbot.waitUntil(follow_up.hasFocus)
    for _ in range(2):  # opened again: the same calendar, not a second one
        qtbot.keyClick(follow_up, opener, mods)
        calendar = shown_calendar(follow_up)
        assert isinstance(calendar, DateCalendar)
        assert calendar.firstDayOfWeek() == Qt.DayOfWeek.Sunday
        assert calendar.selectedDate().toPython() == date(2026, 11, 24)
        assert QApplication.focusWidget().parent() is calendar  # the days: arrows move, Enter picks
        close_popup(qtbot, follow_up)
    assert follow_up.value() == date(2026, 11, 24)


def test_a_click_on_the_arrow_opens_a_date_calendar_and_a_pick_is_taken(fields, qtbot):
    follow_up, _target = fields
    qtbot.mouseClick(follow_up, Qt.MouseButton.LeftButton, pos=arrow_center(follow_up))
    calendar = shown_calendar(follow_up)
    assert isinstance(calendar, DateCalendar)
    assert calendar.selectedDate().toPython() == date(2026, 11, 24)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Right)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    assert not calendar.window().isVisible()
    assert follow_up.value() == date(2026, 11, 25)


def test_a_click_on_an_empty_fields_arrow_opens_near_today_and_leaves_it_empty(fields, qtbot):
    """As F4 does: the month of `near` (the clinic's today), not January 2000, the "Not set" date."""
    _follow_up, target = fields
    target.near = date(2026, 11, 24)
    qtbot.mouseClick(target, Qt.MouseButton.LeftButton, pos=arrow_center(target))
    calendar = shown_calendar(target)
    assert isinstance(calendar, DateCalendar)
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 11)
    close_popup(qtbot, target)
    assert target.value() is None


def test_a_read_only_field_opens_no_calendar(fields, qtbot):
    follow_up, _target = fields
    follow_up.setReadOnly(True)
    follow_up.setFocus()
    qtbot.keyClick(follow_up, Qt.Key.Key_F4)
    qtbot.mouseClick(follow_up, Qt.MouseButton.LeftButton, pos=arrow_center(follow_up))
    assert not any(c.window().isVisible() for c in calendars(follow_up))
