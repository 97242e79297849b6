"""Today's queue: the home screen after unlock, filters, keyboard, the call timer."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.domain.queue import ReasonKind
from caredesk.services.call_queue import CallQueue
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.queue.prepared import QueueFilter
from caredesk.ui.queue.table_model import PATIENT, WHY, ReasonsRole
from tests.ui.conftest import FakeSeconds
from tests.ui.test_call_drafts import answer_call_question


def queue(window) -> QueuePage:
    return window.view.page(QueuePage)


def current_row(page: QueuePage) -> int:
    return page.table.currentIndex().row()


def test_queue_is_the_first_page_after_unlock_and_lists_patients_with_reasons(demo_unlocked):
    page = queue(demo_unlocked)
    assert demo_unlocked.view.stack.currentWidget() is page
    assert demo_unlocked.view.nav.currentRow() == 0
    service = CallQueue(demo_unlocked.workspace)
    expected = service.build()
    # Today's plan is shown first (issue 12): the service's plan at the default 20 calls a day.
    plan = service.plan()
    assert page.proxy.which is QueueFilter.PLAN
    shown = [page.proxy.patient_id(r) for r in range(page.proxy.rowCount())]
    assert set(shown) == set(plan.today) and len(shown) == 20 < len(expected)
    assert page.plan_bar.summary.text().startswith("Today's plan: ")
    assert "Your day: 20 calls a day; 0 calls made today." in page.plan_bar.summary.text()
    page.set_filter(QueueFilter.ALL)
    assert page.proxy.rowCount() == len(expected) > 10
    shown = [page.proxy.patient_id(r) for r in range(page.proxy.rowCount())]
    assert shown == [r.patient_id for r in expected]  # the service's rank, unchanged
    for r in range(page.proxy.rowCount()):
        reasons = page.proxy.index(r, WHY).data(ReasonsRole)
        assert reasons and page.proxy.index(r, WHY).data()  # chips and their text
    assert page.heading.text() == f"Tuesday, November 24 — {len(expected)} to call, 20 planned today"
    # The top patient is open in the call panel, ready for Space.
    assert page.panel.patient_id == expected[0].patient_id


def test_filters_change_the_row_count_and_say_how_many(demo_unlocked):
    page = queue(demo_unlocked)
    rows = CallQueue(demo_unlocked.workspace).build()
    deadline_kinds = {ReasonKind.SAFETY, ReasonKind.TRANSITION, ReasonKind.FOLLOW_UP, ReasonKind.TASK}
    expected = {
        QueueFilter.PLAN: 20,  # the default capacity, 20 calls a day
        QueueFilter.ALL: len(rows),
        QueueFilter.DEADLINES: sum(any(r.kind in deadline_kinds for r in q.entry.reasons) for q in rows),
        QueueFilter.NEEDS_MINUTES: sum(any(r.kind is ReasonKind.MINUTES for r in q.entry.reasons) for q in rows),
        QueueFilter.FOLLOW_UPS: sum(any(r.kind is ReasonKind.FOLLOW_UP for r in q.entry.reasons) for q in rows),
    }
    assert expected[QueueFilter.DEADLINES] < expected[QueueFilter.ALL]
    for which, count in expected.items():
        page.filter_buttons[which].click()
        assert page.proxy.rowCount() == count
        assert page.filter_buttons[which].text().endswith(f" {count}")
    page.filter_buttons[QueueFilter.ALL].click()
    assert page.proxy.rowCount() == len(rows)


def test_j_k_and_arrows_move_the_selection_and_the_panel_follows(demo_unlocked, qtbot):
    page = queue(demo_unlocked)
    page.table.setFocus()
    assert current_row(page) == 0
    qtbot.keyClick(page.table, Qt.Key.Key_J)
    assert current_row(page) == 1
    assert page.panel.patient_id == page.proxy.patient_id(1)
    qtbot.keyClick(page.table, Qt.Key.Key_J)
    qtbot.keyClick(page.table, Qt.Key.Key_K)
    assert current_row(page) == 1
    qtbot.keyClick(page.table, Qt.Key.Key_Down)
    assert current_row(page) == 2
    qtbot.keyClick(page.table, Qt.Key.Key_Up)
    qtbot.keyClick(page.table, Qt.Key.Key_K)
    qtbot.keyClick(page.table, Qt.Key.Key_K)  # stays on the first row
    assert current_row(page) == 0
    assert page.panel.patient_id == page.proxy.patient_id(0)


def test_enter_opens_the_patient_and_space_then_starts_the_timer(demo_unlocked, qtbot):
    """README: Enter opens the patient in the call panel, Space starts the call timer."""
    page = queue(demo_unlocked)
    page.panel.set_timer_clock(FakeSeconds())
    demo_unlocked.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_J)
    qtbot.keyClick(page.table, Qt.Key.Key_Return)
    assert page.panel.patient_id == page.proxy.patient_id(1)
    assert page.panel.header.name.text()
    qtbot.waitUntil(page.panel.start_button.hasFocus)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Space)
    assert page.panel.timer.running
    qtbot.waitUntil(page.panel.note.hasFocus)  # what is typed next is the call's note


def test_space_starts_the_timer_and_the_label_ticks(demo_unlocked, qtbot):
    page = queue(demo_unlocked)
    seconds = FakeSeconds()
    page.panel.set_timer_clock(seconds)
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_J)
    qtbot.keyClick(page.table, Qt.Key.Key_Space)
    assert page.panel.timer.running
    assert page.panel.ticker.isActive()
    assert page.panel.time_label.text() == "00:00"
    seconds.now += 65
    qtbot.waitUntil(lambda: page.panel.time_label.text() == "01:05", timeout=2500)  # the real 1 s ticker
    assert page.panel.minutes.value() == 1
    assert not page.panel.long_warning.isVisible()
    seconds.now += 60 * 60
    page.panel.timing.tick()
    assert page.panel.long_warning.isVisible()
    assert "Timer running for 61 min — still on the call?" in page.panel.long_warning.text()


def test_pause_and_stop_put_whole_minutes_in_the_form(demo_unlocked):
    panel = queue(demo_unlocked).panel
    seconds = FakeSeconds()
    panel.set_timer_clock(seconds)
    panel.start_button.click()
    seconds.now += 5 * 60
    panel.pause_button.click()
    seconds.now += 10 * 60  # paused time does not count
    panel.pause_button.click()
    seconds.now += 2 * 60 + 59
    panel.stop_button.click()
    assert panel.minutes.value() == 7
    assert not panel.timer.started
    assert panel.time_label.text() == "07:59"


def test_the_timer_stays_with_its_patient(demo_unlocked, qtbot):
    """Moving to another row while the timer runs asks first; Cancel keeps the call, and the
    highlighted row stays the call's patient (it showed another patient's row)."""
    page = queue(demo_unlocked)
    first = page.proxy.patient_id(0)
    page.panel.set_timer_clock(FakeSeconds())
    demo_unlocked.activateWindow()
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_Space)
    questions = answer_call_question(qtbot, Qt.Key.Key_Escape)
    qtbot.keyClick(page.table, Qt.Key.Key_J)
    assert current_row(page) == 0  # at once, before the question is even shown
    qtbot.waitUntil(lambda: questions == ["The call with " + page.panel.header.full_name + " is not saved."])
    assert page.panel.patient_id == first and page.panel.timer.running
    assert current_row(page) == 0
    page.panel.timing.stop()
    page.panel.drafts.discard_call()
    qtbot.keyClick(page.table, Qt.Key.Key_J)  # nothing left to lose: no question
    assert page.panel.patient_id == page.proxy.patient_id(1) and current_row(page) == 1
    assert len(questions) == 1


def test_patient_cell_shows_name_and_mrn(demo_unlocked):
    page = queue(demo_unlocked)
    row = page.model.queue_row(0)
    index = page.proxy.index(0, PATIENT)
    assert index.data() == row.patient.display_name
    assert row.patient.mrn in index.data(Qt.ItemDataRole.AccessibleTextRole)


def test_open_full_chart_shows_the_patient_on_the_patients_page(demo_unlocked):
    from caredesk.ui.chart.patients_page import PatientsPage

    page = queue(demo_unlocked)
    pid = page.panel.patient_id
    page.panel.header.chart_button.click()
    patients = demo_unlocked.view.page(PatientsPage)
    assert demo_unlocked.view.stack.currentWidget() is patients
    assert patients.chart.patient_id == pid


def test_ctrl_digits_switch_sections_and_put_the_keyboard_there(unlocked, qtbot):
    """Keyboard alone: Ctrl+1/2/3 are Queue, Patients, This month (tester finding, issue 10)."""
    view = unlocked.view
    unlocked.activateWindow()
    for row, title in enumerate(p.title for p in view.pages):
        qtbot.keyClick(
            QApplication.focusWidget() or view, getattr(Qt.Key, f"Key_{row + 1}"), Qt.KeyboardModifier.ControlModifier
        )
        assert view.nav.currentRow() == row, title
        focused = QApplication.focusWidget()
        assert focused is not None and view.pages[row].isAncestorOf(focused), title
        assert f"Ctrl+{row + 1}" in view.nav.item(row).toolTip()
