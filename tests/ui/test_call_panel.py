"""Working a call from the queue: saved in one go, the queue re-ranks, the next patient is up."""

from __future__ import annotations

from datetime import date, timedelta

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import QApplication, QPlainTextEdit

from caredesk.domain.contacts import Outcome
from caredesk.domain.queue import ReasonKind
from caredesk.ui.queue.page import QueuePage
from tests.ui.conftest import CANARY_FAMILY, CANARY_GIVEN, CANARY_MRN, FakeSeconds
from tests.ui.test_call_drafts import answer_call_question
from tests.ui.test_patients_and_lock import visible_texts


def queue(window) -> QueuePage:
    return window.view.page(QueuePage)


def contacts_of(window, patient_id: int) -> list:
    with window.workspace.uow() as uow:
        return uow.contacts.for_patient(patient_id)


def time_entries_of(window, patient_id: int) -> list:
    with window.workspace.uow() as uow:
        return uow.time_entries.for_patient(patient_id)


def short_of_minutes(page: QueuePage, need: int) -> int:
    """A proxy row (not the last) whose patient is at least `need` minutes short of a threshold."""
    for r in range(page.proxy.rowCount() - 1):
        entry = page.model.queue_row(page.model.row_of(page.proxy.patient_id(r))).entry
        kinds = {x.kind for x in entry.reasons}
        if ReasonKind.MINUTES in kinds and entry.threshold is not None and entry.threshold - entry.minutes > need:
            return r
    raise AssertionError("no patient short of minutes in the demo panel")


def test_timed_call_is_logged_the_queue_reranks_and_the_next_patient_is_up(demo_unlocked, qtbot):
    page = queue(demo_unlocked)
    seconds = FakeSeconds()
    page.panel.set_timer_clock(seconds)
    row = short_of_minutes(page, 8)
    pid, following = page.proxy.patient_id(row), page.proxy.patient_id(row + 1)
    before = page.model.queue_row(page.model.row_of(pid)).entry.minutes
    contacts_before = len(contacts_of(demo_unlocked, pid))
    demo_unlocked.activateWindow()
    page.table.setFocus()
    page.table.select_row(row)
    qtbot.keyClick(page.table, Qt.Key.Key_Space)
    seconds.now += 7 * 60 + 30
    page.panel.outcome_buttons[Outcome.REACHED].click()
    page.panel.note.setPlainText("Talked through the new inhaler")
    page.table.setFocus()
    qtbot.keyClick(page.table, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)

    stored = contacts_of(demo_unlocked, pid)
    assert len(stored) == contacts_before + 1
    newest = max(stored, key=lambda c: c.id)
    assert newest.outcome is Outcome.REACHED and newest.note == "Talked through the new inhaler"
    entry = max(time_entries_of(demo_unlocked, pid), key=lambda e: e.id)
    assert entry.minutes == 7 and entry.contact_id == newest.id and entry.started_at is not None
    after = page.model.queue_row(page.model.row_of(pid)).entry.minutes
    assert after == before + 7  # re-ranked with the new minutes
    assert page.panel.patient_id == following  # the selection moved on
    assert page.proxy.patient_id(page.table.currentIndex().row()) == following
    assert not page.panel.timer.started and not page.panel.ticker.isActive()
    assert page.panel.note.toPlainText() == "" and page.panel.outcome() is None
    assert "Call saved" in page.notice.text()


def test_reached_patient_goes_after_everyone_not_yet_called(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    ids = [page.proxy.patient_id(r) for r in range(page.proxy.rowCount())]
    assert ids == [canary_store["canary"], canary_store["Abbott"], canary_store["Young"]]
    # In no program: a call does not settle "Not enrolled in a program" (SPEC 3: they rank with
    # missing consent until enrolled), so Abbott stays in the queue, after everyone not yet
    # called today, but leaves today's plan (the page opens on Plan).
    page.select_patient(canary_store["Abbott"])
    page.panel.set_outcome(Outcome.REACHED)
    assert page.panel.save() is not None
    ids = [page.proxy.patient_id(r) for r in range(page.proxy.rowCount())]
    assert ids == [canary_store["canary"], canary_store["Young"]]
    queued = [page.model.queue_row(r).patient_id for r in range(page.model.rowCount())]
    assert queued == [canary_store["canary"], canary_store["Young"], canary_store["Abbott"]]
    assert page.panel.patient_id == canary_store["Young"]
    # The heading counts who is still to call today (the reached one was counted: "3 to call, 2 planned").
    assert page.heading.text().endswith("— 2 to call")


def test_with_everyone_reached_the_heading_says_nobody_is_left_to_call(unlocked, canary_store, qtbot):
    """A keyboard-only tester reached the only patient of their queue and read "1 to call, 0
    planned today": the reached patient stays in All for their other reasons, not to call again."""
    page = queue(unlocked)
    for who in ("canary", "Abbott", "Young"):
        page.select_patient(canary_store[who])
        page.panel.set_outcome(Outcome.REACHED)
        assert page.panel.save() is not None
    assert page.model.rowCount() == 3  # still short of minutes, not enrolled: in All
    assert page.heading.text().endswith("— nobody left to call, 3 reached today")
    assert page.plan_bar.summary.text().startswith("Today's plan: nobody is due today.")


def test_follow_up_before_the_call_is_named_inline_and_nothing_is_stored(unlocked, canary_store):
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.panel.set_outcome(Outcome.REACHED)
    page.panel.minutes.setValue(12)
    page.panel.follow_up_check.setChecked(True)
    today = unlocked.workspace.today()
    page.panel.follow_up.setDate(QDate(today - timedelta(days=3)))
    assert page.panel.save() is None
    assert page.panel.message.isVisible()
    assert page.panel.message.text() == "Follow-up date cannot be before the call."
    assert contacts_of(unlocked, pid) == [] and time_entries_of(unlocked, pid) == []
    assert page.panel.patient_id == pid and page.panel.minutes.value() == 12  # the form is kept


def test_missing_outcome_is_named_and_alt_r_picks_reached(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    page.select_patient(canary_store["canary"])
    page.panel.save_button.click()
    assert page.panel.message.text().startswith("Outcome must be chosen")
    assert contacts_of(unlocked, canary_store["canary"]) == []
    unlocked.activateWindow()
    page.panel.note.setFocus()
    qtbot.keyClick(page.panel.note, Qt.Key.Key_R, Qt.KeyboardModifier.AltModifier)
    qtbot.waitUntil(lambda: page.panel.outcome() is Outcome.REACHED)  # a mnemonic clicks after ~100 ms
    # The refusal goes with the pick (a second tester saw it stay beside the outcome chosen).
    assert not page.panel.message.isVisible() and page.panel.message.text() == ""


def test_lock_stops_the_timer_and_clears_queue_and_panel(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    page.panel.set_timer_clock(FakeSeconds())
    page.select_patient(canary_store["canary"])
    page.start_call()
    page.panel.note.setPlainText(f"{CANARY_GIVEN} feels better")
    assert page.panel.timer.running
    answer_call_question(qtbot, Qt.Key.Key_K, Qt.KeyboardModifier.AltModifier)  # Ctrl+L asks: keep as draft
    unlocked.lock()
    assert unlocked.workspace is None
    assert not page.panel.timer.started and not page.panel.ticker.isActive()
    assert page.model.rowCount() == 0 and page.proxy.rowCount() == 0
    assert page.panel.patient_id is None
    texts = visible_texts(unlocked) + [e.toPlainText() for e in unlocked.findChildren(QPlainTextEdit)]
    for secret in (CANARY_FAMILY, CANARY_GIVEN, CANARY_MRN):
        assert not any(secret in t for t in texts)


def test_a_running_call_timer_holds_off_the_idle_lock_but_not_forever(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    fake = FakeSeconds()
    page.panel.set_timer_clock(fake)
    page.select_patient(canary_store["canary"])
    page.start_call()
    unlocked.set_idle_interval_ms(40)
    qtbot.wait(250)  # several idle periods pass while the nurse talks
    assert unlocked.workspace is not None and page.panel.timer.running
    fake.now += 61 * 60  # an hour on one call: unusually long, the screen locks after all
    qtbot.waitUntil(lambda: unlocked.workspace is None, timeout=3000)


def test_a_paused_call_timer_does_not_hold_off_the_idle_lock(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    page.panel.set_timer_clock(FakeSeconds())
    page.select_patient(canary_store["canary"])
    page.start_call()
    page.panel.timing.toggle_pause()
    unlocked.set_idle_interval_ms(40)
    qtbot.waitUntil(lambda: unlocked.workspace is None, timeout=3000)


def test_the_patient_list_shows_minutes_logged_from_the_queue(unlocked, canary_store, qtbot):
    from caredesk.ui.chart.patient_table import MINUTES
    from caredesk.ui.chart.patients_page import PatientsPage

    patients = unlocked.view.show_page(PatientsPage)
    before = {
        patients.proxy.source_id(r): patients.proxy.index(r, MINUTES).data() for r in range(patients.proxy.rowCount())
    }
    page = unlocked.view.show_page(QueuePage)
    page.select_patient(canary_store["canary"])
    page.open_selected(focus=False)
    page.panel.set_outcome(Outcome.REACHED)
    page.panel.minutes.setValue(9)
    assert page.panel.save() is not None
    unlocked.view.show_page(PatientsPage)
    after = {
        patients.proxy.source_id(r): patients.proxy.index(r, MINUTES).data() for r in range(patients.proxy.rowCount())
    }
    assert after[canary_store["canary"]] == before[canary_store["canary"]] + 9


def test_other_time_is_logged_and_the_minutes_bar_moves(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    before = page.model.queue_row(page.model.row_of(pid)).entry.minutes
    dialog = page.panel.side_work.log_other_time()
    dialog.minutes.setValue(11)
    dialog.activity.setCurrentText("medication review")
    dialog.save_button.click()
    assert dialog.saved is not None and dialog.saved.minutes == 11
    assert [e.minutes for e in time_entries_of(unlocked, pid)] == [11]
    assert contacts_of(unlocked, pid) == []  # time, not a contact
    row = page.model.row_of(pid)
    assert row is not None and page.model.queue_row(row).entry.minutes == before + 11
    assert "Logged 11 min of medication review." in page.panel.message.text()


def test_other_time_refuses_zero_minutes_and_stores_nothing(unlocked, canary_store):
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    dialog = page.panel.side_work.log_other_time()
    dialog.save_button.click()
    assert dialog.message.text() == "Minutes must be between 1 and 600."
    assert time_entries_of(unlocked, pid) == []


def test_the_call_header_gives_each_program_its_own_consent():
    """A PCM enrollment without consent next to a consented BHI one: one date must not stand
    for both (CMS needs consent per program before billing it)."""
    from datetime import date

    from caredesk.domain.patients import Chart, ConsentMethod, Enrollment, Patient, Program
    from caredesk.ui.queue.call_header import consent_line

    patient = Patient(id=7, mrn="X7", given_name="Test", family_name="Patient", birth_date=date(1950, 1, 1))
    chart = Chart(
        patient=patient,
        enrollments=(
            Enrollment(patient_id=7, program=Program.PCM, start_date=date(2024, 7, 1)),
            Enrollment(
                patient_id=7,
                program=Program.BHI,
                start_date=date(2024, 7, 1),
                consent_date=date(2024, 7, 14),
                consent_method=ConsentMethod.VERBAL,
            ),
        ),
    )
    assert consent_line(chart, date(2026, 11, 24)) == "PCM no consent on file · BHI consent since 07/14/2024"
    assert consent_line(Chart(patient=patient), date(2026, 11, 24)) == "Not enrolled in a program"
    later = Enrollment(patient_id=7, program=Program.CCM, start_date=date(2026, 12, 25))
    assert consent_line(Chart(patient=patient, enrollments=(later,)), date(2026, 12, 2)) == (
        "Not enrolled yet: CCM from 12/25/2026"
    )
    # Every program ended: said so, as the queue does (a fresh tester's patient read as in none).
    ended = Enrollment(patient_id=7, program=Program.CCM, start_date=date(2025, 1, 1), end_date=date(2026, 10, 31))
    assert consent_line(Chart(patient=patient, enrollments=(ended,)), date(2026, 11, 24)) == (
        "Not enrolled: CCM ended 10/31/2026"
    )


def test_typed_minutes_over_600_are_refused_by_name_not_cut_to_their_first_digits(unlocked, canary_store, qtbot):
    """A tester typed 9999 in Minutes and 99 were saved and billed (700 became 70): the box was
    capped at 600 and dropped the keystroke. Now the typed value reaches the save, which names it."""
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.panel.set_outcome(Outcome.REACHED)
    page.panel.minutes.setFocus()
    page.panel.minutes.lineEdit().selectAll()
    qtbot.keyClicks(page.panel.minutes, "700")
    assert page.panel.minutes.value() == 700
    assert page.panel.save() is None
    assert page.panel.message.text() == "Minutes must be a whole number from 0 to 600."
    assert contacts_of(unlocked, pid) == [] and time_entries_of(unlocked, pid) == []
    assert page.panel.minutes.value() == 700  # the form is kept, to be corrected


def test_other_time_typed_over_600_is_refused_by_name(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    dialog = page.panel.side_work.log_other_time()
    dialog.minutes.lineEdit().selectAll()
    qtbot.keyClicks(dialog.minutes, "9999")
    assert dialog.minutes.value() == 9999
    dialog.save_button.click()
    assert dialog.message.text() == "Minutes must be between 1 and 600."
    assert time_entries_of(unlocked, pid) == []


def test_other_time_dated_in_the_future_and_enter_is_refused_by_name_and_not_saved_as_today(
    unlocked, canary_store, qtbot
):
    """A keyboard-only tester typed 12/05/2026 (today 11/24/2026) and pressed Enter: the date field
    put today back without a word and Enter pressed Log time, so the minutes were saved as today's."""
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    dialog = page.panel.side_work.log_other_time()
    dialog.minutes.setValue(15)
    dialog.day.setFocus(Qt.FocusReason.TabFocusReason)
    dialog.day.lineEdit().selectAll()
    qtbot.keyClicks(dialog.day, "12/05/2026")
    qtbot.keyClick(dialog.day, Qt.Key.Key_Return)
    assert dialog.message.text() == "Date cannot be after today, 11/24/2026 ('12/05/2026' was not taken)."
    assert dialog.saved is None and time_entries_of(unlocked, pid) == []


def test_other_time_typed_by_keys_as_the_dialog_opens_is_dated_and_counted_as_typed(unlocked, canary_store, qtbot):
    """A keyboard-only tester opened Log other time (the date field focused, its month alone
    selected) and typed 11/20/2026, Tab, 20, Enter: the "/" after the month left the field, the
    date became 11/02 and the minutes "2020". The whole date is selected as the dialog opens."""
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    dialog = page.panel.side_work.log_other_time()
    qtbot.waitUntil(dialog.day.hasFocus)
    qtbot.keyClicks(QApplication.focusWidget(), "11/20/2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.waitUntil(dialog.minutes.hasFocus)
    dialog.minutes.lineEdit().selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), "20")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert [(e.minutes, e.on) for e in time_entries_of(unlocked, pid)] == [(20, date(2026, 11, 20))]


def test_other_time_refused_after_a_good_date_is_not_saved_with_the_good_date(unlocked, canary_store, qtbot):
    """A fresh tester typed 11/20/2026 (taken), then 12/05/2026 over it (refused on Tab: the field
    showed 11/20 again), then Enter: the minutes were saved on 11/20 with nothing said at the save."""
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    dialog = page.panel.side_work.log_other_time()
    qtbot.waitUntil(dialog.day.hasFocus)
    qtbot.keyClicks(QApplication.focusWidget(), "11/20/2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Backtab)
    qtbot.waitUntil(dialog.day.hasFocus)
    qtbot.keyClicks(QApplication.focusWidget(), "12/05/2026")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Tab)  # refused: 11/20 is shown again
    qtbot.waitUntil(dialog.minutes.hasFocus)
    dialog.minutes.lineEdit().selectAll()
    qtbot.keyClicks(QApplication.focusWidget(), "20")
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Return)  # Log time
    assert dialog.message.text() == (
        "Date cannot be after today, 11/24/2026 ('12/05/2026' was not taken, 11/20/2026 is shown): type the date again."
    )
    assert dialog.saved is None and time_entries_of(unlocked, pid) == []
    dialog.day.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClicks(dialog.day, "11/20/2026")  # typed again: taken
    qtbot.keyClick(dialog.day, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: dialog.saved is not None)
    assert [(e.minutes, e.on) for e in time_entries_of(unlocked, pid)] == [(20, date(2026, 11, 20))]


ALT = Qt.KeyboardModifier.AltModifier
LONG_QUESTION = "600 minutes is 10 h 00 min for one entry. Save it?"


def _typed_minutes(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box, text)


def test_a_call_of_600_typed_minutes_is_asked_about_and_enter_goes_back_to_fix_it(unlocked, canary_store, qtbot):
    """A keyboard-only tester's 600 for 60 was saved without a question. Enter (the default) goes
    back: nothing stored, the form kept, the minutes ready to be typed over."""
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    page.panel.set_outcome(Outcome.REACHED)
    _typed_minutes(qtbot, page.panel.minutes, "600")
    asked = answer_call_question(qtbot, Qt.Key.Key_Return)
    assert page.panel.save() is None
    assert asked == [LONG_QUESTION]
    assert contacts_of(unlocked, pid) == [] and time_entries_of(unlocked, pid) == []
    assert page.panel.minutes.value() == 600
    assert unlocked.focusWidget() is page.panel.minutes  # the window's focus (offscreen, not re-activated)
    assert page.panel.message.text() == "Not saved: correct the 600 min, or save again and choose Save."
    _typed_minutes(qtbot, page.panel.minutes, "60")  # fixed: 60 is saved without a question
    assert page.panel.save() is not None
    assert [e.minutes for e in time_entries_of(unlocked, pid)] == [60]


def test_a_call_of_600_minutes_is_saved_when_the_care_manager_says_save(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    page.panel.set_outcome(Outcome.REACHED)
    _typed_minutes(qtbot, page.panel.minutes, "600")
    asked = answer_call_question(qtbot, Qt.Key.Key_S, ALT)  # &Save 600 min
    assert page.panel.save() is not None
    assert asked == [LONG_QUESTION]
    assert [e.minutes for e in time_entries_of(unlocked, pid)] == [600]
    assert len(contacts_of(unlocked, pid)) == 1


def test_a_call_of_180_minutes_is_not_asked_about(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.panel.set_outcome(Outcome.REACHED)
    page.panel.minutes.setValue(180)  # three hours: the most saved without a question
    assert page.panel.save() is not None
    assert [e.minutes for e in time_entries_of(unlocked, pid)] == [180]


def test_other_time_of_600_minutes_asks_esc_goes_back_and_save_logs_it(unlocked, canary_store, qtbot):
    page = queue(unlocked)
    pid = canary_store["canary"]
    page.select_patient(pid)
    page.open_selected(focus=False)
    dialog = page.panel.side_work.log_other_time()
    _typed_minutes(qtbot, dialog.minutes, "600")
    asked = answer_call_question(qtbot, Qt.Key.Key_Escape)
    dialog.save_button.click()
    assert asked == [LONG_QUESTION]
    assert dialog.saved is None and time_entries_of(unlocked, pid) == []
    assert dialog.message.text() == "Not logged: correct the 600 min, or log again and choose Save."
    asked = answer_call_question(qtbot, Qt.Key.Key_S, ALT)
    dialog.save_button.click()
    assert asked == [LONG_QUESTION]
    assert dialog.saved is not None and [e.minutes for e in time_entries_of(unlocked, pid)] == [600]
