"""The chart's Contacts & minutes tab through the real widgets, on a store made like `caredesk init`."""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication

from caredesk.domain.calendar import Month
from caredesk.services import billing_report
from caredesk.services.calls import log_contact, log_time
from caredesk.services.changes import Changes, Kind
from caredesk.ui.chart.contact_forms import CorrectionForm, VoidForm
from caredesk.ui.chart.contacts_tab import DATE, MINUTES, NOTE, OUTCOME, WHAT, ContactsTab
from caredesk.ui.chart.patient_table import LAST_ATTEMPT, LAST_REACHED
from caredesk.ui.chart.patient_table import MINUTES as LIST_MINUTES
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.common.hub import publish

NOTE_TEXT = "Qzx talked about sugars"


@pytest.fixture
def tab(unlocked, canary_store, qtbot) -> ContactsTab:
    """The canary's chart on the Patients page with three calls and typed minutes, tab shown."""
    ws, pid = unlocked.workspace, canary_store["canary"]
    log_contact(ws, pid, outcome="reached", minutes=22, on=date(2026, 10, 14), note="October call")
    log_contact(ws, pid, outcome="voicemail", minutes=0, on=date(2026, 11, 2))
    log_contact(ws, pid, outcome="reached", minutes=45, on=date(2026, 11, 3), note=NOTE_TEXT)
    log_time(ws, pid, minutes=10, activity="care plan", on=date(2026, 11, 5))
    publish(Changes.of([pid], Kind.CONTACT, Kind.TIME))  # as the call panel does after each save
    page = unlocked.view.show_page(PatientsPage)
    qtbot.waitUntil(lambda: page.model.row_of(pid) is not None)
    page.select_patient(pid)
    qtbot.waitUntil(lambda: page.chart.patient_id == pid)
    contacts = page.chart.tab(ContactsTab)
    page.chart.show_tab(contacts)
    qtbot.waitUntil(lambda: contacts.model.rowCount() == 4)
    return contacts


def _cells(tab: ContactsTab, col: int) -> list[str]:
    return [tab.model.index(r, col).data() for r in range(tab.model.rowCount())]


def _row_of(tab: ContactsTab, day: str) -> int:
    return _cells(tab, DATE).index(day)


def _select(tab: ContactsTab, row: int) -> None:
    tab.table.setFocus()
    tab.table.selectRow(row)


def _bill(ws, pid):
    return next(r for r in billing_report.month_report(ws, Month(2026, 11)).rows if r.patient_id == pid)


def test_the_history_is_newest_first_with_the_months_minutes_per_program(tab):
    assert _cells(tab, DATE) == ["11/05/2026", "11/03/2026", "11/02/2026", "10/14/2026"]
    assert _cells(tab, WHAT) == ["care plan", "phone", "phone", "phone"]
    assert _cells(tab, OUTCOME) == ["", "reached", "voicemail", "reached"]
    assert _cells(tab, MINUTES) == [10, 45, "", 22]
    assert _cells(tab, NOTE)[1] == NOTE_TEXT
    assert tab.totals.text() == "November 2026: CCM 55 min"
    months = [tab.month.itemText(i) for i in range(tab.month.count())]
    assert months == ["All", "November 2026", "October 2026"]


def test_a_month_filters_the_rows_and_its_totals(tab, qtbot):
    tab.month.setFocus()
    tab.month.setCurrentText("October 2026")
    assert _cells(tab, DATE) == ["10/14/2026"]
    assert tab.totals.text() == "October 2026: CCM 22 min"
    tab.month.setCurrentText("All")
    assert tab.model.rowCount() == 4


def test_correcting_45_minutes_to_5_drops_99490_in_the_bill_and_the_list(tab, unlocked, canary_store, qtbot):
    """CCM 99490 needs 20 minutes of clinical-staff time in the month (CMS MLN909188)."""
    ws, pid = unlocked.workspace, canary_store["canary"]
    assert "99490" in {c.code for c in _bill(ws, pid).result.codes}
    _select(tab, _row_of(tab, "11/03/2026"))
    qtbot.keyClick(tab.table, Qt.Key.Key_Return)  # Enter opens Correct…
    form = tab.findChild(CorrectionForm)
    assert form is not None and form.isVisible()
    form.minutes.selectAll()
    qtbot.keyClicks(form.minutes, "5")
    form.minutes.interpretText()
    qtbot.keyClicks(form.reason.lineEdit(), "wrong minutes")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    assert _cells(tab, MINUTES)[_row_of(tab, "11/03/2026")] == 5
    assert tab.totals.text() == "November 2026: CCM 15 min"
    assert not _bill(ws, pid).result.codes  # 15 of 20 min
    page = unlocked.view.show_page(PatientsPage)
    assert page.model.index(page.model.row_of(pid), LIST_MINUTES).data() == 15


def test_a_correction_without_a_reason_is_refused_and_keeps_the_form(tab, unlocked, canary_store, qtbot):
    _select(tab, _row_of(tab, "11/03/2026"))
    form = tab.correct_selected()
    form.minutes.setValue(30)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert form.isVisible() and form.message.text() == "Reason is required."
    focus = form.focusWidget()  # the form's own focus (offscreen, the dialog is not the active window)
    assert focus is form.reason or form.reason.isAncestorOf(focus)
    assert _bill(unlocked.workspace, canary_store["canary"]).clinical_minutes == 55  # nothing saved
    form.reject()


def test_a_future_date_is_refused_by_name(tab, unlocked, canary_store, qtbot):
    _select(tab, _row_of(tab, "11/05/2026"))
    form = tab.correct_selected()
    form.day.setMaximumDate(QDate(2026, 12, 31))  # past the form's own limit: the service still refuses
    form.day.setDate(QDate(2026, 11, 30))  # after today (11/24)
    qtbot.keyClicks(form.reason.lineEdit(), "wrong date")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert form.isVisible() and form.message.text() == "Date cannot be in the future."
    form.reject()
    assert _cells(tab, DATE)[0] == "11/05/2026"


def test_voiding_a_call_greys_the_row_and_takes_its_minutes_out(tab, unlocked, canary_store, qtbot):
    ws, pid = unlocked.workspace, canary_store["canary"]
    _select(tab, _row_of(tab, "11/03/2026"))
    qtbot.mouseClick(tab.void_button, Qt.MouseButton.LeftButton)
    form = tab.findChild(VoidForm)
    assert form is not None and form.isVisible()
    form.reason.setCurrentText("duplicate entry")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert not form.isVisible()
    row = _row_of(tab, "11/03/2026")
    index = tab.model.index(row, NOTE)
    assert index.data(Qt.ItemDataRole.FontRole).strikeOut()
    assert "duplicate entry" in index.data(Qt.ItemDataRole.ToolTipRole)
    assert "voided" in tab.model.index(row, WHAT).data()
    assert tab.totals.text() == "November 2026: CCM 10 min"
    assert _bill(ws, pid).clinical_minutes == 10
    _select(tab, row)
    assert not tab.correct_button.isEnabled() and not tab.void_button.isEnabled()
    assert tab.detail.text().endswith("duplicate entry")  # why it was voided, in full under the table


def test_the_selected_entry_reads_in_full_under_the_table_when_the_note_column_is_narrow(tab, qtbot):
    tab.window().resize(700, 700)  # a narrow chart pane: the Note column gets a few characters
    _select(tab, _row_of(tab, "11/03/2026"))
    assert tab.detail.isVisible()
    facts, note = tab.detail.text().split("\n")
    assert facts.startswith("11/03/2026") and " · phone · reached · 45 min CCM" in facts
    assert note == NOTE_TEXT
    tab.table.clearSelection()
    assert not tab.detail.isVisible()


def test_tab_leaves_the_table(tab, qtbot):
    _select(tab, 0)
    qtbot.keyClick(tab.table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is tab.correct_button


def test_a_call_logged_elsewhere_shows_at_once(tab, unlocked, canary_store, qtbot):
    logged = log_contact(unlocked.workspace, canary_store["canary"], outcome="no answer", minutes=0)
    publish(logged.changes)
    assert _cells(tab, DATE)[0] == "11/24/2026" and _cells(tab, OUTCOME)[0] == "no answer"


def test_the_list_shows_the_last_attempt_beside_the_last_time_reached(tab, unlocked, canary_store):
    page = unlocked.view.show_page(PatientsPage)
    row = page.model.row_of(canary_store["canary"])
    assert page.model.index(row, LAST_REACHED).data() == "Nov 3, 2026"
    assert page.model.index(row, LAST_ATTEMPT).data() == "Nov 3, 2026"  # typed minutes are no attempt
    attempt = log_contact(unlocked.workspace, canary_store["canary"], outcome="voicemail", minutes=0)
    publish(attempt.changes)
    row = page.model.row_of(canary_store["canary"])
    assert page.model.index(row, LAST_ATTEMPT).data() == "Nov 24, 2026"
    assert page.model.index(row, LAST_REACHED).data() == "Nov 3, 2026"


def test_lock_drops_every_row(tab, unlocked):
    unlocked.lock()
    assert tab.model.rowCount() == 0 and tab.month.count() == 0 and tab.totals.text() == ""
    assert tab.patient_id is None


def test_moving_a_call_to_a_patient_not_in_its_program_is_refused_by_name(tab, unlocked, canary_store, qtbot):
    ws, pid = unlocked.workspace, canary_store["canary"]
    _select(tab, _row_of(tab, "11/03/2026"))
    form = tab.correct_selected()
    qtbot.keyClicks(form.mrn, "MRN20002")  # Abbott: in no program
    qtbot.keyClicks(form.reason.lineEdit(), "wrong patient")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    # Read as "Program the patient is not enrolled in CCM on 11/03/2026 (enrolled: none)." before.
    assert form.isVisible() and form.message.text() == (
        "Program: the patient is not enrolled in CCM on 11/03/2026 (not enrolled in any program)."
    )
    form.mrn.setText("NOPE999")
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert form.isVisible() and form.message.text() == "No patient with MRN NOPE999."
    form.reject()
    assert _bill(ws, pid).clinical_minutes == 55 and tab.model.rowCount() == 4  # nothing moved


def test_correcting_minutes_to_600_asks_first_and_go_back_keeps_the_45(tab, unlocked, canary_store, qtbot):
    """One entry of more than 180 minutes is asked about (600 for 60 is a typo); Enter goes back."""
    from tests.ui.test_call_drafts import answer_call_question

    _select(tab, _row_of(tab, "11/03/2026"))
    form = tab.correct_selected()
    form.minutes.setValue(600)
    qtbot.keyClicks(form.reason.lineEdit(), "wrong minutes")
    asked = answer_call_question(qtbot, Qt.Key.Key_Return)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert asked == ["600 minutes is 10 h 00 min for one entry. Save it?"]
    assert form.isVisible()
    assert form.message.text() == "Minutes not saved: correct the 600 min, or save again and choose Save."
    assert _bill(unlocked.workspace, canary_store["canary"]).clinical_minutes == 55  # nothing saved
    asked = answer_call_question(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    qtbot.mouseClick(form.ok_button, Qt.MouseButton.LeftButton)
    assert asked and not form.isVisible()
    assert _bill(unlocked.workspace, canary_store["canary"]).clinical_minutes == 610
