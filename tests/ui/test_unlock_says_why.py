"""The unlock page says why CareDesk locked, and whether what was being typed was kept.

A fresh tester came back to the unlock page after an idle lock with no word of why it locked
nor that the form they had half filled was kept. Now it says "Locked after 10 minutes without
use." (Ctrl+L: "Locked."; the screen locking: "Locked when the screen locked.") and, when a form
was kept, "What you were typing was kept; it is offered again after you unlock." Never patient
data: the page shows before the passphrase.
"""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QLineEdit

from caredesk.ui.shell.unlock import KEPT_SAID
from tests.ui.conftest import unlock_with
from tests.ui.test_kept_new_patient import FAMILY, MRN, _ctrl_n, _idle_lock, _type_a_new_patient


def _why(window) -> str:
    page = window.unlock_panel.unlock
    assert window.unlock_panel.currentWidget() is page
    return page.why.text() if page.why.isVisibleTo(page) else ""


def _page_texts(window) -> str:
    page = window.unlock_panel.unlock
    return " ".join(w.text() for w in page.findChildren(QLabel) + page.findChildren(QLineEdit))


def test_an_idle_lock_says_after_how_long(unlocked, qtbot):
    _idle_lock(unlocked, qtbot)
    assert _why(unlocked) == "Locked after 10 minutes without use."


def test_an_idle_lock_over_a_half_typed_form_says_it_was_kept_naming_nothing(unlocked, canary_store, qtbot):
    _type_a_new_patient(_ctrl_n(unlocked, qtbot), qtbot)
    _idle_lock(unlocked, qtbot)
    assert _why(unlocked) == f"Locked after 10 minutes without use. {KEPT_SAID}"
    assert FAMILY not in _page_texts(unlocked) and MRN not in _page_texts(unlocked)
    # Going to the recovery page and back leaves the line.
    panel = unlocked.unlock_panel
    panel.show_recover()
    panel.recover.back_button.click()
    assert _why(unlocked) == f"Locked after 10 minutes without use. {KEPT_SAID}"
    unlock_with(qtbot, unlocked)
    unlocked.lock()  # the next lock says its own reason, and nothing was typed this time
    assert _why(unlocked) == "Locked."


def test_ctrl_l_says_locked_and_a_wrong_passphrase_leaves_it(unlocked, qtbot):
    unlocked.lock()
    assert _why(unlocked) == "Locked."
    page = unlocked.unlock_panel.unlock
    page.passphrase.setText("not the passphrase at all")
    page.unlock_button.click()
    qtbot.waitUntil(lambda: bool(page.message.text()), timeout=10_000)
    assert _why(unlocked) == "Locked."


def test_the_screen_locking_says_so(unlocked, qtbot):
    unlocked.session_lock.locked.emit("screen locked")
    qtbot.waitUntil(lambda: unlocked.workspace is None)
    assert _why(unlocked) == "Locked when the screen locked."


def test_a_first_unlock_says_no_reason(make_window, canary_store, qtbot):
    window = make_window()
    assert _why(window) == ""


def test_an_idle_lock_over_an_unsaved_call_says_it_was_kept(unlocked, canary_store, qtbot):
    from PySide6.QtCore import Qt

    from tests.ui.conftest import FakeSeconds
    from tests.ui.test_call_drafts import press, queue, type_text

    page = queue(unlocked)
    page.panel.set_timer_clock(FakeSeconds())
    unlocked.activateWindow()
    page.table.setFocus()
    press(qtbot, Qt.Key.Key_Space)  # the timer starts; the cursor is in the note
    type_text(qtbot, "Qzx left before the end")
    press(qtbot, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)  # paused: it does not hold off the idle lock
    _idle_lock(unlocked, qtbot)
    assert _why(unlocked) == f"Locked after 10 minutes without use. {KEPT_SAID}"
    assert "Qzx" not in _page_texts(unlocked)
