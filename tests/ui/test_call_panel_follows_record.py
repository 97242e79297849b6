"""Today's call panel follows the patient's record at once (SPEC 8: every fact a rule reads shows
at once). A fresh tester ended a program in the chart (and with `caredesk enroll --end` beside
the app): the queue re-ranked, but the call panel kept showing the program in its header and
Program box until another patient was opened. The call being worked stays as typed.
The clock fixture's today is 11/24/2026; the canary is in CCM since 03/01/2025.
"""

from __future__ import annotations

from datetime import date

from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Program
from caredesk.services import enrollments
from caredesk.ui.chart.record_dialogs import EndProgramDialog
from caredesk.ui.queue.page import QueuePage
from tests.ui.conftest import CANARY_MRN
from tests.ui.test_outside_writes import caredesk, fast_poll, idle
from tests.ui.test_record_tab import _open, _record, _save, _stored, _type

ENDED = "Not enrolled: CCM ended 11/20/2026"


def _open_in_panel(window, pid: int) -> QueuePage:
    queue = window.view.show_page(QueuePage)
    assert queue.select_patient(pid)
    queue.open_selected()
    assert queue.panel.patient_id == pid
    assert queue.panel.header.programs.text() == "CCM consent since 03/02/2025"
    assert queue.panel.current_program() is Program.CCM
    return queue


def _programs_offered(queue: QueuePage) -> list[Program | None]:
    box = queue.panel.program
    return [Program(box.itemData(i)) if box.itemData(i) else None for i in range(box.count())]


def test_ending_the_program_in_the_chart_shows_in_the_call_panel_with_the_call_kept(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    ws = unlocked.workspace
    queue = _open_in_panel(unlocked, pid)
    pcm = enrollments.enroll(ws, pid, Program.PCM, date(2026, 11, 1)).value  # (not published: not yet shown)
    panel = queue.panel
    panel.set_outcome(Outcome.REACHED)
    panel.note.setPlainText("Reviewed the new inhaler")
    panel.timing.set_minutes(12, edited=True)
    panel.form.set_follow_up(date(2026, 12, 1))

    tab = _record(unlocked, pid)  # the chart, the call left unsaved in the queue
    ccm = next(e for e in tab.data.enrollments if e.program is Program.CCM)
    tab.programs.selectRow(tab.data.enrollments.index(ccm))
    dialog = _open(qtbot, tab, tab.end_button, EndProgramDialog)
    _type(qtbot, dialog.end, "11/20/2026")
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert next(e for e in _stored(unlocked, pid).enrollments if e.id == ccm.id).end_date == date(2026, 11, 20)

    # At once, not when the patient changes: CCM gone from the header and the Program box.
    assert panel.header.programs.text() == "PCM no consent on file"
    assert _programs_offered(queue) == [Program.PCM]
    assert panel.current_program() is Program.PCM
    assert panel.message.text() == "CCM is no longer active for this patient: this call will be saved under PCM."
    # The call being worked, as typed.
    assert panel.patient_id == pid and panel.drafts.unsaved
    assert panel.outcome() is Outcome.REACHED
    assert panel.note.toPlainText() == "Reviewed the new inhaler"
    assert panel.minutes.value() == 12 and panel.timing.minutes_edited
    assert panel.form.follow_up_date() == date(2026, 12, 1)
    assert pcm.id is not None


def test_a_program_ended_by_a_caredesk_command_shows_in_the_call_panel(unlocked, canary_store, qtbot, data_dir):
    pid = canary_store["canary"]
    queue = _open_in_panel(unlocked, pid)
    fast_poll(unlocked)
    caredesk(data_dir, "enroll", "--mrn", CANARY_MRN, "--program", "CCM", "--end", "11/20/2026")
    qtbot.waitUntil(lambda: unlocked.outside.refreshed == 1 and idle(unlocked), timeout=15_000)
    assert queue.panel.patient_id == pid  # the same patient, read again
    assert queue.panel.header.programs.text() == ENDED
    assert _programs_offered(queue) == [None]  # "Not enrolled"
    assert queue.panel.message.text() == ""  # no call was being worked: nothing to tell


def test_a_command_beside_an_unsaved_call_shows_once_it_is_kept_with_the_draft_intact(
    unlocked, canary_store, qtbot, data_dir
):
    """While a call is worked nothing is refreshed under it (README); kept as a draft, the panel
    follows the record and the draft stays in the form."""
    pid = canary_store["canary"]
    queue = _open_in_panel(unlocked, pid)
    panel = queue.panel
    queue.start_call()
    panel.note.setPlainText("Asked about the pharmacy")
    panel.set_outcome(Outcome.REACHED)
    fast_poll(unlocked)
    caredesk(data_dir, "enroll", "--mrn", CANARY_MRN, "--program", "CCM", "--end", "11/20/2026")
    qtbot.waitUntil(lambda: unlocked.outside.ready is not None, timeout=15_000)
    assert panel.header.programs.text() == "CCM consent since 03/02/2025"  # waits for the call

    assert panel.drafts.keep_draft()
    qtbot.waitUntil(lambda: unlocked.outside.refreshed == 1 and idle(unlocked), timeout=15_000)
    assert panel.patient_id == pid
    assert panel.header.programs.text() == ENDED
    assert panel.note.toPlainText() == "Asked about the pharmacy" and panel.outcome() is Outcome.REACHED
    assert panel.message.text() == (
        "CCM is no longer active for this patient: this call has no program now, so its minutes cannot be logged "
        "(Save call offers to save it without them)."
    )
