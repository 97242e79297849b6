"""One change, every screen: a write on one page shows on the others without a lock.

Each test works through the real widgets of one page, then reads today's queue, the
month view and the patient list as they are on screen (no reload, no lock/unlock).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt

from caredesk.domain.patients import Program
from caredesk.domain.queue import ReasonKind
from caredesk.ui.careplan.editor import CarePlanEditor
from caredesk.ui.chart.patient_table import MINUTES as LIST_MINUTES
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.month.page import MonthPage
from caredesk.ui.queue.page import QueuePage
from tests.ui.test_add_patient import _fill
from tests.ui.test_month_page import settle


@pytest.fixture
def demo_store_30(demo_store) -> str:
    """A 30-patient synthetic panel, locked (tests/ui/conftest.py demo_store); its passphrase."""
    from tests.conftest import PASSPHRASE

    return PASSPHRASE


def queue_reasons(window, patient_id: int) -> set[ReasonKind] | None:
    """The kinds of the patient's reasons in the queue as shown; None when not in it."""
    model = window.view.page(QueuePage).model
    row = model.row_of(patient_id)
    return None if row is None else {r.kind for r in model.queue_row(row).entry.reasons}


def month_minutes(window, patient_id: int) -> int | None:
    page = window.view.page(MonthPage)
    settle(page)
    row = next((r for r in page.model.rows() if r.patient_id == patient_id), None)
    return None if row is None else row.total_minutes


def list_minutes(window, patient_id: int) -> object:
    page = window.view.page(PatientsPage)
    row = page.model.row_of(patient_id)
    return None if row is None else page.model.index(row, LIST_MINUTES).data()


def test_a_patient_added_in_the_list_joins_the_queue_and_the_month_view(unlocked, qtbot):
    settle(unlocked.view.page(MonthPage))
    patients = unlocked.view.show_page(PatientsPage)
    dialog = patients.add_patient()
    _fill(dialog)
    dialog.program.setCurrentText(Program.CCM.value)
    dialog.consent.setText("11/20/2026")
    dialog.consent_method.setCurrentText("written")
    qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    new_id = dialog.saved.id

    # Enrolled with consent, never called, no care plan: the queue says so at once.
    reasons = queue_reasons(unlocked, new_id)
    assert reasons is not None and ReasonKind.CARE_PLAN in reasons
    assert month_minutes(unlocked, new_id) == 0  # a row in this month's billing view
    assert list_minutes(unlocked, new_id) == 0
    assert patients.chart.patient_id == new_id


def test_time_logged_from_the_call_panel_reaches_the_month_view_and_the_list(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    before_month, before_list = month_minutes(unlocked, pid), list_minutes(unlocked, pid)
    page = unlocked.view.show_page(QueuePage)
    page.select_patient(pid)
    page.open_selected(focus=False)
    dialog = page.panel.side_work.log_other_time()
    dialog.minutes.setValue(14)
    dialog.activity.setCurrentText("care coordination")
    dialog.save_button.click()
    assert dialog.saved is not None

    assert month_minutes(unlocked, pid) == before_month + 14
    assert list_minutes(unlocked, pid) == before_list + 14
    row = page.model.row_of(pid)
    assert row is not None and page.model.queue_row(row).entry.minutes == before_month + 14


def test_finalizing_a_plan_in_the_chart_clears_the_queue_reason(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    assert ReasonKind.CARE_PLAN in (queue_reasons(unlocked, pid) or set())
    patients = unlocked.view.show_page(PatientsPage)
    assert patients.select_patient(pid)
    qtbot.waitUntil(lambda: patients.chart.patient_id == pid)
    editor = patients.chart.tab(CarePlanEditor)
    patients.chart.show_tab(editor)
    editor.add_from_template("hypertension", "I11.9")
    editor.sections.next_review.set_value(unlocked.workspace.today() + timedelta(days=90))
    editor.history.finalize_button.click()
    assert editor.history.message.text() == "Version 1 finalized."

    assert ReasonKind.CARE_PLAN not in (queue_reasons(unlocked, pid) or set())
    assert editor.history.versions.count() == 2  # the editor was not reloaded under the user


def test_a_call_saved_on_the_queue_updates_the_month_view(unlocked, canary_store):
    from caredesk.domain.contacts import Outcome

    pid = canary_store["canary"]
    before = month_minutes(unlocked, pid)
    page = unlocked.view.show_page(QueuePage)
    page.select_patient(pid)
    page.open_selected(focus=False)
    page.panel.set_outcome(Outcome.REACHED)
    page.panel.minutes.setValue(21)
    assert page.panel.save() is not None
    assert month_minutes(unlocked, pid) == before + 21


def test_a_lock_while_the_pages_are_still_reading_drops_what_they_read(make_window, demo_store_30, qtbot):
    from tests.ui.conftest import unlock_with

    window = make_window()
    seen: list[bool] = []

    def lock_at_once(*_args: object) -> None:
        # Runs right after the window started its reads, before any result can come back
        # (results arrive through the event loop): a lock in the middle of every read.
        seen.append(all(p.loading for p in window.view.pages))
        window.lock()  # waits for the reads in progress, then drops their rows

    window.unlock_panel.unlocked.connect(lock_at_once)
    page = window.unlock_panel.unlock
    page.passphrase.setText(demo_store_30)
    page.unlock_button.click()
    qtbot.waitUntil(lambda: bool(seen), timeout=10_000)
    window.unlock_panel.unlocked.disconnect(lock_at_once)
    assert seen == [True]
    qtbot.wait(200)  # a late result would arrive through the event loop now
    assert window.workspace is None
    assert all(p.model.rowCount() == 0 and not p.loading for p in window.view.pages)
    assert window.central_page() is window.unlock_panel

    unlock_with(qtbot, window, demo_store_30)
    assert window.view.pages[0].model.rowCount() > 0
