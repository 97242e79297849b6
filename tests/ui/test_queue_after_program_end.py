"""Today's queue for a patient whose program has ended (a fresh tester's finds), over a real store.

- The Minutes column showed a bar "7/20" beside "Not enrolled since 12/01 (CCM ended)", read as
  "13 minutes still to get": with no program running today no progress toward a threshold shows.
- Minutes logged after the end count for nothing: the queue says so in the bill's words, as
  This month does ("14 min after CCM ended 11/20 count for nothing").
The tests' today is 11/24/2026; the canary is in CCM since 03/01/2025.
"""

from __future__ import annotations

from datetime import date

from caredesk.domain.patients import Program
from caredesk.services import enrollments, patient_records
from caredesk.services.calls import log_time
from caredesk.ui.queue.page import QueuePage
from caredesk.ui.queue.table_model import MINUTES, MinutesRole
from tests.ui.test_outside_writes import idle


def _rebuilt(window, qtbot) -> QueuePage:
    queue = window.view.show_page(QueuePage)
    queue.load(window.workspace)
    qtbot.waitUntil(lambda: idle(window), timeout=15_000)
    return queue


def test_an_ended_program_shows_no_progress_and_says_which_minutes_count_for_nothing(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    ws = unlocked.workspace
    for minutes, day in ((7, date(2026, 11, 19)), (14, date(2026, 11, 21))):
        log_time(ws, pid, minutes=minutes, activity="care coordination", on=day, program="CCM")
    ccm = next(e for e in patient_records.record(ws, pid).enrollments if e.program is Program.CCM)
    enrollments.end_enrollment(ws, ccm.id, date(2026, 11, 20))  # the 14 minutes of 11/21 come after it
    queue = _rebuilt(unlocked, qtbot)
    row = queue.model.row_of(pid)
    assert row is not None
    index = queue.model.index(row, MINUTES)
    minutes, threshold = index.data(MinutesRole)
    assert threshold is None  # no bar: nothing can be added to a program that ended
    assert index.data() == "—"
    reasons = [r.text for r in queue.model.queue_row(row).entry.reasons]
    assert "Not enrolled: CCM ended 11/20 (14 min after CCM ended 11/20 count for nothing)" in reasons
    assert not any("of 20 min" in r for r in reasons)  # no minutes chase either
    assert minutes >= 7  # the minutes before the end still count


def test_after_saving_a_call_the_next_patient_is_never_one_reached_today(unlocked, canary_store, qtbot, data_dir):
    """A fresh tester saved a call and the next patient up was one reached a minute before from
    `caredesk log-contact` (an outside write the window had not read yet), shown afterwards as
    "Reached today at 6:57 AM". The next patient is the next one not reached today, read again
    from the store before being chosen."""
    from caredesk.domain.contacts import Outcome
    from caredesk.domain.queue import ReasonKind
    from tests.ui.test_outside_writes import caredesk

    queue = unlocked.view.show_page(QueuePage)
    qtbot.waitUntil(lambda: idle(unlocked), timeout=15_000)
    canary, abbott, young = canary_store["canary"], canary_store["Abbott"], canary_store["Young"]
    order = [queue.proxy.patient_id(r) for r in range(queue.proxy.rowCount())]
    assert order[:3] == [canary, abbott, young], order
    assert queue.select_patient(canary)
    queue.open_selected()
    unlocked.outside.timer.stop()  # the window has not read the outside write when the call is saved
    caredesk(data_dir, "log-contact", "--mrn", "MRN20002", "--outcome", "reached", "--minutes", "0")
    panel = queue.panel
    panel.set_outcome(Outcome.REACHED)
    panel.note.setPlainText("Reviewed the new inhaler")
    panel.timing.set_minutes(12, edited=True)
    assert panel.save() is not None
    qtbot.waitUntil(lambda: panel.patient_id != canary, timeout=5_000)
    assert panel.patient_id == young
    row = queue.model.row_of(abbott)
    assert row is not None and ReasonKind.DONE_TODAY in queue.model.kinds(row)  # read again, sunk


def test_the_call_panel_header_says_which_minutes_count_for_nothing_as_the_row_does(unlocked, canary_store, qtbot):
    """A tester read "Not enrolled: CCM ended 11/20/2026" in the call panel beside a row saying
    "(14 min after CCM ended 11/20 count for nothing)": the header now says it too, from the
    queue row already built (no other read)."""
    pid = canary_store["canary"]
    ws = unlocked.workspace
    log_time(ws, pid, minutes=14, activity="care coordination", on=date(2026, 11, 21), program="CCM")
    ccm = next(e for e in patient_records.record(ws, pid).enrollments if e.program is Program.CCM)
    enrollments.end_enrollment(ws, ccm.id, date(2026, 11, 20))
    queue = _rebuilt(unlocked, qtbot)
    for shown in (canary_store["Abbott"], pid):  # the panel opened the canary before the end: again
        assert queue.select_patient(shown)
        queue.open_selected()
        assert queue.panel.patient_id == shown
    assert queue.panel.header.programs.text() == (
        "Not enrolled: CCM ended 11/20/2026 (14 min after CCM ended 11/20 count for nothing)"
    )
