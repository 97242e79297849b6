"""Ctrl+1 puts the keyboard in today's queue's list, on the call panel's patient.

A fresh tester pressed Ctrl+1 from another page five times out of five and the cursor went to
the plan's "Daily capacity…" button (the first control of the page): j/k/N did nothing and
Space opened the capacity question. Right after the unlock it was right (the window puts it in
the list itself)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from caredesk.ui.chart.contacts_tab import ContactsTab
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.month.page import MonthPage
from caredesk.ui.queue.page import QueuePage

CTRL = Qt.KeyboardModifier.ControlModifier


def _ctrl(window, qtbot, key: Qt.Key) -> None:
    QTest.keyClick(window, key, CTRL)
    qtbot.wait(10)


def _in_the_queue_list(window, qtbot) -> QueuePage:
    page = window.view.page(QueuePage)
    assert window.view.stack.currentWidget() is page
    qtbot.waitUntil(lambda: QApplication.focusWidget() is page.table)
    current = page.table.currentIndex()
    assert current.isValid() and page.proxy.patient_id(current.row()) == page.panel.patient_id
    return page


def test_ctrl_1_from_each_other_page_lands_in_the_queue_list(unlocked, canary_store, qtbot):
    window = unlocked
    window.activateWindow()
    page = _in_the_queue_list(window, qtbot)  # right after the unlock (already right)
    assert page.plan_bar.isVisible()  # the capacity button is there, before the list
    first = page.panel.patient_id

    _ctrl(window, qtbot, Qt.Key.Key_2)
    assert window.view.stack.currentWidget() is window.view.page(PatientsPage)
    _ctrl(window, qtbot, Qt.Key.Key_1)
    _in_the_queue_list(window, qtbot)

    _ctrl(window, qtbot, Qt.Key.Key_3)
    assert window.view.stack.currentWidget() is window.view.page(MonthPage)
    _ctrl(window, qtbot, Qt.Key.Key_1)
    _in_the_queue_list(window, qtbot)

    # From inside a chart's tab (the Contacts & minutes tab's month box).
    patients = window.view.show_page(PatientsPage)
    patients.select_patient(canary_store["Abbott"])
    qtbot.waitUntil(lambda: patients.chart.patient_id == canary_store["Abbott"])
    tab = patients.chart.tab(ContactsTab)
    patients.chart.show_tab(tab)
    tab.month.setFocus()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is tab.month)
    _ctrl(window, qtbot, Qt.Key.Key_1)
    page = _in_the_queue_list(window, qtbot)
    assert page.panel.patient_id == first

    # The list's own keys work at once: j moves to the next patient.
    QTest.keyClick(QApplication.focusWidget(), Qt.Key.Key_J)
    qtbot.waitUntil(lambda: page.panel.patient_id != first)
    assert QApplication.focusWidget() is page.table
