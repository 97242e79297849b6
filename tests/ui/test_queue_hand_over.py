"""Today's queue after an unlock (issue 14): the first patient's chart is read on the worker
that built the queue, not on the GUI thread, and its view is audited once, also when the
window is locked before the hand-over is over. The queue shown is the service's."""

from __future__ import annotations

import threading

from PySide6.QtCore import QTimer

from caredesk.domain import audit as actions
from caredesk.services import patients as patient_records
from caredesk.services.call_queue import CallQueue
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.queue.prepared import QueueFilter
from tests.conftest import PASSPHRASE
from tests.ui.conftest import unlock_with


def _views(window, patient_id: int) -> list[int]:
    """Sequence numbers of the audited views of the patient's chart."""
    assert window.workspace is not None
    with window.workspace.reading() as uow:
        return [
            e.seq
            for e in uow.audit_log.all()
            if e.action == actions.PATIENT_VIEWED and e.entity_id == str(patient_id) and not e.detail
        ]


def _spy_open_chart(monkeypatch) -> list[tuple[int, bool, bool]]:
    """(patient id, on the GUI thread, audited) for each chart opened."""
    calls: list[tuple[int, bool, bool]] = []
    real = patient_records.open_chart

    def spy(ws, patient_id, *, audit_view=True):
        calls.append((patient_id, threading.current_thread() is threading.main_thread(), audit_view))
        return real(ws, patient_id, audit_view=audit_view)

    monkeypatch.setattr(patient_records, "open_chart", spy)
    return calls


def test_the_first_patient_is_read_off_the_gui_thread_and_audited_once(make_window, demo_store, qtbot, monkeypatch):
    calls = _spy_open_chart(monkeypatch)
    window = make_window()
    unlock_with(qtbot, window)
    page = window.view.page(QueuePage)
    service = CallQueue(window.workspace)
    rows, plan = service.build(), service.plan()
    # The same queue as the service's, in its order, with the first planned patient open.
    assert page.proxy.which is QueueFilter.PLAN
    first = next(r.patient_id for r in rows if r.patient_id in plan.today)
    assert page.panel.patient_id == first == page.selected_id()
    page.set_filter(QueueFilter.ALL)
    assert [page.proxy.patient_id(r) for r in range(page.proxy.rowCount())] == [r.patient_id for r in rows]
    assert page.panel.header.full_name  # the chart is shown
    # Read once, on the worker, unaudited; the view audited once, after the hand-over.
    assert calls == [(first, False, False)]
    qtbot.waitUntil(lambda: len(_views(window, first)) == 1)
    page.panel.first_view.views.wait()
    qtbot.wait(50)
    assert len(_views(window, first)) == 1


def test_a_patient_restored_after_a_lock_is_the_one_read_on_the_worker(make_window, demo_store, qtbot, monkeypatch):
    window = make_window()
    unlock_with(qtbot, window)
    page = window.view.page(QueuePage)
    page.set_filter(QueueFilter.ALL)
    chosen = page.proxy.patient_id(5)
    assert chosen is not None and chosen != page.panel.patient_id
    page.select_patient(chosen)
    window.lock()
    calls = _spy_open_chart(monkeypatch)
    unlock_with(qtbot, window)
    assert page.panel.patient_id == chosen == page.selected_id()
    assert calls == [(chosen, False, False)]
    qtbot.waitUntil(lambda: len(_views(window, chosen)) == 2)  # once per unlock


def test_a_lock_before_the_hand_over_is_over_still_audits_the_view(make_window, demo_store, qtbot):
    window = make_window()
    page = window.view.page(QueuePage)
    shown: list[int | None] = []

    def lock_at_once() -> None:  # posted: before the hand-over's last turn
        shown.append(page.panel.patient_id)
        window.lock()

    page.ready.connect(lambda: QTimer.singleShot(0, lock_at_once))
    window.unlock_panel.unlock.passphrase.setText(PASSPHRASE)
    window.unlock_panel.unlock.unlock_button.click()
    qtbot.waitUntil(lambda: bool(shown) and window.workspace is None, timeout=15_000)
    assert shown[0] is not None
    assert page.panel.patient_id is None and page.model.rowCount() == 0  # locked cleanly
    page.ready.disconnect()
    unlock_with(qtbot, window)
    views = _views(window, shown[0])
    assert views, "the view before the lock was not audited"
    with window.workspace.reading() as uow:
        events = uow.audit_log.all()
    lock_seq = next(e.seq for e in reversed(events) if e.action == actions.LOCK)
    assert views[0] < lock_seq  # written before the store closed
