"""The End program dialog by keys: the cursor starts in the end date, Enter ends from it with
the same checks, and an end over minutes already logged after it asks first (SPEC 3: those
minutes count for nothing). Tester findings: right after Alt+D, Enter ended the program
today with no question (the focus was on End program); the minutes of a later call vanished
from the month without a word."""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt

from caredesk.services import enrollments
from caredesk.services.calls import log_time
from caredesk.ui.chart.record_dialogs import EndProgramDialog
from caredesk.ui.month.page import MonthPage
from tests.ui.test_month_page import settle
from tests.ui.test_record_tab import _record, _stored


def _enrolled_with_minutes(window, pid: int) -> None:
    ws = window.workspace
    enrollments.enroll(ws, pid, "CCM", date(2026, 10, 1), consent_date=date(2026, 10, 1), consent_method="verbal")
    log_time(ws, pid, minutes=14, activity="care coordination", on=date(2026, 11, 2), program="CCM")


def _open_by_keys(qtbot, tab) -> EndProgramDialog:
    tab.programs.setFocus()
    tab.programs.selectRow(0)
    qtbot.keyClick(tab.programs, Qt.Key.Key_D, Qt.KeyboardModifier.AltModifier)  # En&d program…
    qtbot.waitUntil(lambda: isinstance(tab.dialog, EndProgramDialog) and tab.dialog.isVisible())
    qtbot.waitExposed(tab.dialog)
    tab.dialog.activateWindow()
    return tab.dialog


def _enter(qtbot, dialog) -> None:
    qtbot.keyClick(dialog.focusWidget() or dialog, Qt.Key.Key_Return)


def test_ending_over_logged_minutes_asks_first_and_enter_ends_from_the_date(unlocked, canary_store, qtbot):
    pid = canary_store["Abbott"]
    _enrolled_with_minutes(unlocked, pid)
    tab = _record(unlocked, pid)
    dialog = _open_by_keys(qtbot, tab)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.end)
    assert dialog.end.selectedText() == "11/24/2026"  # today, ready to be typed over

    qtbot.keyClicks(dialog.end, "10/31/2026")
    _enter(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.message.isVisible()
    assert dialog.message.text() == (
        "Ending CCM on 10/31/2026: 14 min logged on 11/02 under CCM will no longer count. "
        "Press End program anyway to end it, or change the end date."
    )
    assert dialog.save_button.text() == "&End program anyway"
    assert dialog.height() >= dialog.sizeHint().height()  # the whole message shows
    assert _stored(unlocked, pid).enrollments[0].end_date is None  # nothing saved yet

    _enter(qtbot, dialog)  # the second Enter ends it
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).enrollments[0].end_date == date(2026, 10, 31)
    month = unlocked.view.page(MonthPage)
    settle(month)
    qtbot.waitUntil(lambda: any(r.patient_id == pid for r in month.model.rows()))
    row = next(r for r in month.model.rows() if r.patient_id == pid)
    assert row.result.reasons == ("14 min after CCM ended 10/31 count for nothing",)


def test_a_changed_date_asks_again_and_a_date_before_the_start_is_refused_on_enter(unlocked, canary_store, qtbot):
    pid = canary_store["Abbott"]
    _enrolled_with_minutes(unlocked, pid)
    tab = _record(unlocked, pid)
    dialog = _open_by_keys(qtbot, tab)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.end)

    qtbot.keyClicks(dialog.end, "09/30/2026")
    _enter(qtbot, dialog)
    assert dialog.message.text() == "End date cannot be before start date."
    assert dialog.message.isVisible() and dialog.height() >= dialog.sizeHint().height()

    dialog.end.selectAll()
    qtbot.keyClicks(dialog.end, "11/01/2026")
    _enter(qtbot, dialog)
    assert "14 min logged on 11/02 under CCM will no longer count" in dialog.message.text()
    dialog.end.selectAll()
    qtbot.keyClicks(dialog.end, "10/31/2026")  # another date: asked again, not ended
    assert dialog.save_button.text() == "&End program"
    _enter(qtbot, dialog)
    assert dialog.isVisible() and "Ending CCM on 10/31/2026" in dialog.message.text()
    assert _stored(unlocked, pid).enrollments[0].end_date is None

    dialog.end.selectAll()
    qtbot.keyClicks(dialog.end, "11/02/2026")  # the last day with minutes: nothing lost, no question
    _enter(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).enrollments[0].end_date == date(2026, 11, 2)


def test_the_patient_list_says_its_minutes_are_those_logged(unlocked, canary_store, qtbot):
    """The list's minutes are every minute logged this month; This month's are those that count,
    and a patient whose minutes fell after an end is listed there with why (tester: the list said
    "Min this month 14" beside a report without the patient)."""
    from caredesk.ui.chart.patient_table import MINUTES
    from caredesk.ui.chart.patients_page import PatientsPage

    pid = canary_store["Abbott"]
    _enrolled_with_minutes(unlocked, pid)
    page = unlocked.view.show_page(PatientsPage)
    model = page.model
    header = Qt.Orientation.Horizontal
    assert model.headerData(MINUTES, header) == "Min logged\nthis month"
    assert model.headerData(MINUTES, header, Qt.ItemDataRole.AccessibleTextRole) == "Min logged this month"
    assert "count for billing" in model.headerData(MINUTES, header, Qt.ItemDataRole.ToolTipRole)


def test_edit_program_asks_too_when_its_end_date_takes_logged_minutes(unlocked, canary_store, qtbot):
    from caredesk.ui.chart.record_dialogs import EnrollmentDialog

    pid = canary_store["Abbott"]
    _enrolled_with_minutes(unlocked, pid)
    tab = _record(unlocked, pid)
    tab.programs.setFocus()
    tab.programs.selectRow(0)
    qtbot.keyClick(tab.programs, Qt.Key.Key_Return)  # Enter edits the chosen program
    qtbot.waitUntil(lambda: isinstance(tab.dialog, EnrollmentDialog) and tab.dialog.isVisible())
    dialog = tab.dialog
    end = dialog.enrollment_fields.end
    end.setFocus()
    qtbot.keyClicks(end, "10/31/2026")
    _enter(qtbot, dialog)
    assert dialog.isVisible() and dialog.message.text() == (
        "Ending CCM on 10/31/2026: 14 min logged on 11/02 under CCM will no longer count. "
        "Press Save anyway to save it, or change the end date."
    )
    assert _stored(unlocked, pid).enrollments[0].end_date is None
    _enter(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).enrollments[0].end_date == date(2026, 10, 31)


def test_enter_in_the_date_ends_after_tabbing_through_the_buttons(unlocked, canary_store, qtbot):
    """Tester: after Tab through End program and Cancel back to the date, Enter did nothing
    (the focused buttons had taken the default away)."""
    pid = canary_store["Abbott"]
    _enrolled_with_minutes(unlocked, pid)
    tab = _record(unlocked, pid)
    dialog = _open_by_keys(qtbot, tab)
    qtbot.waitUntil(lambda: dialog.focusWidget() is dialog.end)
    seen = []
    for _ in range(6):  # round the form: the buttons, back to the date
        qtbot.keyClick(dialog.focusWidget(), Qt.Key.Key_Tab)
        seen.append(dialog.focusWidget())
        if dialog.focusWidget() is dialog.end:
            break
    assert dialog.focusWidget() is dialog.end and len(seen) > 1
    dialog.end.selectAll()
    qtbot.keyClicks(dialog.end, "09/30/2026")
    _enter(qtbot, dialog)
    assert dialog.message.text() == "End date cannot be before start date."
    dialog.end.selectAll()
    qtbot.keyClicks(dialog.end, "11/02/2026")
    _enter(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(unlocked, pid).enrollments[0].end_date == date(2026, 11, 2)
