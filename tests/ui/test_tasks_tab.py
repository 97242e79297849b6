"""The "Tasks & appointments" tab through its real widgets, on a store made as `caredesk init` makes it.

The queue follows each write at once (SPEC §3 "Call queue": tasks due and overdue rank with
follow-ups; an appointment is a reminder call the working day before).
"""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.domain.appointments import AppointmentStatus
from caredesk.domain.coordination import TaskKind, TaskStatus
from caredesk.services import appointments as appointment_service
from caredesk.services import tasks as task_service
from caredesk.services.call_queue import CallQueue
from caredesk.services.calls import log_contact
from caredesk.services.patients import open_chart
from caredesk.ui.chart.tasks_tab import AppointmentDialog, TaskDialog, TasksTab
from caredesk.ui.common.hub import publish
from tests.conftest import ZONE
from tests.services.test_calls import _patient

NY = ZoneInfo(ZONE)


@pytest.fixture
def patient(workspace) -> int:
    return _patient(workspace, "UI1")


@pytest.fixture
def tab(qtbot, workspace, patient) -> TasksTab:
    widget = TasksTab()
    qtbot.addWidget(widget)
    widget.resize(720, 640)
    widget.open(workspace, open_chart(workspace, patient))
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def _reasons(ws, pid) -> list[str]:
    return [x.text for r in CallQueue(ws).build() if r.patient_id == pid for x in r.entry.reasons]


def _cells(table) -> list[list[str]]:
    return [[table.item(r, c).text() for c in range(table.columnCount())] for r in range(table.rowCount())]


def _dialog(tab, cls):
    dialogs = [d for d in tab.findChildren(cls) if d.isVisible()]
    assert len(dialogs) == 1
    return dialogs[0]


def alt(qtbot, tab, key) -> None:
    """Alt+letter as a user presses it (a button's mnemonic clicks ~100 ms later)."""
    tab.activateWindow()
    qtbot.waitUntil(tab.isActiveWindow)
    qtbot.keyClick(QApplication.focusWidget() or tab, key, Qt.KeyboardModifier.AltModifier)


def test_add_a_task_with_the_keyboard_then_done_and_reopen_move_it_in_and_out_of_the_queue(
    tab, qtbot, workspace, patient
):
    assert tab.no_tasks.isVisible() and not tab.task_table.isVisible()
    alt(qtbot, tab, Qt.Key.Key_T)  # Add task…
    qtbot.waitUntil(lambda: any(d.isVisible() for d in tab.findChildren(TaskDialog)))
    dialog = _dialog(tab, TaskDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: dialog.title_edit.hasFocus())  # the form opens in its first field
    qtbot.keyClicks(dialog.title_edit, "Mail the glucose log")
    qtbot.keyClick(dialog.title_edit, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is dialog.due
    qtbot.keyClicks(dialog.due, "11/24/2026")
    qtbot.keyClick(dialog.due, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert _cells(tab.task_table) == [["Mail the glucose log", "11/24/2026", "due today"]]
    assert "Task due today: Mail the glucose log" in _reasons(workspace, patient)

    assert tab.done_button.isEnabled() and not tab.reopen_button.isEnabled()
    qtbot.mouseClick(tab.done_button, Qt.MouseButton.LeftButton)
    assert _cells(tab.task_table) == [["Mail the glucose log", "11/24/2026", "done 11/24/2026"]]
    assert not any(t.startswith("Task") for t in _reasons(workspace, patient))
    assert tab.reopen_button.isEnabled() and not tab.done_button.isEnabled()
    qtbot.mouseClick(tab.reopen_button, Qt.MouseButton.LeftButton)
    assert "Task due today: Mail the glucose log" in _reasons(workspace, patient)
    assert task_service.tasks(workspace, patient)[0].status is TaskStatus.OPEN


def test_a_bad_due_date_is_named_the_form_stays_and_nothing_is_saved(tab, qtbot, workspace, patient):
    tab.add_task_button.click()
    dialog = _dialog(tab, TaskDialog)
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    dialog.title_edit.setText("Call the pharmacy")
    dialog.due.setText("13/45/2026")
    dialog.save_button.click()
    assert dialog.isVisible() and dialog.message.text() == "Due date is not a real calendar date."
    assert dialog.due.hasFocus() and dialog.due.selectedText() == "13/45/2026"  # the cursor goes to the field named
    dialog.due.setText("11/01/2026")
    dialog.save_button.click()
    assert dialog.message.text() == "Due date cannot be before today (11/24/2026)."
    dialog.title_edit.clear()
    dialog.due.clear()
    dialog.save_button.click()
    assert dialog.message.text() == "Task is required."
    assert task_service.tasks(workspace, patient, include_done=True) == []
    dialog.reject()


def test_the_apps_letter_task_is_closed_from_the_chart(tab, qtbot, workspace, patient):
    for day in (date(2026, 11, 18), date(2026, 11, 19)):
        log_contact(workspace, patient, outcome="voicemail", minutes=1, on=day)
    logged = log_contact(workspace, patient, outcome="no answer", minutes=1, on=date(2026, 11, 20))
    publish(logged.changes)  # as the call panel does
    (row,) = _cells(tab.task_table)
    assert row[0] == "Send a letter: calls unanswered in November 2026" and row[2] == "overdue"
    assert any("send a letter" in t for t in _reasons(workspace, patient))
    tab.task_table.setFocus()
    qtbot.keyClick(tab.task_table, Qt.Key.Key_Down)
    alt(qtbot, tab, Qt.Key.Key_D)  # Done
    qtbot.waitUntil(lambda: task_service.tasks(workspace, patient) == [])
    (task,) = task_service.tasks(workspace, patient, include_done=True)
    assert task.kind is TaskKind.LETTER and task.status is TaskStatus.DONE
    assert not any("letter" in t.lower() for t in _reasons(workspace, patient))


def test_schedule_an_appointment_then_it_is_reminded_and_recorded_kept(tab, qtbot, workspace, patient):
    assert tab.no_appointments.isVisible()
    tab.schedule_button.click()
    dialog = _dialog(tab, AppointmentDialog)
    assert not dialog.stay.isVisible()  # no stays: nothing to link
    qtbot.keyClicks(dialog.day, "11/25/2026")
    qtbot.keyClicks(dialog.time, "9:30 am")
    qtbot.keyClicks(dialog.with_whom, "Dr. Ana Ruiz")
    qtbot.keyClicks(dialog.place, "Main St clinic")
    dialog.save_button.click()
    assert not dialog.isVisible()
    assert _cells(tab.appointment_table) == [
        ["Wed 11/25/2026 9:30 AM", "PCP visit with Dr. Ana Ruiz\nMain St clinic", "scheduled"]
    ]
    assert "Appointment tomorrow (PCP visit 9:30 AM) - reminder call" in _reasons(workspace, patient)
    # Not yet its day: it can be cancelled or moved, not recorded kept or missed.
    assert tab.cancel_appointment_button.isEnabled() and tab.reschedule_button.isEnabled()
    assert not tab.kept_button.isEnabled() and not tab.missed_button.isEnabled()

    workspace.clock.advance(days=2)  # Thursday: the visit was yesterday
    tab.refresh()
    assert _cells(tab.appointment_table)[0][2] == "kept or missed?"
    assert "Appointment on 11/25 - kept or missed?" in _reasons(workspace, patient)
    alt(qtbot, tab, Qt.Key.Key_K)  # Kept
    qtbot.waitUntil(lambda: appointment_service.appointments(workspace, patient)[0].status is AppointmentStatus.KEPT)
    (kept,) = appointment_service.appointments(workspace, patient)
    assert kept.status is AppointmentStatus.KEPT
    assert not any(t.startswith("Appointment") for t in _reasons(workspace, patient))
    assert not tab.kept_button.isEnabled() and tab.missed_button.isEnabled()


def test_a_bad_time_is_named_and_nothing_is_scheduled(tab, qtbot, workspace, patient):
    tab.schedule_button.click()
    dialog = _dialog(tab, AppointmentDialog)
    dialog.day.setText("11/30/2026")
    dialog.time.setText("9")
    dialog.with_whom.setText("Dr. Ruiz")
    dialog.save_button.click()
    assert dialog.message.text() == "Time needs minutes or AM/PM (9:00 AM, 21:00)."
    dialog.time.setText("9:30")
    dialog.with_whom.clear()
    dialog.save_button.click()
    assert dialog.message.text() == "With whom is required."
    assert appointment_service.appointments(workspace, patient) == []
    dialog.reject()


def test_reschedule_a_missed_appointment_keeps_the_miss(tab, qtbot, workspace, patient):
    booked = appointment_service.schedule(
        workspace,
        patient,
        at=datetime.combine(date(2026, 11, 20), time(14, 0), tzinfo=NY),
        kind="specialist",
        with_whom="Cardiology",
    )
    publish(booked.changes)
    tab.appointment_table.select_id(booked.value.id)
    tab.missed_button.click()
    assert _cells(tab.appointment_table)[0][2] == "missed"
    tab.reschedule_button.click()
    dialog = _dialog(tab, AppointmentDialog)
    assert not dialog.with_whom.isEnabled() and dialog.with_whom.text() == "Cardiology"
    dialog.day.setText("12/03/2026")
    dialog.time.setText("2:00 PM")
    dialog.save_button.click()
    assert [row[2] for row in _cells(tab.appointment_table)] == ["scheduled", "missed"]


def test_a_hidden_tab_reads_nothing_until_shown_and_clear_drops_every_row(qtbot, workspace, patient):
    task_service.add_task(workspace, patient, "Fax the plan", date(2026, 11, 30))
    tab = TasksTab()
    qtbot.addWidget(tab)
    tab.open(workspace, open_chart(workspace, patient))
    assert tab.task_table.rowCount() == 0  # not shown yet: nothing read
    tab.show()
    qtbot.waitExposed(tab)
    assert _cells(tab.task_table) == [["Fax the plan", "11/30/2026", "open"]]
    tab.clear()
    assert tab.task_table.rowCount() == 0 and tab.appointment_table.rowCount() == 0
    assert not tab.isEnabled()


def test_every_control_has_a_name_and_tab_leaves_the_tables(tab, qtbot, workspace, patient):
    task_service.add_task(workspace, patient, "One", date(2026, 11, 30))
    task_service.add_task(workspace, patient, "Two", date(2026, 12, 1))
    tab.refresh()
    for widget in [*tab.findChildren(type(tab.done_button)), tab.task_table, tab.appointment_table]:
        assert widget.accessibleName()
    tab.task_table.setFocus()
    qtbot.keyClick(tab.task_table, Qt.Key.Key_Tab)
    assert QApplication.focusWidget() is not tab.task_table
