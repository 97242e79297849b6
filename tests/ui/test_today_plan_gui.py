"""Today's plan on the queue page (issue 12 "Today's plan"; SPEC 3 "Call queue"): shown first,
planned at the daily capacity the care manager sets (kept in the store, audited), re-planned at
once; a new store's queue says how to begin."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from caredesk.domain.call_capacity import Capacity, CapacityUnit
from caredesk.domain.queue import rank
from caredesk.services.access import Access
from caredesk.services.call_capacity import get_capacity
from caredesk.services.call_queue import CallQueue
from caredesk.store.vault import DataFolder
from caredesk.ui.queue.capacity_dialog import CapacityDialog
from caredesk.ui.queue.page import NO_PATIENTS, QueuePage
from caredesk.ui.queue.prepared import QueueFilter
from tests.conftest import FAST_KDF, PASSPHRASE, ZONE
from tests.ui.conftest import unlock_with


def set_capacity_by_minutes(qtbot, page: QueuePage, minutes: str, call_minutes: str) -> str:
    """Click Daily capacity…, pick "by minutes", type the two values and press Enter; the
    dialog's title."""
    qtbot.mouseClick(page.plan_bar.capacity_button, Qt.MouseButton.LeftButton)
    dialog = page.findChild(CapacityDialog)
    assert dialog is not None and dialog.isVisible()
    dialog.activateWindow()  # the offscreen platform does not activate a new window by itself
    qtbot.mouseClick(dialog.by_minutes, Qt.MouseButton.LeftButton)
    assert dialog.minutes.isEnabled() and not dialog.calls.isEnabled()
    for box, text in ((dialog.minutes, minutes), (dialog.call_minutes, call_minutes)):
        box.setFocus()
        QTest.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
        qtbot.keyClicks(box, text)
    QTest.keyClick(dialog.call_minutes, Qt.Key.Key_Return)
    return dialog.windowTitle()


def test_the_plan_is_shown_first_and_a_smaller_capacity_re_plans_at_once(demo_unlocked, qtbot):
    page = demo_unlocked.view.page(QueuePage)
    ws = demo_unlocked.workspace
    assert page.proxy.which is QueueFilter.PLAN and page.filter_buttons[QueueFilter.PLAN].isChecked()
    assert page.filter_buttons[QueueFilter.PLAN].text() == "Plan  20"  # the default: 20 calls a day
    assert set_capacity_by_minutes(qtbot, page, "60", "10") == "Daily capacity"
    saved = Capacity(CapacityUnit.MINUTES, 60, 10)
    qtbot.waitUntil(lambda: get_capacity(ws) == saved)
    # The page re-planned with what the service plans at that capacity, without a rebuild.
    service = CallQueue(ws)
    service.build()
    expected = service.plan(saved)
    shown = {page.proxy.patient_id(r) for r in range(page.proxy.rowCount())}
    assert shown == set(expected.today) and 0 < len(shown) < 20
    assert (
        f"about {expected.planned} min planned. Your day: 1 h 00 min of calls a day (10 min a call); 0 min logged today."
        in (page.plan_bar.summary.text())
    )
    assert page.notice.text() == "Daily capacity saved: 1 h 00 min of calls a day (10 min a call)."
    # The change is audited (no patient in it).
    with ws.uow() as uow:
        last = uow.audit_log.all()[-1]
    assert (last.entity, last.detail) == ("daily capacity", "1 h 00 min of calls a day (10 min a call)")


def test_a_patient_outside_the_plan_opened_from_elsewhere_switches_the_queue_to_all(demo_unlocked, qtbot):
    page = demo_unlocked.view.page(QueuePage)
    outside = next(r.patient_id for r in page.queue.rows if page.proxy.proxy_row(r.patient_id) is None)
    assert page.select_patient(outside)
    assert page.proxy.which is QueueFilter.ALL and page.panel.patient_id == outside


def test_a_new_store_says_how_to_begin(make_window, data_dir, clock, qtbot):
    ws, _code = Access(DataFolder(data_dir), clock).create(PASSPHRASE, kdf=FAST_KDF, zone=ZONE)
    ws.lock()
    window = make_window()
    unlock_with(qtbot, window)
    page = window.view.page(QueuePage)
    qtbot.waitUntil(lambda: page.notice.text() == NO_PATIENTS)
    assert page.heading.text().endswith("Nobody to call today.")
    assert not page.plan_bar.isVisible()


def test_the_plan_line_says_nobody_is_due_apart_from_no_calls_fit(qtbot):
    """A keyboard-only tester read "Today's plan: no calls fit" on a day nobody was due (everyone
    left reached today): it said the day was too short. "No calls fit" stays for a full day."""
    from caredesk.domain.today_plan import plan
    from caredesk.ui.queue.plan_bar import PlanBar
    from tests.domain.test_queue import NY, TODAY, call, facts
    from tests.domain.test_today_plan import CS, panel

    bar = PlanBar()
    qtbot.addWidget(bar)
    reached = facts(7, minutes={CS: 8}, contacts=(call(TODAY),), last_reached=TODAY)
    bar.show_plan(plan(rank([reached], TODAY, NY), Capacity(amount=20), 1, as_of=TODAY))
    assert bar.summary.text() == "Today's plan: nobody is due today. Your day: 20 calls a day; 1 call made today."
    bar.show_plan(plan(rank(panel(), TODAY, NY), Capacity(amount=4), 4, as_of=TODAY))
    assert bar.summary.text() == (
        "Today's plan: 2 must be called, no more calls fit in your day. Your day: 4 calls a day; 4 calls made today."
    )
    task_due = panel()[2]  # patient 3, a task due today: a must
    bar.show_plan(plan(rank([task_due, reached], TODAY, NY), Capacity(amount=20), 1, as_of=TODAY))
    assert bar.summary.text().startswith("Today's plan: 1 must be called, nobody else is due today.")
    bar.show_plan(plan(rank([reached], TODAY, NY), Capacity(amount=1), 1, as_of=TODAY))
    assert bar.summary.text().startswith("Today's plan: nobody is due today.")  # a full day, nobody waiting


def test_the_calls_that_fit_are_said_in_words(qtbot):
    """A keyboard-only tester read "Today's plan: 1 fit." and could not tell what fit: the calls
    that fit in the day set (the line goes on "Your day: 20 calls a day")."""
    from caredesk.domain.today_plan import plan
    from caredesk.ui.queue.plan_bar import PlanBar
    from tests.domain.test_queue import NY, TODAY, facts
    from tests.domain.test_today_plan import CS, panel

    bar = PlanBar()
    qtbot.addWidget(bar)
    bar.show_plan(plan(rank([facts(1, minutes={CS: 5})], TODAY, NY), Capacity(amount=20), 0, as_of=TODAY))
    assert bar.summary.text() == (
        "Today's plan: 1 call fits in your day. Your day: 20 calls a day; 0 calls made today."
    )
    bar.show_plan(plan(rank(panel(), TODAY, NY), Capacity(amount=4), 0, as_of=TODAY))
    assert bar.summary.text().startswith("Today's plan: 2 must be called, 2 more calls fit in your day. ")
