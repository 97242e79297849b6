"""The call, keyboard only (issue 9 item 12): the real widgets driven by keys sent to the
focused widget, each key counted. BENCHMARKS.md ("Keys per call") quotes these counts.

A chord (Alt+R, Ctrl+S) is one key; the note's text is not counted; typed minutes are
counted digit by digit.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QApplication,
)

from caredesk.domain.contacts import Outcome
from caredesk.domain.workdays import US_FEDERAL
from caredesk.ui.chart.patients_page import PatientsPage
from caredesk.ui.month.page import MonthPage
from caredesk.ui.queue.page import QueuePage
from tests.ui.conftest import FakeSeconds
from tests.ui.test_call_drafts import ALT, CTRL, press

NOTE = "Discussed the new inhaler; uses it twice a day"


class Keyboard:
    """Keys to the focused widget, as a person types them; counts every key but the note."""

    def __init__(self, qtbot) -> None:
        self.qtbot = qtbot
        self.keys = 0

    def press(self, key: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
        self.keys += 1
        press(self.qtbot, key, modifier)

    def digits(self, text: str) -> None:
        for ch in text:
            self.press(Qt.Key(ord(ch)))

    def note(self, text: str) -> None:
        self.qtbot.keyClicks(QApplication.focusWidget(), text)  # the note's own text: not counted


def queue(window) -> QueuePage:
    return window.view.page(QueuePage)


def contacts(window, pid: int) -> list:
    with window.workspace.uow() as uow:
        return uow.contacts.for_patient(pid)


def minutes_logged(window, pid: int) -> list[int]:
    with window.workspace.uow() as uow:
        return [e.minutes for e in uow.time_entries.for_patient(pid)]


@pytest.fixture
def ready(demo_unlocked, qtbot) -> QueuePage:
    """The demo's queue as a care manager finds it: focus on the queue, the top patient open."""
    demo_unlocked.activateWindow()
    qtbot.waitUntil(lambda: QApplication.focusWidget() is queue(demo_unlocked).table)
    return queue(demo_unlocked)


def test_after_opening_the_focus_is_on_the_queue(ready):
    assert QApplication.focusWidget() is ready.table  # not the Sections list (Down switched page)
    assert ready.panel.patient_id == ready.proxy.patient_id(0)


def test_a_voicemail_is_one_key_and_the_next_patient_is_up(demo_unlocked, ready, qtbot):
    kb = Keyboard(qtbot)
    pid, following = ready.proxy.patient_id(0), ready.proxy.patient_id(1)
    before = len(contacts(demo_unlocked, pid))
    kb.press(Qt.Key.Key_V)
    assert kb.keys == 1
    newest = max(contacts(demo_unlocked, pid), key=lambda c: c.id)
    assert len(contacts(demo_unlocked, pid)) == before + 1 and newest.outcome is Outcome.VOICEMAIL
    assert ready.panel.patient_id == following and QApplication.focusWidget() is ready.table
    kb.press(Qt.Key.Key_N)  # and the next one: no answer
    assert max(contacts(demo_unlocked, following), key=lambda c: c.id).outcome is Outcome.NO_ANSWER
    assert kb.keys == 2


def test_a_timed_reached_call_with_note_and_follow_up_is_four_keys(demo_unlocked, ready, qtbot):
    seconds = FakeSeconds()
    ready.panel.set_timer_clock(seconds)
    kb = Keyboard(qtbot)
    pid = ready.panel.patient_id
    kb.press(Qt.Key.Key_Space)  # timer on, cursor in the note
    kb.note(NOTE)
    seconds.now += 9 * 60 + 40
    kb.press(Qt.Key.Key_R, ALT)
    kb.press(Qt.Key.Key_2, ALT)  # follow-up in one week
    kb.press(Qt.Key.Key_S, CTRL)
    assert kb.keys == 4
    newest = max(contacts(demo_unlocked, pid), key=lambda c: c.id)
    assert (newest.outcome, newest.note) == (Outcome.REACHED, NOTE)
    assert newest.follow_up == demo_unlocked.workspace.today() + timedelta(days=7)
    assert minutes_logged(demo_unlocked, pid)[-1] == 9


def test_a_reached_call_with_typed_minutes_is_five_keys_and_the_digits(demo_unlocked, ready, qtbot):
    kb = Keyboard(qtbot)
    pid = ready.panel.patient_id
    kb.press(Qt.Key.Key_O, ALT)  # N&ote
    kb.note(NOTE)
    kb.press(Qt.Key.Key_R, ALT)
    kb.press(Qt.Key.Key_Tab)  # the minutes follow the note
    kb.digits("12")
    kb.press(Qt.Key.Key_1, ALT)  # follow-up the next working day
    kb.press(Qt.Key.Key_S, CTRL)
    assert kb.keys == 7  # 5 + two digits
    newest = max(contacts(demo_unlocked, pid), key=lambda c: c.id)
    today = demo_unlocked.workspace.today()
    assert (newest.outcome, newest.note, newest.follow_up) == (
        Outcome.REACHED,
        NOTE,
        US_FEDERAL.next_business_day(today),
    )
    assert minutes_logged(demo_unlocked, pid)[-1] == 12


def test_alt_r_tab_1_2_puts_12_in_the_minutes_not_the_note(ready, qtbot):
    """The issue's case: Alt+R took the focus to the button, so Tab led back to the note."""
    ready.panel.note.setFocus()
    qtbot.keyClicks(ready.panel.note, "Feels fine")
    for key, mod in ((Qt.Key.Key_R, ALT), (Qt.Key.Key_Tab, Qt.KeyboardModifier.NoModifier)):
        press(qtbot, key, mod)
    qtbot.keyClicks(QApplication.focusWidget(), "12")
    assert ready.panel.note.toPlainText() == "Feels fine"
    assert ready.panel.minutes.value() == 12 and ready.panel.outcome() is Outcome.REACHED


@pytest.mark.parametrize(
    ("key", "outcome"),
    [
        (Qt.Key.Key_R, Outcome.REACHED),
        (Qt.Key.Key_V, Outcome.VOICEMAIL),
        (Qt.Key.Key_N, Outcome.NO_ANSWER),
        (Qt.Key.Key_W, Outcome.WRONG_NUMBER),
        (Qt.Key.Key_D, Outcome.DECLINED),
    ],
)
def test_each_outcome_key_picks_at_once_and_the_note_keeps_the_focus(ready, qtbot, key, outcome):
    ready.panel.note.setFocus()
    press(qtbot, key, ALT)
    assert ready.panel.outcome() is outcome  # no 100 ms animated click to wait for
    assert QApplication.focusWidget() is ready.panel.note


def test_ctrl_s_right_after_alt_v_saves_the_voicemail(demo_unlocked, ready, qtbot):
    pid = ready.panel.patient_id
    ready.panel.note.setFocus()
    press(qtbot, Qt.Key.Key_V, ALT)
    press(qtbot, Qt.Key.Key_S, CTRL)  # no event loop turn in between
    assert max(contacts(demo_unlocked, pid), key=lambda c: c.id).outcome is Outcome.VOICEMAIL


def test_with_the_timer_paused_alt_r_picks_reached_and_alt_p_resumes(ready, qtbot):
    ready.panel.set_timer_clock(FakeSeconds())
    press(qtbot, Qt.Key.Key_Space)
    press(qtbot, Qt.Key.Key_P, ALT)
    assert ready.panel.timer.paused
    press(qtbot, Qt.Key.Key_R, ALT)
    assert ready.panel.outcome() is Outcome.REACHED and ready.panel.timer.paused
    press(qtbot, Qt.Key.Key_P, ALT)
    assert ready.panel.timer.running
    press(qtbot, Qt.Key.Key_T, ALT)  # S&top
    assert not ready.panel.timer.started


def test_each_follow_up_key_sets_its_date(ready, qtbot):
    today = ready.workspace.today()
    expected = {
        Qt.Key.Key_1: US_FEDERAL.next_business_day(today),
        Qt.Key.Key_2: today + timedelta(days=7),
        Qt.Key.Key_3: today + timedelta(days=14),
        Qt.Key.Key_4: today.replace(month=today.month % 12 + 1, year=today.year + today.month // 12),
    }
    ready.panel.note.setFocus()
    for key, day in expected.items():
        press(qtbot, key, ALT)
        assert ready.panel.follow_up_check.isChecked() and ready.panel.follow_up.value() == day
        assert QApplication.focusWidget() is ready.panel.note


def test_escape_in_the_panel_goes_back_to_the_queue(ready, qtbot):
    ready.panel.note.setFocus()
    press(qtbot, Qt.Key.Key_Escape)
    assert QApplication.focusWidget() is ready.table


def test_tab_and_shift_tab_leave_every_list(demo_unlocked, ready, qtbot):
    patients = demo_unlocked.view.page(PatientsPage)
    month = demo_unlocked.view.page(MonthPage)
    for page, table in ((ready, ready.table), (patients, patients.table), (month, month.table)):
        demo_unlocked.view.show_page(type(page))
        for key in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab):
            table.setFocus()
            qtbot.waitUntil(table.hasFocus)
            row = table.currentIndex().row()
            press(qtbot, key)
            assert not table.hasFocus(), f"{table.accessibleName()} kept the focus on {key.name}"
            assert table.currentIndex().row() == row


# No Alt key answers two controls of a window: tests/ui/test_mnemonics.py walks every page,
# chart tab and main dialog (the timer running and paused included).


def test_alt_f_on_the_queue_opens_the_file_menu(demo_unlocked, ready, qtbot):
    ready.panel.note.setFocus()
    press(qtbot, Qt.Key.Key_F, ALT)
    bar = demo_unlocked.menuBar()
    file_menu = bar.actions()[0].menu()
    qtbot.waitUntil(lambda: file_menu.isVisible())
    assert not ready.panel.follow_up_check.hasFocus()
    file_menu.close()
