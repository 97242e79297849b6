"""Log contact… in the chart's Contacts & minutes tab (a fresh tester's worst finding).

After a "no answer" (N in the queue) the patient leaves today's queue until the next business
day (SPEC §3 Call queue). When she called back that afternoon nothing in the app could log the
call: the chart's tab had only Correct… and Void…. Now Ctrl+Shift+L (or Log contact…) logs it
through log_contact, as the call panel's Save does, and Log other time… opens the time dialog.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from caredesk.domain import audit as actions
from caredesk.domain.contacts import Activity, Outcome
from caredesk.services.call_queue import CallQueue
from caredesk.services.patients import patient_list
from caredesk.ui.chart.contacts_tab import ContactsTab
from caredesk.ui.chart.log_contact_dialog import LogContactDialog
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.common.time_dialog import LogTimeDialog
from caredesk.ui.month.page import MonthPage
from caredesk.ui.queue.page import QueuePage
from tests.ui.test_call_drafts import answer_call_question

ALT = Qt.KeyboardModifier.AltModifier
CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = CTRL | Qt.KeyboardModifier.ShiftModifier


def _key(qtbot, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    QTest.keyClick(widget, key, modifier)
    qtbot.wait(5)


def _type(qtbot, text: str) -> None:
    QTest.keyClicks(QApplication.focusWidget(), text)


def _held_after_a_no_answer(window, qtbot, pid: int) -> QueuePage:
    """N on the patient's row in today's queue: a no answer logged, she waits a business day."""
    queue = window.view.page(QueuePage)
    assert queue.select_patient(pid)
    queue.table.setFocus()
    _key(qtbot, Qt.Key.Key_N)
    qtbot.waitUntil(lambda: queue.model.row_of(pid) is None)
    return queue


def _open_dialog(window, qtbot, pid: int) -> tuple[PatientsPage, LogContactDialog]:
    """Ctrl+2, the patient's chart, then Ctrl+Shift+L from inside the chart."""
    _key(qtbot, Qt.Key.Key_2, CTRL)
    patients = window.view.page(PatientsPage)
    patients.select_patient(pid)
    qtbot.waitUntil(lambda: patients.chart.patient_id == pid)
    patients.chart.setFocus()
    patients.chart.tabs.tabBar().setFocus()  # anywhere in the chart
    _key(qtbot, Qt.Key.Key_L, CTRL_SHIFT)
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), LogContactDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, LogContactDialog)
    assert patients.chart.tabs.currentWidget() is patients.chart.tab(ContactsTab)
    qtbot.waitUntil(lambda: dialog.isActiveWindow() and QApplication.focusWidget() is not None)
    return patients, dialog


def _stored(window, pid: int):
    with window.workspace.reading() as uow:
        return uow.contacts.for_patient(pid), uow.time_entries.for_patient(pid), uow.audit_log.all()


def test_a_call_back_after_a_no_answer_is_logged_from_the_chart_by_keys(unlocked, canary_store, qtbot):
    window = unlocked
    pid = canary_store["canary"]
    window.activateWindow()
    queue = _held_after_a_no_answer(window, qtbot, pid)
    ws = window.workspace
    minutes_before = next(p for p in patient_list(ws) if p.id == pid).minutes_this_month
    month = window.view.page(MonthPage)

    def month_minutes() -> int | None:
        row = next((r for r in month.model.rows() if r.patient_id == pid), None)
        return None if row is None else row.total_minutes

    qtbot.waitUntil(lambda: month_minutes() == minutes_before)  # read before the call: the hub updates it

    patients, dialog = _open_dialog(window, qtbot, pid)
    assert dialog.day.date().toPython() == ws.today()
    assert dialog.time.text() == "10:30 AM"  # now (tests' NOW)
    assert not dialog.form.follow_up_check.isChecked()
    assert dialog.form.follow_up.date().toPython() == date(2026, 12, 1)  # a week on, as in the panel
    _key(qtbot, Qt.Key.Key_R, ALT)  # Reached
    _key(qtbot, Qt.Key.Key_O, ALT)  # the note
    _type(qtbot, "Called back about her refills")
    _key(qtbot, Qt.Key.Key_M, ALT)  # the minutes
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, CTRL)
    _type(qtbot, "14")
    _key(qtbot, Qt.Key.Key_Return)  # Log contact (the default button)
    qtbot.waitUntil(lambda: not dialog.isVisible())

    contacts, entries, audit = _stored(window, pid)
    assert [c.outcome for c in contacts] == [Outcome.NO_ANSWER, Outcome.REACHED]
    reached = contacts[-1]
    assert reached.note == "Called back about her refills"
    assert [(e.minutes, e.activity, e.contact_id) for e in entries] == [(14, Activity.CALL, reached.id)]
    created = {(e.entity, e.entity_id) for e in audit if e.action == actions.RECORD_CREATED}
    assert ("contact", str(reached.id)) in created and ("time entry", str(entries[0].id)) in created

    # The month counts it; every page heard of it through the hub.
    assert next(p for p in patient_list(ws) if p.id == pid).minutes_this_month == minutes_before + 14
    tab = patients.chart.tab(ContactsTab)
    qtbot.waitUntil(lambda: tab.message.text().startswith("Contact logged: reached, 14 min on 11/24/2026"))
    assert [r.minutes for r in tab.rows if r.contact is not None and r.contact.id == reached.id] == [14]
    qtbot.waitUntil(lambda: month_minutes() == minutes_before + 14)
    fresh = [r.patient_id for r in CallQueue(ws).build()]
    # The queue re-ranked her as a fresh build ranks her: reached, she no longer waits out the
    # business day after the no answer, and her row counts the 14 minutes.
    shown = [queue.model.queue_row(i) for i in range(queue.model.rowCount())]
    assert [r.patient_id for r in shown] == fresh and pid in fresh
    assert next(r for r in shown if r.patient_id == pid).entry.minutes == minutes_before + 14


def test_bad_input_is_refused_by_field_and_nothing_is_stored(unlocked, canary_store, qtbot):
    window = unlocked
    pid = canary_store["canary"]
    window.activateWindow()
    _held_after_a_no_answer(window, qtbot, pid)
    before = _stored(window, pid)[:2]
    _patients, dialog = _open_dialog(window, qtbot, pid)

    _key(qtbot, Qt.Key.Key_M, ALT)
    _type(qtbot, "14")
    _key(qtbot, Qt.Key.Key_S, CTRL)  # no outcome picked
    assert dialog.isVisible() and dialog.message.text().startswith("Outcome must be chosen")
    assert QApplication.focusWidget() is dialog.form.first()

    _key(qtbot, Qt.Key.Key_R, ALT)
    _key(qtbot, Qt.Key.Key_M, ALT)
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, CTRL)
    _type(qtbot, "700")
    _key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and dialog.message.text() == "Minutes must be a whole number from 0 to 600."
    assert QApplication.focusWidget() is dialog.form.minutes

    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, CTRL)
    _type(qtbot, "14")
    _key(qtbot, Qt.Key.Key_A, ALT)  # D&ate
    assert QApplication.focusWidget() is dialog.day
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_A, CTRL)
    _type(qtbot, "11/25/2026")  # tomorrow
    _key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and dialog.message.text().startswith("Date ")
    assert "11/24/2026" in dialog.message.text() or "today" in dialog.message.text()

    answer_call_question(qtbot, Qt.Key.Key_D, ALT)  # Esc after typing asks; Alt+D discards
    _key(qtbot, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _stored(window, pid)[:2] == before


def test_a_time_later_than_now_is_refused_naming_the_time(unlocked, canary_store, qtbot):
    window = unlocked
    pid = canary_store["canary"]
    window.activateWindow()
    before = _stored(window, pid)[:2]
    _patients, dialog = _open_dialog(window, qtbot, pid)
    _key(qtbot, Qt.Key.Key_V, ALT)
    # Typed over whole, as a fresh tester did (a QTimeEdit kept its old hour: "11:30 PM" was saved as
    # 5:30 AM without a word): an hour from now is refused, naming the time.
    dialog.time.setFocus()
    dialog.time.selectAll()
    qtbot.keyClicks(dialog.time, "11:30 AM")  # now 10:30 AM
    _key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and dialog.message.text() == "Time cannot be later than now."
    assert QApplication.focusWidget() is dialog.time
    dialog.time.selectAll()
    qtbot.keyClicks(dialog.time, "half past nine")
    _key(qtbot, Qt.Key.Key_S, CTRL)
    assert dialog.isVisible() and dialog.message.text().startswith("Time must be a time such as 9:30 AM")
    assert _stored(window, pid)[:2] == before
    dialog.time.selectAll()
    qtbot.keyClicks(dialog.time, "9:15 AM")  # typed over whole: saved at that time, not an hour kept
    _key(qtbot, Qt.Key.Key_S, CTRL)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    (new,) = [c for c in _stored(window, pid)[0] if c not in before[0]]
    at = new.at.astimezone(window.workspace.tz)
    assert (at.hour, at.minute) == (9, 15)


def test_log_other_time_opens_the_time_dialog_for_the_chart_s_patient(unlocked, canary_store, qtbot):
    window = unlocked
    pid = canary_store["canary"]
    window.activateWindow()
    patients = window.view.show_page(PatientsPage)
    patients.select_patient(pid)
    qtbot.waitUntil(lambda: patients.chart.patient_id == pid)
    tab = patients.chart.tab(ContactsTab)
    patients.chart.show_tab(tab)
    tab.month.setFocus()
    _key(qtbot, Qt.Key.Key_T, ALT)  # Log other &time…
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), LogTimeDialog))
    dialog = QApplication.activeModalWidget()
    assert isinstance(dialog, LogTimeDialog) and dialog.patient_id == pid
    dialog.minutes.setValue(9)
    dialog.submit()
    qtbot.waitUntil(lambda: tab.message.text() == "Logged 9 min of care plan.")
    _contacts, entries, _audit = _stored(window, pid)
    assert [e.minutes for e in entries][-1:] == [9]
