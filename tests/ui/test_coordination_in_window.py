"""In the whole window, on a store made as `caredesk init` makes it: a discharge entered in the
chart puts its TCM deadlines in the queue on screen, and each leaves as it is met; the app's
letter task is closed from the chart and its reasons leave the queue.

SPEC §3 "Transitions of care" (deadlines until met) and "Call queue" (a letter after three
unanswered attempts in a month); SPEC §8: a fact the queue reads can be entered in the app.
"""

from __future__ import annotations

from datetime import date

from caredesk.services.calls import log_contact
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.stays_tab import StayDialog, StaysTab, StepDialog
from caredesk.ui.chart.tasks_tab import TasksTab
from caredesk.ui.common.hub import publish
from caredesk.ui.queue.page import QueuePage
from tests.ui.test_tasks_tab import _dialog


def shown_reasons(window, patient_id: int) -> list[str]:
    """The patient's reasons as the queue page holds them right now (no rebuild)."""
    model = window.view.page(QueuePage).model
    row = model.row_of(patient_id)
    return [] if row is None else [r.text for r in model.queue_row(row).entry.reasons]


def _chart_tab(window, qtbot, patient_id: int, cls):
    page = window.view.show_page(PatientsPage)
    page.select_patient(patient_id)
    qtbot.waitUntil(lambda: page.chart.patient_id == patient_id)
    tab = page.chart.tab(cls)
    page.chart.show_tab(tab)
    qtbot.waitUntil(tab.isVisible)
    return tab


def test_a_discharge_entered_in_the_chart_enters_the_queue_and_leaves_step_by_step(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    tab = _chart_tab(unlocked, qtbot, pid, StaysTab)
    tab.add_button.click()
    dialog = _dialog(tab, StayDialog)
    dialog.facility.setText("Mercy General")
    dialog.discharged.setText("11/20/2026")  # a Friday; the clock's today is Tue 11/24
    dialog.save_button.click()
    assert "Discharged 11/20 - TCM contact due today" in shown_reasons(unlocked, pid)
    assert "Discharged 11/20 - face-to-face visit and medication reconciliation due by 12/04" in shown_reasons(
        unlocked, pid
    )

    tab.contact_button.click()
    _dialog(tab, StepDialog).save_button.click()  # today, by phone
    assert not any("TCM contact" in t for t in shown_reasons(unlocked, pid))
    tab.visit_button.click()
    _dialog(tab, StepDialog).save_button.click()
    assert "Discharged 11/20 - medication reconciliation due today" in shown_reasons(unlocked, pid)
    tab.reconcile_button.click()
    _dialog(tab, StepDialog).save_button.click()
    assert not any(t.startswith("Discharged") for t in shown_reasons(unlocked, pid))


def test_the_apps_letter_task_closed_in_the_chart_leaves_the_queue(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    ws = unlocked.workspace
    for day in (date(2026, 11, 17), date(2026, 11, 18)):
        log_contact(ws, pid, outcome="voicemail", minutes=1, on=day)
    publish(log_contact(ws, pid, outcome="no answer", minutes=1, on=date(2026, 11, 19)).changes)
    assert any("send a letter" in t for t in shown_reasons(unlocked, pid))
    tab = _chart_tab(unlocked, qtbot, pid, TasksTab)
    assert tab.task_table.item(0, 0).text() == "Send a letter: calls unanswered in November 2026"
    tab.task_table.selectRow(0)
    tab.done_button.click()
    assert tab.task_table.item(0, 2).text() == "done 11/24/2026"
    assert not any("letter" in t.lower() for t in shown_reasons(unlocked, pid))
