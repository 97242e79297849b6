"""Writes made outside the window (a `caredesk` command on the same data folder) show while unlocked.

A fresh tester added five patients and logged calls from the CLI while the app was unlocked: the
queue still said "1 to call" until Ctrl+L and an unlock. Real windows (tests/ui/conftest.py); the
outside write is a real `caredesk` process (tests/cli/test_cli.py run) or, where speed matters, a
second Access(...).unlock(...) of the same folder, whose engine and connections are its own as
another process's are. The poll runs every 20 ms here (2 s in the app).
"""

from __future__ import annotations

import json
from datetime import date

from PySide6.QtWidgets import QApplication

from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import ConsentMethod, Enrollment, Patient, Program
from caredesk.services.access import Access
from caredesk.services.patients import add_patient
from caredesk.store.vault import DataFolder
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.shell.outside_writes import WAITING
from tests.cli.test_cli import pw_env, run
from tests.conftest import PASSPHRASE
from tests.ui.conftest import CANARY_MRN
from tests.ui.test_changes_reach_every_page import list_minutes, month_minutes

POLL_MS = 20


def fast_poll(window) -> None:
    assert window.outside.watching
    window.outside.timer.setInterval(POLL_MS)


def caredesk(data_dir, *args: str) -> str:
    """`caredesk ARGS --data-dir DATA_DIR` as a real process beside the window; what it printed."""
    result = run(*args, "--data-dir", str(data_dir), env=pw_env())
    assert result.returncode == 0, result.stderr
    return result.stdout


def add_elsewhere(data_dir, clock, mrn: str) -> int:
    """A patient enrolled in CCM with consent, saved by another unlock of the store; their id."""
    other = Access(DataFolder(data_dir), clock).unlock(PASSPHRASE)
    try:
        patient = Patient(mrn=mrn, given_name="Otto", family_name="Outside", birth_date=date(1948, 5, 6))
        enrollment = Enrollment(
            patient_id=0,
            program=Program.CCM,
            start_date=date(2026, 1, 5),
            consent_date=date(2026, 1, 5),
            consent_method=ConsentMethod.VERBAL,
        )
        return add_patient(other, patient, enrollment).value.id
    finally:
        other.lock()


def shown(window, patient_id: int) -> bool:
    queue = window.view.page(QueuePage)
    patients = window.view.page(PatientsPage)
    return queue.model.row_of(patient_id) is not None and patients.model.row_of(patient_id) is not None


def idle(window) -> bool:
    return not any(getattr(p, "loading", False) for p in window.view.pages) and not window.outside.runner.busy


def test_a_patient_added_by_a_caredesk_command_shows_in_the_list_and_the_queue(unlocked, canary_store, qtbot, data_dir):
    queue = unlocked.view.page(QueuePage)
    heading = queue.heading.text()
    queue.select_patient(canary_store["canary"])
    fast_poll(unlocked)
    printed = caredesk(
        data_dir, "patient", "add", "--json", "--mrn", "OUT0001", "--given", "Otto", "--family", "Outside",
        "--dob", "05/06/1948", "--program", "CCM", "--consent-date", "01/05/2026", "--consent-method", "verbal",
    )  # fmt: skip
    new_id = json.loads(printed)["id"]
    qtbot.waitUntil(lambda: shown(unlocked, new_id) and idle(unlocked), timeout=15_000)
    assert queue.heading.text() != heading  # "N to call" counts them
    assert queue.panel.patient_id == canary_store["canary"]  # the selection stays
    assert queue.selected_id() == canary_store["canary"]
    assert "Updated with changes made outside this window" in unlocked.statusBar().currentMessage()


def test_a_call_logged_by_a_caredesk_command_moves_the_minutes(unlocked, canary_store, qtbot, data_dir):
    pid = canary_store["canary"]
    before_month, before_list = month_minutes(unlocked, pid), list_minutes(unlocked, pid)
    fast_poll(unlocked)
    caredesk(data_dir, "log-contact", "--mrn", CANARY_MRN, "--outcome", "reached", "--minutes", "17")
    qtbot.waitUntil(lambda: unlocked.outside.refreshed == 1 and idle(unlocked), timeout=15_000)
    assert month_minutes(unlocked, pid) == before_month + 17
    assert list_minutes(unlocked, pid) == before_list + 17


def test_a_caredesk_command_that_only_reads_refreshes_nothing(unlocked, qtbot, data_dir):
    """`caredesk patients` commits its unlock, export and lock events: nothing on screen changed."""
    fast_poll(unlocked)
    assert "Grace" in caredesk(data_dir, "patients")
    qtbot.waitUntil(lambda: unlocked.outside.reads_only == 1 and idle(unlocked), timeout=15_000)
    qtbot.wait(5 * POLL_MS)
    assert unlocked.outside.refreshed == 0 and unlocked.statusBar().currentMessage() == ""


def test_nothing_refreshes_under_an_unsaved_call_and_it_does_once_saved(unlocked, canary_store, qtbot, data_dir, clock):
    queue = unlocked.view.page(QueuePage)
    queue.select_patient(canary_store["canary"])
    queue.start_call()
    queue.panel.note.setPlainText("Talked about the new cuff")
    fast_poll(unlocked)
    new_id = add_elsewhere(data_dir, clock, "OUT0002")
    qtbot.waitUntil(lambda: unlocked.outside.ready is not None, timeout=5_000)
    qtbot.wait(10 * POLL_MS)
    assert unlocked.outside.refreshed == 0 and not shown(unlocked, new_id)
    assert unlocked.statusBar().currentMessage() == WAITING
    assert queue.panel.note.toPlainText() == "Talked about the new cuff"  # the call in progress is untouched

    queue.panel.set_outcome(Outcome.REACHED)
    queue.panel.minutes.setValue(9)
    assert queue.panel.save() is not None
    qtbot.waitUntil(lambda: shown(unlocked, new_id) and idle(unlocked), timeout=15_000)
    assert unlocked.outside.refreshed == 1


def test_nothing_refreshes_under_a_dialog(unlocked, qtbot, data_dir, clock):
    fast_poll(unlocked)
    dialog = unlocked.open_practice_details()
    assert dialog is not None
    qtbot.waitUntil(lambda: QApplication.activeModalWidget() is dialog, timeout=5_000)
    new_id = add_elsewhere(data_dir, clock, "OUT0003")
    qtbot.waitUntil(lambda: unlocked.outside.ready is not None, timeout=5_000)
    qtbot.wait(10 * POLL_MS)
    assert unlocked.outside.refreshed == 0 and not shown(unlocked, new_id)
    dialog.reject()
    qtbot.waitUntil(lambda: shown(unlocked, new_id) and idle(unlocked), timeout=15_000)


def test_own_writes_are_not_taken_for_outside_ones(unlocked, canary_store, qtbot):
    fast_poll(unlocked)
    queue = unlocked.view.page(QueuePage)
    queue.select_patient(canary_store["canary"])
    queue.panel.set_outcome(Outcome.REACHED)
    queue.panel.minutes.setValue(6)
    assert queue.panel.save() is not None  # a call saved here: a commit of the app's own
    unlocked.view.show_page(PatientsPage).select_patient(canary_store["Abbott"])  # a view, audited
    qtbot.wait(10 * POLL_MS)
    assert unlocked.outside.refreshed == 0 and not unlocked.outside.pending and unlocked.outside.ready is None


def test_the_poll_stops_at_the_lock_and_starts_again_at_the_unlock(unlocked, qtbot, data_dir, clock):
    from tests.ui.conftest import unlock_with

    fast_poll(unlocked)
    unlocked.lock()
    assert not unlocked.outside.watching and unlocked.outside.workspace is None
    assert unlocked.statusBar().currentMessage() == ""
    add_elsewhere(data_dir, clock, "OUT0004")
    unlock_with(qtbot, unlocked)
    assert unlocked.outside.watching
    qtbot.wait(200)
    assert unlocked.outside.refreshed == 0  # what was saved while locked was read by the unlock itself


def test_a_daily_capacity_set_by_a_caredesk_command_makes_the_plan_again(unlocked, qtbot, data_dir):
    queue = unlocked.view.page(QueuePage)
    assert "3 calls a day" not in queue.plan_bar.summary.text()
    fast_poll(unlocked)
    caredesk(data_dir, "capacity", "--calls", "3")
    qtbot.waitUntil(lambda: unlocked.outside.refreshed == 1 and idle(unlocked), timeout=15_000)
    assert "3 calls a day" in queue.plan_bar.summary.text()
    assert queue.queue is not None and queue.queue.capacity.amount == 3


def test_a_call_kept_as_a_draft_lets_the_refresh_through(unlocked, canary_store, qtbot, data_dir, clock):
    queue = unlocked.view.page(QueuePage)
    queue.select_patient(canary_store["canary"])
    queue.panel.note.setPlainText("Left a message with her daughter")
    assert queue.panel.drafts.unsaved
    fast_poll(unlocked)
    unlocked.outside.timer.setInterval(60_000)  # only the draft kept may let it through now
    new_id = add_elsewhere(data_dir, clock, "OUT0005")
    unlocked.outside.poll()
    qtbot.waitUntil(lambda: unlocked.outside.ready is not None, timeout=5_000)
    assert queue.panel.drafts.keep_draft()
    qtbot.waitUntil(lambda: shown(unlocked, new_id) and idle(unlocked), timeout=5_000)
    assert queue.panel.note.toPlainText() == "Left a message with her daughter"  # the draft stays on screen


def test_the_idle_lock_stops_the_poll(unlocked, qtbot):
    fast_poll(unlocked)
    unlocked.set_idle_interval_ms(50)
    qtbot.waitUntil(lambda: unlocked.workspace is None, timeout=5_000)
    assert not unlocked.outside.watching and unlocked.outside.workspace is None


def test_an_open_chart_stays_open_and_shows_a_call_logged_outside(unlocked, canary_store, qtbot, data_dir, clock):
    from caredesk.services.calls import log_contact

    pid = canary_store["canary"]
    before = list_minutes(unlocked, pid)
    patients = unlocked.view.show_page(PatientsPage)
    patients.select_patient(pid)
    qtbot.waitUntil(lambda: patients.chart.patient_id == pid, timeout=5_000)
    shown_before = patients.chart.identity.text()
    fast_poll(unlocked)
    other = Access(DataFolder(data_dir), clock).unlock(PASSPHRASE)
    try:
        log_contact(other, pid, outcome=Outcome.REACHED, minutes=11)
    finally:
        other.lock()
    qtbot.waitUntil(lambda: unlocked.outside.refreshed == 1 and idle(unlocked), timeout=15_000)
    assert patients.chart.patient_id == pid and patients.chart.identity.text() == shown_before
    assert patients.chart.message.text() == ""
    assert list_minutes(unlocked, pid) == before + 11
