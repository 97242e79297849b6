"""Date fields (ui/common/dates.py), driven by keys: typed MM/DD/YYYY over the date or into an
empty field, F4 / Alt+Down open the calendar (Alt+Down stepped the month back), the
calendar opens near today and shows its six week rows whole, Tab leaves the field."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QLineEdit, QTableView, QVBoxLayout, QWidget

from caredesk.errors import ValidationError
from caredesk.ui.common.dates import DateField, parse_us_date
from caredesk.ui.common.forms import date_edit, picked_date

ALT = Qt.KeyboardModifier.AltModifier


@pytest.fixture
def form(qtbot):
    """Before, a follow-up date, an optional target date, after: a form to Tab through."""
    window = QWidget()
    layout = QVBoxLayout(window)
    before, after = QLineEdit(), QLineEdit()
    before.setAccessibleName("Before")
    after.setAccessibleName("After")
    follow_up = date_edit("Follow-up date", date(2026, 11, 24))
    target = date_edit("Target date", optional=True)
    for w in (before, follow_up, target, after):
        layout.addWidget(w)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    before.setFocus()
    qtbot.waitUntil(before.hasFocus)
    return window, before, follow_up, target, after


def key(qtbot, k: Qt.Key, mod=Qt.KeyboardModifier.NoModifier) -> None:
    qtbot.keyClick(QApplication.focusWidget(), k, mod)


def type_text(qtbot, text: str) -> None:
    qtbot.keyClicks(QApplication.focusWidget(), text)


def popup_open(field: DateField) -> bool:
    calendar = field.calendarWidget()
    return calendar.window() is not field.window() and calendar.window().isVisible()


@pytest.mark.parametrize("typed", ["1/5/2027", "01/05/2027", "01052027"])
def test_a_date_typed_over_the_field_is_taken(form, qtbot, typed):
    _w, _before, follow_up, target, _after = form
    key(qtbot, Qt.Key.Key_Tab)  # into the field: the whole date is selected
    assert QApplication.focusWidget() is follow_up
    type_text(qtbot, typed)
    key(qtbot, Qt.Key.Key_Tab)  # out of it in one Tab (QDateEdit stepped month, day, year)
    assert QApplication.focusWidget() is target
    assert follow_up.value() == date(2027, 1, 5)


def test_a_date_typed_into_an_empty_field_is_taken_and_delete_empties_it(form, qtbot):
    _w, _before, _follow_up, target, after = form
    assert target.value() is None and target.text() == "Not set"
    target.setFocus()  # not by Tab: nothing selected, the cursor in "Not set"
    type_text(qtbot, "3/4/2027")
    key(qtbot, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is after
    assert target.value() == date(2027, 3, 4)
    key(qtbot, Qt.Key.Key_Backtab)
    key(qtbot, Qt.Key.Key_Delete)
    key(qtbot, Qt.Key.Key_Tab)
    assert target.value() is None


def test_a_typed_text_that_is_no_date_is_refused_naming_the_field(form, qtbot):
    _w, _before, follow_up, _target, _after = form
    refusals: list[str] = []
    follow_up.refused.connect(refusals.append)
    key(qtbot, Qt.Key.Key_Tab)
    type_text(qtbot, "13/45/2027")
    with pytest.raises(ValidationError) as refused:  # a save pressed now must not take the old date
        picked_date(follow_up)
    assert str(refused.value) == "Follow-up date: must be a date as MM/DD/YYYY"
    key(qtbot, Qt.Key.Key_Tab)
    assert follow_up.value() == date(2026, 11, 24)  # the last good date stays
    assert refusals == ["Follow-up date must be a date as MM/DD/YYYY ('13/45/2027' was not taken)."]


@pytest.mark.parametrize("opener", [(Qt.Key.Key_F4, Qt.KeyboardModifier.NoModifier), (Qt.Key.Key_Down, ALT)])
def test_f4_and_alt_down_open_the_calendar_and_enter_picks(form, qtbot, opener):
    _w, _before, follow_up, _target, _after = form
    key(qtbot, Qt.Key.Key_Tab)
    key(qtbot, *opener)
    assert popup_open(follow_up)
    assert follow_up.value() == date(2026, 11, 24)  # Alt+Down no longer steps the month back
    assert isinstance(QApplication.focusWidget(), QTableView)  # the days: arrows move, Enter picks
    key(qtbot, Qt.Key.Key_Right)
    key(qtbot, Qt.Key.Key_Return)
    assert not popup_open(follow_up)
    assert follow_up.value() == date(2026, 11, 25)
    assert QApplication.focusWidget() is follow_up


def test_escape_closes_the_calendar_without_a_change(form, qtbot):
    _w, _before, follow_up, _target, _after = form
    follow_up.setFocus()
    key(qtbot, Qt.Key.Key_F4)
    key(qtbot, Qt.Key.Key_Right)
    key(qtbot, Qt.Key.Key_Escape)
    assert not popup_open(follow_up)


def test_an_empty_field_opens_its_calendar_near_today_and_stays_empty(form, qtbot):
    _w, _before, _follow_up, target, _after = form
    target.near = date(2026, 11, 24)  # the clinic's today
    target.setFocus()
    key(qtbot, Qt.Key.Key_F4)
    calendar = target.calendarWidget()
    assert (calendar.yearShown(), calendar.monthShown()) == (2026, 11)  # not January 2000
    key(qtbot, Qt.Key.Key_Escape)
    assert target.value() is None


def test_the_calendar_shows_six_whole_week_rows(form, qtbot):
    """The popup cut its last week row in half: every row of the day grid is inside the view."""
    _w, _before, follow_up, _target, _after = form
    follow_up.setDate(QDate(2026, 5, 24))  # May 2026 spans six weeks
    follow_up.setFocus()
    key(qtbot, Qt.Key.Key_F4)
    view = follow_up.calendarWidget().findChild(QTableView)
    rows = view.model().rowCount()
    assert rows == 7  # the weekday header and six weeks
    bottom = view.rowViewportPosition(rows - 1) + view.rowHeight(rows - 1)
    assert bottom <= view.viewport().height()
    assert view.rowHeight(rows - 1) >= view.fontMetrics().height()
    assert follow_up.calendarWidget().firstDayOfWeek() == Qt.DayOfWeek.Sunday
    key(qtbot, Qt.Key.Key_Escape)


def test_parse_us_date():
    assert parse_us_date("2/29/2028") == date(2028, 2, 29)
    assert parse_us_date("2/29/2027") is None  # not a leap year
    assert parse_us_date("2027-01-05") is None  # US format only
    assert parse_us_date("1/5/27") is None  # a four-digit year, so 1927 and 2027 are never confused


def test_a_date_after_the_fields_last_is_refused_on_enter_and_the_dialog_does_not_save(qtbot):
    """A keyboard-only tester typed a future date and pressed Enter: QDateEdit put the last good date
    back without a word and Enter pressed the dialog's Save, so today's date was saved instead."""
    from PySide6.QtWidgets import QDialog, QDialogButtonBox

    dialog = QDialog()
    day = date_edit("Reading date", date(2026, 11, 20))
    day.no_later_than(date(2026, 11, 24))
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Save)
    saves: list[date | None] = []
    buttons.accepted.connect(lambda: saves.append(day.value()))
    layout = QVBoxLayout(dialog)
    layout.addWidget(day)
    layout.addWidget(buttons)
    refusals: list[str] = []
    day.refused.connect(refusals.append)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    day.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(day.hasFocus)
    day.lineEdit().selectAll()
    type_text(qtbot, "12/05/2026")
    with pytest.raises(ValidationError) as refused:  # a Save clicked now names it too
        picked_date(day)
    assert str(refused.value) == "Reading date: cannot be after today, 11/24/2026"
    key(qtbot, Qt.Key.Key_Return)
    assert refusals == ["Reading date cannot be after today, 11/24/2026 ('12/05/2026' was not taken)."]
    assert saves == []  # Enter went no further
    assert day.value() == date(2026, 11, 20)  # the last good date, said to be kept
    key(qtbot, Qt.Key.Key_Return)  # a good date: Enter saves as before
    assert saves == [date(2026, 11, 20)]


def test_a_field_focused_as_its_form_opens_takes_a_whole_typed_date(form, qtbot):
    # Focus given by the form (a dialog opening on the field), not by Tab: QDateEdit selected
    # the month alone, typing made 11/02/26 and the "/" after it left for the next field.
    _window, _before, follow_up, target, _after = form
    follow_up.setFocus()
    qtbot.waitUntil(follow_up.hasFocus)
    qtbot.keyClicks(follow_up, "11/20/2026")
    assert follow_up.value() == date(2026, 11, 20)
    assert follow_up.hasFocus() and target.value() is None


def test_ctrl_a_then_a_typed_date_replaces_the_date(form, qtbot):
    # Ctrl+A selects backwards (from the end); typing over it took nothing, digit after digit.
    _window, before, follow_up, _target, _after = form
    qtbot.keyClick(before, Qt.Key.Key_Tab)
    qtbot.waitUntil(follow_up.hasFocus)
    qtbot.keyClick(follow_up, Qt.Key.Key_End)
    qtbot.keyClick(follow_up, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(follow_up, "11/15/2026")
    assert follow_up.value() == date(2026, 11, 15)


def test_a_slash_past_the_year_stays_in_the_field(form, qtbot):
    _window, _before, follow_up, target, _after = form
    follow_up.setFocus()
    qtbot.waitUntil(follow_up.hasFocus)
    qtbot.keyClick(follow_up, Qt.Key.Key_End)
    qtbot.keyClicks(follow_up, "/1")
    assert follow_up.hasFocus() and follow_up.value() == date(2026, 11, 24) and target.value() is None


def test_a_date_typed_after_a_click_into_the_field_replaces_it(form, qtbot):
    # A second tester clicked into the vitals date (12/02/2026) and typed 11/20/2026: every digit
    # went into a full field and was refused without a word, and the reading kept today's date.
    _window, _before, follow_up, _target, _after = form
    line = follow_up.lineEdit()
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=line.rect().center())
    qtbot.waitUntil(lambda: line.selectedText() == "11/24/2026")
    qtbot.keyClicks(follow_up, "11/20/2026")
    assert follow_up.value() == date(2026, 11, 20)
    # A second click, the field already focused, places the cursor to edit one part.
    qtbot.mouseClick(line, Qt.MouseButton.LeftButton, pos=line.rect().center())
    qtbot.wait(20)
    assert not line.hasSelectedText()


def test_a_year_typed_short_is_refused_for_its_year_not_as_after_today(qtbot):
    # A second tester typed "11/2/0/2026" in a date no later than today: read as 11/2/0202, it was
    # refused as "cannot be after today".
    field = DateField("Reading date", date(2026, 11, 24))
    field.no_later_than(date(2026, 11, 24))
    qtbot.addWidget(field)
    refusals: list[str] = []
    field.refused.connect(refusals.append)
    field.show()
    field.setFocus()
    qtbot.waitUntil(field.hasFocus)
    qtbot.keyClicks(field, "11/2/0202")
    with pytest.raises(ValidationError) as refused:
        field.checked_value()
    assert str(refused.value) == "Reading date: must have its whole year (MM/DD/YYYY)"
    qtbot.keyClick(field, Qt.Key.Key_Return)
    assert refusals == ["Reading date must have its whole year (MM/DD/YYYY) ('11/2/0202' was not taken)."]


def test_a_refusal_tooltip_goes_once_the_text_is_edited(qtbot):
    """A tester's refusal tooltip stayed on screen after a good date was typed over the refused one
    (the call panel's refusals go once the form is edited: 014fe1c)."""
    from PySide6.QtWidgets import QDialog, QToolTip

    dialog = QDialog()
    day = date_edit("Reading date", date(2026, 11, 20))
    day.no_later_than(date(2026, 11, 24))
    QVBoxLayout(dialog).addWidget(day)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    day.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(day.hasFocus)
    day.lineEdit().selectAll()
    type_text(qtbot, "12/05/2026")
    key(qtbot, Qt.Key.Key_Return)  # refused: the tooltip says why
    qtbot.waitUntil(QToolTip.isVisible)
    assert "cannot be after today" in QToolTip.text()
    day.lineEdit().selectAll()
    type_text(qtbot, "1")  # the first key of a good date
    qtbot.waitUntil(lambda: not QToolTip.isVisible())
    type_text(qtbot, "1/21/2026")
    key(qtbot, Qt.Key.Key_Return)
    assert day.value() == date(2026, 11, 21)
    assert not QToolTip.isVisible()


def test_a_refusal_tooltip_goes_when_a_date_is_picked_from_the_calendar(qtbot):
    from PySide6.QtWidgets import QDialog, QToolTip

    dialog = QDialog()
    day = date_edit("Reading date", date(2026, 11, 20))
    day.no_later_than(date(2026, 11, 24))
    QVBoxLayout(dialog).addWidget(day)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    day.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(day.hasFocus)
    day.lineEdit().selectAll()
    type_text(qtbot, "12/05/2026")
    key(qtbot, Qt.Key.Key_Return)
    qtbot.waitUntil(QToolTip.isVisible)
    day.set_value(date(2026, 11, 19))  # what a pick in the calendar does
    qtbot.waitUntil(lambda: not QToolTip.isVisible())


def test_a_date_set_with_the_fields_signals_blocked_ends_a_refusal(qtbot):
    """The call panel resets its follow-up with signals blocked: a refusal kept from the call before
    must not refuse the next one's follow-up."""
    from PySide6.QtWidgets import QDialog

    dialog = QDialog()
    day = date_edit("Follow-up date", date(2026, 11, 30))
    day.no_later_than(date(2026, 12, 31))
    QVBoxLayout(dialog).addWidget(day)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    day.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(day.hasFocus)
    day.lineEdit().selectAll()
    type_text(qtbot, "12/31/9999")
    key(qtbot, Qt.Key.Key_Return)  # refused
    with pytest.raises(ValidationError):
        picked_date(day)
    day.blockSignals(True)
    day.setDate(QDate(2026, 12, 1))
    day.blockSignals(False)
    assert picked_date(day) == date(2026, 12, 1)
