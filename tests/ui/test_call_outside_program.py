"""A call with minutes on a day the patient is in no program (SPEC 3: minutes only within an
enrollment). A fresh tester ended the patient's CCM in the chart while her call was worked
(timer, Reached, note, 10 min): Ctrl+S was refused "not enrolled in a program on ..." and the
only way to save was to set Minutes to 0 herself, the 10 real minutes dropped without a word.
Now the refusal asks: "Save without minutes" saves the contact (outcome, note, follow-up) and
says the minutes are not logged; Go back keeps the form as typed, saying how to fix it.
The clock fixture's today is 11/24/2026; the canary is in CCM since 03/01/2025.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import Program
from caredesk.services import enrollments
from caredesk.ui.common.hub import publish
from caredesk.ui.common.message_box import MessageBox
from caredesk.ui.queue.page import QueuePage

REFUSED = (
    "Program: the patient is not enrolled in a program on 11/24/2026: save the call without minutes, "
    "or correct the program's end date."
)


def _call_then_ccm_ended(window, pid: int) -> QueuePage:
    """The canary's call worked in the panel (Reached, a note, 10 min, a follow-up), then CCM
    ended 11/20 from the chart (published, as the Record tab's End program does)."""
    queue = window.view.show_page(QueuePage)
    assert queue.select_patient(pid)
    queue.open_selected()
    panel = queue.panel
    panel.set_outcome(Outcome.REACHED)
    panel.note.setPlainText("Reviewed the new inhaler")
    panel.timing.set_minutes(10, edited=True)
    panel.form.set_follow_up(date(2026, 12, 1))
    ws = window.workspace
    ccm = enrollments.open_enrollment(ws, pid, Program.CCM)
    assert ccm.id is not None
    publish(enrollments.end_enrollment(ws, ccm.id, date(2026, 11, 20)).changes)
    assert panel.current_program() is None  # "Not enrolled", as the tester saw it
    return queue


def _answer(qtbot, key: Qt.Key, seen: list[str]) -> None:
    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, MessageBox):
            seen.append(f"no question: {box!r}")
            return
        seen.extend([box.windowTitle(), box.text(), box.informativeText(), box.defaultButton().text()])
        qtbot.waitUntil(lambda: QApplication.activeWindow() is box, timeout=2_000)
        alt = key != Qt.Key.Key_Escape  # Save without minutes is Alt+W; Esc goes back
        qtbot.keyClick(box, key, Qt.KeyboardModifier.AltModifier if alt else Qt.KeyboardModifier.NoModifier)
        try:
            qtbot.waitUntil(lambda: not box.isVisible(), timeout=2_000)
        except Exception:
            seen.append("not answered by the key")
            box.reject()

    QTimer.singleShot(50, answer)


QUESTION = [
    "No program for these minutes",
    "The patient is not enrolled in a program on 11/24/2026: 10\N{NO-BREAK SPACE}min cannot be logged for that day.",
    "Save without minutes: the call's outcome, note and follow-up are saved, the 10 min are not logged. "
    "Or go back and correct the program's end date in the chart's Record tab.",
    "&Go back",
]


def test_save_without_minutes_saves_the_contact_and_logs_no_minutes(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    queue = _call_then_ccm_ended(unlocked, pid)
    seen: list[str] = []
    _answer(qtbot, Qt.Key.Key_W, seen)
    result = queue.panel.save()
    assert seen == QUESTION
    assert result is not None and result.time_entry is None
    assert result.contact.outcome is Outcome.REACHED
    assert result.contact.note == "Reviewed the new inhaler"
    assert result.contact.follow_up == date(2026, 12, 1)
    assert not queue.panel.drafts.unsaved


def test_go_back_keeps_the_call_as_typed_and_says_how_to_fix_it(unlocked, canary_store, qtbot):
    pid = canary_store["canary"]
    queue = _call_then_ccm_ended(unlocked, pid)
    panel = queue.panel
    seen: list[str] = []
    _answer(qtbot, Qt.Key.Key_Escape, seen)
    assert panel.save() is None
    assert seen == QUESTION
    assert panel.message.text() == REFUSED
    assert panel.minutes.value() == 10 and panel.note.toPlainText() == "Reviewed the new inhaler"
    assert panel.outcome() is Outcome.REACHED and panel.drafts.unsaved


def test_end_program_says_first_that_a_call_is_being_worked(unlocked, canary_store, qtbot):
    """End program, with the patient's call worked in the queue (10 min), says so in the form
    before an end before today leaves the call no program; Enter again ends it. An end today
    or later leaves the call its program: nothing to say."""
    from caredesk.ui.chart.record_dialogs import EndProgramDialog
    from tests.ui.test_record_tab import _open, _record, _save, _stored, _type

    pid = canary_store["canary"]
    queue = unlocked.view.show_page(QueuePage)
    assert queue.select_patient(pid)
    queue.open_selected()
    queue.panel.set_outcome(Outcome.REACHED)
    queue.panel.timing.set_minutes(10, edited=True)

    tab = _record(unlocked, pid)
    ccm = next(e for e in tab.data.enrollments if e.program is Program.CCM)
    tab.programs.selectRow(tab.data.enrollments.index(ccm))
    dialog = _open(qtbot, tab, tab.end_button, EndProgramDialog)
    _type(qtbot, dialog.end, "11/24/2026")  # today: the call keeps CCM
    assert dialog._asked_about_worked_call(date(2026, 11, 24)) is False
    _type(qtbot, dialog.end, "11/20/2026")
    _save(qtbot, dialog)
    assert dialog.isVisible()
    assert dialog.message.text() == (
        "A call with this patient is being worked in the queue (10 min on its timer): with CCM ended 11/20 "
        "its minutes cannot be logged. "
        "Press End program anyway to end it, or change the end date."
    )
    assert dialog.save_button.accessibleName() == "End program anyway"
    assert next(e for e in _stored(unlocked, pid).enrollments if e.id == ccm.id).end_date is None
    _save(qtbot, dialog)
    qtbot.waitUntil(lambda: not dialog.isVisible())
    assert next(e for e in _stored(unlocked, pid).enrollments if e.id == ccm.id).end_date == date(2026, 11, 20)
    assert queue.panel.minutes.value() == 10 and queue.panel.drafts.unsaved  # the call as it was
