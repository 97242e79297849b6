"""Issue 9 "Done when", in the GUI: on a store made as `caredesk init` makes it (empty, not the
demo), a new user builds a complete CCM patient from nothing through the real widgets and sees
them bill, enters a discharge and watches the TCM deadlines appear and leave the queue, closes
the app's letter task from the call panel, and corrects a mis-logged call and sees the bill
change.

Rules the steps rest on:
- CCM 99490 needs consent on file, two or more chronic conditions and 20 minutes of clinical
  staff time in the calendar month (CMS MLN909188, "Chronic Care Management Services").
- TCM: an interactive contact within 2 business days of discharge, a face-to-face visit within
  14 days (moderate complexity), medication reconciliation by the visit (CMS MLN908628).
- A letter task after three unanswered calls in a month (SPEC §3 "Call queue").
The clock is the suite's: Tuesday 11/24/2026, America/New_York.
"""

from __future__ import annotations

from datetime import date

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractItemView, QApplication, QLineEdit, QTabWidget, QWidget

from caredesk.clock import FixedClock
from caredesk.domain.coordination import TaskKind, TaskStatus
from caredesk.services import tasks as task_service
from caredesk.services.access import Access
from caredesk.services.calls import log_contact
from caredesk.store.vault import DataFolder
from caredesk.ui.chart.clinical_dialogs import ConditionDialog
from caredesk.ui.chart.clinical_tab import ClinicalTab
from caredesk.ui.chart.contact_forms import CorrectionForm
from caredesk.ui.chart.contacts_tab import MINUTES as CONTACT_MINUTES
from caredesk.ui.chart.contacts_tab import ContactsTab
from caredesk.ui.chart.icd10_field import Icd10Field
from caredesk.ui.chart.patient_form import AddPatientDialog
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.record_dialogs import EnrollmentDialog
from caredesk.ui.chart.record_tab import RecordTab
from caredesk.ui.chart.stays_tab import StayDialog, StaysTab, StepDialog
from caredesk.ui.common.hub import publish
from caredesk.ui.month.page import MonthPage
from caredesk.ui.month.table_model import CODES, MRN
from caredesk.ui.month.table_model import MINUTES as MONTH_MINUTES
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.queue.prepared import QueueFilter
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.ui.conftest import unlock_with
from tests.ui.test_call_drafts import ALT, CTRL, press
from tests.ui.test_coordination_in_window import shown_reasons
from tests.ui.test_month_page import settle
from tests.ui.test_tasks_tab import _dialog

MRN_TYPED = "JRN0001"


@pytest.fixture
def fresh(make_window, data_dir, clock: FixedClock, qtbot):
    """A window unlocked over a store as `caredesk init` leaves it: no patient at all."""
    ws, _code = Access(DataFolder(data_dir), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    window = make_window()
    unlock_with(qtbot, window)
    window.activateWindow()
    return window


# -- a user's hands -------------------------------------------------------------------
def go(window, qtbot, title: str):
    """Click a page in the navigation list."""
    nav = window.view.nav
    item = next(nav.item(i) for i in range(nav.count()) if nav.item(i).text() == title)
    qtbot.mouseClick(nav.viewport(), Qt.MouseButton.LeftButton, pos=nav.visualItemRect(item).center())
    page = window.view.stack.currentWidget()
    assert page.title == title
    return page


def click(qtbot, button: QWidget) -> None:
    assert button.isVisible() and button.isEnabled(), button.accessibleName()
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def type_into(qtbot, field: QLineEdit, text: str) -> None:
    """Replace what the field holds by typing, as a user does."""
    field.setFocus()
    field.selectAll()
    qtbot.keyClick(field, Qt.Key.Key_Delete)
    qtbot.keyClicks(field, text)


def pick(qtbot, combo, text: str) -> None:
    """Choose a combo box item by typing its first letters (keyboard search)."""
    combo.setFocus()
    qtbot.keyClicks(combo, text)
    assert combo.currentText() == text


def click_row(qtbot, view: QAbstractItemView, row: int, column: int = 0) -> None:
    view.scrollTo(view.model().index(row, column))
    rect = view.visualRect(view.model().index(row, column))
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def chart_tab(qtbot, tabs: QTabWidget, cls):
    """Click the chart's tab showing `cls`."""
    index = next(i for i in range(tabs.count()) if isinstance(tabs.widget(i), cls))
    bar = tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(index).center())
    assert tabs.currentIndex() == index
    return tabs.widget(index)


def visible_dialog(qtbot, parent: QWidget, cls):
    qtbot.waitUntil(lambda: any(d.isVisible() for d in parent.findChildren(cls)))
    dialog = _dialog(parent, cls)
    qtbot.waitExposed(dialog)
    return dialog


# -- what the screens say -------------------------------------------------------------
def month_row(window, mrn: str) -> tuple[str, str]:
    """(minutes, codes) as the This month table shows them for the MRN."""
    page = window.view.page(MonthPage)
    settle(page)
    proxy = page.proxy
    (row,) = [r for r in range(proxy.rowCount()) if proxy.index(r, MRN).data() == mrn]
    return str(proxy.index(row, MONTH_MINUTES).data()), proxy.index(row, CODES).data() or ""


def open_chart_tab(window, qtbot, pid: int, cls):
    page = go(window, qtbot, PatientsPage.title)
    if page.chart.patient_id != pid:
        click_row(qtbot, page.table, page.proxy.mapFromSource(page.model.index(page.model.row_of(pid), 0)).row())
        qtbot.waitUntil(lambda: page.chart.patient_id == pid)
    tab = chart_tab(qtbot, page.chart.tabs, cls)
    qtbot.waitUntil(tab.isVisible)
    return tab


def open_in_call_panel(window, qtbot, pid: int) -> QueuePage:
    queue = go(window, qtbot, QueuePage.title)
    if queue.proxy.proxy_row(pid) is None:  # reached today, so not in today's plan: All lists them
        qtbot.mouseClick(queue.filter_buttons[QueueFilter.ALL], Qt.MouseButton.LeftButton)
    row = queue.proxy.proxy_row(pid)
    assert row is not None, "the patient is not in today's queue"
    click_row(qtbot, queue.table, row)
    qtbot.waitUntil(lambda: queue.panel.patient_id == pid)
    return queue


def test_a_new_user_builds_a_ccm_patient_sees_the_bill_works_tcm_closes_a_letter_and_corrects_a_call(fresh, qtbot):
    window = fresh
    window.resize(1440, 900)

    # 1. Add patient (Patients page, Add patient…): a patient from nothing.
    patients = go(window, qtbot, PatientsPage.title)
    assert patients.proxy.rowCount() == 0
    click(qtbot, patients.add_button)
    add = visible_dialog(qtbot, patients, AddPatientDialog)
    for field, text in (
        (add.mrn, MRN_TYPED),
        (add.given, "Ottilie"),
        (add.family, "Journeyqzx"),
        (add.birth, "05/17/1949"),
        (add.phone, "(555) 010-3131"),
    ):
        type_into(qtbot, field, text)
    click(qtbot, add.save_button)
    qtbot.waitUntil(lambda: not add.isVisible())
    pid = add.saved.id
    qtbot.waitUntil(lambda: patients.chart.patient_id == pid)  # the new chart is open

    # 2. Record tab: enroll in CCM with consent.
    record = chart_tab(qtbot, patients.chart.tabs, RecordTab)
    click(qtbot, record.enroll_button)
    enroll = visible_dialog(qtbot, record, EnrollmentDialog)
    e = enroll.enrollment_fields
    pick(qtbot, e.program, "CCM")
    type_into(qtbot, e.start, "11/02/2026")
    type_into(qtbot, e.consent, "11/02/2026")
    pick(qtbot, e.consent_method, "verbal")
    click(qtbot, enroll.save_button)
    qtbot.waitUntil(lambda: not enroll.isVisible())
    assert record.programs.item(0, 0).text() == "CCM"
    assert record.programs.item(0, 3).text() == "11/02/2026 (verbal)"
    assert month_row(window, MRN_TYPED) == ("0 / 0", "—")  # enrolled, nothing to bill yet

    # Last week the practice called three times unanswered (back-filled, as a paper log is):
    # the app's own rule adds the letter task.
    ws = window.workspace
    for day in (date(2026, 11, 17), date(2026, 11, 18), date(2026, 11, 19)):
        logged = log_contact(ws, pid, outcome="voicemail", minutes=0, on=day)
        publish(logged.changes)
    assert logged.letter_task is not None

    # 3. Clinical tab: two chronic conditions by ICD-10-CM code.
    clinical = chart_tab(qtbot, patients.chart.tabs, ClinicalTab)
    qtbot.waitUntil(lambda: clinical.record is not None)
    for code in ("E11.9", "I10"):
        click(qtbot, clinical.add_condition_button)
        dialog = visible_dialog(qtbot, clinical, ConditionDialog)
        assert dialog.focusWidget() is dialog.code.edit  # typing at once goes into the code
        qtbot.keyClicks(dialog.code.edit, code)
        qtbot.waitUntil(lambda d=dialog: Icd10Field._ready and not d.code._timer.isActive(), timeout=15_000)
        assert dialog.code.description.text().startswith(code)
        assert dialog.chronic.isChecked()
        click(qtbot, dialog.save_button)
        qtbot.waitUntil(lambda d=dialog: not d.isVisible())
    assert [clinical.conditions.item(r, 0).text() for r in range(clinical.conditions.rowCount())] == ["E11.9", "I10"]
    assert clinical.chronic_count.text() == "2 chronic conditions"

    # 4. A reached call of 25 minutes from the call panel, typed by keyboard.
    queue = open_in_call_panel(window, qtbot, pid)
    panel = queue.panel
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    press(qtbot, Qt.Key.Key_O, ALT)  # N&ote
    assert QApplication.focusWidget() is panel.note
    qtbot.keyClicks(panel.note, "Went over the new glucose meter")
    press(qtbot, Qt.Key.Key_R, ALT)
    press(qtbot, Qt.Key.Key_Tab)  # to the minutes
    qtbot.keyClicks(QApplication.focusWidget(), "25")
    press(qtbot, Qt.Key.Key_S, CTRL)
    assert "Call saved (reached, 25 min)." in queue.notice.text()

    # 5. This month: 25 of 20 minutes, consent, two chronic conditions -> 99490.
    go(window, qtbot, MonthPage.title)
    assert month_row(window, MRN_TYPED) == ("25 / 0", "99490")

    # 6. Hospital stays: a discharge yesterday puts the TCM deadlines in the queue.
    stays = open_chart_tab(window, qtbot, pid, StaysTab)
    click(qtbot, stays.add_button)
    stay = visible_dialog(qtbot, stays, StayDialog)
    type_into(qtbot, stay.facility, "Mercy General")
    type_into(qtbot, stay.admitted, "11/19/2026")
    type_into(qtbot, stay.discharged, "11/23/2026")
    click(qtbot, stay.save_button)
    qtbot.waitUntil(lambda: not stay.isVisible())
    reasons = shown_reasons(window, pid)
    # The reached call of step 4 (today, within 2 business days of the discharge) was logged
    # before the stay was entered: it is already the TCM contact (CMS MLN908628).
    assert not any("TCM contact" in t for t in reasons)
    assert "Discharged 11/23 - face-to-face visit and medication reconciliation due by 12/07" in reasons

    # 7. Each TCM step recorded in the tab leaves the queue.
    for button, gone in (
        (stays.contact_button, "TCM contact"),
        (stays.visit_button, "face-to-face visit"),
        (stays.reconcile_button, "medication reconciliation"),
    ):
        click(qtbot, button)
        step = visible_dialog(qtbot, stays, StepDialog)
        assert step.day.text() == "11/24/2026"  # today, as the form offers it
        click(qtbot, step.save_button)
        qtbot.waitUntil(lambda s=step: not s.isVisible())
        assert not any(gone in t for t in shown_reasons(window, pid)), gone
    assert not any(t.startswith("Discharged") for t in shown_reasons(window, pid))

    # 8. The letter task, closed from the call panel by keyboard: Alt+K, Tab, Space.
    letter = "Task overdue since 11/20: Send a letter: calls unanswered in November 2026"
    assert letter in shown_reasons(window, pid)
    queue = open_in_call_panel(window, qtbot, pid)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    press(qtbot, Qt.Key.Key_K, ALT)  # Open tas&ks
    assert QApplication.focusWidget() is queue.panel.tasks.list
    press(qtbot, Qt.Key.Key_Tab)
    press(qtbot, Qt.Key.Key_Space)
    (task,) = [t for t in task_service.tasks(ws, pid, include_done=True) if t.kind is TaskKind.LETTER]
    assert task.status is TaskStatus.DONE
    assert not any("letter" in t.lower() for t in shown_reasons(window, pid))
    assert queue.panel.tasks.list.count() == 0

    # 9. Contacts & minutes: the 25-minute call was 15; corrected, the month no longer bills 99490.
    contacts = open_chart_tab(window, qtbot, pid, ContactsTab)
    minutes = [contacts.model.index(r, CONTACT_MINUTES).data() for r in range(contacts.model.rowCount())]
    click_row(qtbot, contacts.table, minutes.index(25))
    press(qtbot, Qt.Key.Key_Return)  # Enter opens Correct…
    form = visible_dialog(qtbot, contacts, CorrectionForm)
    form.minutes.setFocus()
    form.minutes.selectAll()
    qtbot.keyClicks(form.minutes, "15")
    qtbot.keyClicks(form.reason.lineEdit(), "timed the wrong call")
    click(qtbot, form.ok_button)
    qtbot.waitUntil(lambda: not form.isVisible())
    assert 15 in [contacts.model.index(r, CONTACT_MINUTES).data() for r in range(contacts.model.rowCount())]
    go(window, qtbot, MonthPage.title)
    assert month_row(window, MRN_TYPED) == ("15 / 0", "—")  # 15 of 20 minutes: no 99490
