"""Issue 10 items 2-4 in the GUI, through the real widgets over a real store: the guided
interview (chart and call panel), the safety banner and its safety-check form, the Assessments
tab's history and trend.

Rules the steps rest on:
- PHQ-9: nine items scored 0-3, total 0-27; 20-27 "severe"; item 9 (thoughts of being better
  off dead or of self-harm) answered above "Not at all" needs a suicide-risk assessment
  whatever the total (Kroenke K, Spitzer RL, Williams JBW. The PHQ-9. J Gen Intern Med
  2001;16:606-613; the PHQ Instruction Manual, Pfizer, "Instructions for use").
- PHQ-2: the PHQ-9's first two items; 3 or more is a positive screen that goes on to the PHQ-9
  (Kroenke, Spitzer, Williams. Med Care 2003;41:1284-1292).
- GAD-7: 0-21; 5-9 mild (Spitzer RL et al. Arch Intern Med 2006;166:1092-1097).
- SPEC section 3: a safety flag tops the queue until a safety check is documented.
The clock is the suite's: Tuesday 11/24/2026 10:30, America/New_York.
"""

from __future__ import annotations

from datetime import date

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication

from caredesk.domain.assessments import Instrument
from caredesk.domain.contacts import Outcome
from caredesk.domain.patients import ConsentMethod, Enrollment, Program
from caredesk.domain.safety import SafetyAction
from caredesk.services import assessments as screens
from caredesk.services import stays
from caredesk.ui.assess.interview_dialog import InterviewDialog
from caredesk.ui.chart.assessments_tab import AssessmentsTab
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.chart.safety_check_dialog import SafetyCheckDialog
from caredesk.ui.common.hub import publish
from caredesk.ui.queue.page import QueuePage
from tests.ui.conftest import FakeSeconds
from tests.ui.test_coordination_in_window import shown_reasons
from tests.ui.test_whole_record_journey import click, open_chart_tab, open_in_call_panel, type_into, visible_dialog

TODAY = date(2026, 11, 24)


def key(qtbot, k: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    """One key to whatever has the keyboard focus, as the keyboard sends it."""
    widget = QApplication.focusWidget()
    assert widget is not None, "nothing has the keyboard focus"
    qtbot.keyClick(widget, k, modifier)


def closed(qtbot, dialog) -> None:
    """Wait until the dialog has closed (it deletes itself on close)."""
    qtbot.waitUntil(lambda: not shiboken6.isValid(dialog) or not dialog.isVisible())


def digits(qtbot, text: str) -> None:
    for ch in text:
        key(qtbot, getattr(Qt.Key, f"Key_{ch}"))


def new_screening(qtbot, window, pid: int) -> tuple[AssessmentsTab, InterviewDialog]:
    tab = open_chart_tab(window, qtbot, pid, AssessmentsTab)
    click(qtbot, tab.new_button)
    dialog = visible_dialog(qtbot, tab, InterviewDialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is dialog.interview)
    return tab, dialog


def choose(qtbot, dialog: InterviewDialog, instrument: Instrument) -> None:
    """Alt+I, then Down until the instrument shows, then Tab back into the questions."""
    dialog.activateWindow()
    qtbot.waitUntil(dialog.isActiveWindow)
    key(qtbot, Qt.Key.Key_I, Qt.KeyboardModifier.AltModifier)
    box = dialog.interview.instrument_box
    assert QApplication.focusWidget() is box
    while box.currentData() != instrument.value:
        key(qtbot, Qt.Key.Key_Down)
    key(qtbot, Qt.Key.Key_Tab)
    assert dialog.interview.isAncestorOf(QApplication.focusWidget())


def minutes_logged(ws, pid: int) -> list[int]:
    with ws.reading() as uow:
        return [e.minutes for e in uow.time_entries.for_patient(pid)]


@pytest.fixture
def ranked(unlocked, canary_store, qtbot):
    """The canary panel, with Young enrolled and discharged yesterday: her TCM contact is due
    today, which outranks everything in the queue but a safety flag."""
    window, young = unlocked, canary_store["Young"]
    ws = window.workspace
    with ws.uow() as uow:
        uow.enrollments.add(
            Enrollment(
                patient_id=young,
                program=Program.CCM,
                start_date=date(2026, 1, 5),
                consent_date=date(2026, 1, 5),
                consent_method=ConsentMethod.WRITTEN,
            )
        )
        uow.commit()
    publish(stays.add_stay(ws, young, facility="Mercy General", discharged_on=date(2026, 11, 23)).changes)
    return window, young


def queue_order(window) -> list[int]:
    model = window.view.page(QueuePage).model
    return [model.queue_row(r).patient_id for r in range(model.rowCount())]


def test_phq9_keyed_as_nine_3s_scores_27_severe_flags_the_queue_and_chart_until_the_safety_check(
    ranked, canary_store, qtbot
):
    window, young = ranked
    ws, canary = window.workspace, canary_store["canary"]
    assert queue_order(window)[0] == young  # a TCM contact due today, before the screen

    tab, dialog = new_screening(qtbot, window, canary)
    choose(qtbot, dialog, Instrument.PHQ9)
    interview = dialog.interview
    digits(qtbot, "33333333")
    assert interview.score.text() == "So far 24 (8 of 9 answered): at least severe"
    assert not interview.safety.isVisible()
    key(qtbot, Qt.Key.Key_3)  # item 9: "Nearly every day"
    assert interview.score.text() == "Score 27 of 27: severe"  # Kroenke 2001: 20-27 severe
    assert interview.safety.isVisible()  # at once, beside the questions
    notice = interview.safety.accessibleDescription()
    assert 'PHQ-9 item 9 answered "Nearly every day"' in notice
    assert "988" in notice and "911" in notice and "PCP" in notice
    assert dialog.save_button.text() == "&Save" and dialog.save_button.isDefault()
    key(qtbot, Qt.Key.Key_Return)  # Enter saves a finished screen
    closed(qtbot, dialog)

    (saved,) = screens.history(ws, canary)
    assert (saved.instrument, saved.answers, saved.score, saved.band) == (Instrument.PHQ9, (3,) * 9, 27, "severe")
    assert tab.message.text().startswith("PHQ-9 saved for 11/24/2026: 27, severe.")
    assert tab.table.item(0, 1).text() == "27 of 27"
    assert tab.table.item(0, 3).text() == "OPEN: check needed"
    assert tab.check_line.text().startswith("Safety flag open: no safety check documented yet")

    # The queue re-ranked at once: the safety flag first, above the TCM deadline.
    assert queue_order(window)[0] == canary
    assert shown_reasons(window, canary)[0] == "PHQ-9 item 9 positive on 11/24 - safety check"
    banner = window.view.page(PatientsPage).chart.safety_banner
    assert banner.isVisible()
    assert banner.text.text() == "PHQ-9 item 9 positive on 11/24 - safety check needed"

    # The safety-check form: refusals name their field and save nothing.
    click(qtbot, banner.check_button)
    form = visible_dialog(qtbot, window, SafetyCheckDialog)
    assert form.by.text() and form.day.text() == "11/24/2026" and form.time.text() == "10:30 AM"
    click(qtbot, form.save_button)
    assert form.message.text().startswith(
        "What was done needs at least one box ticked: crisis line given (988), PCP told"
    )
    type_into(qtbot, form.time, "11:45 AM")  # later than now (10:30)
    form.action_boxes[SafetyAction.CRISIS_LINE].setChecked(True)
    click(qtbot, form.save_button)
    assert form.message.text() == "Checked at cannot be in the future."
    assert screens.safety_checks(ws, canary) == [] and banner.isVisible()
    assert queue_order(window)[0] == canary

    type_into(qtbot, form.time, "10:15 AM")
    form.action_boxes[SafetyAction.PCP_TOLD].setChecked(True)
    form.note.setPlainText("Denies plan or intent; lives with daughter; PCP messaged.")
    click(qtbot, form.save_button)
    closed(qtbot, form)
    (check,) = screens.safety_checks(ws, canary)
    assert check.actions == (SafetyAction.CRISIS_LINE, SafetyAction.PCP_TOLD)
    assert check.checked_at.astimezone(ws.tz).strftime("%H:%M") == "10:15"
    assert not banner.isVisible()
    assert not any("safety" in r for r in shown_reasons(window, canary))
    assert queue_order(window)[0] == young
    assert tab.table.item(0, 3).text() == "checked"
    # Who, when, what was done and the note stay readable under the selected screen.
    assert tab.table.current_id() == saved.id
    assert tab.check_line.text() == (
        f"Safety check 11/24/2026 10:15 AM by {check.by}: crisis line given (988), PCP told; "
        "note: Denies plan or intent; lives with daughter; PCP messaged."
    )


def test_a_positive_phq2_flows_into_the_phq9_keeping_its_two_answers_by_keyboard_alone(unlocked, canary_store, qtbot):
    window, canary = unlocked, canary_store["canary"]
    _tab, dialog = new_screening(qtbot, window, canary)
    interview = dialog.interview
    assert interview.instrument is Instrument.PHQ2  # where a screen starts
    digits(qtbot, "21")  # 3: positive (Kroenke 2003 cut-point)
    assert interview.score.text() == "Score 3 of 6: positive"
    assert interview.follow_on.isVisible()
    assert QApplication.focusWidget() is interview.continue_button
    key(qtbot, Qt.Key.Key_Space)
    assert interview.instrument is Instrument.PHQ9
    assert interview.answers == (2, 1, None, None, None, None, None, None, None)
    assert interview.progress.text() == "PHQ-9 · item 3 of 9 · items 1-2 from the PHQ-2"
    digits(qtbot, "1000000")
    assert interview.score.text() == "Score 4 of 27: minimal"  # 0-4 minimal (Kroenke 2001)
    key(qtbot, Qt.Key.Key_Return)
    closed(qtbot, dialog)
    (saved,) = screens.history(window.workspace, canary)
    assert (saved.instrument, saved.answers, saved.score) == (Instrument.PHQ9, (2, 1, 1, 0, 0, 0, 0, 0, 0), 4)


def test_a_whole_gad7_by_keys_back_and_correct_an_answer(unlocked, canary_store, qtbot):
    window, canary = unlocked, canary_store["canary"]
    _tab, dialog = new_screening(qtbot, window, canary)
    interview = dialog.interview
    choose(qtbot, dialog, Instrument.GAD7)
    digits(qtbot, "1111111")
    assert interview.score.text() == "Score 7 of 21: mild"  # 5-9 mild (Spitzer 2006)
    key(qtbot, Qt.Key.Key_Backspace)  # back to item 7, its answer kept
    assert interview.progress.text() == "GAD-7 · item 7 of 7"
    key(qtbot, Qt.Key.Key_Left)
    assert interview.progress.text() == "GAD-7 · item 6 of 7"
    key(qtbot, Qt.Key.Key_4)  # not an answer of this item: nothing changes
    assert interview.answers[5] == 1
    key(qtbot, Qt.Key.Key_3)  # item 6 corrected; on to the end (item 7 is answered)
    assert interview.answers == (1, 1, 1, 1, 1, 3, 1)
    assert interview.score.text() == "Score 9 of 21: mild"
    key(qtbot, Qt.Key.Key_Return)
    closed(qtbot, dialog)
    (saved,) = screens.history(window.workspace, canary)
    assert (saved.instrument, saved.score, saved.band) == (Instrument.GAD7, 9, "mild")


def test_a_screen_stopped_half_way_is_saved_as_incomplete_and_never_scored(unlocked, canary_store, qtbot):
    window, canary = unlocked, canary_store["canary"]
    tab, dialog = new_screening(qtbot, window, canary)
    choose(qtbot, dialog, Instrument.PHQ9)
    digits(qtbot, "212")
    key(qtbot, Qt.Key.Key_Right)  # item 4 skipped
    key(qtbot, Qt.Key.Key_1)
    assert dialog.interview.score.text() == "So far 6 (4 of 9 answered): at least mild"
    assert dialog.save_button.text() == "&Save as incomplete"
    assert not dialog.save_button.isDefault()  # Enter does not save a half-done screen
    type_into(qtbot, dialog.minutes, "0")  # no assessment time logged
    key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    closed(qtbot, dialog)
    (saved,) = screens.history(window.workspace, canary)
    assert saved.answers == (2, 1, 2, None, 1, None, None, None, None)
    assert (saved.complete, saved.score, saved.band) == (False, None, None)
    assert minutes_logged(window.workspace, canary) == []
    assert tab.message.text() == "PHQ-9 saved for 11/24/2026 as incomplete (4 of 9 answered, not scored)."
    row = [tab.table.item(0, c).text() for c in range(4)]
    assert row == ["11/24/2026", "— (4 of 9 answered)", "incomplete, not scored", ""]


def test_a_half_done_screen_is_finished_later_from_its_answers_and_leaves_the_queue(unlocked, canary_store, qtbot):
    """Tester finding (issue 10): a half-done screen could not be resumed. New screening… now
    continues the unfinished PHQ-9 the queue names; the screen saved is a new, complete one
    (PHQ-9 total 6: 5-9 is "mild", Kroenke et al. 2001)."""
    window, canary = unlocked, canary_store["canary"]
    half = (2, 1, 2, None, 1, None, None, None, None)
    publish(screens.record_assessment(window.workspace, canary, Instrument.PHQ9, half, TODAY).changes, window)
    unfinished = "PHQ-9 of 11/24 unfinished (4 of 9 answered) - item 9 not asked"
    assert unfinished in shown_reasons(window, canary)
    _tab, dialog = new_screening(qtbot, window, canary)
    assert (dialog.interview.instrument, dialog.interview.answers) == (Instrument.PHQ9, half)
    assert dialog.resumed.isVisibleTo(dialog)
    assert dialog.resumed.text() == (
        "Continuing the PHQ-9 of 11/24/2026: 4 of 9 answered then. Start over to ask every item again."
    )
    digits(qtbot, "00000")  # items 4, 6, 7, 8 and 9: the unanswered ones, in order
    assert dialog.interview.result().complete and dialog.interview.result().score == 6
    type_into(qtbot, dialog.minutes, "0")
    key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)
    closed(qtbot, dialog)
    first, second = screens.history(window.workspace, canary)
    assert first.answers == half and not first.complete  # the record of what was asked then stays
    assert second.answers == (2, 1, 2, 0, 1, 0, 0, 0, 0) and (second.score, second.band) == (6, "mild")
    assert unfinished not in shown_reasons(window, canary)


def test_a_screen_run_from_the_chart_logs_its_minutes_as_assessment_time_and_draws_the_trend(
    unlocked, canary_store, qtbot
):
    window, canary = unlocked, canary_store["canary"]
    ws = window.workspace
    screens.record_assessment(ws, canary, Instrument.PHQ9, [2, 2, 2, 2, 2, 2, 1, 0, 0], date(2026, 9, 1))  # 13
    tab, dialog = new_screening(qtbot, window, canary)
    assert dialog.interview.instrument is Instrument.PHQ9  # the instrument the tab shows
    digits(qtbot, "111111100")  # 7: mild
    type_into(qtbot, dialog.minutes, "6")
    click(qtbot, dialog.save_button)
    closed(qtbot, dialog)
    assert minutes_logged(ws, canary) == [6]
    assert tab.message.text() == "PHQ-9 saved for 11/24/2026: 7, mild. 6 min logged as assessment time."
    assert [tab.table.item(r, 1).text() for r in range(tab.table.rowCount())] == ["7 of 27", "13 of 27"]
    words = tab.chart.accessibleDescription()
    assert words.startswith("2 readings from 09/01/2026 to 11/24/2026; latest 7 on 11/24/2026")
    assert "shaded: minimal (0–4) (latest mild)" in words
    assert tab.bands.text().startswith("PHQ-9 score bands: 0–4 minimal · 5–9 mild · 10–14 moderate")


def test_a_screen_in_the_call_panel_offers_its_minutes_to_the_call_logged_once_with_the_call(
    ranked, canary_store, qtbot
):
    window, _young = ranked
    ws, canary = window.workspace, canary_store["canary"]
    queue = open_in_call_panel(window, qtbot, canary)
    panel = queue.panel
    seconds = FakeSeconds()
    panel.set_timer_clock(seconds)
    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is not None)
    key(qtbot, Qt.Key.Key_S, Qt.KeyboardModifier.AltModifier)  # Screen…
    dialog = visible_dialog(qtbot, panel, InterviewDialog)
    choose(qtbot, dialog, Instrument.PHQ9)
    digits(qtbot, "000000000")
    seconds.now += 4 * 60 + 10  # 4 min 10 s: 5 minutes offered (rounded up)
    dialog.tick()
    assert dialog.minutes.value() == 5 and dialog.minutes.accessibleName() == "Minutes for the call"
    key(qtbot, Qt.Key.Key_Return)
    closed(qtbot, dialog)
    assert panel.minutes.value() == 5 and panel.timing.minutes_edited
    assert panel.message.text() == "PHQ-9 saved for 11/24/2026: 0, minimal. 5 min added to the call's minutes."
    assert minutes_logged(ws, canary) == []  # the screen logged none: they belong to the call
    assert panel.drafts.unsaved  # the call form holds them: not dropped without a question
    panel.set_outcome(Outcome.REACHED)
    assert panel.save() is not None
    assert minutes_logged(ws, canary) == [5]


def test_while_the_call_timer_runs_a_screen_adds_no_minutes_the_timer_counts_them(ranked, canary_store, qtbot):
    window, _young = ranked
    canary = canary_store["canary"]
    panel = open_in_call_panel(window, qtbot, canary).panel
    seconds = FakeSeconds()
    panel.set_timer_clock(seconds)
    panel.timing.start()
    dialog = panel.side_work.open_screening()
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.interview.begin(Instrument.PHQ2)
    for value in (0, 1):
        dialog.interview.answer(value)
    seconds.now += 150
    dialog.tick()
    panel.timing.tick()
    assert dialog.save() is not None
    assert panel.minutes.value() == 2  # the timer's whole minutes of 2 min 30 s, nothing added on top
    assert not panel.timing.minutes_edited  # the box still follows the timer
    assert panel.message.text().endswith("Its time is counted by the running call timer.")
